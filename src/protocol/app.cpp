#include "protocol/app.hpp"

#include "http/utf8.hpp"
#include "protocol/diff.hpp"
#include "protocol/json_codec.hpp"

namespace gradio::detail {

void Inputs::share(std::size_t i, SharedJson value) {
    shared_.at(i) = std::move(value);
    values_[i] = nullptr;
}

SharedJson Inputs::shared(std::size_t i) {
    if (!shared_.at(i)) shared_[i] = std::make_shared<json::value>(std::move(values_[i]));
    return shared_[i];
}

StreamBase::StreamBase(SharedJson prefix, json::array extra, std::shared_ptr<const std::string> prefix_text)
    : prefix_(std::move(prefix)), extra_(std::move(extra)), prefix_text_(std::move(prefix_text)) {
    if (prefix_ && !prefix_->is_array()) prefix_ = nullptr;
}

// The prefix is checked each time: once its turn has ended, Session::append_state may have
// moved a State's array out of it.
std::size_t StreamBase::size() const noexcept {
    return (prefix_ && prefix_->is_array() ? prefix_->get_array().size() : 0) + extra_.size();
}

json::array StreamBase::whole(const json::array& tail, json::storage_ptr storage) const {
    json::array out(std::move(storage));
    out.reserve(size() + tail.size());
    if (prefix_ && prefix_->is_array())
        for (const auto& v : prefix_->get_array()) out.push_back(v);  // copied into out's storage
    for (const auto& v : extra_) out.push_back(v);
    for (const auto& v : tail) out.push_back(v);
    return out;
}

json::array StreamBase::after_prefix(const json::array& tail) const {
    json::array out(extra_);
    out.reserve(extra_.size() + tail.size());
    for (const auto& v : tail) out.push_back(v);
    return out;
}

void append_items_text(std::string& text, const json::array& items, std::size_t from) {
    std::string more;
    for (std::size_t i = from; i < items.size(); ++i) {
        if (!text.empty() || !more.empty()) more += ',';
        write_json(more, items[i]);
    }
    (void)http::repair_utf8(more);  // a reply's bytes are not checked before this
    text += more;
}

const std::shared_ptr<const std::string>& StreamBase::prefix_text() const {
    std::call_once(prefix_once_, [this] {
        if (prefix_text_) return;
        std::string text;
        if (prefix_ && prefix_->is_array()) {
            text.reserve(prefix_->get_array().size() * 128);  // a guess at a short message's size: fewer regrowths
            append_items_text(text, prefix_->get_array(), 0);
        }
        prefix_text_ = std::make_shared<const std::string>(std::move(text));
    });
    return prefix_text_;
}

const std::shared_ptr<const std::string>& StreamBase::extra_text() const {
    std::call_once(extra_once_, [this] {
        std::string text;
        append_items_text(text, extra_, 0);
        if (!text.empty() && !prefix_text()->empty()) text.insert(0, 1, ',');
        extra_text_ = std::make_shared<const std::string>(std::move(text));
    });
    return extra_text_;
}

std::size_t StreamBase::text_size() const { return prefix_text()->size() + extra_text()->size(); }

void StreamBase::write(std::string& out, const json::array& tail, std::vector<http::StreamSource::Piece>* pieces) const {
    out += '[';
    const auto& prefix = prefix_text();
    if (pieces && prefix->size() >= 4096) pieces->push_back({out.size(), prefix});  // sent from where it is
    else out += *prefix;
    out += *extra_text();
    bool first = text_size() == 0;
    for (const auto& v : tail) {
        if (!first) out += ',';
        first = false;
        write_json(out, v);
    }
    out += ']';
}

const json::value* SentWhole::prefix_if_same(const json::value& value) const {
    if (!bases || !bases->has(output) || !tail.is_array() || !value.is_array()) return nullptr;
    const StreamBase& base = *bases->base[output];
    const json::value* prefix = base.prefix().get();
    if (!prefix || !prefix->is_array()) return nullptr;
    const json::array& items = value.get_array();
    const json::array& head = prefix->get_array();
    const json::array rest = base.after_prefix(tail.get_array());
    if (items.size() != head.size() + rest.size()) return nullptr;
    for (std::size_t i = 0; i < head.size(); ++i)
        if (!python_equal(items[i], head[i])) return nullptr;
    for (std::size_t i = 0; i < rest.size(); ++i)
        if (!python_equal(items[head.size() + i], rest[i])) return nullptr;
    return prefix;
}

json::value StreamBases::full(std::size_t output, const json::value& tail) const {
    if (!has(output) || !tail.is_array()) return tail;  // null: a State, sent as null
    return base[output]->whole(tail.get_array());
}

void StreamBases::make_whole(json::array& outputs) const {
    for (std::size_t i = 0; i < outputs.size(); ++i)
        if (has(i)) outputs[i] = full(i, outputs[i]);
}

void StreamBases::write_whole(std::string& out, const json::object& message,
                              std::vector<http::StreamSource::Piece>* pieces) const {
    std::size_t bases_bytes = 0;
    for (const auto& b : base)
        if (b) bases_bytes += b->text_size();
    if (!pieces) out.reserve(out.size() + bases_bytes + 1024);  // one allocation, not a doubling series
    // {"msg",...,"output":{"data":[...],...},...}: only the data's outputs with a base are
    // written differently; everything else as write_json would.
    auto write_object = [&out](const json::object& o, auto&& write_member) {
        out += '{';
        bool first = true;
        for (const auto& [key, value] : o) {
            if (!first) out += ',';
            first = false;
            write_json_string(out, key);
            out += ':';
            write_member(key, value);
        }
        out += '}';
    };
    auto write_data = [&](const json::value& data) {
        if (!data.is_array()) return write_json(out, data);
        out += '[';
        const json::array& outputs = data.get_array();
        for (std::size_t i = 0; i < outputs.size(); ++i) {
            if (i > 0) out += ',';
            if (has(i) && outputs[i].is_array()) base[i]->write(out, outputs[i].get_array(), pieces);
            else write_json(out, outputs[i]);
        }
        out += ']';
    };
    write_object(message, [&](std::string_view key, const json::value& value) {
        if (key != "output" || !value.is_object()) return write_json(out, value);
        write_object(value.get_object(), [&](std::string_view k, const json::value& v) {
            if (k == "data") write_data(v);
            else write_json(out, v);
        });
    });
}

const Component* App::component(int id) const {
    // Ids are assigned 1..n in order, so this is an index lookup in practice.
    if (id >= 1 && static_cast<std::size_t>(id) <= components.size() && components[static_cast<std::size_t>(id) - 1].id == id)
        return &components[static_cast<std::size_t>(id) - 1];
    for (const auto& c : components)
        if (c.id == id) return &c;
    return nullptr;
}

const Dependency* App::dependency(int fn_index) const {
    if (fn_index < 0 || static_cast<std::size_t>(fn_index) >= dependencies.size()) return nullptr;
    return &dependencies[static_cast<std::size_t>(fn_index)];
}

const Dependency* App::endpoint(std::string_view api_name) const {
    for (const auto& d : dependencies)
        if (d.api_name == api_name && d.backend_fn() && d.api_visibility != "private") return &d;
    return nullptr;
}

}  // namespace gradio::detail
