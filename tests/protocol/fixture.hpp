#pragma once
// Starts a ChatInterface on an ephemeral port for one test; the handle stops it.

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <sstream>
#include <string>
#include <mutex>
#include <thread>

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

// Polls `cond` until it holds or `timeout` passes; returns its last value. For states the
// test cannot be told about by a message; prefer waiting for the SSE message that proves it.
template <class F>
bool wait_until(F cond, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
        if (std::chrono::steady_clock::now() >= deadline) return cond();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// Holds chat functions until the test opens it, so that "still running" is a fact rather
// than a guess about how long a sleep lasts. wait() gives up after `limit` (a failing test
// must not hang the server's shutdown); declare a Gate before the TestServer and an
// OpenAtExit after it.
class Gate {
public:
    void open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    // True if opened, false if `limit` passed first.
    bool wait(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, limit, [&] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

struct OpenAtExit {
    Gate& gate;
    explicit OpenAtExit(Gate& g) : gate(g) {}
    OpenAtExit(const OpenAtExit&) = delete;
    OpenAtExit& operator=(const OpenAtExit&) = delete;
    ~OpenAtExit() { gate.open(); }
};

// Runs a queued step through queue/join and returns its process_completed message.
inline boost::json::object run_queued(std::uint16_t port, int fn, const boost::json::array& data,
                                      const boost::json::value& event_data, const std::string& session) {
    boost::json::object body{{"fn_index", fn}, {"data", data}, {"event_data", event_data}, {"session_hash", session}};
    auto join = post_json(port, "/gradio_api/queue/join", boost::json::serialize(body));
    if (join.status != 200) return {{"join_failed", join.body}};
    // The stream after the join: the session exists from the join on, and its mailbox keeps
    // what happened meanwhile.
    SseStream stream(port, "/gradio_api/queue/data?session_hash=" + session);
    while (auto m = stream.next_json())
        if (m->at("msg") == "process_completed") return m->as_object();
    return {{"no_completion", true}};
}

inline std::string echo_fn(const gr::Message& m, const gr::History&) { return m.text; }

// A file recorded from Gradio 6.25.0 (tests/protocol/recorded/).
inline std::string recorded(const std::string& name) {
    std::ifstream in(std::string(GR_RECORDED_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace gr_test
