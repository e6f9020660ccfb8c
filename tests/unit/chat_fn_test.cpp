// The chat function as the library holds it (detail::make_chat_function) and the app built
// around it (detail::ChatApp): reference parameters of streaming functions stay valid across
// co_yield, move-only and stateful function objects are held once and shared by every handler,
// the validator is a pre-queue step, and options that do nothing yet are reported.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <gradio/gradio.hpp>

#include "chat_app.hpp"
#include "protocol/app.hpp"

namespace {

namespace json = boost::json;
using gr::detail::ChatApp;
using gr::detail::Dependency;
using gr::detail::make_chat_function;

gr::Message user(std::string text) {
    gr::Message m;
    m.role = gr::Role::user;
    m.text = std::move(text);
    return m;
}

// Every value is built as a temporary inside the call, so nothing but the library can keep
// them alive once the coroutine is suspended.
gr::History two_turns() { return {user("first question"), gr::Message{gr::Role::assistant, "first answer", {}, {}, {}}}; }

// Reads its reference parameters again after every co_yield.
gr::Stream by_const_ref(const gr::Message& message, const gr::History& history) {
    for (int i = 0; i < 4; ++i) {
        co_yield message.text + " #" + std::to_string(i) + " after " + std::to_string(history.size()) + " messages, last: " +
            history.back().text;
    }
    co_yield "done: " + message.text + " / " + history.front().text;
}

// Same with rvalue references.
gr::Stream by_rvalue_ref(gr::Message&& message, gr::History&& history) {
    co_yield message.text;
    co_yield message.text + "|" + std::to_string(history.size());
    co_yield message.text + "|" + history.front().text;
}

std::string text_of(const gr::Reply& r) { return std::get<std::string>(r.value()); }
std::string text_of(const gr::detail::ChatResult& r) { return text_of(r.reply); }

std::vector<std::string> drain(std::unique_ptr<gr::detail::ReplyStream> stream) {
    std::vector<std::string> out;
    while (stream->next()) out.push_back(text_of(stream->value()));
    return out;
}

const Dependency& dependency_named(const gr::detail::App& app, const std::string& api_name) {
    for (const auto& d : app.dependencies)
        if (d.api_name == api_name) return d;
    throw std::runtime_error("no dependency " + api_name);
}

// The reply text of one call of a (non-streaming) handler.
std::string call_reply(const Dependency& d, const std::string& message, bool api) {
    gr::detail::Inputs in(json::array{json::value(message), json::array{}});
    gr::detail::EventContext ctx;
    json::array out = d.handler.call(in, ctx);
    if (api) return std::string(out.at(0).as_string());
    // UI: outputs [null, chatbot]; the reply is the last message's text part.
    const auto& chat = out.at(1).as_array();
    const auto& content = chat.back().as_object().at("content");
    if (content.is_string()) return std::string(content.as_string());
    return std::string(content.as_array().at(0).as_object().at("text").as_string());
}

}  // namespace

TEST(ChatFunction, ConstRefStreamingParametersOutliveEveryYield) {
    auto fn = make_chat_function(by_const_ref);
    ASSERT_TRUE(fn.stream);
    auto replies = drain(fn.stream({user("héllo wörld, a message long enough to live on the heap"), two_turns(), {}}));
    ASSERT_EQ(replies.size(), 5u);
    EXPECT_EQ(replies[0], "héllo wörld, a message long enough to live on the heap #0 after 2 messages, last: first answer");
    EXPECT_EQ(replies[3], "héllo wörld, a message long enough to live on the heap #3 after 2 messages, last: first answer");
    EXPECT_EQ(replies[4], "done: héllo wörld, a message long enough to live on the heap / first question");
}

TEST(ChatFunction, RvalueRefStreamingParametersAreAccepted) {
    auto fn = make_chat_function(by_rvalue_ref);
    auto replies = drain(fn.stream({user("a message that does not fit the small string buffer"), two_turns(), {}}));
    EXPECT_EQ(replies, (std::vector<std::string>{"a message that does not fit the small string buffer",
                                                 "a message that does not fit the small string buffer|2",
                                                 "a message that does not fit the small string buffer|first question"}));
}

TEST(ChatFunction, ConstRefLambdaCoroutineStillSeesItsArgumentsWhenCancelled) {
    // A local whose destructor reads the message: destroying the stream mid-way (Stop) must
    // destroy the frame before the arguments it refers to.
    std::string seen_at_destruction;
    struct Reader {
        const gr::Message* message;
        std::string* out;
        ~Reader() { *out = message->text; }
    };
    auto fn = make_chat_function([&seen_at_destruction](const gr::Message& m, const gr::History&) -> gr::Stream {
        Reader reader{&m, &seen_at_destruction};
        while (true) co_yield m.text;
    });
    {
        auto stream = fn.stream({user("still readable when the frame goes away"), {}, {}});
        ASSERT_TRUE(stream->next());
        ASSERT_TRUE(stream->next());
        EXPECT_EQ(text_of(stream->value()), "still readable when the frame goes away");
    }
    EXPECT_EQ(seen_at_destruction, "still readable when the frame goes away");
}

TEST(ChatFunction, MoveAssignedStreamDestroysTheOldFrameBeforeItsArguments) {
    std::vector<std::string> seen;
    struct Reader {
        const gr::Message* message;
        std::vector<std::string>* out;
        ~Reader() { out->push_back(message->text); }
    };
    auto fn = make_chat_function([&seen](const gr::Message& m, const gr::History&) -> gr::Stream {
        Reader reader{&m, &seen};
        while (true) co_yield m.text;
    });
    auto stream = fn.stream({user("the first stream's message, heap allocated"), {}, {}});
    ASSERT_TRUE(stream->next());
    stream = fn.stream({user("the second stream's message, heap allocated"), {}, {}});
    EXPECT_EQ(seen, (std::vector<std::string>{"the first stream's message, heap allocated"}));
    ASSERT_TRUE(stream->next());
    EXPECT_EQ(text_of(stream->value()), "the second stream's message, heap allocated");
}

namespace {
// A model the function object owns and cannot be copied.
struct Model {
    std::string prefix;
};
struct MoveOnlyBot {
    std::unique_ptr<Model> model;
    std::string operator()(const gr::Message& m, const gr::History&) const { return model->prefix + m.text; }
};
struct MoveOnlyStreamingBot {
    std::unique_ptr<Model> model;
    gr::Stream operator()(const gr::Message& m, const gr::History&) const {
        co_yield model->prefix;
        co_yield model->prefix + m.text;
    }
};
// Counts the turns it has answered; its operator() is not const.
struct CountingBot {
    int turns = 0;
    std::string operator()(gr::Message, gr::History) { return std::to_string(++turns); }
};
}  // namespace

TEST(ChatFunction, MoveOnlyFunctionObjectsAreAccepted) {
    auto reply = make_chat_function(MoveOnlyBot{std::make_unique<Model>(Model{"model says: "})});
    ASSERT_TRUE(reply.reply);
    EXPECT_EQ(text_of(reply.reply({user("hi"), {}, {}})), "model says: hi");

    auto stream = make_chat_function(MoveOnlyStreamingBot{std::make_unique<Model>(Model{"streamed: "})});
    EXPECT_EQ(drain(stream.stream({user("hi"), {}, {}})), (std::vector<std::string>{"streamed: ", "streamed: hi"}));

    // And through the public constructor (that this compiles is the point).
    gr::ChatInterface demo(MoveOnlyBot{std::make_unique<Model>(Model{"x"})});
    gr::ChatInterface streaming(MoveOnlyStreamingBot{std::make_unique<Model>(Model{"x"})});
}

TEST(ChatFunction, EveryCopySharesOneStatefulObject) {
    auto fn = make_chat_function(CountingBot{});
    auto copy = fn;
    auto another = copy;
    EXPECT_EQ(text_of(fn.reply({user("a"), {}, {}})), "1");
    EXPECT_EQ(text_of(copy.reply({user("b"), {}, {}})), "2");
    EXPECT_EQ(text_of(another.reply({user("c"), {}, {}})), "3");
    EXPECT_EQ(text_of(fn.reply({user("d"), {}, {}})), "4");
}

TEST(ChatFunction, UiAndApiHandlersCallTheSameObject) {
    ChatApp chat(make_chat_function(CountingBot{}), {});
    auto app = chat.app_for(gr::LaunchOptions{});
    const Dependency& ui = dependency_named(*app, "_submit_fn");
    const Dependency& retry = dependency_named(*app, "_submit_fn_1");
    const Dependency& api = dependency_named(*app, "chat");
    EXPECT_EQ(call_reply(ui, "hello", false), "1");
    EXPECT_EQ(call_reply(api, "hello", true), "2");
    EXPECT_EQ(call_reply(retry, "hello", false), "3");
    EXPECT_EQ(call_reply(api, "hello", true), "4");
}

// ---- validator

namespace {
gr::ChatInterfaceOptions with_min_length_validator(std::atomic<int>* calls = nullptr) {
    gr::ChatInterfaceOptions o;
    o.validator = [calls](const gr::Message& m) -> std::optional<std::string> {
        if (calls) ++*calls;
        if (m.text.size() < 3) return "Too short: at least 3 characters.";
        return std::nullopt;
    };
    return o;
}
std::string echo(const gr::Message& m, const gr::History&) { return m.text; }
}  // namespace

TEST(Validator, RunsAsThePreQueueStepOfSubmitAndApi) {
    ChatApp chat(make_chat_function(echo), with_min_length_validator());
    auto app = chat.app_for(gr::LaunchOptions{});
    const Dependency& clear = dependency_named(*app, "_clear_and_save_textbox");
    const Dependency& api = dependency_named(*app, "chat");
    for (const Dependency* d : {&clear, &api}) {
        ASSERT_TRUE(d->validate) << d->api_name;
        auto rejected = d->validate(json::array{json::value("hi"), nullptr});
        ASSERT_EQ(rejected.size(), 1u) << d->api_name;
        EXPECT_EQ(rejected[0].parameter_name, "message");
        EXPECT_EQ(rejected[0].message, "Too short: at least 3 characters.");
        EXPECT_TRUE(d->validate(json::array{json::value("hello"), nullptr}).empty());
        EXPECT_TRUE(d->runs_user_code) << d->api_name;
    }
    // A rejected submit must not append the message: the next step needs a success.
    const Dependency& append = dependency_named(*app, "_append_message_to_history");
    EXPECT_TRUE(append.trigger_only_on_success);
    ASSERT_EQ(append.targets.size(), 1u);
    EXPECT_EQ(append.targets[0].event, "success");
    // Only those two steps validate.
    for (const auto& d : app->dependencies) {
        if (&d == &clear || &d == &api) continue;
        EXPECT_FALSE(d.validate) << d.api_name;
    }
}

TEST(Validator, IsNotCalledAgainByTheChatHandler) {
    std::atomic<int> calls = 0;
    ChatApp chat(make_chat_function(echo), with_min_length_validator(&calls));
    auto app = chat.app_for(gr::LaunchOptions{});
    // The routes validate before queueing; the handler itself just runs the fn.
    EXPECT_EQ(call_reply(dependency_named(*app, "chat"), "ok", true), "ok");
    EXPECT_EQ(call_reply(dependency_named(*app, "_submit_fn"), "ok", false), "ok");
    EXPECT_EQ(calls.load(), 0);
}

TEST(Validator, WithoutOneNothingValidatesAndTheChainIsGradios) {
    ChatApp chat(make_chat_function(echo), {});
    auto app = chat.app_for(gr::LaunchOptions{});
    for (const auto& d : app->dependencies) {
        EXPECT_FALSE(d.validate) << d.api_name;
    }
    const Dependency& append = dependency_named(*app, "_append_message_to_history");
    EXPECT_FALSE(append.trigger_only_on_success);
    EXPECT_EQ(append.targets.at(0).event, "then");
    EXPECT_FALSE(dependency_named(*app, "_clear_and_save_textbox").runs_user_code);
}

TEST(ChatApp, OnlyStepsThatCallUserCodeAreMarkedSo) {
    gr::ChatInterfaceOptions o;
    o.examples = {"hello"};
    ChatApp chat(make_chat_function(echo), o);
    auto app = chat.app_for(gr::LaunchOptions{});
    int user_steps = 0;
    for (const auto& d : app->dependencies) {
        const bool calls_fn = d.api_name == "chat" || d.api_name.starts_with("_submit_fn");
        EXPECT_EQ(d.runs_user_code, calls_fn) << d.api_name;
        user_steps += d.runs_user_code ? 1 : 0;
    }
    EXPECT_EQ(user_steps, 5);  // _submit_fn, _1 (retry), _2 (option), _3 (example), chat
}

// ---- options that are accepted but do nothing yet

TEST(InertOptions, DefaultsWarnAboutNothing) {
    ChatApp chat(make_chat_function(echo), {});
    EXPECT_TRUE(chat.inert_options().empty());
    gr::ChatInterfaceOptions working;
    working.examples = {"a", "b"};
    working.example_labels = {"A", "B"};
    working.example_icons = {"https://example.com/a.png", "data:image/png;base64,AAAA"};
    working.title = "t";
    working.description = "d";
    working.flagging_mode = "never";
    working.cache_examples = false;
    working.analytics_enabled = false;
    working.show_progress = "full";
    working.chatbot = gr::Chatbot{.label = "Bot", .height = 300, .layout = "bubble", .placeholder = "Ask"};
    working.textbox = gr::Textbox{.lines = 2, .placeholder = "Say", .max_length = 100};
    working.editable = true;
    working.flagging_mode = "manual";
    working.save_history = true;
    working.delete_cache = std::pair{60, 60};
    working.validator = [](const gr::Message&) { return std::optional<std::string>{}; };
    ChatApp fine(make_chat_function(echo), working);
    EXPECT_TRUE(fine.inert_options().empty()) << fine.inert_options().front();
}

TEST(InertOptions, EachIgnoredOptionGetsOneLineNamingIt) {
    gr::ChatInterfaceOptions o;
    o.analytics_enabled = true;
    ChatApp one(make_chat_function(echo), o);
    ASSERT_EQ(one.inert_options().size(), 1u);
    EXPECT_EQ(one.inert_options()[0].rfind("analytics_enabled", 0), 0u) << one.inert_options()[0];

    gr::ChatInterfaceOptions all;
    all.multimodal = true;  // works now: no warning
    all.analytics_enabled = true;
    all.chatbot = gr::Chatbot{.buttons = std::vector<std::string>{"copy", "share"}};
    ChatApp many(make_chat_function(echo), all);
    const auto lines = many.inert_options();
    const std::vector<std::string> names = {"chatbot buttons \"share\"", "analytics_enabled"};
    ASSERT_EQ(lines.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(lines[i].rfind(names[i], 0), 0u) << lines[i];
}
