// gr_stalled_streams: N clients each start one long streaming event and then stop reading its
// stream; reports what these stalled readers cost the server (VmRSS of --pid) once the events
// have finished producing, and how much the kernel holds for them in socket buffers.
//
// Against `bench_server longstream [TOKENS]` (a growing reply of TOKENS tokens, no concurrency
// limit). Steps:
//   1. probe: one ordinary client joins an event and reads its stream to the end (how many
//      tokens a stream produces, how long one takes);
//   2. N clients, each on its own connection: --flow queue (default; session stall_<i>):
//      POST /gradio_api/queue/join, GET /gradio_api/queue/data?session_hash=stall_<i> (diffs on
//      the wire); --flow call: POST /gradio_api/call/<api>, GET /gradio_api/call/<api>/<id> (the
//      whole reply so far in every frame). Each reads the response header, then never reads
//      again (the connection stays open; the kernel buffers fill, then the server's write blocks);
//   3. wait until the server's CPU goes idle (every event has produced its last token), then
//      read VmRSS, its descriptors and the machine's TCP socket memory;
//   4. keep the connections open up to --hold seconds and watch the server drop them (its
//      write timeout, 30 s) and what VmRSS does then;
//   5. read what each connection still holds: a stream that ends with close_stream was written
//      to the end (the kernel took all of it); one cut off was really stalled in the server.
//
//   gr_stalled_streams --url http://127.0.0.1:7860 --pid <server pid> --streams 1000
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"

using namespace bench;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    std::string port = "7860";
    long pid = 0;
    int streams = 1000;
    int parallel = 100;     // clients being set up at once
    int rcvbuf = 0;         // SO_RCVBUF of the stalled clients in bytes; 0 = the kernel's default
    double idle_cpu = 0.03; // the server counts as idle below this share of one core (over 1 s)
    double max_wait_s = 60; // for the server to go idle
    double hold_s = 40;     // keep the stalled connections this long after measuring
    std::string api = "chat";
    std::string flow = "queue";
    std::string heap_file;  // bench_server's GR_BENCH_HEAP_FILE: its live heap
};

[[noreturn]] void usage(int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: gr_stalled_streams [--url http://127.0.0.1:7860] [--pid SERVER_PID] [--streams 1000]\n"
                 "                          [--parallel 100] [--rcvbuf BYTES] [--idle-cpu 0.03] [--max-wait 60]\n"
                 "                          [--hold 40] [--api chat] [--flow queue|call]\n"
                 "                          [--heap-file PATH (bench_server's GR_BENCH_HEAP_FILE)]\n");
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
        else if (a == "--parallel") o.parallel = std::stoi(value());
        else if (a == "--rcvbuf") o.rcvbuf = std::stoi(value());
        else if (a == "--idle-cpu") o.idle_cpu = std::stod(value());
        else if (a == "--max-wait") o.max_wait_s = std::stod(value());
        else if (a == "--hold") o.hold_s = std::stod(value());
        else if (a == "--api") o.api = value();
        else if (a == "--flow") o.flow = value();
        else if (a == "--heap-file") o.heap_file = value();
        else if (a == "--help" || a == "-h") usage(0);
        else usage(2);
    }
    if (o.streams < 1 || o.parallel < 1 || o.rcvbuf < 0 || (o.flow != "queue" && o.flow != "call")) usage(2);
    return o;
}

struct State {
    Options opt;
    tcp::resolver::results_type endpoints;
    int fn_index = -1;
    std::atomic<int> next{0};
    int stalled = 0;  // header read, no longer reading
    int done = 0;     // set up or failed
    std::vector<std::unique_ptr<tcp::socket>> keep;  // the stalled connections, kept open
    std::map<std::string, int> errors;               // io thread only
    void error(const std::string& what) { ++errors[what]; }
};

std::string host_header(const State& st) { return st.opt.host + ":" + st.opt.port; }

http::request<http::string_body> join_request(const State& st, const std::string& session) {
    http::request<http::string_body> req{http::verb::post, "/gradio_api/queue/join?", 11};
    req.set(http::field::host, host_header(st));
    req.set(http::field::content_type, "application/json");
    req.body() = "{\"data\":[\"go\",null],\"event_data\":null,\"fn_index\":" + std::to_string(st.fn_index) +
                 ",\"trigger_id\":null,\"session_hash\":\"" + session + "\"}";
    req.prepare_payload();
    return req;
}

http::request<http::empty_body> data_request(const State& st, const std::string& session) {
    http::request<http::empty_body> req{http::verb::get, "/gradio_api/queue/data?session_hash=" + session, 11};
    req.set(http::field::host, host_header(st));
    req.set(http::field::accept, "text/event-stream");
    return req;
}

// One client: join, open the stream, read its header, stop reading (the socket is kept).
asio::awaitable<void> stall_one(State& st, int i) {
    auto executor = co_await asio::this_coro::executor;
    auto socket = std::make_unique<tcp::socket>(executor);
    const std::string session = "stall_" + std::to_string(i);
    beast::error_code ec;
    if (st.opt.rcvbuf > 0) {  // before connect, so that the window is small from the start
        socket->open(tcp::v4(), ec);
        if (!ec) socket->set_option(asio::socket_base::receive_buffer_size(st.opt.rcvbuf), ec);
        if (ec) {
            st.error("socket: " + ec.message());
            co_return;
        }
    }
    if (auto [e, ep] = co_await asio::async_connect(*socket, st.endpoints, use_tuple); e) {
        st.error("connect: " + e.message());
        co_return;
    }
    beast::flat_buffer buffer;
    const bool call = st.opt.flow == "call";
    auto join = join_request(st, session);
    if (call) {
        join.target("/gradio_api/call/" + st.opt.api);
        join.body() = "{\"data\":[\"go\"]}";
        join.prepare_payload();
    }
    if (auto [e, n] = co_await http::async_write(*socket, join, use_tuple); e) {
        st.error("join write: " + e.message());
        co_return;
    }
    http::response<http::string_body> joined;
    if (auto [e, n] = co_await http::async_read(*socket, buffer, joined, use_tuple); e) {
        st.error("join read: " + e.message());
        co_return;
    }
    if (joined.result() != http::status::ok) {
        st.error("join status " + std::to_string(joined.result_int()));
        co_return;
    }
    auto get = data_request(st, session);
    if (call) {
        boost::system::error_code pe;
        auto v = json::parse(joined.body(), pe);
        const auto* id = !pe && v.is_object() ? v.as_object().if_contains("event_id") : nullptr;
        if (!id || !id->is_string()) {
            st.error("call: no event_id");
            co_return;
        }
        get.target("/gradio_api/call/" + st.opt.api + "/" + std::string(id->as_string()));
    }
    if (auto [e, n] = co_await http::async_write(*socket, get, use_tuple); e) {
        st.error("GET write: " + e.message());
        co_return;
    }
    http::response_parser<http::empty_body> parser;
    if (auto [e, n] = co_await http::async_read_header(*socket, buffer, parser, use_tuple); e) {
        st.error("GET read header: " + e.message());
        co_return;
    }
    if (parser.get().result() != http::status::ok) {
        st.error("GET status " + std::to_string(parser.get().result_int()));
        co_return;
    }
    ++st.stalled;
    st.keep.push_back(std::move(socket));  // from here on nobody reads it
}

asio::awaitable<void> opener(State& st) {
    while (true) {
        const int i = st.next++;
        if (i >= st.opt.streams) co_return;
        co_await stall_one(st, i);
        ++st.done;
    }
}

// The probe: an ordinary client that reads one whole stream. Returns the number of tokens
// ("word ") in the final value and fills `seconds`.
long probe(const State& st, double& seconds) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(st.endpoints);
    const auto t0 = Clock::now();
    auto join = join_request(st, "stall_probe");
    http::write(stream, join);
    beast::flat_buffer buffer;
    http::response<http::string_body> joined;
    http::read(stream, buffer, joined);
    if (joined.result() != http::status::ok) throw std::runtime_error("probe join: " + joined.body());
    auto get = data_request(st, "stall_probe");
    http::write(stream, get);
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    http::read(stream, buffer, parser);
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string& body = parser.get().body();
    const auto at = body.rfind("\"msg\":\"process_completed\"");
    if (at == std::string::npos) throw std::runtime_error("probe: no process_completed");
    const auto frame_start = body.rfind("data: ", at);
    const auto frame_end = body.find("\n\n", at);
    const std::string_view frame(body.data() + frame_start, frame_end - frame_start);
    long tokens = 0;
    for (auto p = frame.find("word "); p != std::string_view::npos; p = frame.find("word ", p + 5)) ++tokens;
    return tokens;
}

// Reads what a stalled connection holds, up to EOF or `deadline`: did the stream reach its end?
asio::awaitable<void> drain(tcp::socket& socket, std::string marker, Clock::time_point deadline, int& complete, int& cut,
                            int& open) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, deadline);
    timer.async_wait([&socket](beast::error_code e) {
        if (!e) socket.cancel();
    });
    std::string tail;  // the last bytes seen, enough to find the end markers across reads
    bool ended = false;
    std::vector<char> buf(64 * 1024);
    while (true) {
        auto [e, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
        tail.append(buf.data(), n);
        if (tail.find(marker) != std::string::npos) ended = true;
        if (tail.size() > 64) tail.erase(0, tail.size() - 64);
        if (e) {
            if (e == asio::error::operation_aborted) ++open;
            else if (ended) ++complete;
            else ++cut;
            break;
        }
    }
    timer.cancel();
}

// Live heap of the server in KiB from its heap file (0 if none).
long heap_kib(const std::string& path) {
    if (path.empty()) return 0;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    const auto at = line.find("heap_in_use_bytes=");
    return at == std::string::npos ? 0 : std::atol(line.c_str() + at + 18) / 1024;
}

void run_for(asio::io_context& ioc, double seconds) {
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
    double probe_s = 0;
    long tokens = 0;
    try {
        tcp::resolver resolver(ioc);
        st.endpoints = resolver.resolve(o.host, o.port);
        st.fn_index = bench::lookup_fn_index(st.endpoints, o.host, o.port, o.api);
        tokens = probe(st, probe_s);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gr_stalled_streams: %s\n", e.what());
        return 1;
    }
    std::printf("gr_stalled_streams flow=%s url=http://%s:%s streams=%d pid=%ld client SO_RCVBUF=%s\n", o.flow.c_str(),
                o.host.c_str(), o.port.c_str(), o.streams, o.pid, o.rcvbuf ? std::to_string(o.rcvbuf).c_str() : "kernel default");
    std::printf("probe: one stream read to its end: %ld tokens in its final value, %.2fs\n", tokens, probe_s);
    run_for(ioc, 0.5);

    const long rss0 = rss_kib(o.pid), fds0 = open_fds(o.pid), tcp0 = tcp_kernel_kib(), heap0 = heap_kib(o.heap_file);
    std::printf("server before: VmRSS %.1f MiB, %ld fds; TCP socket memory (machine) %.1f MiB\n", mib(rss0), fds0, mib(tcp0));

    // 2. Set up the stalled clients.
    const auto t0 = Clock::now();
    for (int k = 0; k < std::min(o.parallel, o.streams); ++k) asio::co_spawn(ioc, opener(st), asio::detached);
    auto last_print = Clock::now();
    while (st.done < o.streams && Clock::now() - t0 < std::chrono::seconds(120)) {
        ioc.run_for(std::chrono::milliseconds(100));
        if (ioc.stopped()) ioc.restart();
        if (Clock::now() - last_print > std::chrono::seconds(1)) {
            last_print = Clock::now();
            std::printf("  setting up: %d stalled, %d done\n", st.stalled, st.done);
            std::fflush(stdout);
        }
    }
    const double setup_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("%d/%d readers stalled (header read, then no reads) in %.1fs\n", st.stalled, o.streams, setup_s);

    // 3. Wait until the server is idle: every event has produced its last token.
    const auto wait0 = Clock::now();
    double cpu_prev = cpu_seconds(o.pid);
    int quiet = 0;
    double busy_s = 0;
    while (quiet < 2 && Clock::now() - wait0 < std::chrono::duration<double>(o.max_wait_s)) {
        run_for(ioc, 0.5);
        const double cpu = cpu_seconds(o.pid);
        quiet = (cpu - cpu_prev) < o.idle_cpu * 0.5 ? quiet + 1 : 0;
        cpu_prev = cpu;
    }
    busy_s = std::chrono::duration<double>(Clock::now() - wait0).count();
    const bool idle = quiet >= 2;
    run_for(ioc, 0.3);  // a fresh heap file
    const long rss1 = rss_kib(o.pid), fds1 = open_fds(o.pid), tcp1 = tcp_kernel_kib(), heap1 = heap_kib(o.heap_file);
    const double since_setup = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("server %s %.1fs after the last reader stalled (%.1fs after the first join)\n",
                idle ? "idle" : "STILL BUSY", busy_s, since_setup);
    std::printf("with %d stalled readers: server VmRSS %.1f MiB (+%.1f MiB, %.1f KiB per reader), %ld fds; "
                "TCP socket memory %.1f MiB (+%.1f MiB, %.1f KiB per reader)\n",
                st.stalled, mib(rss1), mib(rss1 - rss0), st.stalled ? static_cast<double>(rss1 - rss0) / st.stalled : 0.0,
                fds1, mib(tcp1), mib(tcp1 - tcp0), st.stalled ? static_cast<double>(tcp1 - tcp0) / st.stalled : 0.0);
    if (!o.heap_file.empty())
        std::printf("server live heap (malloc in use): %.1f MiB before, %.1f MiB with them (%.1f KiB per reader)\n",
                    mib(heap0), mib(heap1), st.stalled ? static_cast<double>(heap1 - heap0) / st.stalled : 0.0);
    std::fflush(stdout);

    // 4. Keep them open: the server drops each after its write timeout.
    const auto hold0 = Clock::now();
    long fds2 = fds1;
    while (Clock::now() - hold0 < std::chrono::duration<double>(o.hold_s)) {
        run_for(ioc, 1);
        fds2 = open_fds(o.pid);
        if (fds2 <= fds0 + 2) break;
    }
    const double dropped_after = std::chrono::duration<double>(Clock::now() - wait0).count() + setup_s;
    run_for(ioc, 0.3);  // a fresh heap file
    const long rss2 = rss_kib(o.pid), tcp2 = tcp_kernel_kib(), heap2 = heap_kib(o.heap_file);
    std::printf("after %.0fs holding: server %ld fds (%s), VmRSS %.1f MiB, live heap %.1f MiB (sessions keep their "
                "chat history); TCP socket memory %.1f MiB\n",
                std::chrono::duration<double>(Clock::now() - hold0).count(), fds2,
                fds2 <= fds0 + 2 ? "dropped them all" : "still holding some", mib(rss2), mib(heap2), mib(tcp2));

    // 5. What did the server manage to write into each connection?
    int complete = 0, cut = 0, still_open = 0;
    const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
    for (auto& socket : st.keep) asio::co_spawn(ioc, drain(*socket, o.flow == "call" ? "event: complete" : "\"msg\":\"close_stream\"", drain_deadline, complete, cut, still_open), asio::detached);
    while (complete + cut + still_open < static_cast<int>(st.keep.size()) && Clock::now() < drain_deadline + std::chrono::seconds(1)) {
        ioc.run_for(std::chrono::milliseconds(100));
        if (ioc.stopped()) ioc.restart();
    }
    std::printf("read afterwards: %d streams complete (the kernel buffers took the whole stream), "
                "%d cut off by the server (its write was blocked), %d still open\n",
                complete, cut, still_open);

    std::printf("\nRESULT kind=stalled flow=%s streams=%d stalled=%d tokens=%ld idle=%d rss_before_MB=%.1f rss_stalled_MB=%.1f "
                "per_reader_KiB=%.1f tcp_kernel_per_reader_KiB=%.1f rss_after_drop_MB=%.1f fds_stalled=%ld fds_after=%ld "
                "dropped_within_s=%.0f complete=%d cut_off=%d heap_per_reader_KiB=%.1f heap_after_drop_MB=%.1f\n",
                o.flow.c_str(), o.streams, st.stalled, tokens, idle ? 1 : 0, mb(rss0), mb(rss1),
                st.stalled ? static_cast<double>(rss1 - rss0) / st.stalled : 0.0,
                st.stalled ? static_cast<double>(tcp1 - tcp0) / st.stalled : 0.0, mb(rss2), fds1, fds2, dropped_after, complete, cut,
                st.stalled && !o.heap_file.empty() ? static_cast<double>(heap1 - heap0) / st.stalled : 0.0, mb(heap2));
    int errors = 0;
    for (auto& [k, v] : st.errors) errors += v;
    std::printf("errors: %d\n", errors);
    for (auto& [k, v] : st.errors) std::printf("  %6d  %s\n", v, k.c_str());
    std::fflush(stdout);
    std::_Exit(st.stalled == o.streams && errors == 0 && idle ? 0 : 3);
}
