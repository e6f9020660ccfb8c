// gr_tls_cost: what TLS costs per call, as ratios to plain HTTP measured in the same run.
//
// Starts two echo servers in this process, one plain and one with TLS (a self-signed P-256
// certificate made with Debian's openssl in a temp folder), and times the curl flow
// (POST /gradio_api/call/chat, then its SSE stream to the end) from one client thread:
//   keep-alive   --calls calls on one connection (the usual API client)
//   new conn     --calls calls, each on a new connection (a TLS 1.3 handshake each)
// Reports per call: wall time and this process's CPU time (client and server together, both
// sides of TLS), for http and https, and the https/http ratio.
//
//   gr_tls_cost [--calls 2000] [--rounds 3]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <gradio/gradio.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

template <class Stream>
std::string send(Stream& stream, beast::flat_buffer& buffer, bhttp::verb verb, const std::string& target, const std::string& body) {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    if (res.result_int() != 200) throw std::runtime_error("HTTP " + std::to_string(res.result_int()) + " " + res.body());
    return std::move(res.body());
}

// One whole call of the curl flow on `stream`.
template <class Stream>
void call(Stream& stream, beast::flat_buffer& buffer) {
    const std::string posted = send(stream, buffer, bhttp::verb::post, "/gradio_api/call/chat", R"({"data":["hello"]})");
    const std::string id(boost::json::parse(posted).at("event_id").as_string());
    const std::string events = send(stream, buffer, bhttp::verb::get, "/gradio_api/call/chat/" + id, "");
    if (events.find("event: complete") == std::string::npos) throw std::runtime_error("no complete event: " + events);
}

struct Cost {
    double wall_us = 0;
    double cpu_us = 0;
};

class Client {
public:
    Client(std::uint16_t port, asio::ssl::context* tls) : port_(port), tls_(tls) {}

    Cost run(int calls, bool new_connection) {
        const auto wall0 = Clock::now();
        const double cpu0 = cpu_seconds();
        if (new_connection) {
            for (int i = 0; i < calls; ++i) once(1);
        } else {
            once(calls);
        }
        const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
        return {wall / calls * 1e6, (cpu_seconds() - cpu0) / calls * 1e6};
    }

private:
    void once(int calls) {
        const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port_);
        beast::flat_buffer buffer;
        if (tls_) {
            beast::ssl_stream<beast::tcp_stream> stream(ioc_, *tls_);
            beast::get_lowest_layer(stream).connect(at);
            stream.handshake(asio::ssl::stream_base::client);
            for (int i = 0; i < calls; ++i) call(stream, buffer);
            beast::error_code ignored;
            stream.shutdown(ignored);
        } else {
            beast::tcp_stream stream(ioc_);
            stream.connect(at);
            for (int i = 0; i < calls; ++i) call(stream, buffer);
        }
    }

    asio::io_context ioc_;
    std::uint16_t port_;
    asio::ssl::context* tls_;
};

std::string echo(const gr::Message& message, const gr::History&) { return message.text; }

}  // namespace

int main(int argc, char** argv) {
    int calls = 2000;
    int rounds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view a = argv[i];
        if (a == "--calls") calls = std::atoi(argv[i + 1]);
        else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    }
    const auto dir = std::filesystem::temp_directory_path() / ("gr_tls_cost_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string cert = (dir / "cert.pem").string();
    const std::string key = (dir / "key.pem").string();
    const std::string make = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 -subj /CN=127.0.0.1 "
                             "-addext subjectAltName=IP:127.0.0.1 -noenc -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
    if (std::system(make.c_str()) != 0) {
        std::fprintf(stderr, "openssl could not make a certificate\n");
        return 1;
    }
    gr::ChatInterface demo(echo, {.concurrency_limit = std::nullopt, .api_name = "chat"});
    gr::Server plain = demo.start({.server_port = 0, .quiet = true, .log_level = "warn"});
    gr::Server secure = demo.start({.server_port = 0, .quiet = true, .log_level = "warn", .ssl_keyfile = key, .ssl_certfile = cert});
    asio::ssl::context client_tls(asio::ssl::context::tls_client);
    client_tls.load_verify_file(cert);
    client_tls.set_verify_mode(asio::ssl::verify_peer);

    std::printf("gr_tls_cost: %d calls per measurement, %d rounds (client and server in this process)\n", calls, rounds);
    std::printf("%-11s %5s %12s %12s %12s %12s %8s %8s\n", "flow", "round", "http us", "https us", "http cpu", "https cpu", "wall x",
                "cpu x");
    for (const bool new_connection : {false, true}) {
        for (int r = 1; r <= rounds; ++r) {
            Client http_client(plain.port(), nullptr);
            Client https_client(secure.port(), &client_tls);
            (void)http_client.run(calls / 10 + 1, new_connection);  // warm-up
            (void)https_client.run(calls / 10 + 1, new_connection);
            const Cost a = http_client.run(calls, new_connection);
            const Cost b = https_client.run(calls, new_connection);
            std::printf("%-11s %5d %12.1f %12.1f %12.1f %12.1f %8.2f %8.2f\n", new_connection ? "new conn" : "keep-alive", r,
                        a.wall_us, b.wall_us, a.cpu_us, b.cpu_us, b.wall_us / a.wall_us, b.cpu_us / a.cpu_us);
        }
    }
    std::filesystem::remove_all(dir);
    return 0;
}
