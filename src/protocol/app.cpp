#include "protocol/app.hpp"

#include "http/utf8.hpp"
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

StreamBase::StreamBase(SharedJson prefix, json::array extra) : prefix_(std::move(prefix)), extra_(std::move(extra)) {
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

const std::shared_ptr<const std::string>& StreamBase::text() const {
    std::call_once(text_once_, [this] {
        std::string text;
        text.reserve(size() * 128);  // a guess at a short message's size: fewer regrowths
        auto add = [&text](const json::array& items) {
            for (const auto& v : items) {
                if (!text.empty()) text += ',';
                write_json(text, v);
            }
        };
        if (prefix_ && prefix_->is_array()) add(prefix_->get_array());
        add(extra_);
        (void)http::repair_utf8(text);  // a reply's bytes are not checked before this
        text_ = std::make_shared<const std::string>(std::move(text));
    });
    return text_;
}

void StreamBase::write(std::string& out, const json::array& tail, std::vector<http::StreamSource::Piece>* pieces) const {
    const auto& base = text();
    out += '[';
    if (pieces) pieces->push_back({out.size(), base});
    else out += *base;
    bool first = base->empty();
    for (const auto& v : tail) {
        if (!first) out += ',';
        first = false;
        write_json(out, v);
    }
    out += ']';
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
        if (b) bases_bytes += b->text()->size();
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
