// Starting and stopping: port handling, clean shutdown with open streams.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "fixture.hpp"

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

TEST(Shutdown, OpenStreamsEndAndNothingHangs) {
    auto steps = std::make_shared<std::atomic<int>>(0);
    auto fn = [steps](gr::Message, gr::History) -> gr::Stream {
        while (true) {
            std::this_thread::sleep_for(10ms);
            ++*steps;
            co_yield "tick";
        }
    };
    auto server = std::make_unique<TestServer>(fn);
    auto r = post_json(server->port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6,"session_hash":"sd"})");
    SseStream stream(server->port, "/gradio_api/queue/data?session_hash=sd");
    SseStream heartbeat(server->port, "/gradio_api/heartbeat/sd");
    ASSERT_TRUE(stream.next());
    const auto start = std::chrono::steady_clock::now();
    server.reset();  // ~Server: cancel, close streams, join workers
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    stream.all(2s);  // the stream ends rather than hanging
    const int after = steps->load();
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(steps->load(), after);
}

TEST(Shutdown, StopIsIdempotentAndMoveSafe) {
    gr::ChatInterface demo(echo_fn);
    auto server = demo.start({.server_port = 0, .quiet = true});
    gr::Server moved = std::move(server);
    moved.stop();
    moved.stop();
    server.stop();
    SUCCEED();
}

TEST(Limits, SlowAndIdleClientsAreDisconnected) {
    TestServer s(echo_fn, {}, {.request_timeout_s = 1});
    // Half a request, then silence: dropped after the request timeout.
    auto slow = raw_exchange(s.port, "GET /config HTTP/1.1\r\nHost: x\r\n", 3s);
    EXPECT_TRUE(slow.has_value()) << "a client that never finishes its request must not hold a connection";
    // An idle keep-alive connection after a complete request is closed too.
    auto idle = raw_exchange(s.port, "GET /gradio_api/app_id HTTP/1.1\r\nHost: x\r\n\r\n", 3s);
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
    a.reset();  // one stream goes away: room again
    int status = 0;
    for (int i = 0; i < 50 && status != 200; ++i) {
        std::this_thread::sleep_for(20ms);
        status = request(s.port, "GET", "/config").status;
    }
    EXPECT_EQ(status, 200);
}
