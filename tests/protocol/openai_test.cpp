// The OpenAI-compatible API on a live server: off unless asked for, models, whole and streamed
// completions, errors in OpenAI's format, and a client leaving mid-stream stopping fn.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include <boost/asio.hpp>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {

// "Turn <n>: <message>" where n counts the user messages, streamed word by word.
gr::Stream turn(const gr::Message& message, const gr::History& history) {
    int users = 1;
    for (const auto& m : history) users += m.role == gr::Role::user;
    std::string reply = "Turn " + std::to_string(users) + ":";
    std::size_t at = 0;
    while (at < message.text.size()) {
        const auto end = std::min(message.text.find(' ', at), message.text.size());
        reply += " " + message.text.substr(at, end - at);
        at = end + 1;
        co_yield reply;
    }
}

gr::LaunchOptions with_openai() {
    gr::LaunchOptions l;
    l.openai_api = true;
    return l;
}

const std::string hello = R"({"model":"chat","messages":[{"role":"user","content":"hello there"}]})";

// The data frames of a streamed completion, up to [DONE].
std::vector<std::string> data_frames(const std::string& body) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while ((at = body.find("data: ", at)) != std::string::npos) {
        const auto end = body.find("\n\n", at);
        out.push_back(body.substr(at + 6, end - at - 6));
        at = end;
    }
    return out;
}

}  // namespace

TEST(OpenAI, OffUnlessAskedFor) {
    TestServer s(turn, {.api_name = "chat"});
    EXPECT_EQ(post_json(s.port, "/v1/chat/completions", hello).status, 404);
    EXPECT_EQ(request(s.port, "GET", "/v1/models").status, 404);
}

TEST(OpenAI, TheEnvironmentTurnsItOn) {
    ::setenv("GRADIO_OPENAI_API", "1", 1);
    TestServer s(turn, {.api_name = "chat"});
    ::unsetenv("GRADIO_OPENAI_API");
    EXPECT_EQ(request(s.port, "GET", "/v1/models").status, 200);
}

TEST(OpenAI, ModelsListsEachChatEndpoint) {
    TestServer s(turn, {.api_name = "assistant"}, with_openai());
    auto r = request(s.port, "GET", "/v1/models");
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    EXPECT_EQ(body.at("object"), "list");
    ASSERT_EQ(body.at("data").as_array().size(), 1u);
    EXPECT_EQ(body.at("data").at(0).at("id"), "assistant");
    EXPECT_EQ(body.at("data").at(0).at("object"), "model");
}

TEST(OpenAI, AWholeCompletionSeesTheHistory) {
    TestServer s(turn, {.api_name = "chat"}, with_openai());
    const std::string body = R"({"model":"chat","messages":[
        {"role":"system","content":"Be brief."},
        {"role":"user","content":"hi"},
        {"role":"assistant","content":[{"type":"text","text":"Turn 1: hi"}]},
        {"role":"user","content":"and again"}]})";
    auto r = post_json(s.port, "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto c = r.json();
    EXPECT_EQ(c.at("object"), "chat.completion");
    EXPECT_EQ(c.at("model"), "chat");
    EXPECT_EQ(c.at("choices").at(0).at("message").at("content"), "Turn 2: and again");
    EXPECT_EQ(c.at("choices").at(0).at("finish_reason"), "stop");
    const auto& usage = c.at("usage");
    EXPECT_EQ(usage.at("total_tokens").as_int64(), usage.at("prompt_tokens").as_int64() + usage.at("completion_tokens").as_int64());
    EXPECT_GT(usage.at("completion_tokens").as_int64(), 0);
    // No model: the first chat endpoint.
    r = post_json(s.port, "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("choices").at(0).at("message").at("content"), "Turn 1: x");
}

TEST(OpenAI, AStreamedCompletionSendsDeltasThenDone) {
    TestServer s(turn, {.api_name = "chat"}, with_openai());
    auto r = post_json(s.port, "/v1/chat/completions",
                       R"({"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b c"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto frames = data_frames(r.body);
    ASSERT_GE(frames.size(), 5u) << r.body;
    EXPECT_EQ(frames.back(), "[DONE]");
    std::string text;
    std::string finish;
    bool usage = false;
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        auto chunk = json::parse(frames[i]);
        EXPECT_EQ(chunk.at("object"), "chat.completion.chunk");
        if (chunk.as_object().contains("usage")) usage = true;
        for (const auto& c : chunk.at("choices").as_array()) {
            if (const auto* content = c.at("delta").as_object().if_contains("content")) text += content->as_string();
            if (c.at("finish_reason").is_string()) finish = c.at("finish_reason").as_string();
        }
    }
    EXPECT_EQ(text, "Turn 1: a b c");
    EXPECT_EQ(finish, "stop");
    EXPECT_TRUE(usage);
    EXPECT_EQ(json::parse(frames[0]).at("choices").at(0).at("delta").at("role"), "assistant");
}

TEST(OpenAI, BadRequestsGetOpenAIErrors) {
    TestServer s(turn, {.api_name = "chat"}, with_openai());
    auto code_of = [&](const std::string& body) {
        auto r = post_json(s.port, "/v1/chat/completions", body);
        auto error = r.json().at("error");
        EXPECT_TRUE(error.at("message").is_string()) << r.body;
        return std::pair{r.status, error.at("code").is_string() ? std::string(error.at("code").as_string()) : std::string()};
    };
    EXPECT_EQ(code_of(R"({"model":"gpt-4","messages":[{"role":"user","content":"x"}]})"), (std::pair{404, std::string("model_not_found")}));
    EXPECT_EQ(code_of(R"({"model":"chat","messages":[]})").first, 400);
    EXPECT_EQ(code_of(R"({"model":"chat"})").first, 400);
    EXPECT_EQ(code_of(R"({"model":"chat","messages":[{"role":"assistant","content":"x"}]})").first, 400);
    EXPECT_EQ(code_of(R"({"model":"chat","messages":[{"role":"tool","content":"x"}]})").first, 400);
    EXPECT_EQ(code_of(R"({"model":"chat","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]})").first, 400);
    EXPECT_EQ(code_of(R"({"model":"chat","stream":"yes","messages":[{"role":"user","content":"x"}]})").first, 400);
    EXPECT_EQ(code_of("[1,2]").first, 400);
    auto r = request(s.port, "POST", "/v1/chat/completions", hello, {{"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(request(s.port, "GET", "/v1/chat/completions").status, 405);
    EXPECT_EQ(request(s.port, "GET", "/v1/nothing").status, 404);
}

TEST(OpenAI, AFailingFnIsAServerError) {
    TestServer s([](const gr::Message&, const gr::History&) -> std::string { throw gr::Error("quota exceeded"); },
                 {.api_name = "chat"}, with_openai());
    auto r = post_json(s.port, "/v1/chat/completions", hello);
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(r.json().at("error").at("message"), "quota exceeded");
    r = post_json(s.port, "/v1/chat/completions",
                  R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"x"}]})");
    ASSERT_EQ(r.status, 200);
    const auto frames = data_frames(r.body);
    ASSERT_GE(frames.size(), 2u) << r.body;
    EXPECT_EQ(frames.back(), "[DONE]");
    EXPECT_EQ(json::parse(frames[frames.size() - 2]).at("error").at("message"), "quota exceeded");
}

TEST(OpenAI, AClientLeavingMidStreamStopsFn) {
    std::atomic<int> yielded{0};
    std::atomic<bool> destroyed{false};
    TestServer s(
        [&](gr::Message, gr::History) -> gr::Stream {
            struct Flag {
                std::atomic<bool>& f;
                ~Flag() { f = true; }
            } flag{destroyed};
            for (int i = 0; i < 2000; ++i) {
                ++yielded;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                co_yield "word " + std::to_string(i);
            }
        },
        {.api_name = "chat"}, with_openai());
    const std::string body = R"({"model":"chat","stream":true,"messages":[{"role":"user","content":"go"}]})";
    {
        namespace asio = boost::asio;
        asio::io_context io;
        asio::ip::tcp::socket socket(io);
        socket.connect({asio::ip::make_address("127.0.0.1"), s.port});
        asio::write(socket, asio::buffer("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
        std::string seen;
        char buf[4096];
        auto chunks = [&seen] {
            std::size_t n = 0;
            for (std::size_t at = 0; (at = seen.find("chat.completion.chunk", at)) != std::string::npos; ++at) ++n;
            return n;
        };
        while (chunks() < 4) {
            boost::system::error_code ec;
            const auto n = socket.read_some(asio::buffer(buf), ec);
            ASSERT_FALSE(ec) << ec.message();
            seen.append(buf, n);
        }
        EXPECT_NE(seen.find("chat.completion.chunk"), std::string::npos) << seen;
    }  // the client goes away mid-stream: the event is cancelled and the coroutine destroyed
    EXPECT_TRUE(wait_until([&] { return destroyed.load(); }, std::chrono::seconds(5)));
    const int at_stop = yielded.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(yielded.load(), at_stop);
    EXPECT_LT(at_stop, 2000);
}
