// Event payloads (gr::LikeData, gr::SelectData, ...) read from the event_data a client sends
// with an event. A payload that does not fit is the client's fault: std::invalid_argument
// says what is wrong, and the event fails with that message (never the server).

#include <gradio/detail/event_function.hpp>

#include <stdexcept>

namespace gradio::detail {

namespace {

const Value& member(const Value& data, std::string_view key) {
    static const Value none;
    if (!data.is_object()) throw std::invalid_argument("expected an object with \"" + std::string(key) + "\"");
    const Value* v = data.find(key);
    return v ? *v : none;
}

// A message index: a number, or Gradio's [row, column] whose first entry is the index.
std::int64_t index_of(const Value& data) {
    const Value* v = &member(data, "index");
    if (v->is_array() && !v->as_array().empty()) v = &v->as_array().front();
    if (v->is_int()) return v->as_int();
    if (v->is_double() && v->as_number() == static_cast<double>(static_cast<std::int64_t>(v->as_number())))
        return static_cast<std::int64_t>(v->as_number());
    throw std::invalid_argument("\"index\" must be a whole number");
}

void collect_text(const Value& v, std::string& out) {
    if (v.is_string()) {
        if (!out.empty()) out += '\n';
        out += v.as_string();
    } else if (v.is_array()) {
        for (const auto& item : v.as_array()) collect_text(item, out);
    } else if (v.is_object()) {
        // A content part: {"type": "text", "text": ...}; other parts (files) carry no text.
        if (const Value* text = v.find("text"); text && text->is_string()) collect_text(*text, out);
        else if (const Value* value = v.find("value"); value && (value->is_string() || value->is_array()))
            collect_text(*value, out);
    }
}

}  // namespace

void read_event_data(const Value& data, SelectData& out) {
    out.index = index_of(data);
    out.value = member(data, "value");
    const Value& selected = member(data, "selected");
    out.selected = selected.is_bool() ? selected.as_bool() : true;
}

void read_event_data(const Value& data, LikeData& out) {
    out.index = index_of(data);
    out.value = member(data, "value");
    const Value& liked = member(data, "liked");
    if (liked.is_bool()) out.liked = liked.as_bool();
    else if (liked.is_string()) out.liked = liked.as_string();
    else if (liked.is_null()) out.liked = true;  // Gradio's default when the client leaves it out
    else throw std::invalid_argument("\"liked\" must be true, false or an option's text");
}

void read_event_data(const Value& data, RetryData& out) {
    out.index = index_of(data);
    out.value = member(data, "value");
}

void read_event_data(const Value& data, EditData& out) {
    out.index = index_of(data);
    out.value = member(data, "value");
    out.previous_value = member(data, "previous_value");
}

void read_event_data(const Value& data, CopyData& out) { out.value = member(data, "value"); }

void read_event_data(const Value& data, EventData& out) { out.data = data; }

}  // namespace gradio::detail

namespace gradio {

std::string LikeData::text() const {
    std::string out;
    detail::collect_text(value, out);
    return out;
}

}  // namespace gradio
