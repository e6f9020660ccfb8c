// Starting and stopping: port handling, clean shutdown with open streams.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;
using namespace std::chrono_literals;

TEST(Launch, PortZeroPicksAFreePort) {
    TestServer a(echo_fn);
    TestServer b(echo_fn);
    EXPECT_NE(a.port, 0);
    EXPECT_NE(a.port, b.port);
    EXPECT_EQ(a.server.url(), "http://127.0.0.1:" + std::to_string(a.port));
}

TEST(Launch, PortInUseNamesThePort) {
    TestServer a(echo_fn);
    gr::ChatInterface demo(echo_fn);
    try {
        auto server = demo.start({.server_name = "127.0.0.1", .server_port = a.port, .quiet = true});
        FAIL() << "second bind succeeded";
    } catch (const gr::LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(a.port)), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
}

TEST(Launch, EnvironmentVariablesChooseTheAddress) {
    ::setenv("GRADIO_SERVER_PORT", "0", 1);
    ::setenv("GRADIO_SERVER_NAME", "127.0.0.1", 1);
    gr::ChatInterface demo(echo_fn);
    auto server = demo.start({.quiet = true});
    EXPECT_NE(server.port(), 7860);
    EXPECT_EQ(request(server.port(), "GET", "/config").status, 200);
    ::setenv("GRADIO_SERVER_PORT", "not-a-port", 1);
    EXPECT_THROW((void)demo.start({.quiet = true}), gr::ConfigError);
    ::unsetenv("GRADIO_SERVER_PORT");
    ::unsetenv("GRADIO_SERVER_NAME");
}

namespace {
// Lives in a coroutine frame: says when the frame is destroyed (the fn can never run again).
struct FrameGuard {
    std::shared_ptr<std::atomic<bool>> destroyed;
    ~FrameGuard() { *destroyed = true; }
};
}  // namespace

TEST(Shutdown, OpenStreamsEndAndNothingHangs) {
    auto steps = std::make_shared<std::atomic<int>>(0);
    auto destroyed = std::make_shared<std::atomic<bool>>(false);
    auto fn = [steps, destroyed](gr::Message, gr::History) -> gr::Stream {
        FrameGuard guard{destroyed};
        while (true) {
            std::this_thread::sleep_for(10ms);
            ++*steps;
            co_yield "tick";
        }
    };
    auto server = std::make_unique<TestServer>(fn);
    auto r = post_json(server->port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6,"session_hash":"sd"})");
    ASSERT_EQ(r.status, 200) << r.body;
    SseStream stream(server->port, "/gradio_api/queue/data?session_hash=sd");
    SseStream heartbeat(server->port, "/gradio_api/heartbeat/sd");
    // Wait until the fn is really streaming: estimation, process_starts, a first generating.
    bool generating = false;
    while (auto frame = stream.next(5s)) {
        if (data_of(*frame).find(R"("msg":"process_generating")") != std::string::npos) {
            generating = true;
            break;
        }
    }
    ASSERT_TRUE(generating) << "the fn never streamed";
    ASSERT_TRUE(heartbeat.next(5s));
    const auto start = std::chrono::steady_clock::now();
    server.reset();  // ~Server: cancel, close streams, join workers
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    // The running coroutine was destroyed by the time ~Server returned: it cannot step again.
    EXPECT_TRUE(destroyed->load()) << "the coroutine frame outlived the server";
    const int steps_at_stop = steps->load();

    // Both streams end (the response finishes) instead of hanging; the queue stream's last
    // word says why it ended.
    const auto rest = stream.all(2s);
    EXPECT_TRUE(stream.ended()) << "the queue stream did not end within 2 s of the shutdown";
    ASSERT_FALSE(rest.empty()) << "the queue stream ended without a final message";
    const auto last = json::parse(data_of(rest.back())).as_object();
    EXPECT_TRUE(last.at("msg") == "close_stream" || last.at("msg") == "unexpected_error") << rest.back();
    for (const auto& frame : rest) {
        if (data_of(frame).find(R"("msg":"process_completed")") == std::string::npos) continue;
        EXPECT_EQ(json::serialize(json::parse(data_of(frame)).at("output")), "{}") << "a cancelled event completes empty: " << frame;
    }
    (void)heartbeat.all(2s);
    EXPECT_TRUE(heartbeat.ended()) << "the heartbeat stream did not end within 2 s of the shutdown";
    EXPECT_EQ(steps->load(), steps_at_stop);
}

TEST(Shutdown, StopIsIdempotentAndMoveSafe) {
    gr::ChatInterface demo(echo_fn);
    auto server = demo.start({.server_name = "127.0.0.1", .server_port = 0, .quiet = true});
    const auto port = server.port();
    ASSERT_NE(port, 0);
    ASSERT_EQ(request(port, "GET", "/config").status, 200);

    gr::Server moved = std::move(server);
    EXPECT_EQ(server.port(), 0) << "a moved-from handle owns no server";
    EXPECT_EQ(server.url(), "");
    EXPECT_EQ(moved.port(), port);
    EXPECT_EQ(request(port, "GET", "/config").status, 200) << "moving the handle must not stop the server";
    server.stop();  // the moved-from handle: no effect on the server
    server.wait();  // returns at once: nothing to wait for
    EXPECT_EQ(request(port, "GET", "/config").status, 200) << "stop() on a moved-from handle stopped the server";

    moved.stop();
    moved.stop();  // idempotent
    auto waited = std::async(std::launch::async, [&] { moved.wait(); });
    EXPECT_EQ(waited.wait_for(5s), std::future_status::ready) << "wait() after stop() must return";
    // Nothing listens on the port any more (a listening socket left open after stop() would
    // accept connections that are never served).
    EXPECT_TRUE(refuses_connections(port)) << "a stopped server still accepts connections";

    // Move-assigning over a running server stops the one it replaces.
    auto first = demo.start({.server_name = "127.0.0.1", .server_port = 0, .quiet = true});
    auto second = demo.start({.server_name = "127.0.0.1", .server_port = 0, .quiet = true});
    const auto first_port = first.port(), second_port = second.port();
    first = std::move(second);
    EXPECT_EQ(first.port(), second_port);
    EXPECT_EQ(request(second_port, "GET", "/config").status, 200);
    EXPECT_TRUE(refuses_connections(first_port)) << "the replaced server still accepts connections";
}

TEST(Limits, SlowAndIdleClientsAreDisconnected) {
    TestServer s(echo_fn, {}, {.request_timeout_s = 1});
    // Half a request, then silence: dropped after the request timeout.
    auto slow = raw_exchange(s.port, "GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\n", 3s);
    EXPECT_TRUE(slow.has_value()) << "a client that never finishes its request must not hold a connection";
    // An idle keep-alive connection after a complete request is closed too.
    auto idle = raw_exchange(s.port, "GET /gradio_api/app_id HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 3s);
    ASSERT_TRUE(idle.has_value());
    EXPECT_NE(idle->find("200 OK"), std::string::npos);
}

TEST(Limits, OversizedHeadersAnswer431) {
    TestServer s(echo_fn);
    auto r = request(s.port, "GET", "/config", "", {{"X-Big", std::string(20000, 'a')}});
    EXPECT_EQ(r.status, 431);
}

TEST(Limits, MalformedHttpAnswers400) {
    TestServer s(echo_fn);
    auto answer = raw_exchange(s.port, "THIS IS NOT HTTP\r\n\r\n", 3s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_NE(answer->find("400 Bad Request"), std::string::npos) << *answer;
    EXPECT_EQ(request(s.port, "GET", "/config").status, 200);  // and everyone else is still served
}

TEST(Limits, ConnectionsBeyondTheLimitGet503AtOnce) {
    TestServer s(echo_fn, {}, {.max_connections = 2});
    auto a = std::make_unique<SseStream>(s.port, "/gradio_api/heartbeat/a");
    SseStream b(s.port, "/gradio_api/heartbeat/b");
    ASSERT_TRUE(a->next(2s));
    ASSERT_TRUE(b.next(2s));
    auto refused = request(s.port, "GET", "/config");
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(refused.headers["retry-after"], "1");
    EXPECT_EQ(refused.json().at("error").at("type"), "unavailable");
    a.reset();  // one stream goes away: room again once the server has seen it close
    int status = 0;
    EXPECT_TRUE(wait_until([&] { return (status = request(s.port, "GET", "/config").status) == 200; }, 2s))
        << "last status " << status;
}
