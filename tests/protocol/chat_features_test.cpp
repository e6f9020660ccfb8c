// Server-side ChatInterface parameters on a live server: flagging to CSV, cached examples,
// the history sidebar's steps, editing, the examples table.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../temp_dir.hpp"
#include "fixture.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace gr_test;

namespace {

// A fresh folder for one test.
struct Folder : gr_test::TempDir {
    Folder() : gr_test::TempDir("gr_chat_features_test") { fs::create_directories(path()); }
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int fn_index(std::uint16_t port, const std::string& api_name) {
    auto c = request(port, "GET", "/config").json();
    for (const auto& d : c.at("dependencies").as_array())
        if (d.at("api_name").as_string() == api_name) return static_cast<int>(d.at("id").as_int64());
    return -1;
}

json::value run_predict(std::uint16_t port, int fn, const json::array& data, const json::value& event_data = nullptr,
                        const std::string& session = "predictsess") {
    json::object body{{"fn_index", fn}, {"data", data}, {"event_data", event_data}, {"session_hash", session}};
    auto r = post_json(port, "/gradio_api/run/predict", json::serialize(body));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("data") : json::value(nullptr);
}

// A list holding one value (json::array{a} would copy `a` instead).
json::array one(const json::array& a) {
    json::array r;
    r.push_back(a);
    return r;
}

// Sets an environment variable for one test.
struct ScopedEnv {
    std::string name;
    ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST(Flagging, EachClickAppendsOneAgreeingRow) {
    Folder dir;
    TestServer s(echo_fn, {.flagging_mode = "manual", .flagging_options = {"Like", "Spam", "Other"},
                           .flagging_dir = dir.path().string()});
    auto config = request(s.port, "GET", "/config").json();
    for (const auto& c : config.at("components").as_array()) {
        if (c.at("type") != "chatbot") continue;
        EXPECT_EQ(c.at("props").at("likeable"), true);
        EXPECT_EQ(c.at("props").at("feedback_options"), (json::array{"Like", "Spam", "Other"}));
    }
    const int flag = fn_index(s.port, "flag");
    ASSERT_GE(flag, 0);
    const json::array chat{json::object{{"role", "user"}, {"metadata", nullptr}, {"content", json::array{json::object{{"text", "=1+1"}, {"type", "text"}}}}, {"options", nullptr}},
                           json::object{{"role", "assistant"}, {"metadata", nullptr}, {"content", json::array{json::object{{"text", "2"}, {"type", "text"}}}}, {"options", nullptr}}};
    auto done = run_queued(s.port, flag, json::array{json::value(chat)}, json::object{{"index", 1}, {"value", json::array{"2"}}, {"liked", true}}, "flagsess1");
    EXPECT_EQ(done.at("success"), true) << json::serialize(done);
    done = run_queued(s.port, flag, json::array{json::value(chat)}, json::object{{"index", 1}, {"value", json::array{"2"}}, {"liked", "Spam"}}, "flagsess1");
    EXPECT_EQ(done.at("success"), true) << json::serialize(done);
    const std::string csv = read_file(dir.path() / "log.csv");
    std::vector<std::string> lines;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 3u) << csv;
    EXPECT_EQ(lines[0], "conversation,index,value,flag,timestamp\r");
    EXPECT_NE(lines[1].find(",Like,"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find(",Spam,"), std::string::npos) << lines[2];
    // The user's "=1+1" sits inside the JSON cell, which starts with '[': no formula.
    EXPECT_EQ(lines[1].rfind("\"[", 0), 0u) << lines[1];
    // A malformed flag is refused and adds nothing.
    done = run_queued(s.port, flag, json::array{json::value(chat)}, json::object{{"index", 1}}, "flagsess1");
    EXPECT_EQ(done.at("success"), false);
    EXPECT_EQ(read_file(dir.path() / "log.csv"), csv);
}

TEST(CachedExamples, EagerCacheIsComputedOnceAndSurvivesARestart) {
    Folder dir;
    ScopedEnv env("GRADIO_EXAMPLES_CACHE", dir.path().string());
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto fn = [calls](const gr::Message& m, const gr::History&) -> gr::Stream {
        ++*calls;
        co_yield "thinking";
        co_yield "answer to " + m.text;
    };
    const gr::ChatInterfaceOptions options{.examples = {"one", "two"}, .cache_examples = true, .cache_mode = "eager"};
    {
        TestServer s(fn, options);
        EXPECT_EQ(calls->load(), 2) << "eager: both computed at launch";
        const int click = fn_index(s.port, "_load_cached_example");
        ASSERT_GE(click, 0);
        auto done = run_queued(s.port, click, {}, json::object{{"index", 1}, {"value", json::object{{"text", "two"}}}}, "cachesess1");
        ASSERT_EQ(done.at("success"), true) << json::serialize(done);
        const auto& chat = done.at("output").at("data").at(0).as_array();
        ASSERT_EQ(chat.size(), 2u);
        EXPECT_EQ(chat[1].at("content").at(0).at("text"), "answer to two");
        EXPECT_EQ(calls->load(), 2) << "a click replays the cache";
    }
    TestServer again(fn, options);
    EXPECT_EQ(calls->load(), 2) << "the cache survives a restart";
    auto done = run_queued(again.port, fn_index(again.port, "_load_cached_example"), {},
                           json::object{{"index", 0}, {"value", json::object{{"text", "one"}}}}, "cachesess2");
    EXPECT_EQ(done.at("output").at("data").at(0).at(1).at("content").at(0).at("text"), "answer to one");
    EXPECT_EQ(calls->load(), 2);
    // An index that is not an example is an error, not a crash.
    done = run_queued(again.port, fn_index(again.port, "_load_cached_example"), {}, json::object{{"index", 7}}, "cachesess2");
    EXPECT_EQ(done.at("success"), false);
}

TEST(CachedExamples, LazyCacheIsFilledByTheFirstClickAndShared) {
    Folder dir;
    ScopedEnv env("GRADIO_EXAMPLES_CACHE", dir.path().string());
    ScopedEnv mode("GRADIO_CACHE_MODE", "lazy");
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto fn = [calls](const gr::Message& m, const gr::History&) {
        ++*calls;
        return "lazy " + m.text;
    };
    TestServer s(fn, {.examples = {"a", "b"}, .cache_examples = true});
    EXPECT_EQ(calls->load(), 0);
    const int click = fn_index(s.port, "_load_cached_example");
    for (const char* session : {"lazyuser1", "lazyuser2"}) {
        auto done = run_queued(s.port, click, {}, json::object{{"index", 0}}, session);
        EXPECT_EQ(done.at("output").at("data").at(0).at(1).at("content").at(0).at("text"), "lazy a");
    }
    EXPECT_EQ(calls->load(), 1) << "the second user got the first user's result";
}

TEST(ExamplesTable, ClickingARowFillsTheMessageAndEveryInput) {
    auto fn = [](gr::Message m, gr::History, std::string prompt, double n) { return m.text + prompt + std::to_string(n); };
    TestServer s(fn, {.additional_inputs = {gr::Textbox{.label = "Prompt"}, gr::Number{.label = "N"}},
                      .examples = {{"hi", "You are a pirate", 50}, {"yo", "Be brief"}}});
    auto config = request(s.port, "GET", "/config").json();
    json::object table;
    for (const auto& c : config.at("components").as_array())
        if (c.at("type") == "dataset") table = c.as_object();
    ASSERT_FALSE(table.empty()) << "examples with values show as a table";
    EXPECT_EQ(table.at("props").at("samples"), (json::array{json::array{"hi", "You are a pirate", 50}, json::array{"yo", "Be brief", nullptr}}));
    EXPECT_EQ(table.at("props").at("headers"), (json::array{"", "Prompt", "N"}));
    const int load = fn_index(s.port, "load_example");
    EXPECT_EQ(run_predict(s.port, load, {1}), (json::array{"yo", "Be brief", nullptr}));
    EXPECT_EQ(run_predict(s.port, load, {0}), (json::array{"hi", "You are a pirate", 50}));
    auto bad = post_json(s.port, "/gradio_api/run/predict", json::serialize(json::object{{"fn_index", load}, {"data", json::array{9}}, {"session_hash", "tablesess"}}));
    EXPECT_EQ(bad.status, 422) << bad.body;
}

TEST(SaveHistory, ConversationsAreSavedListedOpenedAndDeleted) {
    TestServer s(echo_fn, {.save_history = true});
    const auto user = [](const std::string& t) {
        return json::object{{"role", "user"}, {"metadata", nullptr}, {"content", json::array{json::object{{"text", t}, {"type", "text"}}}}, {"options", nullptr}};
    };
    const json::array first{user("A first question that is longer than forty characters"), user("x")};
    const json::array second{user("second")};
    const int save = fn_index(s.port, "_save_conversation");
    const int sync = fn_index(s.port, "lambda");  // chatbot -> chatbot_state, as the chain does first
    // A new conversation goes to the top; a known index is updated in place.
    run_predict(s.port, sync, json::array{json::value(first)});
    // (conversation_id is a State: kept by the server, null in answers.)
    auto saved = run_predict(s.port, save, {nullptr, nullptr, json::array{}});
    EXPECT_EQ(saved, (json::array{nullptr, one(first)}));
    // The current conversation (index 0) is updated in place.
    run_predict(s.port, sync, json::array{json::value(second)});
    saved = run_predict(s.port, save, {nullptr, nullptr, saved.at(1)});
    EXPECT_EQ(saved, (json::array{nullptr, one(second)}));
    // A new chat starts another entry at the top.
    run_predict(s.port, fn_index(s.port, "lambda_new_chat"), json::array{});
    run_predict(s.port, sync, json::array{json::value(first)});
    saved = run_predict(s.port, save, {nullptr, nullptr, saved.at(1)});
    EXPECT_EQ(saved, (json::array{nullptr, json::array{first, second}}));
    // Titles for the sidebar.
    auto list = run_predict(s.port, fn_index(s.port, "_load_chat_history"), json::array{json::value(json::array{first, second})});
    EXPECT_EQ(list.at(0).at("samples"), (json::array{json::array{"A first question that is longer than for…"}, json::array{"second"}}));
    // Opening the second row.
    auto opened = run_predict(s.port, fn_index(s.port, "_load_conversation"), {1, json::array{first, second}});
    EXPECT_EQ(opened, (json::array{nullptr, second}));
    // Clear deletes the current one (the conversation just opened, index 1).
    auto deleted = run_predict(s.port, fn_index(s.port, "_delete_conversation"), {nullptr, json::array{first, second}});
    EXPECT_EQ(deleted, (json::array{nullptr, one(first)}));
}

TEST(Editable, AnEditCutsTheConversationAndRunsFnAgain) {
    auto fn = [](const gr::Message& m, const gr::History& h) { return m.text + " after " + std::to_string(h.size()); };
    TestServer s(fn, {.editable = true});
    auto config = request(s.port, "GET", "/config").json();
    for (const auto& c : config.at("components").as_array()) {
        if (c.at("type") != "chatbot") continue;
        EXPECT_EQ(c.at("props").at("editable"), "user");
    }
    const auto msg = [](const char* role, const std::string& t) {
        return json::object{{"role", role}, {"metadata", nullptr}, {"content", json::array{json::object{{"text", t}, {"type", "text"}}}}, {"options", nullptr}};
    };
    const json::array chat{msg("user", "a"), msg("assistant", "a after 0"), msg("user", "b"), msg("assistant", "b after 2")};
    const int edit = fn_index(s.port, "_edit_message");
    auto out = run_predict(s.port, edit, json::array{json::value(chat)}, json::object{{"index", 2}, {"value", "B!"}, {"previous_value", "b"}}, "editsess");
    EXPECT_EQ(out.at(0), (json::array{chat[0], chat[1], msg("user", "B!")}));
    // The regenerating step sees the history before the edited message.
    auto reply = run_queued(s.port, fn_index(s.port, "_submit_fn_edit"), {"B!", nullptr}, nullptr, "editsess");
    const auto& shown = reply.at("output").at("data").at(1).as_array();
    EXPECT_EQ(shown.back().at("content").at(0).at("text"), "B! after 2");
    // Editing an assistant message, or a message that is not there, is refused.
    for (int index : {1, 9}) {
        auto r = post_json(s.port, "/gradio_api/run/predict",
                           json::serialize(json::object{{"fn_index", edit}, {"data", json::array{json::value(chat)}},
                                                        {"event_data", json::object{{"index", index}, {"value", "x"}}},
                                                        {"session_hash", "editsess"}}));
        EXPECT_EQ(r.status, 422) << r.body;
    }
}
