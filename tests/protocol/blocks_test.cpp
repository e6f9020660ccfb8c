// gr::Blocks on a live server: layouts in /config, events with inputs, outputs, payloads and
// chains, a ChatInterface inside a page with a custom Chatbot, additional outputs and a
// prefilled conversation, compared with Gradio 6.25.0's recordings where it has them.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {

struct BlocksServer {
    gr::Server server;
    std::uint16_t port;
    explicit BlocksServer(gr::Blocks& demo, gr::LaunchOptions launch = {})
        : server(demo.start(TestServer::with_port0(launch))), port(server.port()) {}
};

json::value config_of(std::uint16_t port) { return request(port, "GET", "/config").json(); }

const json::object* component(const json::value& config, int id) {
    for (const auto& c : config.at("components").as_array())
        if (c.at("id").as_int64() == id) return &c.as_object();
    return nullptr;
}

const json::object* dependency(const json::value& config, const std::string& api_name) {
    for (const auto& d : config.at("dependencies").as_array())
        if (d.at("api_name") == api_name.c_str()) return &d.as_object();
    return nullptr;
}

int fn_of(std::uint16_t port, const std::string& api_name) {
    const json::value config = config_of(port);
    const auto* d = dependency(config, api_name);
    return d ? static_cast<int>(d->at("id").as_int64()) : -1;
}

// The ids of a layout node's children.
std::vector<std::int64_t> children(const json::value& node) {
    std::vector<std::int64_t> out;
    if (const auto* list = node.as_object().if_contains("children"))
        for (const auto& c : list->as_array()) out.push_back(c.at("id").as_int64());
    return out;
}

const json::value* find_node(const json::value& node, std::int64_t id) {
    if (node.at("id").as_int64() == id) return &node;
    if (const auto* list = node.as_object().if_contains("children"))
        for (const auto& c : list->as_array())
            if (const auto* hit = find_node(c, id)) return hit;
    return nullptr;
}

json::value final_data(std::uint16_t port, const std::string& api, const std::string& body) {
    auto r = post_json(port, "/gradio_api/call/" + api, body);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return nullptr;
    SseStream s(port, "/gradio_api/call/" + api + "/" + std::string(r.json().at("event_id").as_string()));
    auto frames = s.all();
    EXPECT_FALSE(frames.empty());
    if (frames.empty()) return nullptr;
    EXPECT_EQ(frames.back().rfind("event: complete", 0), 0u) << frames.back();
    return json::parse(data_of(frames.back()));
}

// ---- the programs of the issue, as the examples build them ---------------------------------

const char* python_code = "\ndef fib(n):\n    if n <= 0:\n        return 0\n    elif n == 1:\n        return 1\n    else:\n        return fib(n-1) + fib(n-2)\n";

std::tuple<std::string, gr::Output> artifacts_chat(const gr::Message& message, const gr::History&) {
    if (message.text.find("ython") != std::string::npos)
        return {"Type Python or JavaScript to see the code.", gr::Code{.value = python_code, .language = "python"}};
    if (message.text.find("avaScript") != std::string::npos)
        return {"Type Python or JavaScript to see the code.", gr::Code{.value = "function fib(n) {}", .language = "javascript"}};
    return {"Please ask about Python or JavaScript.", nullptr};
}

struct Artifacts {
    gr::Blocks demo;
    gr::ComponentRef code;
    Artifacts() {
        code = demo.make(gr::Code{});
        demo.row([&] {
            demo.column([&] {
                demo.render(gr::Markdown{.value = "<center><h1>Write Python or JavaScript</h1></center>"});
                demo.render(gr::ChatInterface(artifacts_chat, {.additional_outputs = {code}, .examples = {"Python", "JavaScript"},
                                                               .api_name = "chat"}));
            });
            demo.column([&] {
                demo.render(gr::Markdown{.value = "<center><h1>Code Artifacts</h1></center>"});
                code.render();
            });
        });
    }
};

}  // namespace

TEST(BlocksLayout, NestedScopesBecomeTheConfigLayout) {
    gr::Blocks demo({.title = "Layouts"});
    gr::ComponentRef a, b, c, d, e;
    demo.row({.equal_height = true}, [&] {
        demo.column({.scale = 2, .min_width = 100}, [&] { a = demo.render(gr::Textbox{.label = "A"}); });
        demo.column([&] {
            demo.group([&] { b = demo.render(gr::Button{.value = "B"}); });
            demo.accordion({.label = "More", .open = true}, [&] { c = demo.render(gr::Markdown{.value = "c"}); });
        });
    });
    demo.tab({.label = "One"}, [&] { d = demo.render(gr::HTML{.value = "<b>d</b>"}); });
    demo.tab({.label = "Two"}, [&] { e = demo.render(gr::Code{.value = "x = 1", .language = "python"}); });
    demo.sidebar({.label = "Side", .position = "right"}, [&] { demo.render(gr::Markdown{.value = "side"}); });
    BlocksServer s(demo);
    const json::value config = config_of(s.port);
    EXPECT_EQ(config.at("mode"), "blocks");
    EXPECT_EQ(config.at("title"), "Layouts");
    const json::value& layout = config.at("layout");
    const auto top = children(layout);
    ASSERT_EQ(top.size(), 3u);  // row, tabs (both tabs joined), sidebar
    EXPECT_EQ(component(config, static_cast<int>(top[0]))->at("type"), "row");
    EXPECT_EQ(component(config, static_cast<int>(top[0]))->at("props").at("equal_height"), true);
    EXPECT_EQ(component(config, static_cast<int>(top[1]))->at("type"), "tabs");
    EXPECT_EQ(component(config, static_cast<int>(top[2]))->at("type"), "sidebar");
    EXPECT_EQ(component(config, static_cast<int>(top[2]))->at("props").at("position"), "right");
    const auto tabs = children(*find_node(layout, top[1]));
    ASSERT_EQ(tabs.size(), 2u);
    EXPECT_EQ(component(config, static_cast<int>(tabs[0]))->at("type"), "tabitem");
    EXPECT_EQ(component(config, static_cast<int>(tabs[1]))->at("props").at("label"), "Two");
    EXPECT_EQ(children(*find_node(layout, tabs[1])), std::vector<std::int64_t>{e.id()});
    const auto columns = children(*find_node(layout, top[0]));
    ASSERT_EQ(columns.size(), 2u);
    const auto* first = component(config, static_cast<int>(columns[0]));
    EXPECT_EQ(first->at("props").at("scale"), 2);
    EXPECT_EQ(first->at("props").at("min_width"), 100);
    EXPECT_EQ(children(*find_node(layout, columns[0])), std::vector<std::int64_t>{a.id()});
    const auto* code = component(config, e.id());
    EXPECT_EQ(code->at("type"), "code");
    EXPECT_EQ(code->at("props").at("language"), "python");
    EXPECT_EQ(code->at("props").at("value"), "x = 1");
    EXPECT_EQ(component(config, b.id())->at("props").at("value"), "B");
    EXPECT_EQ(component(config, c.id())->at("type"), "markdown");
    EXPECT_EQ(component(config, d.id())->at("type"), "html");
}

TEST(BlocksLayout, AScopeThatThrowsIsClosed) {
    gr::Blocks demo;
    EXPECT_THROW(demo.row([&] {
        demo.render(gr::Markdown{.value = "in the row"});
        throw std::runtime_error("the body failed");
    }),
                 std::runtime_error);
    auto after = demo.render(gr::Markdown{.value = "after"});
    BlocksServer s(demo);
    // "after" is at the page root, not inside the abandoned row.
    const auto top = children(config_of(s.port).at("layout"));
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[1], after.id());
}

TEST(BlocksEvents, ClickRunsTheFunctionWithTypedInputsAndOutputs) {
    gr::Blocks demo;
    auto name = demo.render(gr::Textbox{.label = "Name", .parameter_name = "name"});
    auto times = demo.render(gr::Number{.value = 2, .parameter_name = "times"});
    auto out = demo.render(gr::Textbox{.label = "Greeting"});
    auto button = demo.render(gr::Button{.value = "Greet"});
    button.click([](const std::string& n, int k) {
        std::string s;
        for (int i = 0; i < k; ++i) s += "Hello " + n + "! ";
        return s;
    }, {name, times}, {out}, {.api_name = "greet"});
    BlocksServer s(demo);
    EXPECT_EQ(final_data(s.port, "greet", R"({"data":["Ada", 2]})"), (json::array{"Hello Ada! Hello Ada! "}));
    // The API description names the parameters and the Textbox output.
    const auto info = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").at("/greet");
    const auto& params = info.at("parameters").as_array();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].at("parameter_name"), "name");
    EXPECT_EQ(params[0].at("label"), "Name");
    EXPECT_EQ(params[1].at("parameter_name"), "times");
    EXPECT_EQ(params[1].at("component"), "Number");
    EXPECT_EQ(info.at("returns").as_array().at(0).at("label"), "Greeting");
    // A value of the wrong kind is the caller's error, named, and the server goes on.
    auto r = post_json(s.port, "/gradio_api/call/greet", R"({"data":["Ada", "many"]})");
    ASSERT_EQ(r.status, 200);
    SseStream bad(s.port, "/gradio_api/call/greet/" + std::string(r.json().at("event_id").as_string()));
    const auto frames = bad.all();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back().rfind("event: error", 0), 0u) << frames.back();
    EXPECT_NE(frames.back().find("expects a number"), std::string::npos) << frames.back();
    EXPECT_EQ(final_data(s.port, "greet", R"({"data":["Bo", 1]})"), (json::array{"Hello Bo! "}));
}

TEST(BlocksEvents, ThenAndSuccessChainAndUpdatesArePartial) {
    gr::Blocks demo;
    auto box = demo.render(gr::Textbox{});
    auto status = demo.render(gr::Markdown{});
    auto first = box.submit([](const std::string& text) -> std::string {
        if (text == "fail") throw gr::Error("refused");
        return text + "!";
    }, {box}, {box});
    first.then([] { return gr::Output(gr::Update{{{"visible", false}}}); }, {}, {status}, {.api_name = "hide"});
    first.success([](const std::string& t) { return gr::Output(gr::Markdown{.value = "got " + t}); }, {box}, {status},
                  {.api_name = "report", .queue = false});
    BlocksServer s(demo);
    const json::value config = config_of(s.port);
    const auto* submit = dependency(config, "submit");
    const auto* hide = dependency(config, "hide");
    const auto* report = dependency(config, "report");
    ASSERT_TRUE(submit && hide && report);
    EXPECT_EQ(hide->at("trigger_after"), submit->at("id"));
    EXPECT_EQ(hide->at("trigger_only_on_success"), false);
    EXPECT_EQ(report->at("trigger_after"), submit->at("id"));
    EXPECT_EQ(report->at("trigger_only_on_success"), true);
    EXPECT_EQ(report->at("queue"), false);
    EXPECT_EQ(final_data(s.port, "submit", R"({"data":["hi"]})"), (json::array{"hi!"}));
    // An update carries only what it names.
    EXPECT_EQ(final_data(s.port, "hide", R"({"data":[]})"),
              (json::array{json::object{{"visible", false}, {"__type__", "update"}}}));
    // A component returned as an output updates the props set away from their defaults;
    // queue=false runs on /run/predict.
    json::object body{{"fn_index", report->at("id")}, {"data", json::array{"x"}}, {"session_hash", "reportsess"}};
    auto r = post_json(s.port, "/gradio_api/run/predict", json::serialize(body));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("data"), (json::array{json::object{{"value", "got x"}, {"__type__", "update"}}}));
}

TEST(BlocksEvents, InputSelectAndLoadListenersRunWithTheirData) {
    gr::Blocks demo;
    auto box = demo.render(gr::Textbox{});
    auto radio = demo.render(gr::Radio{.choices = {"a", "b"}});
    auto out = demo.render(gr::Textbox{});
    box.input([](const std::string& t) { return "typing " + t; }, {box}, {out});
    radio.select([](const gr::SelectData& d) { return "picked " + std::to_string(d.index) + " " + d.value.as_string(); }, {},
                 {out});
    demo.load([] { return std::string("loaded"); }, {}, {out});
    BlocksServer s(demo);
    const json::value config = config_of(s.port);
    EXPECT_EQ(dependency(config, "input")->at("targets"), (json::array{json::array{box.id(), "input"}}));
    EXPECT_EQ(dependency(config, "input")->at("trigger_mode"), "always_last");
    EXPECT_EQ(dependency(config, "select")->at("collects_event_data"), true);
    EXPECT_EQ(dependency(config, "load")->at("targets"), (json::array{json::array{0, "load"}}));
    auto run = [&](const std::string& api, const json::array& data, const json::value& event_data) {
        auto done = run_queued(s.port, fn_of(s.port, api), data, event_data, "inputsess");
        EXPECT_EQ(done.at("success"), true) << json::serialize(done);
        return done.at("output").at("data").at(0);
    };
    EXPECT_EQ(run("input", {"he"}, nullptr), "typing he");
    EXPECT_EQ(run("select", {}, json::object{{"index", 1}, {"value", "b"}, {"selected", true}}), "picked 1 b");
    EXPECT_EQ(run("load", {}, nullptr), "loaded");
}

TEST(BlocksEvents, ChatbotEventsCarryGradiosPayloads) {
    std::mutex m;
    std::vector<std::string> seen;
    auto note = [&](std::string s) {
        std::lock_guard lock(m);
        seen.push_back(std::move(s));
    };
    gr::Blocks demo;
    auto chatbot = demo.render(gr::Chatbot{});
    chatbot.like([&](const gr::LikeData& d) {
        note("like " + std::to_string(d.index) + " " + d.text() + " " + (d.is_liked() ? "up" : "down"));
    });
    chatbot.retry([&](const gr::RetryData& d) { note("retry " + std::to_string(d.index)); });
    chatbot.undo([&](const gr::UndoData& d) { note("undo " + std::to_string(d.index)); });
    chatbot.edit([&](const gr::EditData& d) {
        note("edit " + std::to_string(d.index) + " " + d.value.as_string() + " was " + d.previous_value.as_string());
    });
    chatbot.clear([&] { note("clear"); });
    chatbot.option_select([&](const gr::SelectData& d) { note("option " + d.value.as_string()); });
    chatbot.example_select([&](const gr::SelectData& d) { note("example " + std::to_string(d.index)); });
    chatbot.copy([&](const gr::CopyData& d) { note("copy " + d.value.as_string()); });
    chatbot.select([&](const gr::SelectData& d, const gr::History& history) {
        note("select " + std::to_string(d.index) + " of " + std::to_string(history.size()));
    }, {chatbot});
    BlocksServer s(demo);
    const json::value config = config_of(s.port);
    const auto& props = component(config, chatbot.id())->at("props");
    // Attaching the listeners shows their controls.
    EXPECT_EQ(props.at("likeable"), true);
    EXPECT_EQ(props.at("_retryable"), true);
    EXPECT_EQ(props.at("_undoable"), true);
    EXPECT_EQ(props.at("_selectable"), true);
    EXPECT_EQ(props.at("editable"), "user");
    EXPECT_EQ(dependency(config, "like")->at("collects_event_data"), true);
    const json::array chat{json::object{{"role", "user"}, {"content", json::array{json::object{{"type", "text"}, {"text", "hi"}}}}},
                           json::object{{"role", "assistant"}, {"content", json::array{json::object{{"type", "text"}, {"text", "yes"}}}}}};
    auto run = [&](const std::string& api, const json::array& data, const json::value& event_data) {
        auto done = run_queued(s.port, fn_of(s.port, api), data, event_data, "chatbotevents");
        EXPECT_EQ(done.at("success"), true) << api << ": " << json::serialize(done);
    };
    run("like", {}, json::object{{"index", 1}, {"value", json::array{"yes"}}, {"liked", true}});
    run("like", {}, json::object{{"index", 1}, {"value", json::array{"yes"}}, {"liked", false}});
    run("retry", {}, json::object{{"index", 0}, {"value", "hi"}});
    run("undo", {}, json::object{{"index", 0}, {"value", "hi"}});
    run("edit", {}, json::object{{"index", 0}, {"value", "hello"}, {"previous_value", "hi"}});
    run("clear", {}, nullptr);
    run("option_select", {}, json::object{{"index", 1}, {"value", "Yes please"}});
    run("example_select", {}, json::object{{"index", 2}, {"value", json::object{{"text", "x"}, {"files", json::array{}}}}});
    run("copy", {}, json::object{{"value", "yes"}});
    run("select", json::array{json::value(chat)}, json::object{{"index", 1}, {"value", "yes"}});
    std::lock_guard lock(m);
    EXPECT_EQ(seen, (std::vector<std::string>{"like 1 yes up", "like 1 yes down", "retry 0", "undo 0", "edit 0 hello was hi",
                                              "clear", "option Yes please", "example 2", "copy yes", "select 1 of 2"}));
}

TEST(BlocksEvents, APayloadThatDoesNotFitIsAClearErrorNotACrash) {
    gr::Blocks demo;
    auto chatbot = demo.render(gr::Chatbot{});
    std::atomic<int> calls{0};
    chatbot.like([&](const gr::LikeData&) { ++calls; });
    BlocksServer s(demo);
    const int like = fn_of(s.port, "like");
    for (const json::value& bad : {json::value(nullptr), json::value("text"), json::value(json::object{{"index", "one"}}),
                                   json::value(json::object{{"index", 0}, {"liked", 5}})}) {
        auto done = run_queued(s.port, like, {}, bad, "badpayload");
        EXPECT_EQ(done.at("success"), false) << json::serialize(done);
        EXPECT_NE(json::serialize(done).find("event's data"), std::string::npos) << json::serialize(done);
    }
    EXPECT_EQ(calls.load(), 0);
    auto ok = run_queued(s.port, like, {}, json::object{{"index", 0}, {"value", json::array{"a"}}, {"liked", true}}, "badpayload");
    EXPECT_EQ(ok.at("success"), true);
    EXPECT_EQ(calls.load(), 1);
}

TEST(BlocksEvents, StreamingEventsYieldEveryStep) {
    gr::Blocks demo;
    auto out = demo.render(gr::Textbox{});
    auto count = demo.render(gr::Number{});
    auto go = demo.render(gr::Button{});
    go.click([]() -> gr::Generator<std::tuple<std::string, int>> {
        std::string s;
        for (int i = 1; i <= 3; ++i) {
            s += std::to_string(i);
            co_yield std::tuple<std::string, int>{s, i};
        }
    }, {}, {out, count}, {.api_name = "count"});
    BlocksServer s(demo);
    auto r = post_json(s.port, "/gradio_api/call/count", R"({"data":[]})");
    ASSERT_EQ(r.status, 200);
    SseStream stream(s.port, "/gradio_api/call/count/" + std::string(r.json().at("event_id").as_string()));
    std::vector<json::value> steps;
    for (const auto& f : stream.all())
        if (f.rfind("event: generating", 0) == 0 || f.rfind("event: complete", 0) == 0) steps.push_back(json::parse(data_of(f)));
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.back(), (json::array{"123", 3}));
    EXPECT_GE(steps.size(), 3u);
}

TEST(BlocksEvents, ConcurrencyGroupsShareOneLimit) {
    // a and b share the group "gpu" with room for one: while a holds it, b waits in line.
    Gate gate;
    std::atomic<bool> a_running{false}, b_ran{false}, b_saw_a{false};
    gr::Blocks demo;
    auto a = demo.render(gr::Button{});
    auto b = demo.render(gr::Button{});
    a.click([&] {
        a_running = true;
        gate.wait();
        a_running = false;
    }, {}, {}, {.api_name = "a", .concurrency_limit = 1, .concurrency_id = "gpu"});
    b.click([&] {
        b_saw_a = a_running.load();
        b_ran = true;
    }, {}, {}, {.api_name = "b", .concurrency_limit = 1, .concurrency_id = "gpu"});
    BlocksServer s(demo);
    OpenAtExit open_at_exit(gate);
    auto ra = post_json(s.port, "/gradio_api/call/a", R"({"data":[]})");
    ASSERT_EQ(ra.status, 200);
    SseStream sa(s.port, "/gradio_api/call/a/" + std::string(ra.json().at("event_id").as_string()));
    ASSERT_TRUE(wait_until([&] { return a_running.load(); }, std::chrono::seconds(5)));
    auto rb = post_json(s.port, "/gradio_api/call/b", R"({"data":[]})");
    ASSERT_EQ(rb.status, 200);
    SseStream sb(s.port, "/gradio_api/call/b/" + std::string(rb.json().at("event_id").as_string()));
    EXPECT_FALSE(wait_until([&] { return b_ran.load(); }, std::chrono::milliseconds(300))) << "b ran beside a";
    gate.open();
    (void)sa.all();
    (void)sb.all();
    EXPECT_TRUE(b_ran.load());
    EXPECT_FALSE(b_saw_a.load());
}

TEST(BlocksErrors, MistakesAreConfigErrorsWithTheirTags) {
    auto tag_of = [](const std::function<void()>& f) -> std::string {
        try {
            f();
        } catch (const gr::ConfigError& e) {
            const std::string w = e.what();
            return w.substr(0, w.find(']') + 1);
        }
        return "no error";
    };
    gr::Blocks demo;
    auto box = demo.render(gr::Textbox{});
    auto number = demo.render(gr::Number{});
    EXPECT_EQ(tag_of([&] { box.change([](const std::string&) {}, {}, {}); }), "[gr.blocks.2]");
    EXPECT_EQ(tag_of([&] { box.change([](const std::string& t) { return t; }, {box}, {}); }), "[gr.blocks.3]");
    EXPECT_EQ(tag_of([&] { box.change([](const std::string& t) { return t; }, {number}, {box}); }), "[gr.blocks.7]");
    gr::Blocks other;
    auto foreign = other.render(gr::Textbox{});
    EXPECT_EQ(tag_of([&] { box.change([](const std::string& t) { return t; }, {foreign}, {box}); }), "[gr.blocks.1]");
    EXPECT_EQ(tag_of([&] { gr::ComponentRef{}.click([] {}); }), "[gr.blocks.1]");
    EXPECT_EQ(tag_of([&] { box.on("explode", [] {}); }), "[gr.blocks.5]");
    EXPECT_EQ(tag_of([&] { box.change([] {}, {}, {}, {.trigger_mode = "sometimes"}); }), "[gr.blocks.4]");
    EXPECT_EQ(tag_of([&] { box.render(); }), "[gr.blocks.6]");
    auto later = demo.make(gr::Code{});
    EXPECT_EQ(tag_of([&] { (void)demo.start(TestServer::with_port0({})); }), "[gr.blocks.6]");
    later.render();
    // A ChatInterface that names a Blocks' components cannot run alone.
    auto code = demo.make(gr::Code{});
    code.render();
    gr::ChatInterface chat(artifacts_chat, {.additional_outputs = {code}});
    EXPECT_EQ(tag_of([&] { (void)chat.start(TestServer::with_port0({})); }), "[gr.config.26]");
    // fn must return one value per additional output.
    EXPECT_EQ(tag_of([&] { gr::ChatInterface(echo_fn, {.additional_outputs = {code}}); }), "[gr.config.25]");
    demo.render(chat);
    EXPECT_EQ(tag_of([&] { demo.render(chat); }), "[gr.blocks.6]");
}

TEST(BlocksChat, ArtifactsMatchesGradiosDemo) {
    Artifacts a;
    BlocksServer s(a.demo);
    auto ours = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").as_object();
    auto theirs = json::parse(recorded("artifacts_info.json")).at("named_endpoints").as_object();
    EXPECT_EQ(ours.size(), theirs.size()) << json::serialize(ours);
    for (const char* f : {"parameters", "returns", "api_visibility", "description"})
        EXPECT_EQ(json::serialize(ours.at("/chat").at(f)), json::serialize(theirs.at("/chat").at(f))) << f;
    // The recorded call: the reply, the history State (null) and the Code update.
    const std::string transcript = recorded("artifacts_call.txt");
    const auto at = transcript.rfind("data: ") + 6;
    const json::value expected = json::parse(transcript.substr(at, transcript.find('\n', at) - at));
    EXPECT_EQ(final_data(s.port, "chat", R"({"data":["python"]})"), expected);
    EXPECT_EQ(final_data(s.port, "chat", R"({"data":["hello"]})"),
              (json::array{"Please ask about Python or JavaScript.", nullptr, nullptr}));
    // The code pane is the second column's, after its heading; the chat's turn updates it.
    const json::value config = config_of(s.port);
    const json::value* pane = nullptr;
    for (const auto& c : config.at("components").as_array())
        if (c.at("type") == "code") pane = &c;
    ASSERT_NE(pane, nullptr);
    const auto* submit = dependency(config, "_submit_fn");
    ASSERT_NE(submit, nullptr);
    EXPECT_EQ(submit->at("outputs").as_array().back(), pane->at("id"));
    const auto row = children(config.at("layout"));
    ASSERT_EQ(row.size(), 1u);
    const auto columns = children(*find_node(config.at("layout"), row[0]));
    ASSERT_EQ(columns.size(), 2u);
    EXPECT_EQ(children(*find_node(config.at("layout"), columns[1])).back(), pane->at("id").as_int64());
}

TEST(BlocksChat, StreamingChatUpdatesItsAdditionalOutputsToo) {
    gr::Blocks demo;
    auto words = demo.render(gr::Number{});
    demo.render(gr::ChatInterface(
        [](gr::Message m, gr::History) -> gr::Generator<std::tuple<std::string, gr::Output>> {
            std::string reply;
            int n = 0;
            for (char c : m.text) {
                reply += c;
                co_yield std::tuple<std::string, gr::Output>{reply, ++n};
            }
        },
        {.additional_outputs = {words}, .api_name = "chat"}));
    BlocksServer s(demo);
    EXPECT_EQ(final_data(s.port, "chat", R"({"data":["abc"]})"), (json::array{"abc", nullptr, 3}));
}

TEST(BlocksChat, CustomChatbotKeepsItsLikeListenerAndPlaceholder) {
    std::atomic<int> votes{0};
    gr::Blocks demo;
    auto chatbot = demo.render(gr::Chatbot{.placeholder = "<strong>Your Personal Yes-Man</strong><br>Ask Me Anything"});
    chatbot.like([&](const gr::LikeData& d) { votes += d.is_liked() ? 1 : 100; }, {}, {}, {.api_name = "vote"});
    demo.render(gr::ChatInterface([](const gr::Message&, const gr::History&) { return std::string("yes"); },
                                  {.chatbot = chatbot, .api_name = "chat"}));
    BlocksServer s(demo);
    auto ours = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").as_object();
    auto theirs = json::parse(recorded("custom_chatbot_info.json")).at("named_endpoints").as_object();
    for (const char* endpoint : {"/chat", "/vote"})
        for (const char* f : {"parameters", "returns", "api_visibility"})
            EXPECT_EQ(json::serialize(ours.at(endpoint).at(f)), json::serialize(theirs.at(endpoint).at(f))) << endpoint << f;
    EXPECT_EQ(final_data(s.port, "chat", R"({"data":["Am I right?"]})"), (json::array{"yes", nullptr}));
    const json::value config = config_of(s.port);
    const auto& props = component(config, chatbot.id())->at("props");
    EXPECT_EQ(props.at("likeable"), true);
    EXPECT_EQ(props.at("placeholder"), "<strong>Your Personal Yes-Man</strong><br>Ask Me Anything");
    // The chatbot moved into the interface's column, and the vote is dependency 0 as in Gradio.
    EXPECT_EQ(dependency(config, "vote")->at("id"), 0);
    const auto top = children(config.at("layout"));
    ASSERT_FALSE(top.empty());
    EXPECT_EQ(std::find(top.begin(), top.end(), chatbot.id()), top.end());
    auto done = run_queued(s.port, 0, {}, json::object{{"index", 1}, {"value", json::array{"yes"}}, {"liked", true}}, "votesess");
    EXPECT_EQ(done.at("success"), true);
    EXPECT_EQ(votes.load(), 1);
}

TEST(BlocksChat, PrefillFillsTheChatAndTheNextTurnSeesIt) {
    gr::Blocks demo;
    auto radio = demo.render(gr::Radio{.choices = {"Greeting", "Complaint", "Blank"}, .parameter_name = "choice"});
    auto chat = demo.render(gr::ChatInterface(
        [](const gr::Message& m, const gr::History& h) { return m.text + " after " + std::to_string(h.size()); },
        {.api_name = "chat"}));
    radio.change([](const std::string& choice) -> gr::History {
        if (choice == "Greeting")
            return {{.role = gr::Role::user, .text = "Hi there!"}, {.role = gr::Role::assistant, .text = "Hello! How can I assist you today?"}};
        return {};
    }, {radio}, {chat.chatbot_value}, {.api_name = "prefill_chatbot"});
    BlocksServer s(demo);
    auto ours = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").as_object();
    auto theirs = json::parse(recorded("prefill_info.json")).at("named_endpoints").as_object();
    for (const char* endpoint : {"/chat", "/prefill_chatbot"})
        for (const char* f : {"parameters", "returns", "api_visibility"})
            EXPECT_EQ(json::serialize(ours.at(endpoint).at(f)), json::serialize(theirs.at(endpoint).at(f))) << endpoint << f;
    const json::value config = config_of(s.port);
    EXPECT_EQ(dependency(config, "prefill_chatbot")->at("trigger_mode"), "always_last");
    // The page's chain, step by step in one session: the radio's change writes chatbot_value,
    // whose change shows it in the chatbot and copies it into the history State; the next
    // turn's fn then sees two messages of history.
    const std::string session = "prefillsess";
    auto done = run_queued(s.port, fn_of(s.port, "prefill_chatbot"), json::array{"Greeting"}, nullptr, session);
    ASSERT_EQ(done.at("success"), true) << json::serialize(done);
    EXPECT_EQ(done.at("output").at("changed_state_ids"), json::array{chat.chatbot_value.id()});
    int show = -1;
    for (const auto& d : config.at("dependencies").as_array())
        if (d.at("targets").as_array().at(0).as_array().at(0) == chat.chatbot_value.id()) show = static_cast<int>(d.at("id").as_int64());
    ASSERT_GE(show, 0);
    done = run_queued(s.port, show, json::array{nullptr}, nullptr, session);
    ASSERT_EQ(done.at("success"), true) << json::serialize(done);
    const json::value shown = done.at("output").at("data").at(0);
    ASSERT_TRUE(shown.is_array()) << json::serialize(shown);
    ASSERT_EQ(shown.as_array().size(), 2u);
    EXPECT_EQ(shown.as_array()[1].at("content").at(0).at("text"), "Hello! How can I assist you today?");
    int sync = -1;
    for (const auto& d : config.at("dependencies").as_array())
        if (d.at("trigger_after") == show) sync = static_cast<int>(d.at("id").as_int64());
    ASSERT_GE(sync, 0);
    done = run_queued(s.port, sync, json::array{shown}, nullptr, session);
    ASSERT_EQ(done.at("success"), true) << json::serialize(done);
    done = run_queued(s.port, fn_of(s.port, "chat"), json::array{"hi", nullptr}, nullptr, session);
    ASSERT_EQ(done.at("success"), true) << json::serialize(done);
    EXPECT_EQ(done.at("output").at("data").at(0), "hi after 2");
}

TEST(BlocksChat, TwoChatsInOnePageHaveTheirOwnEndpointAndLimit) {
    Gate gate;
    std::atomic<bool> first_running{false};
    gr::Blocks demo;
    demo.tab({.label = "Slow"}, [&] {
        demo.render(gr::ChatInterface([&](const gr::Message& m, const gr::History&) {
            first_running = true;
            gate.wait();
            return "slow " + m.text;
        }));
    });
    demo.tab({.label = "Fast"}, [&] { demo.render(gr::ChatInterface(echo_fn)); });
    BlocksServer s(demo);
    OpenAtExit open_at_exit(gate);
    const auto names = request(s.port, "GET", "/gradio_api/info").json().at("named_endpoints").as_object();
    ASSERT_TRUE(names.contains("/chat") && names.contains("/chat_1")) << json::serialize(names);
    auto slow = post_json(s.port, "/gradio_api/call/chat", R"({"data":["a"]})");
    ASSERT_EQ(slow.status, 200);
    SseStream slow_stream(s.port, "/gradio_api/call/chat/" + std::string(slow.json().at("event_id").as_string()));
    ASSERT_TRUE(wait_until([&] { return first_running.load(); }, std::chrono::seconds(5)));
    // The second interface answers while the first one's only slot is taken.
    EXPECT_EQ(final_data(s.port, "chat_1", R"({"data":["b"]})"), (json::array{"b", nullptr}));
    gate.open();
    const auto frames = slow_stream.all();
    ASSERT_FALSE(frames.empty());
    EXPECT_NE(frames.back().find("slow a"), std::string::npos) << frames.back();
}
