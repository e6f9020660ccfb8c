// gr_idle_streams: opens N concurrent idle SSE streams against a Gradio-protocol server, holds
// them, and reports how many stay open and what they cost in server memory (VmRSS of --pid).
//
//   --kind heartbeat (default)  N x GET /gradio_api/heartbeat/<session>: the never-ending stream
//                               every browser tab (and the Python client) holds.
//   --kind queue                against a server whose /<api> holds its worker (bench_server hold,
//                               concurrency_limit 1): one event joins and runs forever, then N
//                               sessions each join one event (they wait in the queue) and open
//                               GET /gradio_api/queue/data?session_hash=... (idle until their turn).
//   --kind unread               against bench_server hold, like queue, but all N events join ONE
//                               session (session_hash "unread") and nobody opens its queue/data:
//                               what N unread events cost, and whether that grows while they wait
//                               (--hold seconds later). Opens no streams; --streams = events.
// A stream counts as open once its first SSE message arrived (ALIVE / estimation).
//
//   gr_idle_streams --url http://127.0.0.1:7860 --pid <server pid> --streams 10000 --kind heartbeat
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_util.hpp"

using namespace bench;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::string port = "7860";
    long pid = 0;
    int streams = 10000;
    std::string kind = "heartbeat";
    double hold_s = 5;
    int parallel = 200;  // connections being opened at once
    std::string api = "chat";
    double settle_s = 1;
};

[[noreturn]] void usage(int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: gr_idle_streams [--url http://127.0.0.1:7860] [--pid SERVER_PID] [--streams 10000]\n"
                 "                       [--kind heartbeat|queue|unread] [--hold 5] [--parallel 200] [--api chat]\n");
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
        else if (a == "--pid") o.pid = std::stol(value());
        else if (a == "--streams") o.streams = std::stoi(value());
        else if (a == "--kind") o.kind = value();
        else if (a == "--hold") o.hold_s = std::stod(value());
        else if (a == "--parallel") o.parallel = std::stoi(value());
        else if (a == "--api") o.api = value();
        else if (a == "--help" || a == "-h") usage(0);
        else usage(2);
    }
    if (o.streams < 1 || o.parallel < 1 || (o.kind != "heartbeat" && o.kind != "queue" && o.kind != "unread")) usage(2);
    return o;
}

struct State {
    Options opt;
    tcp::resolver::results_type endpoints;
    int fn_index = -1;
    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::atomic<int> joined{0};
    std::atomic<int> refused{0};  // joins answered 429 (a session holds at most 16,384 pending events)
    std::map<std::string, int> errors;  // touched on the io thread only
    void error(const std::string& what) { ++errors[what]; }
};

std::string host_header(const State& st) { return st.opt.host + ":" + st.opt.port; }

// One long-lived SSE stream: connect, GET target, wait for the first message (then it counts as
// open), then keep reading until the server closes it or we stop.
asio::awaitable<void> hold_stream(State& st, std::string target, std::string first_marker,
                                  std::shared_ptr<asio::steady_timer> opened_signal) {
    auto executor = co_await asio::this_coro::executor;
    beast::tcp_stream stream(executor);
    auto signal = [&] {
        if (opened_signal) opened_signal->cancel();
        opened_signal.reset();
    };
    if (auto [ec, ep] = co_await asio::async_connect(stream.socket(), st.endpoints, use_tuple); ec) {
        st.error("connect: " + ec.message());
        signal();
        co_return;
    }
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host_header(st));
    req.set(http::field::accept, "text/event-stream");
    if (auto [ec, n] = co_await http::async_write(stream, req, use_tuple); ec) {
        st.error("write: " + ec.message());
        signal();
        co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple); ec) {
        st.error("read header: " + ec.message());
        signal();
        co_return;
    }
    if (parser.get().result() != http::status::ok) {
        st.error("status " + std::to_string(parser.get().result_int()));
        signal();
        co_return;
    }
    bool counted = false;
    while (true) {
        if (!counted && parser.get().body().find(first_marker) != std::string::npos) {
            counted = true;
            ++st.opened;
            signal();
        }
        if (counted) parser.get().body().clear();  // keep the client small
        if (parser.is_done()) break;
        auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
        if (ec) {
            if (!counted) st.error("read: " + ec.message());
            break;
        }
    }
    if (counted) ++st.closed;
    else {
        st.error("stream ended before its first message");
        signal();
    }
}

// Opens streams [0, n) with at most `parallel` being opened at once.
asio::awaitable<void> opener(State& st, std::atomic<int>& next, int n,
                             std::string (*target_of)(const State&, int), const char* marker) {
    auto executor = co_await asio::this_coro::executor;
    while (true) {
        const int i = next++;
        if (i >= n) co_return;
        auto done = std::make_shared<asio::steady_timer>(executor, std::chrono::seconds(30));
        asio::co_spawn(executor, hold_stream(st, target_of(st, i), marker, done), asio::detached);
        co_await done->async_wait(use_tuple);  // cancelled when the stream is open or failed
    }
}

std::string heartbeat_target(const State&, int i) { return "/gradio_api/heartbeat/idle_" + std::to_string(i); }
std::string queue_target(const State&, int i) { return "/gradio_api/queue/data?session_hash=idle_" + std::to_string(i); }

// Joins events over a few keep-alive connections: one per session idle_<i>, or all in
// `one_session` when it is not empty.
asio::awaitable<void> joiner(State& st, std::atomic<int>& next, int n, std::string one_session) {
    auto executor = co_await asio::this_coro::executor;
    beast::tcp_stream stream(executor);
    if (auto [ec, ep] = co_await asio::async_connect(stream.socket(), st.endpoints, use_tuple); ec) {
        st.error("join connect: " + ec.message());
        co_return;
    }
    beast::flat_buffer buffer;
    while (true) {
        const int i = next++;
        if (i >= n) break;
        http::request<http::string_body> req{http::verb::post, "/gradio_api/queue/join?", 11};
        req.set(http::field::host, host_header(st));
        req.set(http::field::content_type, "application/json");
        req.body() = "{\"data\":[\"wait " + std::to_string(i) + "\",null],\"event_data\":null,\"fn_index\":" +
                     std::to_string(st.fn_index) + ",\"trigger_id\":null,\"session_hash\":\"" +
                     (one_session.empty() ? "idle_" + std::to_string(i) : one_session) + "\"}";
        req.prepare_payload();
        if (auto [ec, n2] = co_await http::async_write(stream, req, use_tuple); ec) {
            st.error("join write: " + ec.message());
            co_return;
        }
        http::response<http::string_body> res;
        if (auto [ec, n2] = co_await http::async_read(stream, buffer, res, use_tuple); ec) {
            st.error("join read: " + ec.message());
            co_return;
        }
        if (res.result() == http::status::too_many_requests) ++st.refused;
        else if (res.result() != http::status::ok) st.error("join status " + std::to_string(res.result_int()));
        else ++st.joined;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// Runs `ioc` until `done()` or `timeout`, printing progress once a second.
template <class Done>
void run_until(asio::io_context& ioc, Done done, std::chrono::seconds timeout, const char* what, const State& st) {
    const auto deadline = Clock::now() + timeout;
    auto last_print = Clock::now();
    while (!done() && Clock::now() < deadline) {
        ioc.run_for(std::chrono::milliseconds(100));
        if (ioc.stopped()) ioc.restart();
        if (Clock::now() - last_print > std::chrono::seconds(1)) {
            last_print = Clock::now();
            std::printf("  %s: opened %d, joined %d, refused %d, closed %d\n", what, st.opened.load(), st.joined.load(),
                        st.refused.load(), st.closed.load());
            std::fflush(stdout);
        }
    }
}

void settle(asio::io_context& ioc, double seconds) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    while (Clock::now() < until) {
        ioc.run_for(std::chrono::milliseconds(50));
        if (ioc.stopped()) ioc.restart();
    }
}

}  // namespace

int main(int argc, char** argv) {
    State st;
    st.opt = parse_args(argc, argv);
    const Options& o = st.opt;
    raise_fd_limit("this tool");
    asio::io_context ioc(1);
    try {
        tcp::resolver resolver(ioc);
        st.endpoints = resolver.resolve(o.host, o.port);
        if (o.kind != "heartbeat") st.fn_index = bench::lookup_fn_index(st.endpoints, o.host, o.port, o.api);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gr_idle_streams: %s\n", e.what());
        return 1;
    }
    std::printf("gr_idle_streams kind=%s url=http://%s:%s streams=%d pid=%ld\n", o.kind.c_str(), o.host.c_str(),
                o.port.c_str(), o.streams, o.pid);
    const int n = o.streams;
    std::atomic<int> next{0};
    long rss_joined = 0;

    if (o.kind != "heartbeat") {
        // 1. The event that holds the only worker slot, with its session stream open.
        {
            // join as session idle_hold, then open its stream and wait for process_generating
            beast::tcp_stream stream(ioc);
            stream.connect(st.endpoints);
            http::request<http::string_body> req{http::verb::post, "/gradio_api/queue/join?", 11};
            req.set(http::field::host, host_header(st));
            req.set(http::field::content_type, "application/json");
            req.body() = "{\"data\":[\"hold\",null],\"event_data\":null,\"fn_index\":" + std::to_string(st.fn_index) +
                         ",\"trigger_id\":null,\"session_hash\":\"idle_hold\"}";
            req.prepare_payload();
            http::write(stream, req);
            beast::flat_buffer buffer;
            http::response<http::string_body> res;
            http::read(stream, buffer, res);
            if (res.result() != http::status::ok) {
                std::fprintf(stderr, "holder join failed: %d %s\n", res.result_int(), res.body().c_str());
                return 1;
            }
        }
        auto started = std::make_shared<asio::steady_timer>(ioc, std::chrono::seconds(30));
        asio::co_spawn(ioc, hold_stream(st, "/gradio_api/queue/data?session_hash=idle_hold", "process_generating", started),
                       asio::detached);
        run_until(ioc, [&] { return st.opened.load() == 1 || !st.errors.empty(); }, std::chrono::seconds(30), "holder", st);
        if (st.opened.load() != 1) {
            std::fprintf(stderr, "the holding event did not start\n");
            return 1;
        }
        st.opened = 0;
        settle(ioc, o.settle_s);
    }

    const long fds0 = open_fds(o.pid);
    const long rss0 = rss_kib(o.pid);
    std::printf("server before: VmRSS %.1f MiB, %ld fds\n", mib(rss0), fds0);
    const auto t0 = Clock::now();

    if (o.kind != "heartbeat") {
        // 2. N sessions each join one event (unread: N events in one session); they wait behind
        // the holder.
        next = 0;
        const std::string one_session = o.kind == "unread" ? "unread" : "";
        for (int k = 0; k < std::min(8, n); ++k) asio::co_spawn(ioc, joiner(st, next, n, one_session), asio::detached);
        run_until(ioc, [&] { return st.joined.load() + st.refused.load() >= n || next.load() >= n + std::min(8, n); },
                  std::chrono::seconds(120), "joining", st);
        settle(ioc, 0.2);
        settle(ioc, o.settle_s);
        rss_joined = rss_kib(o.pid);
        std::printf("server after %d joins: VmRSS %.1f MiB (+%.1f MiB, %.2f KiB per queued event)\n", st.joined.load(),
                    mib(rss_joined), mib(rss_joined - rss0),
                    st.joined.load() ? static_cast<double>(rss_joined - rss0) / st.joined.load() : 0.0);
    }

    if (o.kind == "unread") {
        // Nobody reads: hold and look again (the mailbox of the session must not grow).
        settle(ioc, o.hold_s);
        const long rss2 = rss_kib(o.pid);
        std::printf("after %.0fs more: server VmRSS %.1f MiB (%+.1f MiB, %+.3f MB/s)\n", o.hold_s, mib(rss2),
                    mib(rss2 - rss_joined), mb(rss2 - rss_joined) / o.hold_s);
        std::printf("\nRESULT kind=unread joined=%d/%d refused_429=%d rss_before_MB=%.1f rss_joined_MB=%.1f "
                    "per_event_KiB=%.2f rss_after_hold_MB=%.1f growth_MB_per_s=%.3f hold_s=%.0f\n",
                    st.joined.load(), n, st.refused.load(), mb(rss0), mb(rss_joined),
                    st.joined.load() ? static_cast<double>(rss_joined - rss0) / st.joined.load() : 0.0, mb(rss2),
                    mb(rss2 - rss_joined) / o.hold_s, o.hold_s);
        int errors = 0;
        for (auto& [k, v] : st.errors) errors += v;
        std::printf("errors: %d\n", errors);
        for (auto& [k, v] : st.errors) std::printf("  %6d  %s\n", v, k.c_str());
        std::fflush(stdout);
        std::_Exit(st.joined.load() + st.refused.load() == n && errors == 0 ? 0 : 3);
    }

    // 3. The N idle streams.
    next = 0;
    const bool queue = o.kind == "queue";
    for (int k = 0; k < std::min(o.parallel, n); ++k)
        asio::co_spawn(ioc, opener(st, next, n, queue ? queue_target : heartbeat_target, queue ? "\"estimation\"" : "ALIVE"),
                       asio::detached);
    run_until(ioc, [&] { return next.load() >= n + std::min(o.parallel, n); }, std::chrono::seconds(300), "opening", st);
    const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
    settle(ioc, o.settle_s);
    const long rss1 = rss_kib(o.pid);
    const long fds1 = open_fds(o.pid);
    std::printf("opened %d/%d streams in %.1fs; server VmRSS %.1f MiB, %ld fds\n", st.opened.load(), n, open_s, mib(rss1), fds1);

    // 4. Hold them.
    settle(ioc, o.hold_s);
    const long rss2 = rss_kib(o.pid);
    const int open2 = st.opened.load() - st.closed.load();
    std::printf("after holding %.0fs: %d open, %d closed by the server; server VmRSS %.1f MiB\n", o.hold_s, open2,
                st.closed.load(), mib(rss2));

    const long base = queue ? rss_joined : rss0;
    // MB = 10^6 bytes (the unit of the targets), KiB = 1024 bytes.
    std::printf("\nRESULT kind=%s streams_open=%d/%d rss_before_MB=%.1f rss_with_streams_MB=%.1f delta_MB=%.1f "
                "per_stream_KiB=%.2f",
                o.kind.c_str(), open2, n, mb(rss0), mb(rss2), mb(rss2 - rss0),
                open2 ? static_cast<double>(rss2 - base) / open2 : 0.0);
    if (queue)
        std::printf(" per_waiting_client_KiB=%.2f (queued event + stream)",
                    open2 ? static_cast<double>(rss2 - rss0) / open2 : 0.0);
    std::printf("\n");
    int errors = 0;
    for (auto& [k, v] : st.errors) errors += v;
    std::printf("errors: %d\n", errors);
    for (auto& [k, v] : st.errors) std::printf("  %6d  %s\n", v, k.c_str());
    std::fflush(stdout);
    std::_Exit(open2 == n && errors == 0 ? 0 : 3);  // skip tearing down 10k coroutines one by one
}
