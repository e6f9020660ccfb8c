#pragma once
// Starts a ChatInterface on an ephemeral port for one test; the handle stops it.

#include <gradio/gradio.hpp>

#include "client.hpp"

namespace gr_test {

struct TestServer {
    gr::ChatInterface demo;
    gr::Server server;
    std::uint16_t port;

    template <class Fn>
    explicit TestServer(Fn fn, gr::ChatInterfaceOptions options = {}, gr::LaunchOptions launch = {})
        : demo(std::move(fn), std::move(options)), server(demo.start(with_port0(launch))), port(server.port()) {}

    static gr::LaunchOptions with_port0(gr::LaunchOptions l) {
        l.server_name = "127.0.0.1";
        l.server_port = 0;
        l.quiet = true;
        return l;
    }
    // POST /gradio_api/call/<api> then read the whole SSE answer.
    std::vector<std::string> call(const std::string& message, const std::string& api = "chat",
                                  const std::string& session = "") {
        std::string body = R"({"data":[)" + boost::json::serialize(boost::json::value(message)) + "]";
        if (!session.empty()) body += R"(,"session_hash":")" + session + "\"";
        auto r = post_json(port, "/gradio_api/call/" + api, body + "}");
        if (r.status != 200) return {"HTTP " + std::to_string(r.status) + " " + r.body};
        auto id = std::string(r.json().at("event_id").as_string());
        SseStream s(port, "/gradio_api/call/" + api + "/" + id);
        return s.all();
    }
};

inline std::string echo_fn(const gr::Message& m, const gr::History&) { return m.text; }

}  // namespace gr_test
