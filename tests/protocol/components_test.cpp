// Additional inputs and every kind of reply, through the API, compared with Gradio 6.25.0's
// recordings of its demos (tests/protocol/recorded/).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {

// The data of the last "event: complete" frame of a recorded /call transcript.
json::value recorded_final(const std::string& name) {
    const std::string text = recorded(name);
    const auto at = text.rfind("event: complete\ndata: ");
    const auto start = at + std::string("event: complete\ndata: ").size();
    return json::parse(text.substr(start, text.find('\n', start) - start));
}

// Durations change from run to run; everything else must match.
void drop_durations(json::value& v) {
    if (v.is_object()) {
        v.as_object().erase("duration");
        for (auto& kv : v.as_object()) drop_durations(kv.value());
    } else if (v.is_array()) {
        for (auto& item : v.as_array()) drop_durations(item);
    }
}

// The port of chatinterface_system_prompt, without the sleeps.
gr::Stream system_prompt_echo(gr::Message message, gr::History, std::string system_prompt, double tokens) {
    const std::string response = "System prompt: " + system_prompt + "\n Message: " + message.text + ".";
    const auto n = std::min(response.size(), static_cast<std::size_t>(tokens));
    for (std::size_t i = 0; i < n; ++i) co_yield response.substr(0, i + 1);
}

gr::ChatInterfaceOptions system_prompt_options() {
    return {.additional_inputs = {
                gr::Textbox{.value = "You are helpful AI.", .label = "System Prompt", .parameter_name = "system_prompt"},
                gr::Slider{.minimum = 10, .maximum = 100, .parameter_name = "tokens"},
            },
            .api_name = "chat"};
}

json::value call_data(const std::vector<std::string>& frames) {
    EXPECT_FALSE(frames.empty());
    if (frames.empty()) return nullptr;
    EXPECT_EQ(frames.back().rfind("event: complete", 0), 0u) << frames.back();
    return json::parse(data_of(frames.back()));
}

std::vector<std::string> call_raw(std::uint16_t port, const std::string& path, const std::string& body) {
    auto r = post_json(port, path, body);
    if (r.status != 200) return {"HTTP " + std::to_string(r.status) + " " + r.body};
    SseStream s(port, "/gradio_api/call/chat/" + std::string(r.json().at("event_id").as_string()));
    return s.all();
}

}  // namespace

TEST(AdditionalInputs, InfoMatchesGradiosSystemPromptDemo) {
    TestServer s(system_prompt_echo, system_prompt_options());
    auto ours = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").at("/chat").as_object();
    auto theirs = json::parse(recorded("system_prompt_info.json")).at("named_endpoints").at("/chat").as_object();
    // Parameters and returns are the same, field for field.
    EXPECT_EQ(json::serialize(ours.at("parameters")), json::serialize(theirs.at("parameters")));
    EXPECT_EQ(json::serialize(ours.at("returns")), json::serialize(theirs.at("returns")));
    // The snippets show the defaults.
    const std::string python(ours.at("code_snippets").at("python").as_string());
    EXPECT_NE(python.find("system_prompt=\"You are helpful AI.\""), std::string::npos) << python;
    EXPECT_NE(python.find("tokens=10"), std::string::npos) << python;
}

TEST(AdditionalInputs, ValuesReachFnAsItsTypes) {
    TestServer s(system_prompt_echo, system_prompt_options());
    // The recorded call: ["hi", "You are a pirate.", 30] gives the first 30 characters.
    auto data = call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi","You are a pirate.",30]})"));
    EXPECT_EQ(data, recorded_final("system_prompt_call.txt"));
    // Keyword form with a value left out: the system prompt's default applies.
    data = call_data(call_raw(s.port, "/gradio_api/call/v2/chat", R"({"message":"hi","tokens":25})"));
    EXPECT_EQ(data, (json::array{"System prompt: You are he", nullptr}));
    // Positional form with trailing values left out: both defaults (10 tokens).
    data = call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi"]})"));
    EXPECT_EQ(data.as_array().at(0), "System pro");
}

TEST(AdditionalInputs, BadValuesAreClearErrorsAndTheServerLives) {
    TestServer s(system_prompt_echo, system_prompt_options());
    for (const char* body : {R"({"data":["hi","x","ten"]})", R"({"data":["hi","x",500]})", R"({"data":["hi",42,20]})"}) {
        auto frames = call_raw(s.port, "/gradio_api/call/chat", body);
        ASSERT_FALSE(frames.empty());
        EXPECT_EQ(frames.back().rfind("event: error", 0), 0u) << body << " -> " << frames.back();
    }
    auto frames = call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi","x",500]})");
    EXPECT_NE(frames.back().find("between 10 and 100"), std::string::npos) << frames.back();
    // Through the queue, the same reason reaches the browser.
    auto done = run_queued(s.port, 6, json::array{"hi", nullptr, "x", 5}, nullptr, "badvalues");
    EXPECT_EQ(done.at("success"), false);
    EXPECT_NE(json::serialize(done).find("between 10 and 100"), std::string::npos) << json::serialize(done);
    // Still serving.
    EXPECT_EQ(call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi","A",12]})")).as_array().at(0),
              "System promp");
}

TEST(AdditionalInputs, MismatchWithTheSignatureIsAConstructionError) {
    auto fn = [](gr::Message, gr::History, std::string, double) { return std::string("x"); };
    try {
        gr::ChatInterface demo(fn, {.additional_inputs = {"textbox"}});
        FAIL() << "no error for a missing input";
    } catch (const gr::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("[gr.config.12]"), std::string::npos) << e.what();
    }
    try {
        gr::ChatInterface demo(fn, {.additional_inputs = {"slider", "slider"}});
        FAIL() << "no error for a slider where fn takes text";
    } catch (const gr::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("[gr.config.13]"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("parameter 3"), std::string::npos) << e.what();
    }
    EXPECT_THROW(gr::ChatInterface(fn, {.additional_inputs = {"textbox", "knob"}}), gr::ConfigError);
    EXPECT_NO_THROW(gr::ChatInterface(fn, {.additional_inputs = {"textbox", gr::Number{}}}));
}

TEST(AdditionalInputs, AccordionAndComponentsInTheConfig) {
    auto fn = [](gr::Message, gr::History, bool, std::string, std::vector<std::string>, gr::Value) { return std::string("x"); };
    TestServer s(fn, {.additional_inputs = {gr::Checkbox{.value = true, .label = "Think"},
                                            gr::Radio{.choices = {"a", "b"}, .value = "a", .label = "Pick"},
                                            gr::Dropdown{.choices = {"x", "y", "z"}, .multiselect = true, .label = "Tags"},
                                            gr::Number{.value = 3, .label = "N"}},
                      .additional_inputs_accordion = "Settings"});
    auto c = request(s.port, "GET", "/config").json().as_object();
    std::map<std::string, json::object> by_type;
    for (const auto& comp : c.at("components").as_array()) by_type[std::string(comp.at("type").as_string())] = comp.as_object();
    ASSERT_TRUE(by_type.count("accordion"));
    EXPECT_EQ(by_type["accordion"].at("props").at("label"), "Settings");
    EXPECT_EQ(by_type["accordion"].at("props").at("open"), false);
    EXPECT_EQ(by_type["checkbox"].at("props").at("value"), true);
    EXPECT_EQ(by_type["radio"].at("props").at("choices"), (json::array{json::array{"a", "a"}, json::array{"b", "b"}}));
    EXPECT_EQ(by_type["dropdown"].at("props").at("multiselect"), true);
    EXPECT_EQ(by_type["number"].at("props").at("value"), 3);
    // A value that is not a choice is refused; a good one goes through.
    auto frames = call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi",true,"c",["x"],1]})");
    EXPECT_EQ(frames.back().rfind("event: error", 0), 0u) << frames.back();
    EXPECT_EQ(call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["hi",false,"b",["x","z"],7]})")).as_array().at(0),
              "x");
}

TEST(Replies, ChatMessageWithOptionsComesBackAsGradioSendsIt) {
    auto fn = [](const gr::Message&, const gr::History&) -> gr::Reply {
        return gr::ChatMessage{.content = "\nHere's an example Python lambda function:\n\nlambda x: x + 66\n\nIs this correct?\n",
                               .options = {{.value = "Yes, that's correct.", .label = "Yes"}, {.value = "No"}}};
    };
    TestServer s(fn);
    auto data = call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["Write an example Python lambda function."]})"));
    EXPECT_EQ(data, recorded_final("options_call.txt"));
}

TEST(Replies, StreamedThoughtsAndListsComeBackAsGradioSendsThem) {
    auto fn = [](gr::Message, gr::History) -> gr::Generator<std::vector<gr::ChatMessage>> {
        std::vector<gr::ChatMessage> r = {
            {.content = "In order to find the current weather in San Francisco, I will need to use my weather tool."},
            {.content = "Will check: weather.com and sunny.org",
             .metadata = {.title = "Using Weather Tool", .id = 1, .duration = 1.4, .status = "done"}},
            {.content = "Received weather from weather.com.",
             .metadata = {.title = "Checking weather.com", .id = 2, .parent_id = 1, .duration = 0.05}},
            {.content = "API Error when connecting to sunny.org 💥",
             .metadata = {.title = "Checking sunny.org", .id = 3, .parent_id = 1, .duration = 0.2, .status = "done"}},
            {.content = "Failed again", .metadata = {.title = "I will try again", .id = 4, .parent_id = 3, .duration = 0.1}},
        };
        co_yield r;
        r.push_back({.content = "Based on the data only from weather.com, the current weather in San Francisco is 60 degrees and sunny."});
        co_yield r;
    };
    TestServer s(fn);
    auto data = call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["What is the weather in San Francisco right now?"]})"));
    auto expected = recorded_final("nested_thoughts_call.txt");
    drop_durations(data);
    drop_durations(expected);
    EXPECT_EQ(data, expected);
}

TEST(Replies, AThoughtStreamsInTheChatbotWithItsMetadata) {
    auto fn = [](gr::Message, gr::History) -> gr::Generator<gr::ChatMessage> {
        gr::ChatMessage m{.metadata = {.title = "_Thinking_ step-by-step", .id = 0, .status = "pending"}};
        co_yield m;
        m.content = "- First";
        m.metadata.status = "done";
        co_yield m;
    };
    TestServer s(fn);
    // The API form (first frame) is the recorded one.
    auto frames = call_raw(s.port, "/gradio_api/call/chat", R"({"data":["Why?"]})");
    ASSERT_GE(frames.size(), 2u);
    const std::string text = recorded("thoughts_call.txt");
    const auto first = text.find("data: ") + 6;
    EXPECT_EQ(json::parse(data_of(frames[0])), json::parse(text.substr(first, text.find('\n', first) - first)));
    // The UI chain's chatbot value carries the metadata in Gradio's normalised message shape.
    // As the browser does: the box's text is saved (step 0), then _submit_fn (step 2) runs.
    auto saved = post_json(s.port, "/gradio_api/run/predict", R"({"fn_index":0,"data":["Why?"],"session_hash":"thoughtsess"})");
    ASSERT_EQ(saved.status, 200) << saved.body;
    auto done = run_queued(s.port, 2, json::array{nullptr, nullptr}, nullptr, "thoughtsess");
    ASSERT_EQ(done.at("success"), true) << json::serialize(done);
    const auto& chat = done.at("output").at("data").at(1).as_array();
    ASSERT_EQ(chat.size(), 2u);
    EXPECT_EQ(chat[1].at("role"), "assistant");
    EXPECT_EQ(chat[1].at("metadata").at("status"), "done");
    EXPECT_EQ(chat[1].at("content").at(0).at("text"), "- First");
    EXPECT_EQ(chat[1].at("metadata").at("id"), 0);
}

TEST(Replies, ToastsReachTheQueueStream) {
    auto fn = [](const gr::Message& m, const gr::History&) -> std::string {
        gr::Info("working on " + m.text);
        gr::Warning("careful", std::nullopt);
        gr::Success("done", 2.0, true, "Yay");
        return "ok";
    };
    gr::Info("outside a request: nothing happens");
    TestServer s(fn);
    auto join = post_json(s.port, "/gradio_api/queue/join",
                          R"({"fn_index":6,"data":["x",null],"event_data":null,"session_hash":"toastsession"})");
    ASSERT_EQ(join.status, 200) << join.body;
    SseStream data(s.port, "/gradio_api/queue/data?session_hash=toastsession");
    std::vector<json::object> logs;
    while (auto m = data.next_json()) {
        const auto& o = m->as_object();
        if (o.at("msg") == "log") logs.push_back(o);
        if (o.at("msg") == "process_completed") break;
    }
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[0].at("log"), "working on x");
    EXPECT_EQ(logs[0].at("level"), "info");
    EXPECT_EQ(logs[0].at("title"), "Info");
    EXPECT_EQ(logs[1].at("level"), "warning");
    EXPECT_TRUE(logs[1].at("duration").is_null());
    EXPECT_EQ(logs[2].at("level"), "success");
    EXPECT_EQ(logs[2].at("title"), "Yay");
}

TEST(Textbox, MaxLengthIsEnforcedByTheServer) {
    TestServer s(echo_fn, {.textbox = gr::Textbox{.max_length = 5}});
    auto c = request(s.port, "GET", "/config").json();
    bool found = false;
    for (const auto& comp : c.at("components").as_array())
        if (comp.at("type") == "textbox" && comp.at("props").as_object().contains("max_length")) {
            found = true;
            EXPECT_EQ(comp.at("props").at("max_length"), 5);
        }
    EXPECT_TRUE(found);
    EXPECT_EQ(call_data(call_raw(s.port, "/gradio_api/call/chat", R"({"data":["héllo"]})")).as_array().at(0), "héllo");
    auto frames = call_raw(s.port, "/gradio_api/call/chat", R"({"data":["héllo!"]})");
    EXPECT_EQ(frames.back().rfind("event: error", 0), 0u) << frames.back();
    EXPECT_NE(frames.back().find("limited to 5 characters"), std::string::npos) << frames.back();
}

TEST(Files, OnlyTheAppsOwnFilesAreServed) {
    const std::string icon = std::string(GR_RECORDED_DIR) + "/options_call.txt";
    TestServer s(echo_fn, {.chatbot = gr::Chatbot{.avatar_images = {"", icon}}});
    auto config = request(s.port, "GET", "/config").json();
    std::string url;
    for (const auto& comp : config.at("components").as_array())
        if (comp.at("type") == "chatbot") url = std::string(comp.at("props").at("avatar_images").at(1).at("url").as_string());
    ASSERT_EQ(url.rfind("gradio_api/file=", 0), 0u) << url;
    auto r = request(s.port, "GET", "/" + url);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, recorded("options_call.txt"));
    for (const std::string& other : std::vector<std::string>{"/gradio_api/file=/etc/passwd", "/gradio_api/file=" + std::string(GR_RECORDED_DIR) + "/../recorded/thoughts_call.txt",
                                    "/gradio_api/file=" + std::string(GR_RECORDED_DIR) + "/thoughts_call.txt"})
        EXPECT_EQ(request(s.port, "GET", other).status, 403) << other;
    EXPECT_THROW(gr::ChatInterface(echo_fn, {.chatbot = gr::Chatbot{.avatar_images = {"/no/such/file.png", ""}}}), gr::ConfigError);
}
