#pragma once
// Builds an App the way Gradio's Blocks context does: components are added inside a parent
// (ids in creation order, layout from the nesting) and event listeners are chained with
// then/success. ChatInterface uses it; a Blocks API will be a thin layer over it.

#include <optional>
#include <string>
#include <vector>

#include "protocol/app.hpp"

namespace gradio::detail {

class AppBuilder {
public:
    explicit AppBuilder(App& app) : app_(app) {}

    // Adds `component` as the last child of `parent` (nullopt = the page root) and returns
    // its id.
    int add(Component component, std::optional<int> parent);
    // A State (server-side, per session) holding `initial`.
    int add_state(json::value initial, std::optional<int> parent);
    // A layout block ("column", "row", "group", "form", "accordion", ...).
    int add_layout(std::string type, json::object props, std::optional<int> parent);

    // A component with an id but no place yet (Gradio's render=False); `place` puts it.
    int make(Component component);
    // Moves component `id` to the end of `parent`'s children (nullopt = the page root),
    // taking it from wherever it was.
    void place(int id, std::optional<int> parent);

    [[nodiscard]] Component& component(int id);
    [[nodiscard]] App& app() noexcept { return app_; }

    // An event listener: `handler` runs when any target fires. Internal steps by default:
    // unqueued-or-queued as asked, no concurrency limit, not user code.
    Dependency& on(std::vector<Target> targets, std::string api_name, std::vector<int> inputs,
                   std::vector<int> outputs, Handler handler, bool queue);
    // A step the client runs when `previous` has finished (Gradio's .then)...
    Dependency& then(int previous, std::string api_name, std::vector<int> inputs, std::vector<int> outputs,
                     Handler handler, bool queue);
    // ...or only when it succeeded (.success).
    Dependency& success(int previous, std::string api_name, std::vector<int> inputs, std::vector<int> outputs,
                        Handler handler, bool queue);
    [[nodiscard]] Dependency& dependency(int id) { return app_.dependencies[static_cast<std::size_t>(id)]; }

private:
    App& app_;
};

// Handler shorthands.
Handler call_handler(std::function<json::array(Inputs&, EventContext&)> f);
// Always returns `outputs`.
Handler constant_handler(json::array outputs);
// Gradio's update object: {"__type__": "update", ...props}.
json::value update(json::object props);

}  // namespace gradio::detail
