#include "blocks/blocks_builder.hpp"

#include <algorithm>
#include <array>

#include <gradio/chat_interface.hpp>
#include <gradio/error.hpp>

#include "chat_app.hpp"
#include "components/components.hpp"
#include "protocol/json_codec.hpp"
#include "server_impl.hpp"

namespace gradio::detail {

namespace {

// The props every layout block carries after its own (Gradio's BlockContext order).
json::object with_common(json::object p, bool visible, const std::string& elem_id, const std::vector<std::string>& classes) {
    p["visible"] = visible;
    if (!elem_id.empty()) p["elem_id"] = elem_id;
    p["elem_classes"] = strings(classes);
    p["preserved_by_key"] = json::array{};
    return p;
}

// Events a Chatbot switches a button on for, as Gradio does at listener-attach time.
void show_chatbot_control(Component& chatbot, const std::string& event) {
    if (event == "like") chatbot.props["likeable"] = true;
    else if (event == "retry") chatbot.props["_retryable"] = true;
    else if (event == "undo") chatbot.props["_undoable"] = true;
    else if (event == "select") chatbot.props["_selectable"] = true;
    else if (event == "edit" && !chatbot.props.contains("editable")) chatbot.props["editable"] = "user";
}

bool known_event(const std::string& event) {
    static const std::array<const char*, 20> names{"click",  "submit", "change",        "input",          "select",
                                                   "like",   "retry",  "undo",          "edit",           "clear",
                                                   "option_select", "example_select", "copy", "focus", "blur",
                                                   "load",   "expand", "collapse",      "stop",           "upload"};
    return std::any_of(names.begin(), names.end(), [&event](const char* n) { return event == n; });
}

void check_options(const EventOptions& o) {
    if (o.api_visibility != "public" && o.api_visibility != "private" && o.api_visibility != "undocumented")
        throw ConfigError("[gr.blocks.4] api_visibility must be \"public\", \"private\" or \"undocumented\", got \"" +
                          o.api_visibility + "\"");
    if (o.show_progress != "full" && o.show_progress != "minimal" && o.show_progress != "hidden")
        throw ConfigError("[gr.blocks.4] show_progress must be \"full\", \"minimal\" or \"hidden\", got \"" + o.show_progress + "\"");
    if (!o.trigger_mode.empty() && o.trigger_mode != "once" && o.trigger_mode != "multiple" && o.trigger_mode != "always_last")
        throw ConfigError("[gr.blocks.4] trigger_mode must be \"once\", \"multiple\" or \"always_last\", got \"" + o.trigger_mode + "\"");
    if (o.concurrency_limit && *o.concurrency_limit < 1 && *o.concurrency_limit != default_concurrency)
        throw ConfigError("[gr.blocks.4] concurrency_limit must be at least 1, std::nullopt (no limit) or "
                          "gr::default_concurrency, got " + std::to_string(*o.concurrency_limit));
}

// A streaming event: each step's outputs, whole.
class EventOutputStream final : public OutputStream {
public:
    EventOutputStream(std::unique_ptr<OutputsStream> stream, std::size_t outputs) : stream_(std::move(stream)), outputs_(outputs) {}
    std::optional<json::array> next() override {
        if (!stream_->next()) return std::nullopt;
        return outputs_json(stream_->value(), outputs_);
    }
    static json::array outputs_json(const std::vector<Output>& values, std::size_t expected) {
        if (values.size() != expected)
            throw Error("The function returned " + std::to_string(values.size()) + " value(s) for " + std::to_string(expected) +
                        " output(s).");
        json::array out;
        for (const auto& v : values) out.push_back(output_json(v));
        return out;
    }

private:
    std::unique_ptr<OutputsStream> stream_;
    std::size_t outputs_;
};

// The C++ handler around an event function: inputs converted to the parameter types, the
// event's payload read, outputs converted back.
Handler event_handler(EventFunction fn, std::vector<std::string> names, std::size_t outputs) {
    auto shared = std::make_shared<const EventFunction>(std::move(fn));
    auto arguments = [](Inputs& in, EventContext& ctx) {
        std::vector<Value> values;
        values.reserve(in.size());
        for (std::size_t i = 0; i < in.size(); ++i) values.push_back(from_json_value(in[i]));
        return std::pair{std::move(values), from_json_value(ctx.event_data)};
    };
    // A value that does not fit its parameter is the client's fault: a clear error naming it.
    auto run = [names](auto&& call) {
        try {
            return call();
        } catch (const ParameterError& e) {
            const std::string name = e.index() < names.size() ? names[e.index()] : "?";
            throw InputError("Input \"" + name + "\" " + e.what() + ".");
        } catch (const std::invalid_argument& e) {
            throw InputError(std::string("The event's data does not fit: ") + e.what() + ".");
        }
    };
    Handler h;
    if (shared->call) {
        h.call = [shared, arguments, run, outputs](Inputs& in, EventContext& ctx) {
            auto args = arguments(in, ctx);  // (no structured bindings: clang 14 cannot capture them)
            std::vector<Output> result = run([&] { return shared->call(args.first, args.second); });
            return EventOutputStream::outputs_json(result, outputs);
        };
    } else {
        h.stream = [shared, arguments, run, outputs](Inputs& in, EventContext& ctx) -> std::unique_ptr<OutputStream> {
            auto args = arguments(in, ctx);
            auto stream = run([&] { return shared->stream(args.first, args.second); });
            return std::make_unique<EventOutputStream>(std::move(stream), outputs);
        };
    }
    return h;
}

}  // namespace

BlocksBuilder::BlocksBuilder(const BlocksOptions& options) {
    app_.mode = "blocks";
    app_.title = options.title;
    app_.fill_height = options.fill_height;
    app_.fill_width = options.fill_width;
    app_.delete_cache = options.delete_cache;
    analytics_ = options.analytics_enabled.value_or(false);
    if (app_.delete_cache && (app_.delete_cache->first <= 0 || app_.delete_cache->second < 0))
        throw ConfigError("[gr.blocks.8] delete_cache needs a frequency above 0 and an age of at least 0 seconds");
}

std::optional<int> BlocksBuilder::parent() const {
    if (scopes_.empty()) return std::nullopt;
    return scopes_.back();
}

void BlocksBuilder::scoped(std::string type, json::object props, const std::function<void()>& body) {
    within(builder_.add_layout(std::move(type), std::move(props), parent()), body);
}

void BlocksBuilder::within(int layout, const std::function<void()>& body) {
    scopes_.push_back(layout);
    struct Close {
        std::vector<int>& scopes;
        ~Close() { scopes.pop_back(); }
    } close{scopes_};
    if (body) body();
}

void BlocksBuilder::tab(const Tab& o, const std::function<void()>& body) {
    json::object props{{"label", o.label}};
    if (!o.id.empty()) props["id"] = o.id;
    if (o.scale) props["scale"] = *o.scale;
    props["interactive"] = o.interactive;
    props = with_common(std::move(props), o.visible, o.elem_id, o.elem_classes);
    const auto here = parent();
    if (here && builder_.component(*here).type == "tabs") return scoped("tabitem", std::move(props), body);
    // Outside a Tabs: join the Tabs just before it, or open one (Gradio groups tabs the same way).
    const std::vector<int>& siblings = here ? builder_.component(*here).children : app_.root_children;
    int tabs = 0;
    if (!siblings.empty() && builder_.component(siblings.back()).type == "tabs") tabs = siblings.back();
    else tabs = builder_.add_layout("tabs", with_common({}, true, "", {}), here);
    within(tabs, [&] { scoped("tabitem", std::move(props), body); });
}

int BlocksBuilder::add(const gradio::Component& component, bool place) {
    detail::Component model = any_model(component);
    model.skip_api = model.type == "state" || model.type == "button";
    model.parameter_name = component.parameter_name();
    const int id = place ? (model.type == "state" ? builder_.add_state(model.initial, parent())
                                                  : builder_.add(std::move(model), parent()))
                         : builder_.make(std::move(model));
    if (const auto* chatbot = std::get_if<Chatbot>(&component.kind())) chatbots_[id] = *chatbot;
    if (!place) unplaced_.insert(id);
    return id;
}

void BlocksBuilder::render(int id) {
    if (!unplaced_.erase(id))
        throw ConfigError("[gr.blocks.6] component " + std::to_string(id) +
                          " is placed already: only a component made with Blocks::make() is rendered later");
    builder_.place(id, parent());
}

int BlocksBuilder::id_of(const ComponentRef& ref, const char* role) const {
    if (ref.owner() != this)
        throw ConfigError(std::string("[gr.blocks.1] ") + role + " is not a component of this gr::Blocks" +
                          (ref.valid() ? "" : " (an empty gr::ComponentRef)"));
    return ref.id();
}

ChatInterfaceRef BlocksBuilder::render_chat(const std::shared_ptr<ChatApp>& chat) {
    if (!rendered_chats_.insert(chat.get()).second)
        throw ConfigError("[gr.blocks.6] this ChatInterface is rendered already; make another one for a second chat");
    const ChatInterfaceOptions& o = chat->options();
    ChatEmbedding where;
    where.parent = parent();
    if (o.chatbot)
        if (const auto* ref = std::get_if<ComponentRef>(&*o.chatbot)) {
            where.chatbot = id_of(*ref, "ChatInterface chatbot");
            auto it = chatbots_.find(*where.chatbot);
            if (it == chatbots_.end())
                throw ConfigError("[gr.blocks.7] ChatInterface chatbot must be a gr::Chatbot, component " +
                                  std::to_string(*where.chatbot) + " is a " + builder_.component(*where.chatbot).type);
            where.chatbot_settings = it->second;
            unplaced_.erase(*where.chatbot);  // the interface places it
        }
    for (const auto& out : o.additional_outputs) where.outputs.push_back(id_of(out, "an additional output"));
    const ChatPlacement placed = chat->build_into(app_, where);
    chats_.push_back(chat);
    ChatInterfaceRef ref{ComponentRef(this, placed.chatbot), ComponentRef(this, placed.textbox),
                         ComponentRef(this, placed.chatbot_value), {}};
    for (int id : placed.additional_inputs) ref.additional_inputs.emplace_back(this, id);
    return ref;
}

int BlocksBuilder::add_event(int component, int after, bool only_on_success, const std::string& event, EventFunction fn,
                             const std::vector<ComponentRef>& inputs, const std::vector<ComponentRef>& outputs,
                             EventOptions options) {
    check_options(options);
    if (!known_event(event) && after < 0) throw ConfigError("[gr.blocks.5] unknown event \"" + event + "\"");
    if (!fn.call && !fn.stream) throw ConfigError("[gr.blocks.2] the event function is missing");
    std::vector<int> in, out;
    for (const auto& r : inputs) in.push_back(id_of(r, "an event input"));
    for (const auto& r : outputs) out.push_back(id_of(r, "an event output"));
    if (fn.inputs != in.size())
        throw ConfigError("[gr.blocks.2] the " + event + " function takes " + std::to_string(fn.inputs) +
                          " input value(s) but the event lists " + std::to_string(in.size()) + " input component(s)");
    if (fn.outputs != dynamic_outputs && fn.outputs != out.size())
        throw ConfigError("[gr.blocks.3] the " + event + " function returns " + std::to_string(fn.outputs) +
                          " value(s) but the event lists " + std::to_string(out.size()) + " output component(s)");
    // The API names a parameter by the component's parameter_name (C++ cannot see fn's).
    std::vector<std::string> parameter_names;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const Component& c = builder_.component(in[i]);
        const ValueKind wanted = fn.input_kinds[i];
        if (wanted != ValueKind::any && c.kind != ValueKind::any && wanted != c.kind)
            throw ConfigError("[gr.blocks.7] input " + std::to_string(i + 1) + " of the " + event + " function is a " + c.type +
                              " giving " + kind_name(c.kind) + ", but the parameter takes " + kind_name(wanted));
        parameter_names.push_back(!c.parameter_name.empty() ? c.parameter_name : "param_" + std::to_string(i));
    }
    const std::size_t output_count = fn.outputs == dynamic_outputs ? out.size() : fn.outputs;
    const bool event_data = fn.event_data;
    Handler handler = event_handler(std::move(fn), parameter_names, output_count);
    std::string api_name = options.api_name.empty() ? event : options.api_name;
    Dependency* d = nullptr;
    if (after >= 0) {
        d = only_on_success ? &builder_.success(after, api_name, in, out, std::move(handler), options.queue)
                            : &builder_.then(after, api_name, in, out, std::move(handler), options.queue);
    } else {
        d = &builder_.on({{component, event}}, api_name, in, out, std::move(handler), options.queue);
        if (component > 0) {
            Component& target = builder_.component(component);
            if (target.type == "chatbot") show_chatbot_control(target, event);
        }
    }
    d->runs_user_code = true;
    d->collects_event_data = event_data;
    d->api_visibility = options.api_visibility;
    d->api_description = options.api_description;
    d->show_progress = options.show_progress;
    d->trigger_mode = !options.trigger_mode.empty() ? options.trigger_mode
                      : (event == "change" || event == "input") ? "always_last"
                                                                 : "once";
    d->concurrency_id = options.concurrency_id.empty() ? "fn:" + d->api_name : "group:" + options.concurrency_id;
    d->concurrency_limit = options.concurrency_limit;
    d->parameter_names = std::move(parameter_names);
    return d->id;
}

std::shared_ptr<const App> BlocksBuilder::app_for(const LaunchOptions& options) const {
    if (!unplaced_.empty())
        throw ConfigError("[gr.blocks.6] component " + std::to_string(*unplaced_.begin()) +
                          " was made with Blocks::make() but never rendered");
    return app_for_launch(app_, options);
}

void BlocksBuilder::prepare_launch() const {
    for (const auto& chat : chats_) chat->prepare_launch();
}

std::vector<std::string> BlocksBuilder::inert_options() const {
    std::vector<std::string> out;
    for (const auto& chat : chats_) {
        auto more = chat->inert_options();
        out.insert(out.end(), more.begin(), more.end());
    }
    if (analytics_) out.push_back("analytics_enabled=true is ignored: gradio.cpp sends no telemetry");
    return out;
}

int add_event(BlocksBuilder* owner, int component, int after, bool only_on_success, const std::string& event,
              EventFunction fn, const std::vector<ComponentRef>& inputs, const std::vector<ComponentRef>& outputs,
              EventOptions options) {
    if (!owner) throw ConfigError("[gr.blocks.1] an event on an empty gr::ComponentRef");
    return owner->add_event(component, after, only_on_success, event, std::move(fn), inputs, outputs, std::move(options));
}

}  // namespace gradio::detail

namespace gradio {

namespace json = boost::json;

void ComponentRef::render() const {
    if (!owner_) throw ConfigError("[gr.blocks.1] render() on an empty gr::ComponentRef");
    owner_->render(id_);
}

Blocks::Blocks(BlocksOptions options) : impl_(std::make_unique<detail::BlocksBuilder>(options)) {}
Blocks::Blocks(Blocks&&) noexcept = default;
Blocks& Blocks::operator=(Blocks&&) noexcept = default;
Blocks::~Blocks() = default;

void Blocks::row(const Row& o, const std::function<void()>& body) {
    json::object p{{"variant", o.variant}};
    p = detail::with_common(std::move(p), o.visible, o.elem_id, o.elem_classes);
    if (o.scale) p["scale"] = *o.scale;
    p["equal_height"] = o.equal_height;
    p["show_progress"] = false;
    impl_->scoped("row", std::move(p), body);
}

void Blocks::column(const Column& o, const std::function<void()>& body) {
    json::object p{{"scale", o.scale}, {"min_width", o.min_width}, {"variant", o.variant}};
    p = detail::with_common(std::move(p), o.visible, o.elem_id, o.elem_classes);
    p["show_progress"] = false;
    impl_->scoped("column", std::move(p), body);
}

void Blocks::group(const Group& o, const std::function<void()>& body) {
    impl_->scoped("group", detail::with_common({}, o.visible, o.elem_id, o.elem_classes), body);
}

void Blocks::tabs(const Tabs& o, const std::function<void()>& body) {
    json::object p;
    if (!o.selected.empty()) p["selected"] = o.selected;
    impl_->scoped("tabs", detail::with_common(std::move(p), o.visible, o.elem_id, o.elem_classes), body);
}

void Blocks::tab(const Tab& options, const std::function<void()>& body) { impl_->tab(options, body); }

void Blocks::accordion(const Accordion& o, const std::function<void()>& body) {
    json::object p{{"label", o.label}, {"open", o.open}};
    impl_->scoped("accordion", detail::with_common(std::move(p), o.visible, o.elem_id, o.elem_classes), body);
}

void Blocks::sidebar(const Sidebar& o, const std::function<void()>& body) {
    if (o.position != "left" && o.position != "right")
        throw ConfigError("[gr.blocks.4] Sidebar position must be \"left\" or \"right\", got \"" + o.position + "\"");
    json::object p{{"label", o.label}, {"open", o.open}};
    p = detail::with_common(std::move(p), o.visible, o.elem_id, o.elem_classes);
    p["position"] = o.position;
    p["width"] = o.width;
    impl_->scoped("sidebar", std::move(p), body);
}

ComponentRef Blocks::render(Component component) { return {impl_.get(), impl_->add(component, true)}; }
ComponentRef Blocks::make(Component component) { return {impl_.get(), impl_->add(component, false)}; }
ChatInterfaceRef Blocks::render(const ChatInterface& chat) { return impl_->render_chat(chat.app_); }

Server Blocks::start(LaunchOptions options) {
    detail::warn_inert(impl_->inert_options());
    auto app = impl_->app_for(options);
    impl_->prepare_launch();
    return detail::serve(std::move(app), options);
}

int Blocks::launch(LaunchOptions options) {
    return detail::serve_until_signal([&] { return start(options); }, options);
}

}  // namespace gradio
