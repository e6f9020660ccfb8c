// gr_load: a bounded loopback load generator for a Gradio-protocol chat server.
//
// Each simulated client owns one keep-alive HTTP/1.1 connection and repeats a whole call:
//   --flow call  (default, the curl flow, spec §6)
//       POST /gradio_api/call/<api> {"data":[<message>]}      -> {"event_id": ...}
//       GET  /gradio_api/call/<api>/<event_id>                 -> SSE until `event: complete`
//                                                                 and the end of the chunked body
//   --flow queue (what @gradio/client does, spec §5 / §12.2; a fresh session per call)
//       POST /gradio_api/queue/join {"data":[<message>,null],"fn_index":N,"session_hash":S,...}
//       GET  /gradio_api/queue/data?session_hash=S             -> SSE until process_completed,
//                                                                 close_stream and the body end
// Latency = POST start -> arrival of the last event (`complete` / `process_completed`).
// Reports calls/s, latency percentiles and errors. Calls that start during --warmup are
// not counted.
//
//   gr_load --url http://127.0.0.1:7860 --clients 32 --duration 10 --message hello
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "bench_util.hpp"

using namespace bench;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::string port = "7860";
    int clients = 32;
    double duration_s = 10;
    double warmup_s = 1;
    std::string message = "hello";
    std::string api = "chat";
    std::string flow = "call";
    int threads = 1;
    int fn_index = -1;  // queue flow: looked up in /config when not given
    bool verbose = false;
    long server_pid = 0;  // report the server's CPU time per call when given
};

[[noreturn]] void usage(int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: gr_load [--url http://127.0.0.1:7860] [--clients 32] [--duration 10] [--warmup 1]\n"
                 "               [--message hello] [--api chat] [--flow call|queue] [--fn-index N]\n"
                 "               [--threads 1] [--pid SERVER_PID] [--verbose]\n");
    std::exit(code);
}

Options parse_args(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(2);
            return argv[++i];
        };
        if (a == "--url") bench::parse_url(value(), o.host, o.port);
        else if (a == "--clients") o.clients = std::stoi(value());
        else if (a == "--duration") o.duration_s = std::stod(value());
        else if (a == "--warmup") o.warmup_s = std::stod(value());
        else if (a == "--message") o.message = value();
        else if (a == "--api") o.api = value();
        else if (a == "--flow") o.flow = value();
        else if (a == "--fn-index") o.fn_index = std::stoi(value());
        else if (a == "--threads") o.threads = std::stoi(value());
        else if (a == "--pid") o.server_pid = std::stol(value());
        else if (a == "--verbose") o.verbose = true;
        else if (a == "--help" || a == "-h") usage(0);
        else usage(2);
    }
    if (o.clients < 1 || o.duration_s <= 0 || o.threads < 1 || (o.flow != "call" && o.flow != "queue")) usage(2);
    return o;
}

// Per-thread results, merged at the end.
struct Stats {
    std::vector<double> latency_us;
    long calls = 0;      // completed and counted (after warm-up)
    long all_calls = 0;  // completed including warm-up
    std::map<std::string, long> errors;
    void error(const std::string& what) { ++errors[what]; }
};

struct Shared {
    Options opt;
    tcp::resolver::results_type endpoints;
    Clock::time_point measure_from;
    Clock::time_point end;
    std::string call_body;    // POST body, prepared once
    std::string expect_final;  // text the final event must contain
};

std::string json_string(std::string_view s) { return json::serialize(json::value(json::string(s))); }

// Finds "event_id":"..." in a small JSON object.
std::optional<std::string> event_id_of(const std::string& body) {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto* id = v.as_object().if_contains("event_id");
    if (!id || !id->is_string()) return std::nullopt;
    return std::string(id->as_string());
}

class Worker {
public:
    Worker(Shared& shared, Stats& stats, int id) : sh_(shared), st_(stats), id_(id) {}

    asio::awaitable<void> run() {
        auto executor = co_await asio::this_coro::executor;
        stream_.emplace(executor);
        while (Clock::now() < sh_.end) {
            if (!connected_ && !co_await connect()) {
                asio::steady_timer t(executor, std::chrono::milliseconds(10));
                co_await t.async_wait(use_tuple);
                continue;
            }
            const auto t0 = Clock::now();
            std::optional<Clock::time_point> last;
            const bool ok = sh_.opt.flow == "call" ? co_await call_flow(last) : co_await queue_flow(last);
            if (!ok) {
                close();
                continue;
            }
            ++st_.all_calls;
            if (t0 >= sh_.measure_from && *last <= sh_.end) {
                ++st_.calls;
                st_.latency_us.push_back(std::chrono::duration<double, std::micro>(*last - t0).count());
            }
        }
        close();
    }

private:
    asio::awaitable<bool> connect() {
        auto [ec, ep] = co_await asio::async_connect(stream_->socket(), sh_.endpoints, use_tuple);
        if (ec) {
            st_.error("connect: " + ec.message());
            co_return false;
        }
        stream_->socket().set_option(tcp::no_delay(true), ec);
        buffer_.clear();
        connected_ = true;
        co_return true;
    }

    void close() {
        if (!connected_) return;
        beast::error_code ignored;
        stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_->socket().close(ignored);
        connected_ = false;
    }

    template <class Body>
    void common_headers(http::request<Body>& req) {
        req.set(http::field::host, sh_.opt.host + ":" + sh_.opt.port);
        req.set(http::field::user_agent, "gr_load");
        req.keep_alive(true);
    }

    // POST a JSON body; returns the event id.
    asio::awaitable<std::optional<std::string>> post(const std::string& target, const std::string& body) {
        http::request<http::string_body> req{http::verb::post, target, 11};
        common_headers(req);
        req.set(http::field::content_type, "application/json");
        req.set("x-gradio-user", "api");
        req.body() = body;
        req.prepare_payload();
        stream_->expires_after(std::chrono::seconds(30));
        if (auto [ec, n] = co_await http::async_write(*stream_, req, use_tuple); ec) {
            st_.error("POST write: " + ec.message());
            co_return std::nullopt;
        }
        http::response<http::string_body> res;
        if (auto [ec, n] = co_await http::async_read(*stream_, buffer_, res, use_tuple); ec) {
            st_.error("POST read: " + ec.message());
            co_return std::nullopt;
        }
        if (res.result() != http::status::ok) {
            st_.error("POST status " + std::to_string(res.result_int()));
            co_return std::nullopt;
        }
        auto id = event_id_of(res.body());
        if (!id) st_.error("POST: no event_id");
        if (!res.keep_alive()) close_after_ = true;
        co_return id;
    }

    // GET an SSE stream to its end; `last` = when `final_marker` was first seen.
    asio::awaitable<bool> read_stream(const std::string& target, std::string_view final_marker,
                                      std::optional<Clock::time_point>& last, std::string& body_out) {
        http::request<http::empty_body> req{http::verb::get, target, 11};
        common_headers(req);
        req.set(http::field::accept, "text/event-stream");
        stream_->expires_after(std::chrono::seconds(60));
        if (auto [ec, n] = co_await http::async_write(*stream_, req, use_tuple); ec) {
            st_.error("GET write: " + ec.message());
            co_return false;
        }
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u << 20);
        if (auto [ec, n] = co_await http::async_read_header(*stream_, buffer_, parser, use_tuple); ec) {
            st_.error("GET read header: " + ec.message());
            co_return false;
        }
        if (parser.get().result() != http::status::ok) {
            st_.error("GET status " + std::to_string(parser.get().result_int()));
            co_return false;
        }
        std::size_t scanned = 0;
        auto scan = [&] {
            if (last) return;
            const std::string& b = parser.get().body();
            const std::size_t from = scanned > final_marker.size() ? scanned - final_marker.size() : 0;
            if (b.find(final_marker, from) != std::string::npos) last = Clock::now();
            scanned = b.size();
        };
        while (!parser.is_done()) {
            auto [ec, n] = co_await http::async_read_some(*stream_, buffer_, parser, use_tuple);
            if (ec) {
                st_.error("GET read body: " + ec.message());
                co_return false;
            }
            scan();
        }
        scan();
        if (!parser.get().keep_alive()) close_after_ = true;
        body_out = std::move(parser.get().body());
        if (!last) {
            st_.error("stream ended without the final event");
            co_return false;
        }
        co_return true;
    }

    asio::awaitable<bool> call_flow(std::optional<Clock::time_point>& last) {
        close_after_ = false;
        auto id = co_await post("/gradio_api/call/" + sh_.opt.api, sh_.call_body);
        if (!id) co_return false;
        std::string body;
        if (!co_await read_stream("/gradio_api/call/" + sh_.opt.api + "/" + *id, "event: complete\n", last, body))
            co_return false;
        // The final event carries the final value.
        auto at = body.rfind("event: complete\ndata: ");
        if (at == std::string::npos || body.find(sh_.expect_final, at) == std::string::npos) {
            if (sh_.opt.verbose) std::cerr << "unexpected stream: " << body << "\n";
            st_.error("wrong final value");
            co_return false;
        }
        if (close_after_) close();
        co_return true;
    }

    asio::awaitable<bool> queue_flow(std::optional<Clock::time_point>& last) {
        close_after_ = false;
        const std::string session = "gr_load_" + std::to_string(id_) + "_" + std::to_string(++seq_);
        std::string body = "{\"data\":[" + json_string(sh_.opt.message) + ",null],\"event_data\":null,\"fn_index\":" +
                           std::to_string(sh_.opt.fn_index) + ",\"trigger_id\":null,\"session_hash\":\"" + session + "\"}";
        auto id = co_await post("/gradio_api/queue/join?", body);
        if (!id) co_return false;
        std::string stream_body;
        if (!co_await read_stream("/gradio_api/queue/data?session_hash=" + session, "\"msg\":\"process_completed\"", last,
                                  stream_body))
            co_return false;
        auto at = stream_body.find("\"msg\":\"process_completed\"");
        if (stream_body.find("\"success\":true", at) == std::string::npos ||
            stream_body.find(sh_.expect_final, at) == std::string::npos ||
            stream_body.find("\"msg\":\"close_stream\"", at) == std::string::npos) {
            if (sh_.opt.verbose) std::cerr << "unexpected stream: " << stream_body << "\n";
            st_.error("wrong final message");
            co_return false;
        }
        if (close_after_) close();
        co_return true;
    }

    Shared& sh_;
    Stats& st_;
    int id_;
    long seq_ = 0;
    std::optional<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    bool connected_ = false;
    bool close_after_ = false;
};

double self_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(rank);
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

}  // namespace

int main(int argc, char** argv) {
    Shared sh;
    sh.opt = parse_args(argc, argv);
    const Options& o = sh.opt;
    try {
        asio::io_context resolver_ctx;
        tcp::resolver resolver(resolver_ctx);
        sh.endpoints = resolver.resolve(o.host, o.port);
        if (o.flow == "queue" && o.fn_index < 0) sh.opt.fn_index = bench::lookup_fn_index(sh.endpoints, o.host, o.port, o.api);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gr_load: cannot reach %s:%s: %s\n", o.host.c_str(), o.port.c_str(), e.what());
        return 1;
    }
    sh.call_body = "{\"data\":[" + json_string(o.message) + "]}";
    // The call flow's GET uses json.dumps (ASCII-escaped); plain ASCII messages are found verbatim.
    sh.expect_final = json_string(o.message).substr(0, json_string(o.message).size() - 1);

    const auto start = Clock::now();
    sh.measure_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup_s));
    sh.end = sh.measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));

    std::vector<Stats> stats(static_cast<std::size_t>(o.threads));
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<std::unique_ptr<Worker>> workers;
    for (int t = 0; t < o.threads; ++t) contexts.push_back(std::make_unique<asio::io_context>(1));
    for (int c = 0; c < o.clients; ++c) {
        const auto t = static_cast<std::size_t>(c % o.threads);
        workers.push_back(std::make_unique<Worker>(sh, stats[t], c));
        asio::co_spawn(*contexts[t], workers.back()->run(), [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    }
    for (auto& ctx : contexts) threads.emplace_back([&ctx] { ctx->run(); });
    // CPU used by the server and by this generator during the measured window.
    std::this_thread::sleep_until(sh.measure_from);
    const double server_cpu0 = cpu_seconds(o.server_pid), self_cpu0 = self_cpu_seconds();
    std::this_thread::sleep_until(sh.end);
    const double server_cpu1 = cpu_seconds(o.server_pid), self_cpu1 = self_cpu_seconds();
    for (auto& th : threads) th.join();
    const double wall = std::chrono::duration<double>(Clock::now() - sh.measure_from).count();

    Stats all;
    for (auto& s : stats) {
        all.latency_us.insert(all.latency_us.end(), s.latency_us.begin(), s.latency_us.end());
        all.calls += s.calls;
        all.all_calls += s.all_calls;
        for (auto& [k, v] : s.errors) all.errors[k] += v;
    }
    std::sort(all.latency_us.begin(), all.latency_us.end());
    long error_count = 0;
    for (auto& [k, v] : all.errors) error_count += v;
    const double measured = std::min(wall, o.duration_s);

    std::printf("gr_load flow=%s url=http://%s:%s api=/%s clients=%d threads=%d duration=%.1fs warmup=%.1fs message=%s\n",
                o.flow.c_str(), o.host.c_str(), o.port.c_str(), o.api.c_str(), o.clients, o.threads, o.duration_s,
                o.warmup_s, json_string(o.message).c_str());
    std::printf("calls: %ld in %.2fs = %.0f calls/s (plus %ld during warm-up)\n", all.calls, measured,
                static_cast<double>(all.calls) / measured, all.all_calls - all.calls);
    std::printf("latency POST->last event (ms): p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f\n",
                percentile(all.latency_us, 50) / 1000, percentile(all.latency_us, 90) / 1000,
                percentile(all.latency_us, 99) / 1000, all.latency_us.empty() ? 0 : all.latency_us.back() / 1000,
                all.latency_us.empty()
                    ? 0
                    : [&] {
                          double sum = 0;
                          for (double v : all.latency_us) sum += v;
                          return sum / static_cast<double>(all.latency_us.size()) / 1000;
                      }());
    if (o.server_pid > 0 && all.calls > 0) {
        const double server_cpu = server_cpu1 - server_cpu0;
        std::printf("server cpu: %.2fs = %.0f%% of one core, %.1f us per call (pid %ld)\n", server_cpu,
                    100 * server_cpu / o.duration_s, 1e6 * server_cpu / static_cast<double>(all.calls), o.server_pid);
    }
    std::printf("generator cpu: %.2fs = %.0f%% of one core\n", self_cpu1 - self_cpu0,
                100 * (self_cpu1 - self_cpu0) / o.duration_s);
    std::printf("errors: %ld\n", error_count);
    for (auto& [k, v] : all.errors) std::printf("  %6ld  %s\n", v, k.c_str());
    return error_count == 0 && all.calls > 0 ? 0 : 3;
}
