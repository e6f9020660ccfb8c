#include "chat_app.hpp"


#include <gradio/error.hpp>

#include "protocol/json_codec.hpp"
#include "queue/ids.hpp"

namespace gradio::detail {

namespace {

json::object state_props() { return {{"time_to_live", nullptr}, {"name", "state"}, {"_selectable", false}}; }

json::value any_json_info(const char* description) { return json::object{{"type", json::object{}}, {"description", description}}; }

json::value update(json::object props) {
    props["__type__"] = "update";
    return props;
}

json::value button_value(const std::variant<bool, std::string>& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    return json::string(std::get<std::string>(v));
}

// The chatbot's value schema for /info (a short form of Gradio's ChatbotDataMessages).
json::value chatbot_api_info() {
    std::string error;
    return parse_json(R"({"items":{"$ref":"#/$defs/Message"},"title":"ChatbotDataMessages","type":"array",
"$defs":{"Message":{"type":"object","required":["role","content"],"properties":{"role":{"type":"string"},
"metadata":{"anyOf":[{"type":"object"},{"type":"null"}]},"content":{"type":"array","items":{"anyOf":[
{"$ref":"#/$defs/TextMessage"},{"$ref":"#/$defs/FileMessage"}]}},"options":{"anyOf":[{"type":"array"},{"type":"null"}]}}},
"TextMessage":{"type":"object","required":["text"],"properties":{"text":{"type":"string"},"type":{"const":"text"}}},
"FileMessage":{"type":"object","required":["file"],"properties":{"file":{"$ref":"#/$defs/FileData"},"alt_text":{"anyOf":[{"type":"string"},{"type":"null"}]},"type":{"const":"file"}}},
"FileData":{"type":"object","required":["path"],"properties":{"path":{"type":"string"},"url":{"anyOf":[{"type":"string"},{"type":"null"}]},
"size":{"anyOf":[{"type":"integer"},{"type":"null"}]},"orig_name":{"anyOf":[{"type":"string"},{"type":"null"}]},
"mime_type":{"anyOf":[{"type":"string"},{"type":"null"}]},"is_stream":{"type":"boolean"},
"meta":{"type":"object","properties":{"_type":{"const":"gradio.FileData"}}}}}},"additional_description":null})",
                      error);
}

// The text of a message value: a string, or the "text" of a {"text","files"} object
// (multimodal messages and example cards).
std::optional<std::string> message_text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_object())
        if (const auto* text = v.get_object().if_contains("text"); text && text->is_string())
            return std::string(text->get_string());
    return std::nullopt;
}

// The message typed by the user, as the chat fn receives it.
Message incoming_message(const json::value& v) {
    auto text = message_text(v);
    if (!text) throw InputError("The message must be a string.");
    Message m;
    m.text = std::move(*text);
    m.content.push_back(ContentPart{ContentPart::Type::text, m.text, {}, {}, {}, {}});
    return m;
}

History history_of(const json::value& v) {
    try {
        return history_from_json(v);
    } catch (const std::invalid_argument& e) {
        throw InputError(std::string("Invalid chat history: ") + e.what());
    }
}

json::array as_array(const json::value& v) { return v.is_array() ? v.get_array() : json::array{}; }

// Removes the last user turn: trailing assistant messages, then the user messages before
// them (features.md Appendix 3). Returns the removed user text.
std::string pop_last_turn(json::array& history) {
    while (!history.empty() && history.back().is_object() && history.back().get_object().contains("role") &&
           history.back().get_object().at("role") != "user")
        history.pop_back();
    std::string text;
    while (!history.empty() && history.back().is_object() && history.back().get_object().contains("role") &&
           history.back().get_object().at("role") == "user") {
        Message m = message_from_json(history.back());
        text = text.empty() ? m.text : m.text + "\n" + text;
        history.pop_back();
    }
    return text;
}

// Streams the chat fn's growing reply as output values built by `shape`.
class ReplyStream final : public OutputStream {
public:
    ReplyStream(ChatStream stream, std::function<json::array(const std::string&)> shape)
        : stream_(std::move(stream)), shape_(std::move(shape)) {}
    std::optional<json::array> next() override {
        if (!stream_.next()) return std::nullopt;
        return shape_(stream_.value());
    }

private:
    ChatStream stream_;
    std::function<json::array(const std::string&)> shape_;
};

}  // namespace

ChatApp::ChatApp(ChatFunction fn, ChatInterfaceOptions options) : fn_(std::move(fn)), options_(std::move(options)) {
    const auto& o = options_;
    if (o.api_visibility != "public" && o.api_visibility != "private" && o.api_visibility != "undocumented")
        throw ConfigError("[gr.config.1] api_visibility must be \"public\", \"private\" or \"undocumented\", got \"" +
                          o.api_visibility + "\"");
    if (o.show_progress != "full" && o.show_progress != "minimal" && o.show_progress != "hidden")
        throw ConfigError("[gr.config.2] show_progress must be \"full\", \"minimal\" or \"hidden\", got \"" +
                          o.show_progress + "\"");
    if (!o.example_labels.empty() && o.example_labels.size() != o.examples.size())
        throw ConfigError("[gr.config.3] example_labels has " + std::to_string(o.example_labels.size()) +
                          " labels but there are " + std::to_string(o.examples.size()) + " examples");
    if (!o.example_icons.empty() && o.example_icons.size() != o.examples.size())
        throw ConfigError("[gr.config.4] example_icons has " + std::to_string(o.example_icons.size()) +
                          " icons but there are " + std::to_string(o.examples.size()) + " examples");
    if (o.concurrency_limit && *o.concurrency_limit < 1 && *o.concurrency_limit != default_concurrency)
        throw ConfigError("[gr.config.5] concurrency_limit must be at least 1, std::nullopt (no limit) or "
                          "gr::default_concurrency, got " + std::to_string(*o.concurrency_limit));
    if (o.flagging_mode && *o.flagging_mode != "never" && *o.flagging_mode != "manual")
        throw ConfigError("[gr.config.6] flagging_mode must be \"never\" or \"manual\", got \"" + *o.flagging_mode + "\"");
    if (o.cache_mode && *o.cache_mode != "eager" && *o.cache_mode != "lazy")
        throw ConfigError("[gr.config.7] cache_mode must be \"eager\" or \"lazy\", got \"" + *o.cache_mode + "\"");
    if (!fn_.reply && !fn_.stream) throw ConfigError("[gr.config.8] ChatInterface needs a chat function");
    if (!o.api_name.empty() && o.api_name.find_first_of("/ ?#") != std::string::npos)
        throw ConfigError("[gr.config.9] api_name may not contain '/', ' ', '?' or '#', got \"" + o.api_name + "\"");
    build();
}

std::shared_ptr<const App> ChatApp::app_for(const LaunchOptions& launch) const {
    auto app = std::make_shared<App>(app_);
    app->show_error = launch.show_error;
    for (auto& d : app->dependencies)
        if (d.concurrency_limit && *d.concurrency_limit == default_concurrency)
            d.concurrency_limit = launch.default_concurrency_limit;
    return app;
}

std::vector<std::string> ChatApp::inert_options() const {
    const auto& o = options_;
    const ChatInterfaceOptions defaults{};
    std::vector<std::string> out;
    auto ignored = [&out](const std::string& what) { out.push_back(what + " is not supported yet and is ignored"); };
    if (o.multimodal) ignored("multimodal=true");
    if (!o.additional_inputs.empty())
        ignored("additional_inputs (" + std::to_string(o.additional_inputs.size()) + " components)");
    if (!o.additional_inputs_accordion.empty()) ignored("additional_inputs_accordion");
    if (!o.additional_outputs.empty())
        ignored("additional_outputs (" + std::to_string(o.additional_outputs.size()) + " components)");
    if (o.editable) ignored("editable=true");
    for (std::size_t i = 0; i < o.example_icons.size(); ++i) {
        const std::string& icon = o.example_icons[i];
        const bool url = icon.starts_with("http://") || icon.starts_with("https://") || icon.starts_with("data:");
        if (!url)
            out.push_back("example_icons[" + std::to_string(i) + "] \"" + icon +
                          "\" is a local path; serving local files is not supported yet, so the icon will not load "
                          "(use an http(s) URL)");
    }
    if (o.cache_examples.value_or(false)) ignored("cache_examples=true");
    if (o.cache_mode) ignored("cache_mode=\"" + *o.cache_mode + "\"");
    if (o.flagging_mode && *o.flagging_mode != "never") ignored("flagging_mode=\"" + *o.flagging_mode + "\"");
    if (o.flagging_options != defaults.flagging_options) ignored("flagging_options");
    if (o.flagging_dir != defaults.flagging_dir) ignored("flagging_dir");
    if (o.analytics_enabled.value_or(false))
        out.push_back("analytics_enabled=true is ignored: gradio.cpp sends no telemetry");
    if (o.delete_cache) ignored("delete_cache");
    if (o.save_history) ignored("save_history=true");
    if (o.chatbot && o.chatbot->layout != Chatbot{}.layout) ignored("chatbot.layout=\"" + o.chatbot->layout + "\"");
    return out;
}

void ChatApp::build() {
    const auto& o = options_;
    App& app = app_;
    app.dependencies.reserve(64);
    app.mode = "chat_interface";
    app.title = o.title.empty() ? "Gradio" : o.title;
    app.fill_height = o.fill_height;
    app.fill_width = o.fill_width;

    auto add = [&app](std::string type, json::object props, bool skip_api = true) -> Component& {
        Component c;
        c.id = static_cast<int>(app.components.size()) + 1;
        c.type = std::move(type);
        c.props = std::move(props);
        c.skip_api = skip_api;
        app.components.push_back(std::move(c));
        return app.components.back();
    };
    const std::string secret = random_hex(16);  // BrowserState's key: from the OS CSPRNG

    Component& saved = add("browserstate", {{"default_value", json::array{}}, {"storage_key", "_saved_conversations_0"},
                                            {"secret", secret}, {"name", "browserstate"}, {"_selectable", false}}, false);
    saved.api_info = any_json_info("any json-serializable value");
    saved.example_input = "test";
    saved.initial = json::array{};
    const int saved_conversations = saved.id;
    const int conversation_id = add("state", state_props()).id;
    const int saved_input = add("state", state_props()).id;
    const int null_component = add("state", state_props()).id;
    const int column = add("column", {{"scale", 1}, {"min_width", 320}, {"variant", "default"}, {"visible", true},
                                      {"elem_classes", json::array{}}, {"show_progress", false},
                                      {"preserved_by_key", json::array{}}, {"name", "column"}}).id;
    std::vector<int> column_children;
    auto markdown = [&](std::string value) {
        Component& c = add("markdown", {{"value", std::move(value)}, {"show_label", false}, {"rtl", false},
                                        {"latex_delimiters", json::array{json::object{{"left", "$$"}, {"right", "$$"}, {"display", true}}}},
                                        {"visible", true}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{"value"}},
                                        {"sanitize_html", true}, {"line_breaks", false}, {"header_links", false},
                                        {"container", false}, {"padding", false}, {"name", "markdown"}, {"_selectable", false}},
                           false);
        c.api_info = json::object{{"type", "string"}};
        c.example_input = "# Hello!";
        column_children.push_back(c.id);
    };
    if (!o.title.empty()) markdown("<h1 style='text-align: center; margin-bottom: 1rem'>" + o.title + "</h1>");
    if (!o.description.empty()) markdown(o.description);

    json::array examples;
    for (std::size_t i = 0; i < o.examples.size(); ++i) {
        json::object e{{"text", o.examples[i]}, {"files", json::array{}}};
        if (i < o.example_labels.size()) e["display_text"] = o.example_labels[i];
        if (i < o.example_icons.size()) e["icon"] = json::object{{"path", o.example_icons[i]}, {"url", o.example_icons[i]}};
        examples.push_back(std::move(e));
    }
    const Chatbot chatbot_options = o.chatbot.value_or(Chatbot{});
    json::object chatbot_props{
        {"_undoable", true}, {"_retryable", true}, {"likeable", false}, {"value", json::array{}},
        {"label", chatbot_options.label.empty()
                      ? json::value("__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"chat_interface.chatbot\"}")
                      : json::value(chatbot_options.label)},
        {"show_label", true}, {"container", true}, {"scale", 1}, {"min_width", 160}, {"visible", true},
        {"elem_classes", json::array{}}, {"autoscroll", o.autoscroll}, {"preserved_by_key", json::array{"value"}},
        {"height", chatbot_options.height.value_or(400)}, {"resizable", false},
        {"latex_delimiters", json::array{json::object{{"left", "$$"}, {"right", "$$"}, {"display", true}}}},
        {"rtl", false}, {"buttons", json::array{"copy", "copy_all"}}, {"avatar_images", json::array{nullptr, nullptr}},
        {"sanitize_html", true}, {"render_markdown", true}, {"feedback_options", json::array{"Like", "Dislike"}},
        {"line_breaks", true}, {"layout", chatbot_options.layout}, {"examples", examples},
        {"allow_file_downloads", true}, {"group_consecutive_messages", true}, {"allow_tags", true},
        {"like_user_message", false}, {"name", "chatbot"}, {"_selectable", false}};
    if (!chatbot_options.placeholder.empty()) chatbot_props["placeholder"] = chatbot_options.placeholder;
    Component& chatbot_c = add("chatbot", std::move(chatbot_props), false);
    chatbot_c.api_info = chatbot_api_info();
    chatbot_c.initial = json::array{};
    chatbot_c.example_input = json::array{text_message("user", "Hello!"), text_message("assistant", "How can I help you?")};
    const int chatbot = chatbot_c.id;
    column_children.push_back(chatbot);
    const int group = add("group", {{"visible", true}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{}}, {"name", "group"}}).id;
    const int row = add("row", {{"variant", "default"}, {"visible", true}, {"elem_classes", json::array{}}, {"equal_height", false},
                                {"show_progress", false}, {"preserved_by_key", json::array{}}, {"name", "row"}}).id;
    const Textbox textbox_options = o.textbox.value_or(Textbox{});
    json::object textbox_props{
        {"type", "text"}, {"lines", textbox_options.lines},
        {"placeholder", textbox_options.placeholder.empty()
                            ? json::value("__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"chat_interface.message_placeholder\"}")
                            : json::value(textbox_options.placeholder)},
        {"label", ""}, {"show_label", false}, {"container", true}, {"scale", 7}, {"min_width", 160}, {"visible", true},
        {"autofocus", o.autofocus}, {"autoscroll", true}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{"value"}},
        {"rtl", false}, {"buttons", json::array{}}, {"submit_btn", button_value(o.submit_btn)}, {"stop_btn", false},
        {"name", "textbox"}, {"_selectable", false}};
    if (textbox_options.max_length) textbox_props["max_length"] = *textbox_options.max_length;
    Component& textbox_c = add("textbox", std::move(textbox_props), false);
    textbox_c.api_info = json::object{{"type", "string"}};
    textbox_c.example_input = "Hello!!";
    const int textbox = textbox_c.id;
    const int form = add("form", {{"scale", 7}, {"min_width", 160}, {"preserved_by_key", json::array{}}, {"name", "form"}}).id;
    const int fake_api = add("button", {{"value", "Fake API"}, {"variant", "secondary"}, {"size", "lg"}, {"link_target", "_self"},
                                        {"visible", false}, {"interactive", true}, {"elem_classes", json::array{}},
                                        {"preserved_by_key", json::array{"value"}}, {"name", "button"}, {"_selectable", false}}).id;
    Component& response_c = add("json", {{"label", "Response"}, {"show_label", true}, {"container", true}, {"min_width", 160},
                                         {"visible", false}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{"value"}},
                                         {"open", false}, {"show_indices", false}, {"max_height", 500}, {"buttons", json::array{"copy"}},
                                         {"name", "json"}, {"_selectable", false}}, false);
    response_c.api_info = any_json_info("any valid json");
    response_c.example_input = json::object{{"foo", "bar"}};
    const int api_response = response_c.id;
    Component& state_c = add("state", state_props());
    state_c.initial = json::array{};
    const int chatbot_state = state_c.id;
    Component& value_c = add("state", state_props());
    value_c.initial = json::array{};
    const int chatbot_value = value_c.id;

    // Layout (protocol.md §13.1): the Form wraps the textbox inside Group > Row.
    app.components[static_cast<std::size_t>(form) - 1].children = {textbox};
    app.components[static_cast<std::size_t>(row) - 1].children = {form};
    app.components[static_cast<std::size_t>(group) - 1].children = {row};
    column_children.insert(column_children.end(), {group, fake_api, api_response, chatbot_state, chatbot_value});
    app.components[static_cast<std::size_t>(column) - 1].children = column_children;
    app.root_children = {saved_conversations, conversation_id, saved_input, null_component, column};

    // ---- handlers ----
    const ChatFunction fn = fn_;
    const auto validator = o.validator;
    const json::value submit_btn = button_value(o.submit_btn);
    const json::value stop_btn = button_value(o.stop_btn);
    const bool has_stop = !(std::holds_alternative<bool>(o.stop_btn) && !std::get<bool>(o.stop_btn));

    // The user's validator as Gradio's validate step: it sees the message before the event is
    // queued or run (the routes call it); a rejection keeps the event from ever starting.
    // Empty when there is no validator, so the routes skip it.
    std::function<std::vector<Rejection>(const json::array&)> validate_message;
    if (validator)
        validate_message = [validator](const json::array& in) -> std::vector<Rejection> {
            if (in.empty()) return {};
            auto text = message_text(in[0]);
            if (!text) return {};  // not a message: the handler reports the type error
            Message m = incoming_message(in[0]);
            if (auto why = validator(m)) return {Rejection{"message", *why}};
            return {};
        };
    // Runs the chat fn for (message, history) and shapes each reply into outputs.
    auto chat_handler = [fn](auto shape) {
        Handler h;
        if (fn.reply) {
            h.call = [fn, shape](json::array& in, EventContext&) {
                Message m = incoming_message(in[0]);
                json::array history = as_array(in[1]);
                std::string reply = fn.reply(std::move(m), history_of(history));
                return shape(history, in[0], reply);
            };
        } else {
            h.stream = [fn, shape](json::array& in, EventContext&) -> std::unique_ptr<OutputStream> {
                Message m = incoming_message(in[0]);
                json::array history = as_array(in[1]);
                json::value message = in[0];
                ChatStream s = fn.stream(std::move(m), history_of(history));
                return std::make_unique<ReplyStream>(std::move(s), [shape, history = std::move(history), message](const std::string& r) {
                    return shape(history, message, r);
                });
            };
        }
        return h;
    };
    auto user_text = [](const json::value& message) { return message_text(message).value_or(""); };
    // The conversation after this turn: history + the user's message + the reply so far.
    auto with_turn = [user_text](const json::array& history, const json::value& message, const std::string& reply) {
        json::array chat = history;
        chat.push_back(text_message("user", user_text(message)));
        chat.push_back(text_message("assistant", reply));
        return chat;
    };
    // UI submit: outputs [null_component, chatbot].
    auto ui_submit = chat_handler([with_turn](const json::array& history, const json::value& message, const std::string& reply) {
        return json::array{nullptr, with_turn(history, message, reply)};
    });
    // API /chat: outputs [the raw reply, chatbot_state].
    auto api_chat = chat_handler([with_turn](const json::array& history, const json::value& message, const std::string& reply) {
        return json::array{json::value(reply), with_turn(history, message, reply)};
    });
    auto call = [](auto f) {
        Handler h;
        h.call = std::move(f);
        return h;
    };
    auto constant = [call](json::array outputs) {
        return call([outputs](json::array&, EventContext&) { return outputs; });
    };
    auto sync_states = call([](json::array& in, EventContext&) { return json::array{in[0], in[0]}; });
    auto append_user = call([user_text](json::array& in, EventContext&) {
        json::array chat = as_array(in[1]);
        chat.push_back(text_message("user", user_text(in[0])));
        return json::array{std::move(chat)};
    });
    auto save_conversation = call([](json::array& in, EventContext&) { return json::array{in[0], in[2]}; });
    const json::value disable_box = update({{"interactive", false}, {"placeholder", ""}});
    const json::value stop_swap = has_stop ? update({{"submit_btn", false}, {"stop_btn", stop_btn}}) : update({});
    const json::value submit_restore = update({{"submit_btn", submit_btn}, {"stop_btn", false}});

    auto dep = [&app](std::string api_name, std::vector<Target> targets, std::vector<int> inputs, std::vector<int> outputs,
                      Handler handler, bool queue) -> Dependency& {
        Dependency d;
        d.id = static_cast<int>(app.dependencies.size());
        d.api_name = std::move(api_name);
        d.targets = std::move(targets);
        d.inputs = std::move(inputs);
        d.outputs = std::move(outputs);
        d.handler = std::move(handler);
        d.queue = queue;
        d.concurrency_id = "fn:" + d.api_name;
        d.concurrency_limit = std::nullopt;  // internal steps never wait for each other
        d.runs_user_code = false;            // the library's own step unless chat_fn() says so
        app.dependencies.push_back(std::move(d));
        return app.dependencies.back();
    };
    // A step the browser runs when `previous` has finished (Gradio's .then / .success).
    auto chained = [&dep](int previous, bool only_on_success, std::string api_name, std::vector<int> inputs,
                          std::vector<int> outputs, Handler handler, bool queue) -> Dependency& {
        Dependency& d = dep(std::move(api_name), {{std::nullopt, only_on_success ? "success" : "then"}}, std::move(inputs),
                            std::move(outputs), std::move(handler), queue);
        d.trigger_after = previous;
        d.trigger_only_on_success = only_on_success;
        return d;
    };
    auto after = [&chained](int previous, std::string api_name, std::vector<int> inputs, std::vector<int> outputs,
                            Handler handler, bool queue) -> Dependency& {
        return chained(previous, false, std::move(api_name), std::move(inputs), std::move(outputs), std::move(handler), queue);
    };
    auto after_success = [&chained](int previous, std::string api_name, std::vector<int> inputs, std::vector<int> outputs,
                                    Handler handler, bool queue) -> Dependency& {
        return chained(previous, true, std::move(api_name), std::move(inputs), std::move(outputs), std::move(handler), queue);
    };
    auto chat_fn = [&](Dependency& d) -> Dependency& {
        d.runs_user_code = true;
        d.concurrency_id = "chat_fn";
        d.concurrency_limit = o.concurrency_limit;
        d.show_progress = o.show_progress;
        return d;
    };

    // Submit chain (ids 0-5).
    Dependency& clear_box = dep("_clear_and_save_textbox", {{textbox, "submit"}}, {textbox}, {textbox, saved_input},
                                call([](json::array& in, EventContext&) {
                                    return json::array{update({{"interactive", false}, {"placeholder", ""}, {"value", ""}}), in[0]};
                                }), false);
    // With a validator the message is checked here, before the box is cleared; a rejected
    // message must not reach the chat, so the next step runs only after a success.
    clear_box.validate = validate_message;
    clear_box.runs_user_code = static_cast<bool>(validate_message);
    const int d0 = clear_box.id;
    const int d1 = chained(d0, static_cast<bool>(validate_message), "_append_message_to_history", {saved_input, chatbot},
                           {chatbot}, append_user, false).id;
    const int d2 = chat_fn(after(d1, "_submit_fn", {saved_input, chatbot_state}, {null_component, chatbot}, ui_submit, true)).id;
    const int d3 = after(d2, "lambda", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
    const int d4 = after(d3, "lambda_1", {}, {textbox}, constant({update({{"interactive", true}, {"value", nullptr}})}), true).id;
    after(d4, "_save_conversation", {conversation_id, chatbot_state, saved_conversations},
              {conversation_id, saved_conversations}, save_conversation, false);
    // The API endpoint (id 6).
    Dependency& api = chat_fn(dep(o.api_name.empty() ? "chat" : o.api_name, {{fake_api, "click"}}, {textbox, chatbot_state},
                                  {api_response, chatbot_state}, api_chat, true));
    api.api_visibility = o.api_visibility;
    api.api_description = o.api_description;
    api.parameter_names = {"message", "history"};
    api.validate = validate_message;
    api.show_progress = "full";
    // Retry chain (ids 7-13).
    auto pop_turn = call([](json::array& in, EventContext&) {
        json::array history = as_array(in[0]);
        std::string text = pop_last_turn(history);
        return json::array{std::move(history), json::value(text)};
    });
    const int d7 = dep("_pop_last_user_message", {{chatbot, "retry"}}, {chatbot_state}, {chatbot_state, saved_input}, pop_turn, false).id;
    const int d8 = after(d7, "_append_message_to_history_1", {saved_input, chatbot_state}, {chatbot}, append_user, false).id;
    const int d9 = after(d8, "lambda_2", {}, {textbox}, constant({disable_box}), true).id;
    const int d10 = chat_fn(after(d9, "_submit_fn_1", {saved_input, chatbot_state}, {null_component, chatbot}, ui_submit, true)).id;
    const int d11 = after(d10, "lambda_3", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
    const int d12 = after(d11, "lambda_4", {}, {textbox}, constant({update({{"interactive", true}})}), true).id;
    after(d12, "_save_conversation_1", {conversation_id, chatbot_state, saved_conversations},
              {conversation_id, saved_conversations}, save_conversation, false);
    // Stop button swaps (ids 14-17).
    after_success(d0, "lambda_5", {}, {textbox}, constant({stop_swap}), false);
    dep("lambda_6", {{chatbot, "retry"}}, {}, {textbox}, constant({stop_swap}), false);
    after(d2, "lambda_7", {}, {textbox}, constant({submit_restore}), false);
    after(d10, "lambda_8", {}, {textbox}, constant({submit_restore}), false);
    // Stop (ids 18-19): run by the browser; 19 lists what it cancels.
    Dependency& stop_noop = dep("unnamed", {{textbox, "stop"}}, {}, {}, {}, false);
    stop_noop.api_visibility = "private";
    Dependency& stopper = dep("unnamed_1", {{textbox, "stop"}}, {}, {}, {}, false);
    stopper.api_visibility = "private";
    stopper.cancel = true;
    const int stopper_id = stopper.id;
    // Undo (ids 20-22).
    const int d20 = dep("_pop_last_user_message_1", {{chatbot, "undo"}}, {chatbot}, {chatbot, textbox},
                        pop_turn, false).id;
    const int d21 = after(d20, "lambda_9", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
    after(d21, "_save_conversation_2", {conversation_id, chatbot_state, saved_conversations},
              {conversation_id, saved_conversations}, save_conversation, false);
    // Option buttons (ids 23-26).
    Dependency& option = dep("option_clicked", {{chatbot, "option_select"}}, {chatbot}, {chatbot, saved_input},
                             call([](json::array& in, EventContext& ctx) {
                                 json::array chat = as_array(in[0]);
                                 std::string value;
                                 if (ctx.event_data.is_object())
                                     if (const auto* v = ctx.event_data.get_object().if_contains("value"); v && v->is_string())
                                         value = std::string(v->get_string());
                                 chat.push_back(text_message("user", value));
                                 return json::array{std::move(chat), json::value(value)};
                             }), true);
    option.collects_event_data = true;
    const int d23 = option.id;
    const int d24 = chat_fn(after(d23, "_submit_fn_2", {saved_input, chatbot_state}, {null_component, chatbot}, ui_submit, true)).id;
    const int d25 = after(d24, "lambda_10", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
    after(d25, "_save_conversation_3", {conversation_id, chatbot_state, saved_conversations},
              {conversation_id, saved_conversations}, save_conversation, false);
    // Clear (ids 27-28).
    const int d27 = dep("lambda_11", {{chatbot, "clear"}}, {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
    after(d27, "_delete_conversation", {conversation_id, saved_conversations}, {conversation_id, saved_conversations},
              call([](json::array& in, EventContext&) { return json::array{nullptr, in[1]}; }), false);
    // Programmatic updates of chatbot_value show in the chatbot (ids 29-30).
    Dependency& show_value = dep("lambda_12", {{chatbot_value, "change"}}, {chatbot_value}, {chatbot},
                                 call([](json::array& in, EventContext&) { return json::array{in[0]}; }), true);
    show_value.trigger_mode = "always_last";
    const int d29 = show_value.id;
    after(d29, "lambda_13", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false);

    std::vector<int> cancels = {d2, d10, d24};
    // Example cards (ids 31+): a click sends the example, or only fills the box.
    if (!o.examples.empty()) {
        auto example_text = [](const EventContext& ctx) -> std::string {
            if (!ctx.event_data.is_object()) throw InputError("Missing example data.");
            const auto* v = ctx.event_data.get_object().if_contains("value");
            if (auto text = v ? message_text(*v) : std::nullopt) return *text;
            throw InputError("Missing example text.");
        };
        if (o.run_examples_on_click) {
            Dependency& clicked = dep("example_clicked", {{chatbot, "example_select"}}, {chatbot}, {chatbot, saved_input, textbox},
                                      call([example_text](json::array& in, EventContext& ctx) {
                                          std::string text = example_text(ctx);
                                          json::array chat = as_array(in[0]);
                                          chat.push_back(text_message("user", text));
                                          return json::array{std::move(chat), json::value(text),
                                                             update({{"interactive", false}, {"placeholder", ""}, {"value", ""}})};
                                      }), false);
            clicked.collects_event_data = true;
            const int e0 = clicked.id;
            const int e1 = chat_fn(after(e0, "_submit_fn_3", {saved_input, chatbot_state}, {null_component, chatbot}, ui_submit, true)).id;
            const int e2 = after(e1, "lambda_14", {chatbot}, {chatbot_state, chatbot_value}, sync_states, false).id;
            after(e2, "lambda_15", {}, {textbox}, constant({update({{"interactive", true}, {"value", nullptr}})}), true);
            after_success(e0, "lambda_16", {}, {textbox}, constant({stop_swap}), false);
            after(e1, "lambda_17", {}, {textbox}, constant({submit_restore}), false);
            cancels.push_back(e1);
        } else {
            Dependency& fill = dep("_example_populate", {{chatbot, "example_select"}}, {}, {textbox},
                                   call([example_text](json::array&, EventContext& ctx) { return json::array{json::value(example_text(ctx))}; }),
                                   false);
            fill.collects_event_data = true;
        }
    }
    app.dependencies[static_cast<std::size_t>(stopper_id)].cancels = cancels;
}

}  // namespace gradio::detail
