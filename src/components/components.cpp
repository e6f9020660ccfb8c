#include "components/components.hpp"

#include <cmath>
#include <cstdint>
#include <string_view>

#include <gradio/error.hpp>

#include "http/utf8.hpp"
#include "protocol/json_codec.hpp"

namespace gradio {

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}
}  // namespace

Component::Component(std::string_view shortcut) : kind_(Textbox{}) {
    const std::string name = lower(shortcut);
    if (name == "textbox" || name == "text") kind_ = Textbox{};
    else if (name == "slider") kind_ = Slider{};
    else if (name == "number") kind_ = Number{};
    else if (name == "checkbox") kind_ = Checkbox{};
    else if (name == "dropdown") kind_ = Dropdown{};
    else if (name == "radio") kind_ = Radio{};
    else if (name == "markdown") kind_ = Markdown{};
    else
        throw ConfigError("[gr.config.10] unknown component shortcut \"" + std::string(shortcut) +
                          "\"; use one of textbox, slider, number, checkbox, dropdown, radio, markdown");
}

std::string Component::type() const {
    return std::visit(
        [](const auto& c) -> std::string {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, Textbox>) return "textbox";
            else if constexpr (std::is_same_v<T, Slider>) return "slider";
            else if constexpr (std::is_same_v<T, Number>) return "number";
            else if constexpr (std::is_same_v<T, Checkbox>) return "checkbox";
            else if constexpr (std::is_same_v<T, Dropdown>) return "dropdown";
            else if constexpr (std::is_same_v<T, Radio>) return "radio";
            else if constexpr (std::is_same_v<T, Markdown>) return "markdown";
            else if constexpr (std::is_same_v<T, HTML>) return "html";
            else if constexpr (std::is_same_v<T, Code>) return "code";
            else if constexpr (std::is_same_v<T, Button>) return "button";
            else if constexpr (std::is_same_v<T, Chatbot>) return "chatbot";
            else {
                static_assert(std::is_same_v<T, State>, "a component type without its wire name");
                return "state";
            }
        },
        kind_);
}

const std::string& Component::parameter_name() const {
    return std::visit([](const auto& c) -> const std::string& { return c.parameter_name; }, kind_);
}

}  // namespace gradio

namespace gradio::detail {

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.push_back(json::string(s));
    return a;
}

namespace {

// A double that is a whole number goes out as an integer, as Python prints 10 for int 10.
json::value number_json(double d) {
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    return d;
}

// The keys every component carries, after its own (Gradio's Component.__init__ order).
void common_tail(json::object& p, const std::string& label, const std::optional<bool>& show_label, bool container,
                 const std::optional<int>& scale, int min_width, const std::optional<bool>& interactive, bool visible,
                 const std::string& elem_id) {
    if (!label.empty()) p["label"] = label;
    p["show_label"] = show_label.value_or(true);
    p["container"] = container;
    if (scale) p["scale"] = *scale;
    p["min_width"] = min_width;
    if (interactive) p["interactive"] = *interactive;
    p["visible"] = visible;
    if (!elem_id.empty()) p["elem_id"] = elem_id;
}

std::string display_name(const std::string& label, const char* type) {
    return label.empty() ? std::string(type) : "\"" + label + "\"";
}

// `d` to `precision` decimals; an integer for 0 (Gradio's precision).
json::value rounded(double d, int precision) {
    const double scale = std::pow(10.0, precision);
    d = std::round(d * scale) / scale;
    return precision == 0 ? json::value(static_cast<std::int64_t>(d)) : json::value(d);
}

[[noreturn]] void reject(const std::string& who, const std::string& what) { throw InputError(who + " " + what + "."); }

std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++n) {
        std::size_t bad = 0;
        i += std::max<std::size_t>(1, http::utf8_sequence_length(text, i, bad));
    }
    return n;
}

json::array choices_json(const std::vector<Choice>& choices) {
    json::array out;
    for (const auto& c : choices) out.push_back(json::array{json::string(c.name), to_json_value(c.value)});
    return out;
}

// Text as Python's repr() writes it: single quotes unless the text holds one and no double.
std::string python_repr(const std::string& text) {
    const char quote = text.find('\'') != std::string::npos && text.find('"') == std::string::npos ? '"' : '\'';
    std::string out(1, quote);
    for (char c : text) {
        if (c == quote || c == '\\') out += '\\';
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else out += c;
    }
    return out + quote;
}

// Python's repr of the choices for the Literal[...] type /info shows.
std::string literal_of(const std::vector<Choice>& choices) {
    std::string out = "Literal[";
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i) out += ", ";
        const Value& v = choices[i].value;
        out += v.is_string() ? python_repr(v.as_string()) : to_json(to_json_value(v), JsonDialect::python);
    }
    return out + "]";
}

json::array enum_of(const std::vector<Choice>& choices) {
    json::array out;
    for (const auto& c : choices) out.push_back(to_json_value(c.value));
    return out;
}

ValueKind kind_of_choices(const std::vector<Choice>& choices, const std::string& type) {
    if (type == "index") return ValueKind::number;
    if (choices.empty()) return ValueKind::any;
    for (const auto& c : choices)
        if (!c.value.is_string()) return ValueKind::any;
    return ValueKind::text;
}

// Checks that `v` is one of the choices and gives what the function receives: the value, or
// its index for type="index".
json::value pick(const std::vector<Choice>& choices, const std::string& type, bool allow_custom, const json::value& v,
                 const std::string& who) {
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (to_json_value(choices[i].value) == v) return type == "index" ? json::value(i) : v;
    if (allow_custom && type != "index") return v;
    reject(who, "got " + to_json(v) + ", which is not one of its choices");
}

Component base(std::string type, json::object props) {
    Component c;
    c.type = std::move(type);
    c.props = std::move(props);
    return c;
}

// The props a Textbox and a MultimodalTextbox share, in Gradio's order (placeholder .. rtl).
template <class Box>
void message_box_props(json::object& p, const Box& t) {
    if (!t.placeholder.empty()) p["placeholder"] = t.placeholder;
    if (!t.info.empty()) p["info"] = t.info;
    common_tail(p, t.label, t.show_label, t.container, t.scale, t.min_width, t.interactive, t.visible, t.elem_id);
    p["autofocus"] = t.autofocus;
    p["autoscroll"] = t.autoscroll;
    p["elem_classes"] = strings(t.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    if (!t.text_align.empty()) p["text_align"] = t.text_align;
    p["rtl"] = t.rtl;
}

Component model(const Textbox& t) {
    json::object p;
    if (t.value) p["value"] = *t.value;
    p["type"] = t.type;
    p["lines"] = t.lines;
    if (t.max_lines) p["max_lines"] = *t.max_lines;
    message_box_props(p, t);
    p["buttons"] = json::array{};
    if (t.max_length) p["max_length"] = *t.max_length;
    p["submit_btn"] = button_json(t.submit_btn);
    p["stop_btn"] = button_json(t.stop_btn);
    Component c = base("textbox", std::move(p));
    c.api_info = json::object{{"type", "string"}};
    c.python_type = {{"type", "str"}, {"description", ""}};
    c.example_input = "Hello!!";
    c.initial = t.value ? json::value(*t.value) : json::value("");
    c.kind = ValueKind::text;
    const std::string who = "Textbox " + display_name(t.label, "value");
    const std::optional<int> max_length = t.max_length;
    c.preprocess = [who, max_length](const json::value& v) -> json::value {
        if (v.is_null()) return "";
        if (!v.is_string()) reject(who, "expects text, got " + to_json(v));
        if (max_length && code_points(v.get_string()) > static_cast<std::size_t>(*max_length))
            reject(who, "is limited to " + std::to_string(*max_length) + " characters");
        return v;
    };
    return c;
}

Component model(const Slider& s) {
    if (!(s.maximum > s.minimum))
        throw ConfigError("[gr.config.11] Slider maximum (" + std::to_string(s.maximum) + ") must be greater than minimum (" +
                          std::to_string(s.minimum) + ")");
    const double value = s.value.value_or(s.minimum);
    const double step = s.step.value_or(std::pow(10.0, std::floor(std::log10(s.maximum - s.minimum)) - 2));
    json::object p{{"minimum", number_json(s.minimum)}, {"maximum", number_json(s.maximum)}, {"value", number_json(value)},
                   {"step", number_json(step)}};
    if (s.precision) p["precision"] = *s.precision;
    if (!s.info.empty()) p["info"] = s.info;
    common_tail(p, s.label, s.show_label, s.container, s.scale, s.min_width, s.interactive, s.visible, s.elem_id);
    p["elem_classes"] = strings(s.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    Component c = base("slider", std::move(p));
    auto bound = [](double d) { return to_json(number_json(d)); };
    c.api_info = json::object{{"type", "number"},
                              {"description", "numeric value between " + bound(s.minimum) + " and " + bound(s.maximum)}};
    c.python_type = {{"type", "float"}, {"description", ""}};
    c.example_input = number_json(value);
    c.initial = number_json(value);
    c.kind = ValueKind::number;
    const std::string who = "Slider " + display_name(s.label, "value");
    const double lo = s.minimum, hi = s.maximum;
    const std::optional<int> precision = s.precision;
    c.preprocess = [who, lo, hi, precision, bound](const json::value& v) -> json::value {
        if (!v.is_number()) reject(who, "expects a number, got " + to_json(v));
        double d = v.to_number<double>();
        if (d < lo || d > hi) reject(who, "must be between " + bound(lo) + " and " + bound(hi) + ", got " + to_json(v));
        return precision ? rounded(d, *precision) : v;
    };
    return c;
}

Component model(const Number& n) {
    json::object p;
    if (n.value) p["value"] = number_json(*n.value);
    if (!n.info.empty()) p["info"] = n.info;
    common_tail(p, n.label, n.show_label, n.container, n.scale, n.min_width, n.interactive, n.visible, n.elem_id);
    p["elem_classes"] = strings(n.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    if (n.precision) p["precision"] = *n.precision;
    if (n.minimum) p["minimum"] = number_json(*n.minimum);
    if (n.maximum) p["maximum"] = number_json(*n.maximum);
    p["step"] = number_json(n.step);
    Component c = base("number", std::move(p));
    c.api_info = json::object{{"type", "number"}};
    c.python_type = {{"type", "float"}, {"description", ""}};
    c.example_input = n.value ? number_json(*n.value) : json::value(3);
    c.initial = n.value ? number_json(*n.value) : json::value(nullptr);
    c.kind = ValueKind::number;
    const std::string who = "Number " + display_name(n.label, "value");
    const auto lo = n.minimum, hi = n.maximum;
    const auto precision = n.precision;
    c.preprocess = [who, lo, hi, precision](const json::value& v) -> json::value {
        if (v.is_null()) return v;  // an empty field: the function gets no value
        if (!v.is_number()) reject(who, "expects a number, got " + to_json(v));
        double d = v.to_number<double>();
        if (lo && d < *lo) reject(who, "must be at least " + to_json(number_json(*lo)) + ", got " + to_json(v));
        if (hi && d > *hi) reject(who, "must be at most " + to_json(number_json(*hi)) + ", got " + to_json(v));
        return precision ? rounded(d, *precision) : v;
    };
    return c;
}

Component model(const Checkbox& b) {
    json::object p{{"value", b.value}};
    if (!b.info.empty()) p["info"] = b.info;
    common_tail(p, b.label, b.show_label, b.container, b.scale, b.min_width, b.interactive, b.visible, b.elem_id);
    p["elem_classes"] = strings(b.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    Component c = base("checkbox", std::move(p));
    c.api_info = json::object{{"type", "boolean"}};
    c.python_type = {{"type", "bool"}, {"description", ""}};
    c.example_input = true;
    c.initial = b.value;
    c.kind = ValueKind::boolean;
    const std::string who = "Checkbox " + display_name(b.label, "value");
    c.preprocess = [who](const json::value& v) -> json::value {
        if (!v.is_bool()) reject(who, "expects true or false, got " + to_json(v));
        return v;
    };
    return c;
}

Component model(const Dropdown& d) {
    json::object p{{"choices", choices_json(d.choices)}};
    json::value value;
    if (d.value) value = to_json_value(*d.value);
    else if (d.multiselect) value = json::array{};
    else if (!d.choices.empty()) value = to_json_value(d.choices.front().value);
    p["value"] = value;
    p["type"] = d.type;
    p["multiselect"] = d.multiselect;
    p["allow_custom_value"] = d.allow_custom_value;
    if (d.max_choices) p["max_choices"] = *d.max_choices;
    p["filterable"] = d.filterable;
    if (!d.info.empty()) p["info"] = d.info;
    common_tail(p, d.label, d.show_label, d.container, d.scale, d.min_width, d.interactive, d.visible, d.elem_id);
    p["elem_classes"] = strings(d.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    Component c = base("dropdown", std::move(p));
    const std::string literal = literal_of(d.choices);
    if (d.multiselect) {
        c.api_info = json::object{{"type", "array"}, {"items", json::object{{"type", "string"}, {"enum", enum_of(d.choices)}}}};
        c.python_type = {{"type", "list[" + literal + "]"}, {"description", ""}};
        c.example_input = d.choices.empty() ? json::array{} : json::array{to_json_value(d.choices.front().value)};
        c.kind = ValueKind::list;
    } else {
        c.api_info = json::object{{"type", "string"}, {"enum", enum_of(d.choices)}};
        c.python_type = {{"type", literal}, {"description", ""}};
        c.example_input = d.choices.empty() ? json::value(nullptr) : to_json_value(d.choices.front().value);
        c.kind = d.allow_custom_value && d.type != "index" ? ValueKind::any : kind_of_choices(d.choices, d.type);
    }
    if (d.allow_custom_value && !d.multiselect && d.type != "index" && c.kind != ValueKind::any) c.kind = ValueKind::any;
    c.initial = value;
    const std::string who = "Dropdown " + display_name(d.label, "value");
    c.preprocess = [who, choices = d.choices, type = d.type, multiselect = d.multiselect,
                    custom = d.allow_custom_value, max = d.max_choices](const json::value& v) -> json::value {
        if (!multiselect) {
            if (v.is_null()) return v;
            return pick(choices, type, custom, v, who);
        }
        if (v.is_null()) return json::array{};
        if (!v.is_array()) reject(who, "expects a list of choices, got " + to_json(v));
        if (max && v.get_array().size() > static_cast<std::size_t>(*max))
            reject(who, "allows at most " + std::to_string(*max) + " choices");
        json::array out;
        for (const auto& item : v.get_array()) out.push_back(pick(choices, type, custom, item, who));
        return out;
    };
    return c;
}

Component model(const Radio& r) {
    json::value value = r.value ? to_json_value(*r.value) : json::value(nullptr);
    json::object p{{"choices", choices_json(r.choices)}, {"value", value}, {"type", r.type}};
    if (!r.info.empty()) p["info"] = r.info;
    common_tail(p, r.label, r.show_label, r.container, r.scale, r.min_width, r.interactive, r.visible, r.elem_id);
    p["elem_classes"] = strings(r.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    p["rtl"] = r.rtl;
    Component c = base("radio", std::move(p));
    c.api_info = json::object{{"enum", enum_of(r.choices)}, {"title", "Radio"}, {"type", "string"}};
    c.python_type = {{"type", literal_of(r.choices)}, {"description", ""}};
    c.example_input = r.choices.empty() ? json::value(nullptr) : to_json_value(r.choices.front().value);
    c.initial = value;
    c.kind = kind_of_choices(r.choices, r.type);
    const std::string who = "Radio " + display_name(r.label, "value");
    c.preprocess = [who, choices = r.choices, type = r.type](const json::value& v) -> json::value {
        if (v.is_null()) return v;
        return pick(choices, type, false, v, who);
    };
    return c;
}

// Text a component holds (Code, HTML): null is "", anything else but text is refused.
std::function<json::value(const json::value&)> text_input(std::string who) {
    return [who = std::move(who)](const json::value& v) -> json::value {
        if (v.is_null()) return "";
        if (!v.is_string()) reject(who, "expects text, got " + to_json(v));
        return v;
    };
}

Component model(const HTML& h) {
    json::object p{{"value", h.value}};
    if (!h.label.empty()) p["label"] = h.label;
    p["show_label"] = h.show_label.value_or(false);
    p["visible"] = h.visible;
    if (!h.elem_id.empty()) p["elem_id"] = h.elem_id;
    p["elem_classes"] = strings(h.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    if (h.min_height) p["min_height"] = *h.min_height;
    if (h.max_height) p["max_height"] = *h.max_height;
    p["container"] = h.container;
    p["padding"] = h.padding;
    Component c = base("html", std::move(p));
    c.api_info = json::object{{"type", "string"}};
    c.python_type = {{"type", "str"}, {"description", ""}};
    c.example_input = "<p>Hello</p>";
    c.initial = h.value;
    c.kind = ValueKind::text;
    c.preprocess = text_input("HTML " + display_name(h.label, "value"));
    return c;
}

Component model(const Code& k) {
    json::object p;
    if (!k.value.empty()) p["value"] = k.value;
    if (!k.language.empty()) p["language"] = k.language;
    p["lines"] = k.lines;
    if (k.max_lines) p["max_lines"] = *k.max_lines;
    common_tail(p, k.label, k.show_label, k.container, k.scale, k.min_width, k.interactive, k.visible, k.elem_id);
    p["elem_classes"] = strings(k.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    p["wrap_lines"] = k.wrap_lines;
    p["show_line_numbers"] = k.show_line_numbers;
    p["autocomplete"] = false;
    p["buttons"] = json::array{"copy", "download"};
    Component c = base("code", std::move(p));
    c.api_info = json::object{{"type", "string"}};
    c.python_type = {{"type", "str"}, {"description", ""}};
    c.example_input = "print('Hello World')";
    c.initial = k.value.empty() ? json::value(nullptr) : json::value(k.value);
    c.kind = ValueKind::text;
    c.preprocess = text_input("Code " + display_name(k.label, "value"));
    return c;
}

Component model(const Button& b) {
    json::object p{{"value", b.value}, {"variant", b.variant}, {"size", b.size}};
    if (!b.link.empty()) p["link"] = b.link;
    p["link_target"] = "_self";
    p["visible"] = b.visible;
    p["interactive"] = b.interactive;
    if (!b.elem_id.empty()) p["elem_id"] = b.elem_id;
    p["elem_classes"] = strings(b.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    if (b.scale) p["scale"] = *b.scale;
    if (b.min_width) p["min_width"] = *b.min_width;
    Component c = base("button", std::move(p));
    c.api_info = json::object{{"type", "string"}};
    c.python_type = {{"type", "str"}, {"description", ""}};
    c.example_input = b.value;
    c.initial = b.value;
    c.kind = ValueKind::text;
    return c;
}

Component model(const State& st) {
    Component c = base("state", {{"time_to_live", nullptr}});
    c.initial = to_json_value(st.value);
    return c;
}

Component model(const Chatbot& b) {
    Component c = chatbot_model(b);
    json::object props{{"likeable", false}, {"value", json::array{}}};
    for (auto& kv : c.props) props[kv.key()] = kv.value();
    if (b.label.empty()) props.erase("label");
    props["examples"] = json::array{};
    c.props = std::move(props);
    c.kind = ValueKind::list;
    c.preprocess = [](const json::value& v) -> json::value {
        if (v.is_null()) return json::array{};
        if (!v.is_array()) reject("Chatbot", "expects a list of messages, got " + to_json(v));
        return v;
    };
    return c;
}

Component model(const Markdown& m) { return markdown_model(m); }

// The props of `c` that differ from those of its type's defaults, as an update.
json::value update_from(const gradio::Component& component) {
    return std::visit(
        [](const auto& k) -> json::value {
            using T = std::decay_t<decltype(k)>;
            const json::object mine = model(k).props, defaults = model(T{}).props;
            json::object out;
            for (const auto& kv : mine)
                if (const auto* d = defaults.if_contains(kv.key()); !d || *d != kv.value()) out[kv.key()] = kv.value();
            out["__type__"] = "update";
            return out;
        },
        component.kind());
}

}  // namespace

Component any_model(const gradio::Component& component) {
    Component c = std::visit([](const auto& k) { return model(k); }, component.kind());
    c.props["name"] = c.type;
    c.props["_selectable"] = false;
    return c;
}

json::value output_json(const Output& output) {
    return std::visit(
        [](const auto& o) -> json::value {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, Value>) return to_json_value(o);
            else if constexpr (std::is_same_v<T, Update>) {
                json::object u = to_json_value(Value(o.props)).as_object();
                u["__type__"] = "update";
                return u;
            } else if constexpr (std::is_same_v<T, gradio::Component>) return update_from(o);
            else {
                json::array messages;
                for (const auto& m : o) messages.push_back(message_to_json(m));
                return messages;
            }
        },
        output.kind());
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

const char* kind_name(ValueKind k) {
    switch (k) {
    case ValueKind::text: return "text (std::string)";
    case ValueKind::number: return "a number";
    case ValueKind::boolean: return "bool";
    case ValueKind::list: return "a list (std::vector)";
    case ValueKind::any: break;
    }
    return "any value (gr::Value)";
}

json::value button_json(const std::variant<bool, std::string>& v) {
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    return json::string(std::get<std::string>(v));
}

json::array latex_delimiters_json(const std::vector<LatexDelimiter>& delimiters) {
    json::array out;
    for (const auto& d : delimiters) out.push_back(json::object{{"left", d.left}, {"right", d.right}, {"display", d.display}});
    return out;
}

Component textbox_model(const Textbox& textbox) { return model(textbox); }

namespace {
// Gradio's MultimodalData schema for /info (what a client sends: text and uploaded files).
json::value multimodal_api_info() {
    std::string error;
    return parse_json(R"({"$defs":{"FileData":{"description":"The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).","properties":{"path":{"title":"Path","type":"string"},"url":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Url"},"size":{"anyOf":[{"type":"integer"},{"type":"null"}],"default":null,"title":"Size"},"orig_name":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Orig Name"},"mime_type":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Mime Type"},"is_stream":{"default":false,"title":"Is Stream","type":"boolean"},"meta":{"$ref":"#/$defs/FileDataMeta"}},"required":["path"],"title":"FileData","type":"object"},"FileDataMeta":{"properties":{"_type":{"const":"gradio.FileData","title":"Type","type":"string"}},"required":["_type"],"title":"FileDataMeta","type":"object"}},"properties":{"text":{"title":"Text","type":"string"},"files":{"items":{"$ref":"#/$defs/FileData"},"title":"Files","type":"array"}},"required":["text"],"title":"MultimodalData","type":"object","additional_description":null})",
                      error);
}
}  // namespace

Component multimodal_textbox_model(const MultimodalTextbox& t) {
    if (t.file_count != "single" && t.file_count != "multiple" && t.file_count != "directory")
        throw ConfigError("[gr.config.21] MultimodalTextbox file_count must be \"single\", \"multiple\" or \"directory\", got \"" +
                          t.file_count + "\"");
    for (const auto& source : t.sources)
        if (source != "upload" && source != "microphone")
            throw ConfigError("[gr.config.22] MultimodalTextbox sources may be \"upload\" and \"microphone\", got \"" + source + "\"");
    json::object p;
    p["value"] = json::object{{"text", ""}, {"files", json::array{}}};
    p["sources"] = strings(t.sources);
    if (!t.file_types.empty()) p["file_types"] = strings(t.file_types);
    p["file_count"] = t.file_count;
    p["lines"] = t.lines;
    p["max_lines"] = t.max_lines.value_or(20);
    message_box_props(p, t);
    p["submit_btn"] = button_json(t.submit_btn);
    p["stop_btn"] = button_json(t.stop_btn);
    p["max_plain_text_length"] = t.max_plain_text_length;
    Component c = base("multimodaltextbox", std::move(p));
    c.api_info = multimodal_api_info();
    c.python_type = {{"type", "dict(text: str, files: list[filepath])"}, {"description", nullptr}};
    c.example_input = json::object{{"text", "Describe this image"},
                                   {"files", json::array{json::object{{"path", "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png"},
                                                                      {"meta", json::object{{"_type", "gradio.FileData"}}},
                                                                      {"orig_name", "bus.png"},
                                                                      {"url", "https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png"}}}}};
    c.initial = json::object{{"text", ""}, {"files", json::array{}}};
    c.has_default = true;
    c.kind = ValueKind::any;
    // {"text", "files"} normalised: a bare string is text without files; each file must be an
    // object with a string "path" (whether it was uploaded here is checked when fn runs).
    const std::size_t max_files = t.file_count == "single" ? 1 : 1000;
    c.preprocess = [max_files](const json::value& v) -> json::value {
        if (v.is_null()) return json::object{{"text", ""}, {"files", json::array{}}};
        if (v.is_string()) return json::object{{"text", v}, {"files", json::array{}}};
        if (!v.is_object()) reject("The message", "must be {\"text\": ..., \"files\": [...]} or a string, got " + to_json(v));
        const auto& o = v.get_object();
        const json::value* text = o.if_contains("text");
        if (text && !text->is_string() && !text->is_null()) reject("The message's \"text\"", "must be a string");
        json::array files;
        if (const json::value* f = o.if_contains("files"); f && !f->is_null()) {
            if (!f->is_array()) reject("The message's \"files\"", "must be a list of files");
            if (f->get_array().size() > max_files)
                reject("The message", "has " + std::to_string(f->get_array().size()) + " files; at most " + std::to_string(max_files) +
                                           " may be sent at once");
            for (const auto& file : f->get_array()) {
                const json::value* path = file.is_object() ? file.get_object().if_contains("path") : nullptr;
                if (!path || !path->is_string()) reject("Each file of the message", "must be an object with a \"path\" (upload it first)");
                files.push_back(file);
            }
        }
        return json::object{{"text", text && text->is_string() ? *text : json::value("")}, {"files", std::move(files)}};
    };
    return c;
}

Component markdown_model(const Markdown& m) {
    json::object p{{"value", m.value}};
    if (!m.label.empty()) p["label"] = m.label;
    p["show_label"] = m.show_label.value_or(false);
    p["rtl"] = m.rtl;
    p["latex_delimiters"] = latex_delimiters_json(m.latex_delimiters);
    p["visible"] = m.visible;
    if (!m.elem_id.empty()) p["elem_id"] = m.elem_id;
    p["elem_classes"] = strings(m.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    p["sanitize_html"] = m.sanitize_html;
    p["line_breaks"] = m.line_breaks;
    p["header_links"] = m.header_links;
    if (m.height) p["height"] = *m.height;
    if (m.max_height) p["max_height"] = *m.max_height;
    if (m.min_height) p["min_height"] = *m.min_height;
    p["container"] = m.container;
    p["padding"] = false;
    Component c = base("markdown", std::move(p));
    c.api_info = json::object{{"type", "string"}};
    c.python_type = {{"type", "str"}, {"description", ""}};
    c.example_input = "# Hello!";
    c.initial = m.value;
    c.kind = ValueKind::text;
    c.preprocess = text_input("Markdown");
    return c;
}

Component accordion_model(const Accordion& a) {
    json::object p;
    p["label"] = a.label.empty()
                     ? json::value("__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"chat_interface.additional_inputs\"}")
                     : json::value(a.label);
    p["open"] = a.open;
    p["visible"] = a.visible;
    if (!a.elem_id.empty()) p["elem_id"] = a.elem_id;
    p["elem_classes"] = strings(a.elem_classes);
    p["preserved_by_key"] = json::array{};
    return base("accordion", std::move(p));
}

Component chatbot_model(const Chatbot& b) {
    json::object p;
    p["label"] = b.label.empty() ? json::value("__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"chat_interface.chatbot\"}")
                                 : json::value(b.label);
    p["show_label"] = b.show_label.value_or(true);
    p["container"] = b.container;
    p["scale"] = b.scale.value_or(1);
    p["min_width"] = b.min_width;
    p["visible"] = b.visible;
    if (!b.elem_id.empty()) p["elem_id"] = b.elem_id;
    p["elem_classes"] = strings(b.elem_classes);
    p["preserved_by_key"] = json::array{"value"};
    p["height"] = b.height.value_or(400);
    p["resizable"] = b.resizable;
    if (b.max_height) p["max_height"] = *b.max_height;
    if (b.min_height) p["min_height"] = *b.min_height;
    if (!b.editable.empty()) p["editable"] = b.editable;
    p["latex_delimiters"] = latex_delimiters_json(b.latex_delimiters);
    p["rtl"] = b.rtl;
    // "share" posts media to Hugging Face, which a self-hosted server has no business doing.
    std::vector<std::string> buttons = b.buttons.value_or(std::vector<std::string>{"copy", "copy_all"});
    std::erase(buttons, "share");
    p["buttons"] = strings(buttons);
    if (!b.watermark.empty()) p["watermark"] = b.watermark;
    auto avatar = [](const std::string& where) -> json::value {
        if (where.empty()) return nullptr;
        return json::object{{"path", where}, {"url", where}, {"size", nullptr}, {"orig_name", nullptr},
                            {"mime_type", nullptr}, {"is_stream", false}, {"meta", json::object{{"_type", "gradio.FileData"}}}};
    };
    p["avatar_images"] = json::array{avatar(b.avatar_images.first), avatar(b.avatar_images.second)};
    p["sanitize_html"] = b.sanitize_html;
    p["render_markdown"] = b.render_markdown;
    p["feedback_options"] = strings(b.feedback_options);
    p["line_breaks"] = b.line_breaks;
    p["layout"] = b.layout;
    if (!b.placeholder.empty()) p["placeholder"] = b.placeholder;
    p["allow_file_downloads"] = b.allow_file_downloads;
    p["group_consecutive_messages"] = b.group_consecutive_messages;
    p["allow_tags"] = b.allow_tags;
    p["like_user_message"] = b.like_user_message;
    Component c = base("chatbot", std::move(p));
    c.initial = json::array{};
    c.api_info = chatbot_api_info();
    c.example_input = json::array{text_message("user", "Hello!"), text_message("assistant", "How can I help you?")};
    return c;
}

Component component_model(const gradio::Component& component, std::size_t position) {
    Component c = any_model(component);
    c.skip_api = false;
    c.has_default = true;
    c.api_label = "parameter_" + std::to_string(position);
    return c;
}

}  // namespace gradio::detail
