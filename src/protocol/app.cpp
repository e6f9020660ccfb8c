#include "protocol/app.hpp"

namespace gradio::detail {

json::value StreamBases::full(std::size_t output, const json::value& tail) const {
    if (!has(output) || !tail.is_array()) return tail;  // null: a State, sent as null
    json::array whole = *base[output];
    if (tail.is_array()) whole.insert(whole.end(), tail.get_array().begin(), tail.get_array().end());
    return whole;
}

void StreamBases::make_whole(json::array& outputs) const {
    for (std::size_t i = 0; i < outputs.size(); ++i)
        if (has(i)) outputs[i] = full(i, outputs[i]);
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
