// gr_beast_floor: a reference point, not a Gradio server. A bare Boost.Beast server that
// answers exactly the two requests of gr_load's call flow with the same bytes as bench_server
// echo, and nothing else: POST /gradio_api/call/<api> -> {"event_id":...}, then
// GET /gradio_api/call/<api>/<id> -> one chunked SSE response "event: complete ...".
// It shows what one call costs on this machine with Beast/Asio and no queue, sessions or JSON
// model, i.e. the floor for the server's CPU per call.
//
//   gr_beast_floor [--handoff]   # --handoff: the reply is computed on a worker thread, like a
//                                # queued event (mutex + condition variable + asio::post back)
// Honours GRADIO_SERVER_PORT (0 = any free port) and prints the usual "Running on" line.
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "bench_util.hpp"

using namespace bench;

namespace {

// A single worker thread fed by a mutex + condition variable (what a thread pool does).
class Worker {
public:
    Worker() : thread_([this] { run(); }) {}
    ~Worker() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        cv_.notify_one();
        thread_.join();
    }
    void post(std::function<void()> job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        cv_.notify_one();
    }

private:
    void run() {
        while (true) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
        }
    }
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stop_ = false;
    std::thread thread_;
};

struct Pending {
    std::optional<std::string> text;  // the reply, once computed
    asio::steady_timer* waiter = nullptr;
};

struct Server {
    asio::io_context ioc{1};
    bool handoff = false;
    std::unique_ptr<Worker> worker;
    std::unordered_map<std::string, std::shared_ptr<Pending>> events;  // io thread only
    unsigned long long next_id = 0;

    std::string new_id() {
        char buf[33];
        const unsigned long long n = ++next_id;
        std::snprintf(buf, sizeof buf, "%016llx%016llx", 0x9e3779b97f4a7c15ULL * n, n);
        return buf;
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        while (true) {
            http::request<http::string_body> req;
            // No structured binding kept alive across later co_awaits (g++ 12 coroutine issue).
            if (std::get<0>(co_await http::async_read(stream, buffer, req, use_tuple))) break;
            std::string_view target = req.target();
            constexpr std::string_view prefix = "/gradio_api/call/";
            if (req.method() == http::verb::post && target.starts_with(prefix)) {
                // {"data":["hello"]} -> the reply is the message (minimal parse: first string)
                const std::string& body = req.body();
                auto a = body.find("[\"");
                auto b = body.find('"', a == std::string::npos ? 0 : a + 2);
                std::string message = a == std::string::npos || b == std::string::npos ? "" : body.substr(a + 2, b - a - 2);
                auto id = new_id();
                auto pending = std::make_shared<Pending>();
                events[id] = pending;
                if (handoff) {
                    auto* ex = &ioc;
                    worker->post([pending, message, ex] {
                        std::string text = message;  // "run the fn" on the worker
                        asio::post(*ex, [pending, text = std::move(text)] {
                            pending->text = text;
                            if (pending->waiter) pending->waiter->cancel();
                        });
                    });
                } else {
                    pending->text = message;
                }
                http::response<http::string_body> res{http::status::ok, req.version()};
                res.set(http::field::content_type, "application/json");
                res.body() = "{\"event_id\":\"" + id + "\"}";
                res.keep_alive(req.keep_alive());
                res.prepare_payload();
                if (auto [wec, wn] = co_await http::async_write(stream, res, use_tuple); wec) break;
            } else if (req.method() == http::verb::get && target.starts_with(prefix)) {
                auto id = std::string(target.substr(target.rfind('/') + 1));
                auto it = events.find(id);
                std::string sse;
                if (it == events.end()) {
                    sse = "event: error\ndata: \"404: Not Found\"\n\n";
                } else {
                    auto pending = it->second;
                    if (!pending->text) {
                        asio::steady_timer wait(stream.get_executor(), std::chrono::seconds(30));
                        pending->waiter = &wait;
                        co_await wait.async_wait(use_tuple);
                        pending->waiter = nullptr;
                    }
                    events.erase(id);
                    sse = "event: complete\ndata: [\"" + pending->text.value_or("") + "\", null]\n\n";
                }
                // header, the one chunk and the last chunk in one write
                char size[32];
                std::snprintf(size, sizeof size, "%zx\r\n", sse.size());
                std::string out =
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
                    "transfer-encoding: chunked\r\n\r\n";
                out += size;
                out += sse;
                out += "\r\n0\r\n\r\n";
                if (auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out), use_tuple); wec) break;
            } else {
                http::response<http::string_body> res{http::status::not_found, req.version()};
                res.set(http::field::content_type, "application/json");
                res.body() = "{\"detail\":\"Not Found\"}";
                res.keep_alive(req.keep_alive());
                res.prepare_payload();
                if (auto [wec, wn] = co_await http::async_write(stream, res, use_tuple); wec) break;
            }
            if (!req.keep_alive()) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    asio::awaitable<void> accept(tcp::acceptor& acceptor) {
        while (true) {
            auto accepted = co_await acceptor.async_accept(use_tuple);
            if (std::get<0>(accepted)) {  // e.g. out of descriptors: back off instead of spinning
                asio::steady_timer t(ioc, std::chrono::milliseconds(10));
                co_await t.async_wait(use_tuple);
                continue;
            }
            tcp::socket socket = std::get<1>(std::move(accepted));
            beast::error_code ec;
            socket.set_option(tcp::no_delay(true), ec);
            asio::co_spawn(ioc, serve(std::move(socket)), asio::detached);
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    Server server;
    server.handoff = argc > 1 && std::string_view(argv[1]) == "--handoff";
    if (server.handoff) server.worker = std::make_unique<Worker>();
    unsigned short port = 7860;
    if (const char* env = std::getenv("GRADIO_SERVER_PORT"); env && *env) port = static_cast<unsigned short>(std::atoi(env));
    tcp::acceptor acceptor(server.ioc, {asio::ip::make_address("127.0.0.1"), port});
    std::printf("* Running on local URL:  http://127.0.0.1:%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    asio::signal_set signals(server.ioc, SIGINT, SIGTERM);
    signals.async_wait([&](auto, auto) { server.ioc.stop(); });
    asio::co_spawn(server.ioc, server.accept(acceptor), asio::detached);
    server.ioc.run();
    return 0;
}
