// Bad input gets a clear 4xx and the server keeps serving; fn errors reach the client.
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {
std::string detail(const HttpResult& r) {
    auto v = r.json();
    const auto& d = v.at("detail");
    return d.is_string() ? std::string(d.as_string()) : json::serialize(d);
}
}  // namespace

TEST(BadInput, EachGetsAClearError) {
    TestServer s(echo_fn);
    auto malformed = post_json(s.port, "/gradio_api/queue/join", "{\"data\": [");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_NE(detail(malformed).find("not valid JSON"), std::string::npos);

    auto not_list = post_json(s.port, "/gradio_api/call/chat", R"({"data":"hello"})");  // echo_05_call_baddata
    EXPECT_EQ(not_list.status, 422);
    EXPECT_NE(detail(not_list).find("valid list"), std::string::npos);

    auto arity = post_json(s.port, "/gradio_api/call/chat", R"({"data":["a","b","c"]})");
    EXPECT_EQ(arity.status, 422);
    EXPECT_NE(detail(arity).find("Expected"), std::string::npos);

    auto unknown = post_json(s.port, "/gradio_api/call/nope", R"({"data":["x"]})");
    EXPECT_EQ(unknown.status, 404);  // Gradio answers a bare 500 here
    EXPECT_EQ(unknown.headers["content-type"], "application/json");
    EXPECT_NE(detail(unknown).find("/nope"), std::string::npos);
    EXPECT_EQ(unknown.json().at("error").at("type"), "not_found");

    auto fn_index = post_json(s.port, "/gradio_api/queue/join", R"({"data":[],"fn_index":999,"session_hash":"s"})");
    EXPECT_EQ(fn_index.status, 404);

    auto no_session = post_json(s.port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6})");
    EXPECT_EQ(no_session.status, 400);
    EXPECT_EQ(detail(no_session), "Session hash not found.");

    auto no_data = post_json(s.port, "/gradio_api/queue/join", R"({"fn_index":6,"session_hash":"s"})");
    EXPECT_EQ(no_data.status, 422);

    auto v2_unknown_param = post_json(s.port, "/gradio_api/call/v2/chat", R"({"mesage":"typo"})");
    EXPECT_EQ(v2_unknown_param.status, 422);

    auto huge = post_json(s.port, "/gradio_api/call/chat", R"({"data":[")" + std::string(17u << 20, 'x') + "\"]}");
    EXPECT_EQ(huge.status, 413);

    auto wrong_method = request(s.port, "GET", "/gradio_api/queue/join");
    EXPECT_EQ(wrong_method.status, 405);

    auto not_found = request(s.port, "GET", "/gradio_api/nothing");
    EXPECT_EQ(not_found.status, 404);
    EXPECT_EQ(not_found.headers["content-type"], "application/json");

    SseStream unknown_event(s.port, "/gradio_api/call/chat/0123456789abcdef0123456789abcdef");
    EXPECT_EQ(unknown_event.all(), (std::vector<std::string>{"event: error\ndata: \"404: Not Found\""}));

    SseStream unknown_session(s.port, "/gradio_api/queue/data?session_hash=never-joined");
    auto frame = unknown_session.next_json();
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->at("msg"), "unexpected_error");
    EXPECT_EQ(frame->at("session_not_found"), true);

    auto wrong_message_type = s.call("ignored");  // a sane call still works after all that
    EXPECT_EQ(wrong_message_type.back(), "event: complete\ndata: [\"ignored\", null]");
    auto number = post_json(s.port, "/gradio_api/call/chat", R"({"data":[42]})");
    ASSERT_EQ(number.status, 200);
    SseStream number_stream(s.port, "/gradio_api/call/chat/" + std::string(number.json().at("event_id").as_string()));
    auto frames = number_stream.all();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], "event: error\ndata: {\"error\": \"The message must be a string.\", \"duration\": 10.0, \"visible\": true, \"title\": \"Error\"}");
}

TEST(FnErrors, GrErrorIsShownAsWritten) {
    TestServer s([](const gr::Message&, const gr::History&) -> std::string { throw gr::Error("quota exceeded"); });
    auto r = post_json(s.port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6,"session_hash":"e"})");
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=e");
    std::optional<json::object> done;
    while (auto f = stream.next()) {
        auto m = json::parse(data_of(*f)).as_object();
        if (m.at("msg") == "process_completed") done = m;
    }
    ASSERT_TRUE(done);
    EXPECT_EQ(done->at("success"), false);
    EXPECT_EQ(done->at("title"), "Error");
    EXPECT_EQ(done->at("output"), json::parse(R"({"error":"quota exceeded","duration":10.0,"visible":true,"title":"Error"})"));
}

TEST(FnErrors, OtherExceptionsAreHiddenUnlessShowError) {
    auto fn = [](const gr::Message&, const gr::History&) -> std::string { throw std::runtime_error("secret detail"); };
    {
        TestServer s(fn);
        EXPECT_EQ(s.call("x").back(), "event: error\ndata: {\"error\": null}");
    }
    {
        TestServer s(fn, {}, {.show_error = true});
        EXPECT_EQ(s.call("x").back(), "event: error\ndata: {\"error\": \"secret detail\", \"visible\": true}");
    }
}

TEST(FnErrors, StreamErrorAfterYields) {
    TestServer s([](gr::Message, gr::History) -> gr::Stream {
        co_yield "partial";
        throw gr::Error("broke");
    });
    auto frames = s.call("x");
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], "event: generating\ndata: [\"partial\", null]");
    EXPECT_EQ(frames[1].rfind("event: error\ndata: {\"error\": \"broke\"", 0), 0u);
}
