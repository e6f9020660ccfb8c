#pragma once
// The HTTP/1.1 transport: Boost.Beast + Asio with C++20 coroutines. An open SSE stream is a
// suspended coroutine and a buffer, never a thread. The only file that includes Beast.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace gradio::detail::http {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 7860;
    std::size_t max_body_size = 16u << 20;
    std::size_t max_header_size = 16u << 10;  // at most 48 KiB: Beast throws on 64 KiB fields
    std::chrono::milliseconds request_timeout{30000};  // to send a request; idle keep-alive
    std::chrono::milliseconds write_timeout{30000};    // a client that stops reading is dropped
    std::chrono::milliseconds heartbeat{15000};        // SSE keep-alive interval
    int io_threads = 1;
    // Beyond it: 503 + Retry-After, at once. Lowered at start to fit RLIMIT_NOFILE.
    std::size_t max_connections = 20000;
    // TLS (PEM files): set = https only.
    std::string tls_certfile;
    std::string tls_keyfile;
    std::string tls_key_password;
};

// What the transport counts, always (an atomic add each): read by the metrics route.
struct TransportCounters {
    std::atomic<std::uint64_t> bytes_received{0};
    std::atomic<std::uint64_t> bytes_sent{0};
    std::atomic<std::int64_t> open_connections{0};
    std::atomic<std::int64_t> open_streams{0};
    std::array<std::atomic<std::uint64_t>, 6> responses_by_class{};  // [1..5]: 1xx..5xx
    void response(unsigned status) {
        if (status >= 100 && status < 600) responses_by_class[status / 100].fetch_add(1, std::memory_order_relaxed);
    }
    void sent(std::size_t bytes) { bytes_sent.fetch_add(bytes, std::memory_order_relaxed); }
    void received(std::size_t bytes) { bytes_received.fetch_add(bytes, std::memory_order_relaxed); }
};

// Runs `work` on the worker pool (`user_code`) or on the pool of the library's quick steps.
using Offloader = std::function<void(std::function<void()> work, bool user_code)>;

class HttpServer {
public:
    // `body_router` (optional) picks the routes that read their body as it arrives.
    HttpServer(ServerOptions options, Handler handler, Offloader offload, BodyRouter body_router = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts the I/O threads. Throws gradio::LaunchError (e.g. port in use, a TLS file
    // that cannot be used).
    void start();
    [[nodiscard]] std::uint16_t port() const noexcept;
    [[nodiscard]] const TransportCounters& counters() const noexcept;
    // Stops accepting, ends open streams (their sources see the stop), closes connections
    // and joins the I/O threads. Idempotent.
    void stop() noexcept;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace gradio::detail::http
