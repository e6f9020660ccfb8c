// Each Gradio route against a live server, compared with the Gradio 6.25.0 recordings.
#include <gtest/gtest.h>

#include <set>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

TEST(Config, MatchesGradiosShape) {
    TestServer s(echo_fn, {.title = "Echo"});
    auto r = request(s.port, "GET", "/config");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["content-type"], "application/json");
    auto c = r.json().as_object();
    EXPECT_EQ(c.at("version"), "6.25.0");
    EXPECT_EQ(c.at("api_prefix"), "/gradio_api");
    EXPECT_EQ(c.at("protocol"), "sse_v3");
    EXPECT_EQ(c.at("mode"), "chat_interface");
    EXPECT_EQ(c.at("title"), "Echo");
    EXPECT_EQ(c.at("connect_heartbeat"), true);
    EXPECT_EQ(c.at("root").as_string(), "http://127.0.0.1:" + std::to_string(s.port));
    // Same key order as the recording (echo_01_config.json).
    std::vector<std::string> keys;
    for (const auto& kv : c) keys.emplace_back(kv.key());
    EXPECT_EQ(keys.front(), "version");
    EXPECT_EQ(keys.back(), "root");
    std::set<int64_t> ids;
    for (const auto& comp : c.at("components").as_array()) {
        ids.insert(comp.at("id").as_int64());
        if (comp.at("type") == "state") {
            EXPECT_EQ(comp.at("skip_api"), true);
        }
    }
    bool found_chat = false;
    for (const auto& d : c.at("dependencies").as_array()) {
        for (const auto& id : d.at("inputs").as_array()) EXPECT_TRUE(ids.count(id.as_int64())) << "input " << id;
        for (const auto& id : d.at("outputs").as_array()) EXPECT_TRUE(ids.count(id.as_int64())) << "output " << id;
        if (d.at("api_name") == "chat") {
            found_chat = true;
            EXPECT_EQ(d.at("id"), 6);
            EXPECT_EQ(d.at("api_visibility"), "public");
            EXPECT_EQ(d.at("queue"), true);
        }
    }
    EXPECT_TRUE(found_chat);
}

TEST(Config, GzippedWhenTheClientAllows) {
    TestServer s(echo_fn);
    auto packed = request(s.port, "GET", "/config", "", {{"Accept-Encoding", "gzip, deflate"}});
    EXPECT_EQ(packed.headers["content-encoding"], "gzip");
    auto plain = request(s.port, "GET", "/config", "", {{"Accept-Encoding", "identity"}});
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    EXPECT_LT(packed.body.size() * 4, plain.body.size());
}

TEST(Config, RootFollowsForwardedHeadersOfATrustedProxy) {
    TestServer s(echo_fn, {}, {.trusted_proxies = {"127.0.0.1"}});
    auto r = request(s.port, "GET", "/config/", "", {{"X-Forwarded-Host", "chat.example.com"}, {"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(r.json().at("root"), "https://chat.example.com");
}

TEST(Info, OnlyTheChatEndpoint) {
    TestServer s(echo_fn);
    auto info = request(s.port, "GET", "/gradio_api/info").json().as_object();
    auto& named = info.at("named_endpoints").as_object();
    ASSERT_EQ(named.size(), 1u);
    auto& chat = named.at("/chat").as_object();
    ASSERT_EQ(chat.at("parameters").as_array().size(), 1u);
    EXPECT_EQ(chat.at("parameters").as_array()[0].at("parameter_name"), "message");
    EXPECT_EQ(chat.at("parameters").as_array()[0].at("component"), "Textbox");
    EXPECT_EQ(chat.at("returns").as_array()[0].at("component"), "Json");
    EXPECT_TRUE(chat.at("code_snippets").as_object().contains("python"));
    EXPECT_TRUE(info.at("unnamed_endpoints").as_object().empty());
    auto all = request(s.port, "GET", "/gradio_api/info?all_endpoints=true").json();
    EXPECT_GT(all.at("named_endpoints").as_object().size(), 10u);
}

TEST(Info, ApiNameAndVisibility) {
    TestServer s(echo_fn, {.api_name = "respond", .api_description = "Echoes.", .api_visibility = "undocumented"});
    auto info = request(s.port, "GET", "/gradio_api/info").json();
    EXPECT_TRUE(info.at("named_endpoints").as_object().empty());
    auto frames = s.call("hi", "respond");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back(), "event: complete\ndata: [\"hi\", null]");
}

TEST(Call, EchoMatchesRecording) {
    TestServer s(echo_fn);
    auto r = post_json(s.port, "/gradio_api/call/chat", R"({"data":["hello"]})");
    ASSERT_EQ(r.status, 200);
    auto id = std::string(r.json().at("event_id").as_string());
    EXPECT_EQ(id.size(), 32u);
    SseStream stream(s.port, "/gradio_api/call/chat/" + id);
    EXPECT_EQ(stream.status(), 200);
    auto frames = stream.all();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], "event: complete\ndata: [\"hello\", null]");  // echo_03_call_chat.sse.txt
}

TEST(Call, NonAsciiIsEscapedLikeJsonDumps) {
    TestServer s(echo_fn);
    auto frames = s.call("héllo");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], "event: complete\ndata: [\"h\\u00e9llo\", null]");
}

TEST(Call, KeywordFormV2) {
    TestServer s(echo_fn);
    auto r = post_json(s.port, "/gradio_api/call/v2/chat", R"({"message":"hello"})");
    ASSERT_EQ(r.status, 200);
    SseStream stream(s.port, "/gradio_api/call/chat/" + std::string(r.json().at("event_id").as_string()));
    EXPECT_EQ(stream.all(), (std::vector<std::string>{"event: complete\ndata: [\"hello\", null]"}));
}

TEST(Call, StreamingSendsFullValues) {
    auto fn = [](gr::Message m, gr::History) -> gr::Stream {
        for (std::size_t i = 0; i < m.text.size(); ++i) co_yield "You typed: " + m.text.substr(0, i + 1);
    };
    TestServer s(fn);
    auto frames = s.call("hello");
    // stream_03_call_chat.sse.txt: five generating frames, then complete.
    ASSERT_EQ(frames.size(), 6u);
    EXPECT_EQ(frames[0], "event: generating\ndata: [\"You typed: h\", null]");
    EXPECT_EQ(frames[4], "event: generating\ndata: [\"You typed: hello\", null]");
    EXPECT_EQ(frames[5], "event: complete\ndata: [\"You typed: hello\", null]");
}

TEST(Call, HistoryPersistsPerSession) {
    auto fn = [](const gr::Message& m, const gr::History& h) {
        std::string roles;
        for (const auto& msg : h) roles += gr::to_string(msg.role)[0];
        return std::to_string(h.size()) + ":" + roles + ":" + m.text;
    };
    TestServer s(fn);
    EXPECT_EQ(s.call("a", "chat", "sess1").back(), "event: complete\ndata: [\"0::a\", null]");
    EXPECT_EQ(s.call("b", "chat", "sess1").back(), "event: complete\ndata: [\"2:ua:b\", null]");
    EXPECT_EQ(s.call("c", "chat", "sess2").back(), "event: complete\ndata: [\"0::c\", null]");
    EXPECT_EQ(s.call("d").back(), "event: complete\ndata: [\"0::d\", null]");  // no session: fresh each call
}

TEST(Heartbeat, SaysAliveAtOnce) {
    TestServer s(echo_fn);
    SseStream stream(s.port, "/gradio_api/heartbeat/abc");
    EXPECT_EQ(stream.status(), 200);
    EXPECT_EQ(stream.next(std::chrono::seconds(2)), "data: ALIVE");
}

TEST(Run, UnqueuedStepOfTheBrowserChain) {
    TestServer s(echo_fn);
    // stream_07_ui_submit_chain.txt, step 1: clear the textbox and keep the message.
    auto r = post_json(s.port, "/gradio_api/run/predict",
                       R"({"data":["hello"],"event_data":null,"fn_index":0,"trigger_id":9,"session_hash":"ui1"})");
    ASSERT_EQ(r.status, 200);
    auto out = r.json().as_object();
    EXPECT_EQ(json::serialize(out.at("data")), R"([{"interactive":false,"placeholder":"","value":"","__type__":"update"},null])");
    EXPECT_EQ(out.at("is_generating"), false);
    r = post_json(s.port, "/gradio_api/run/predict", R"({"data":[null,[]],"fn_index":1,"session_hash":"ui1"})");
    EXPECT_EQ(json::serialize(r.json().at("data")),
              R"([[{"role":"user","metadata":null,"content":[{"text":"hello","type":"text"}],"options":null}]])");
}

TEST(Static, EmbeddedUiIsServedWithCaching) {
    TestServer s(echo_fn);
    auto index = request(s.port, "GET", "/", "", {{"Accept-Encoding", "gzip"}});
    if (index.status == 404) GTEST_SKIP() << "built with GR_WEB=OFF";
    ASSERT_EQ(index.status, 200);
    EXPECT_EQ(index.headers["cache-control"], "no-cache");
    EXPECT_EQ(index.headers["content-encoding"], "gzip");
    EXPECT_EQ(index.headers["x-content-type-options"], "nosniff");
    auto again = request(s.port, "GET", "/", "", {{"If-None-Match", index.headers["etag"]}});
    EXPECT_EQ(again.status, 304);
    auto plain = request(s.port, "GET", "/index.html", "", {{"Accept-Encoding", "identity"}});
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
    EXPECT_NE(plain.body.find("<html"), std::string::npos);
}
