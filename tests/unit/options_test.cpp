#include <gtest/gtest.h>

#include <gradio/gradio.hpp>

#include <string>
#include <vector>

namespace {
std::string echo(const gr::Message& m, const gr::History&) { return m.text; }

// The stable tag at the start of a ConfigError's message.
std::string config_error_tag(gr::ChatInterfaceOptions options) {
    try {
        gr::ChatInterface demo(echo, std::move(options));
    } catch (const gr::ConfigError& e) {
        std::string what = e.what();
        return what.substr(0, what.find(']') + 1);
    }
    return "no error";
}
}  // namespace

TEST(Options, DefaultsFollowGradio) {
    gr::ChatInterfaceOptions o;
    EXPECT_EQ(o.api_visibility, "public");
    EXPECT_EQ(o.show_progress, "minimal");
    EXPECT_TRUE(o.fill_height);
    EXPECT_FALSE(o.fill_width);
    EXPECT_TRUE(o.autofocus);
    EXPECT_TRUE(o.run_examples_on_click);
    EXPECT_EQ(o.flagging_options, (std::vector<std::string>{"Like", "Dislike"}));
    EXPECT_EQ(o.flagging_dir, ".gradio/flagged");
    EXPECT_EQ(o.concurrency_limit, gr::default_concurrency);
    gr::LaunchOptions l;
    EXPECT_EQ(l.default_concurrency_limit, 1);
    EXPECT_EQ(l.max_threads, 40);
}

TEST(Options, DesignatedInitializersReadLikeGradio) {
    gr::ChatInterface demo(echo, {.examples = {"hello", "hola"}, .title = "Echo Bot", .concurrency_limit = std::nullopt});
    EXPECT_EQ(demo.options().title, "Echo Bot");
    EXPECT_EQ(demo.options().examples.size(), 2u);
    EXPECT_FALSE(demo.options().concurrency_limit.has_value());
}

TEST(Options, InvalidValuesAreRejectedWithStableTags) {
    EXPECT_EQ(config_error_tag({.api_visibility = "secret"}), "[gr.config.1]");
    EXPECT_EQ(config_error_tag({.show_progress = "loud"}), "[gr.config.2]");
    EXPECT_EQ(config_error_tag({.examples = {"a", "b"}, .example_labels = {"only one"}}), "[gr.config.3]");
    EXPECT_EQ(config_error_tag({.examples = {"a"}, .example_icons = {"x.png", "y.png"}}), "[gr.config.4]");
    EXPECT_EQ(config_error_tag({.concurrency_limit = 0}), "[gr.config.5]");
    EXPECT_EQ(config_error_tag({.flagging_mode = "always"}), "[gr.config.6]");
    EXPECT_EQ(config_error_tag({.cache_mode = "sometimes"}), "[gr.config.7]");
    EXPECT_EQ(config_error_tag({.api_name = "a/b"}), "[gr.config.9]");
    EXPECT_EQ(config_error_tag({.title = "fine"}), "no error");
}

TEST(Options, StreamingAndPlainFunctionsAreAccepted) {
    auto streaming = [](gr::Message m, gr::History) -> gr::Stream {
        co_yield "1: " + m.text;
        co_yield "2: " + m.text;
    };
    auto plain = [](const gr::Message& m, const gr::History& h) { return m.text + "/" + std::to_string(h.size()); };
    auto literal = [](gr::Message, gr::History) { return "literal"; };
    EXPECT_NO_THROW(gr::ChatInterface a(streaming));
    EXPECT_NO_THROW(gr::ChatInterface b(plain));
    EXPECT_NO_THROW(gr::ChatInterface c(literal));

    // A gr::Stream fn is wired as a stream whose values are its co_yields, in order.
    auto s = gr::detail::make_chat_function(streaming);
    ASSERT_TRUE(s.stream);
    EXPECT_FALSE(s.reply);
    gr::Message hello;
    hello.text = "hello";
    auto stream = s.stream({hello, {}, {}});
    std::vector<std::string> values;
    while (stream->next()) values.push_back(std::get<std::string>(stream->value().reply.value()));
    EXPECT_EQ(values, (std::vector<std::string>{"1: hello", "2: hello"}));

    // A fn returning text (std::string or anything convertible to it) is one reply.
    auto p = gr::detail::make_chat_function(plain);
    ASSERT_TRUE(p.reply);
    EXPECT_FALSE(p.stream);
    gr::History history(2);
    EXPECT_EQ(std::get<std::string>(p.reply({hello, history, {}}).reply.value()), "hello/2") << "the message and the history reach the fn";
    auto l = gr::detail::make_chat_function(literal);
    ASSERT_TRUE(l.reply);
    EXPECT_FALSE(l.stream);
    EXPECT_EQ(std::get<std::string>(l.reply({hello, {}, {}}).reply.value()), "literal");
}

TEST(Options, EveryComponentNamesItsWireType) {
    const std::vector<std::pair<gr::Component, std::string>> cases{
        {gr::Textbox{}, "textbox"}, {gr::Slider{}, "slider"},   {gr::Number{}, "number"}, {gr::Checkbox{}, "checkbox"},
        {gr::Dropdown{}, "dropdown"}, {gr::Radio{}, "radio"},   {gr::Markdown{}, "markdown"}, {gr::HTML{}, "html"},
        {gr::Code{}, "code"},         {gr::Button{}, "button"}, {gr::Chatbot{}, "chatbot"},   {gr::State{}, "state"},
    };
    for (const auto& [component, type] : cases) EXPECT_EQ(component.type(), type);
}
