#include "protocol/app_builder.hpp"

#include <algorithm>

namespace gradio::detail {

int AppBuilder::add(Component component, std::optional<int> parent) {
    const int id = make(std::move(component));
    if (parent) this->component(*parent).children.push_back(id);
    else app_.root_children.push_back(id);
    return id;
}

int AppBuilder::make(Component component) {
    component.id = static_cast<int>(app_.components.size()) + 1;  // 0 is the root
    app_.components.push_back(std::move(component));
    return app_.components.back().id;
}

void AppBuilder::place(int id, std::optional<int> parent) {
    std::erase(app_.root_children, id);
    for (auto& c : app_.components) std::erase(c.children, id);
    if (parent) component(*parent).children.push_back(id);
    else app_.root_children.push_back(id);
}

int AppBuilder::add_state(json::value initial, std::optional<int> parent) {
    Component c;
    c.type = "state";
    c.props = {{"time_to_live", nullptr}, {"name", "state"}, {"_selectable", false}};
    c.initial = std::move(initial);
    return add(std::move(c), parent);
}

int AppBuilder::add_layout(std::string type, json::object props, std::optional<int> parent) {
    Component c;
    props["name"] = type;
    c.type = std::move(type);
    c.props = std::move(props);
    return add(std::move(c), parent);
}

Component& AppBuilder::component(int id) { return app_.components.at(static_cast<std::size_t>(id) - 1); }

Dependency& AppBuilder::on(std::vector<Target> targets, std::string api_name, std::vector<int> inputs,
                           std::vector<int> outputs, Handler handler, bool queue) {
    Dependency d;
    d.id = static_cast<int>(app_.dependencies.size());
    // Endpoint names are unique, as Gradio makes them: a taken name gets "_1", "_2", ...
    auto taken = [this](const std::string& name) {
        return std::any_of(app_.dependencies.begin(), app_.dependencies.end(),
                           [&name](const Dependency& other) { return other.api_name == name; });
    };
    if (taken(api_name)) {
        int n = 1;
        while (taken(api_name + "_" + std::to_string(n))) ++n;
        api_name += "_" + std::to_string(n);
    }
    d.api_name = std::move(api_name);
    d.targets = std::move(targets);
    d.inputs = std::move(inputs);
    d.outputs = std::move(outputs);
    d.handler = std::move(handler);
    d.queue = queue;
    d.concurrency_id = "fn:" + d.api_name;
    d.concurrency_limit = std::nullopt;  // internal steps never wait for each other
    d.runs_user_code = false;            // the library's own step unless the caller says so
    app_.dependencies.push_back(std::move(d));
    return app_.dependencies.back();
}

Dependency& AppBuilder::then(int previous, std::string api_name, std::vector<int> inputs, std::vector<int> outputs,
                             Handler handler, bool queue) {
    Dependency& d = on({{std::nullopt, "then"}}, std::move(api_name), std::move(inputs), std::move(outputs),
                       std::move(handler), queue);
    d.trigger_after = previous;
    return d;
}

Dependency& AppBuilder::success(int previous, std::string api_name, std::vector<int> inputs,
                                std::vector<int> outputs, Handler handler, bool queue) {
    Dependency& d = on({{std::nullopt, "success"}}, std::move(api_name), std::move(inputs), std::move(outputs),
                       std::move(handler), queue);
    d.trigger_after = previous;
    d.trigger_only_on_success = true;
    return d;
}

Handler call_handler(std::function<json::array(Inputs&, EventContext&)> f) {
    Handler h;
    h.call = std::move(f);
    return h;
}

Handler constant_handler(json::array outputs) {
    return call_handler([outputs = std::move(outputs)](Inputs&, EventContext&) { return outputs; });
}

json::value update(json::object props) {
    props["__type__"] = "update";
    return props;
}

}  // namespace gradio::detail
