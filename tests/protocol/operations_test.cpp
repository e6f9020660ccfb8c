// Running in production: Prometheus metrics (off unless asked for, counts that follow what
// happened, behind the login), the graceful shutdown (new events refused, running ones finish,
// or are cancelled at the timeout) and root_path / X-Forwarded-Prefix for a proxy's sub-path.
#include <gtest/gtest.h>

#include <future>
#include <regex>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {

// The value of one sample line ("name{labels} value"), or -1 when it is missing.
double sample(const std::string& text, const std::string& series) {
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
}

// GET /metrics, read again until `series` shows `value` (for 5 s at most): the text where it
// does, or the last one read, on which the caller's assertion then fails and shows it.
std::string metrics_when(std::uint16_t port, const std::string& series, double value) {
    std::string text;
    (void)wait_until(
        [&] {
            text = request(port, "GET", "/metrics").body;
            return sample(text, series) == value;
        },
        std::chrono::seconds(5));
    return text;
}

gr::LaunchOptions with_metrics() {
    gr::LaunchOptions l;
    l.metrics = true;
    return l;
}

}  // namespace

TEST(Metrics, OffUnlessAskedFor) {
    TestServer s(echo_fn, {.api_name = "chat"});
    EXPECT_EQ(request(s.port, "GET", "/metrics").status, 404);
}

TEST(Metrics, CountsFollowWhatHappened) {
    Gate gate;
    auto fn = [&gate](const gr::Message& m, const gr::History&) -> std::string {
        if (m.text == "fail") throw gr::Error("no");
        if (m.text == "wait") (void)gate.wait();
        return m.text;
    };
    TestServer s(fn, {.api_name = "chat"}, with_metrics());
    OpenAtExit open_gate(gate);
    EXPECT_EQ(s.call("hello").back().rfind("event: complete", 0), 0u);
    EXPECT_EQ(s.call("fail").back().rfind("event: error", 0), 0u);

    // One running (held at the gate), one waiting behind it (concurrency_limit 1).
    auto first = post_json(s.port, "/gradio_api/call/chat", R"({"data":["wait"]})");
    auto second = post_json(s.port, "/gradio_api/call/chat", R"({"data":["after"]})");
    ASSERT_EQ(first.status, 200);
    ASSERT_EQ(second.status, 200);
    std::string text = metrics_when(s.port, "gradio_queue_length{fn=\"chat\"}", 1);
    ASSERT_EQ(sample(text, "gradio_queue_length{fn=\"chat\"}"), 1) << text;
    auto metrics = request(s.port, "GET", "/metrics");
    EXPECT_EQ(metrics.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    text = metrics.body;
    EXPECT_EQ(sample(text, "gradio_events_started_total{fn=\"chat\"}"), 3) << text;
    EXPECT_EQ(sample(text, "gradio_events_ended_total{fn=\"chat\",outcome=\"finished\"}"), 1) << text;
    EXPECT_EQ(sample(text, "gradio_events_ended_total{fn=\"chat\",outcome=\"failed\"}"), 1) << text;
    EXPECT_EQ(sample(text, "gradio_event_run_seconds_count{fn=\"chat\"}"), 2) << text;
    EXPECT_EQ(sample(text, "gradio_event_run_seconds_bucket{fn=\"chat\",le=\"+Inf\"}"), 2) << text;
    EXPECT_GE(sample(text, "gradio_open_connections"), 1) << text;
    EXPECT_GT(sample(text, "gradio_http_sent_bytes_total"), 0) << text;
    EXPECT_GT(sample(text, "gradio_http_received_bytes_total"), 0) << text;
    EXPECT_GE(sample(text, "gradio_http_responses_total{code=\"2xx\"}"), 4) << text;
    EXPECT_NE(text.find("# TYPE gradio_event_run_seconds histogram"), std::string::npos);

    // Both finish once the gate opens; an open stream shows while a reply streams.
    gate.open();
    SseStream a(s.port, "/gradio_api/call/chat/" + std::string(first.json().at("event_id").as_string()));
    SseStream b(s.port, "/gradio_api/call/chat/" + std::string(second.json().at("event_id").as_string()));
    (void)a.all();
    (void)b.all();
    text = metrics_when(s.port, "gradio_events_ended_total{fn=\"chat\",outcome=\"finished\"}", 3);
    ASSERT_EQ(sample(text, "gradio_events_ended_total{fn=\"chat\",outcome=\"finished\"}"), 3) << text;
    EXPECT_EQ(sample(text, "gradio_queue_length{fn=\"chat\"}"), 0) << text;
}

TEST(Metrics, CancelledEventsAreCounted) {
    Gate gate;
    auto fn = [&gate](const gr::Message& m, const gr::History&) -> std::string {
        (void)gate.wait();
        return m.text;
    };
    TestServer s(fn, {.api_name = "chat"}, with_metrics());
    OpenAtExit open_gate(gate);
    const std::string session = "metrics_cancel_session";
    // Two events of one session: one runs, one waits; both are cancelled.
    std::vector<std::string> ids;
    for (const char* text : {"a", "b"}) {
        auto r = post_json(s.port, "/gradio_api/call/chat", std::string(R"({"data":[")") + text + R"("],"session_hash":")" + session + "\"}");
        ASSERT_EQ(r.status, 200) << r.body;
        ids.emplace_back(r.json().at("event_id").as_string());
    }
    std::string metrics = metrics_when(s.port, "gradio_queue_length{fn=\"chat\"}", 1);
    ASSERT_EQ(sample(metrics, "gradio_queue_length{fn=\"chat\"}"), 1) << metrics;
    for (const auto& id : ids)
        ASSERT_EQ(post_json(s.port, "/gradio_api/cancel", R"({"fn_index":0,"session_hash":")" + session + R"(","event_id":")" + id + "\"}").status,
                  200);
    gate.open();
    metrics = metrics_when(s.port, "gradio_events_ended_total{fn=\"chat\",outcome=\"cancelled\"}", 2);
    ASSERT_EQ(sample(metrics, "gradio_events_ended_total{fn=\"chat\",outcome=\"cancelled\"}"), 2) << metrics;
    EXPECT_EQ(sample(metrics, "gradio_queue_length{fn=\"chat\"}"), 0);
}

TEST(Metrics, BehindTheLogin) {
    gr::LaunchOptions l = with_metrics();
    l.auth = {{"admin", "s3cret"}};
    TestServer s(echo_fn, {.api_name = "chat"}, l);
    EXPECT_EQ(request(s.port, "GET", "/metrics").status, 401);
    EXPECT_EQ(request(s.port, "GET", "/metrics", "", {{"Authorization", "Bearer admin:s3cret"}}).status, 200);
}

TEST(Shutdown, NewEventsAreRefusedWhileRunningOnesFinish) {
    Gate gate;
    auto fn = [&gate](const gr::Message& m, const gr::History&) -> std::string {
        (void)gate.wait();
        return "done: " + m.text;
    };
    TestServer s(fn, {.api_name = "chat"});
    OpenAtExit open_gate(gate);
    auto posted = post_json(s.port, "/gradio_api/call/chat", R"({"data":["first"]})");
    ASSERT_EQ(posted.status, 200);
    SseStream stream(s.port, "/gradio_api/call/chat/" + std::string(posted.json().at("event_id").as_string()));
    auto drained = std::async(std::launch::async, [&s] { return s.server.shutdown(10); });
    HttpResult refused;
    ASSERT_TRUE(wait_until(
        [&] {
            refused = post_json(s.port, "/gradio_api/call/chat", R"({"data":["late"]})");
            return refused.status == 503;
        },
        std::chrono::seconds(5)));
    EXPECT_NE(refused.body.find("shutting down"), std::string::npos) << refused.body;
    EXPECT_EQ(refused.headers["retry-after"], "5");
    EXPECT_EQ(drained.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout) << "it waits for the running reply";
    gate.open();
    std::string complete;
    const auto frames = stream.all();
    for (const auto& frame : frames)
        if (frame.starts_with("event: complete")) complete = data_of(frame);
    EXPECT_NE(complete.find("done: first"), std::string::npos) << complete << " / " << frames.size() << " frames: " << (frames.empty() ? "" : frames.back());
    EXPECT_TRUE(drained.get()) << "nothing had to be cancelled";
    EXPECT_TRUE(refuses_connections(s.port));
}

TEST(Shutdown, WhatStillRunsAtTheTimeoutIsCancelled) {
    Gate gate;
    std::atomic<bool> destroyed{false};
    // A streamed reply that would go on until the gate opens: the timeout destroys it.
    auto fn = [&gate, &destroyed](const gr::Message&, const gr::History&) -> gr::Stream {
        struct Flag {
            std::atomic<bool>& set;
            ~Flag() { set = true; }
        } flag{destroyed};
        std::string reply;
        while (!gate.wait(std::chrono::milliseconds(20))) co_yield reply += ".";
    };
    TestServer s(fn, {.api_name = "chat"});
    OpenAtExit open_gate(gate);
    ASSERT_EQ(post_json(s.port, "/gradio_api/call/chat", R"({"data":["stuck"]})").status, 200);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(s.server.shutdown(0.3));
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, std::chrono::milliseconds(300));
    EXPECT_LT(took, std::chrono::seconds(2));
    EXPECT_TRUE(destroyed.load());
}

TEST(RootPath, UrlsStartWithTheSubPathAndRequestsMayCarryIt) {
    gr::LaunchOptions l;
    l.root_path = "/chat-app/";
    l.auth = {{"admin", "s3cret"}};
    TestServer s(echo_fn, {.api_name = "chat"}, l);
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer admin:s3cret"}};
    const std::string root = "http://127.0.0.1:" + std::to_string(s.port) + "/chat-app";
    auto config = request(s.port, "GET", "/config", "", bearer);  // a proxy that strips the prefix
    ASSERT_EQ(config.status, 200);
    EXPECT_EQ(config.json().at("root").as_string(), root);
    auto carried = request(s.port, "GET", "/chat-app/config", "", bearer);  // one that passes it on
    ASSERT_EQ(carried.status, 200);
    EXPECT_EQ(carried.json().at("root").as_string(), root);
    EXPECT_NE(request(s.port, "GET", "/chat-app/gradio_api/info", "", bearer).body.find(root + "/gradio_api/call/chat"), std::string::npos);
    // The page: as at "/" (200, or 404 in a build without the UI), never the 401 of a gated route.
    EXPECT_EQ(request(s.port, "GET", "/chat-app/").status, request(s.port, "GET", "/").status);
    EXPECT_NE(request(s.port, "GET", "/chat-app/").status, 401);
    auto out = request(s.port, "GET", "/chat-app/logout");
    EXPECT_EQ(out.headers["location"], "/chat-app/");
    // A path that only starts with the same letters is not under it.
    EXPECT_EQ(request(s.port, "GET", "/chat-apps/config", "", bearer).status, 404);
}

TEST(RootPath, ATrustedProxysForwardedPrefixWins) {
    gr::LaunchOptions l;
    l.trusted_proxies = {"127.0.0.1"};
    TestServer s(echo_fn, {.api_name = "chat"}, l);
    auto config = request(s.port, "GET", "/config", "",
                          {{"X-Forwarded-Prefix", "/team/bot/"}, {"X-Forwarded-Host", "example.org"}, {"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(config.json().at("root").as_string(), "https://example.org/team/bot");
    // A prefix that could point elsewhere is ignored.
    for (const char* bad : {"//evil.example", "/a b", "https://evil.example", "/x\"y"}) {
        auto r = request(s.port, "GET", "/config", "", {{"X-Forwarded-Prefix", bad}});
        EXPECT_EQ(r.json().at("root").as_string(), "http://127.0.0.1:" + std::to_string(s.port)) << bad;
    }
}

TEST(RootPath, FromAnUntrustedPeerTheHeaderIsIgnored) {
    TestServer s(echo_fn, {.api_name = "chat"});
    auto config = request(s.port, "GET", "/config", "", {{"X-Forwarded-Prefix", "/elsewhere"}});
    EXPECT_EQ(config.json().at("root").as_string(), "http://127.0.0.1:" + std::to_string(s.port));
}

TEST(RootPath, NotAPathIsAConfigError) {
    for (const char* bad : {"chat-app", "https://example.org/app", "//host/app", "/a b"}) {
        gr::LaunchOptions l;
        l.root_path = bad;
        EXPECT_THROW(TestServer(echo_fn, {.api_name = "chat"}, l), gr::ConfigError) << bad;
    }
}
