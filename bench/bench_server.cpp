// A ChatInterface for the benchmarks in this folder. The mode is argv[1], else env
// GR_BENCH_MODE, else "echo":
//   echo     returns the message                          (concurrency_limit: none)
//   chunks50 streams 50 growing chunks, no sleeps          (concurrency_limit: none)
//   chunksn  streams as many chunks as the message says ("5" -> 5; default 50), no sleeps, or
//            "50@20": 50 chunks 20 ms apart; with
//            save_history on, so that a page can open a long saved conversation (bench/page_stream.mjs);
//            the fn takes the history as `const gr::History&`
//   chunksn-value  the same, with the history taken by value (fn gets its own copy each turn)
//   hold     streams one chunk, then sleeps in 50 ms steps until stop_requested()
//            (Gradio's default concurrency_limit 1, so further events wait in the queue)
//   longstream [TOKENS]  streams a growing reply of TOKENS tokens of 5 bytes ("word "), one
//            co_yield each, no sleeps (default 20000, or env GR_BENCH_TOKENS; no concurrency_limit)
// Honours GRADIO_SERVER_PORT like every gradio.cpp app (0 = any free port).
// With env GR_BENCH_HEAP_FILE=path it rewrites that file every 250 ms with the bytes malloc has
// handed out and not taken back (glibc mallinfo2, all arenas): live heap, which VmRSS mixes with
// memory the allocator keeps after free.
#include <malloc.h>

#include <algorithm>

#include <fstream>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <gradio/gradio.hpp>

namespace {

std::string echo(const gr::Message& message, const gr::History& /*history*/) { return message.text; }

gr::Stream chunks50(gr::Message message, gr::History /*history*/) {
    std::string reply;
    for (int i = 0; i < 50; ++i) {
        reply += message.text;
        reply += ' ';
        co_yield reply;
    }
}

gr::Stream chunksn(gr::Message message, const gr::History& /*history*/) {
    int n = std::atoi(message.text.c_str());
    if (n < 1 || n > 100000) n = 50;
    const auto at = message.text.find('@');  // "50@20": 50 chunks, 20 ms apart
    const int pause_ms = at == std::string::npos ? 0 : std::clamp(std::atoi(message.text.c_str() + at + 1), 0, 1000);
    std::string reply;
    for (int i = 0; i < n; ++i) {
        if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        reply += "word ";
        co_yield reply;
    }
}

// The same with the history taken by value: fn gets its own copy each turn.
gr::Stream chunksn_by_value(gr::Message message, gr::History history) { return chunksn(std::move(message), history); }

int g_tokens = 20000;

gr::Stream longstream(gr::Message /*message*/, gr::History /*history*/) {
    std::string reply;
    reply.reserve(static_cast<std::size_t>(g_tokens) * 5);
    for (int i = 0; i < g_tokens; ++i) {
        reply += "word ";
        co_yield reply;
    }
}

gr::Stream hold(gr::Message message, gr::History /*history*/) {
    co_yield "holding " + message.text;
    while (!gr::stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

void report_heap(std::string path) {
    while (true) {
        const struct mallinfo2 m = mallinfo2();
        {
            std::ofstream out(path + ".tmp", std::ios::trunc);
            out << "heap_in_use_bytes=" << (m.uordblks + m.hblkhd) << " heap_from_system_bytes=" << (m.arena + m.hblkhd) << "\n";
        }
        std::rename((path + ".tmp").c_str(), path.c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

int main(int argc, char** argv) {
    if (const char* heap = std::getenv("GR_BENCH_HEAP_FILE"); heap && *heap) std::thread(report_heap, std::string(heap)).detach();
    std::string_view mode = "echo";
    if (argc > 1) mode = argv[1];
    else if (const char* env = std::getenv("GR_BENCH_MODE"); env && *env) mode = env;

    if (mode == "echo") {
        gr::ChatInterface demo(echo, {.concurrency_limit = std::nullopt});
        return demo.launch();
    }
    if (mode == "chunks50") {
        gr::ChatInterface demo(chunks50, {.concurrency_limit = std::nullopt});
        return demo.launch();
    }
    if (mode == "chunksn" || mode == "chunksn-value") {
        const gr::ChatInterfaceOptions options{.concurrency_limit = std::nullopt, .save_history = true};
        auto demo = mode == "chunksn" ? std::make_unique<gr::ChatInterface>(chunksn, options)
                                      : std::make_unique<gr::ChatInterface>(chunksn_by_value, options);
        // GR_BENCH_WEB_DIR=web/dist: the page from disk, to measure UI changes without a rebuild.
        const char* web = std::getenv("GR_BENCH_WEB_DIR");
        return demo->launch({.web_dir = web ? web : ""});
    }
    if (mode == "hold") {
        gr::ChatInterface demo(hold);
        return demo.launch();
    }
    if (mode == "longstream") {
        if (argc > 2) g_tokens = std::atoi(argv[2]);
        else if (const char* env = std::getenv("GR_BENCH_TOKENS"); env && *env) g_tokens = std::atoi(env);
        if (g_tokens < 1) g_tokens = 1;
        gr::ChatInterface demo(longstream, {.concurrency_limit = std::nullopt});
        return demo.launch();
    }
    std::fprintf(stderr, "usage: bench_server [echo|chunks50|chunksn|chunksn-value|hold|longstream [TOKENS]]\n");
    return 2;
}
