#include "protocol/config.hpp"

#include <random>

#include <gradio/version.hpp>

#include "protocol/json_codec.hpp"

namespace gradio::detail {

namespace {

// A stable id per component type (Gradio uses a sha256 of the class path; clients only
// compare it for equality).
std::string class_id(std::string_view type) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    std::uint64_t h = 1469598103934665603ull;
    for (int round = 0; round < 4; ++round) {
        for (char c : type) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        h = (h ^ static_cast<std::uint64_t>(round)) * 1099511628211ull;
        for (int i = 0; i < 16; ++i) out += hex[(h >> (i * 4)) & 0xF];
    }
    return out;
}

json::value layout_of(const App& app, int id) {
    json::object node{{"id", id}};
    const std::vector<int>* children = id == 0 ? &app.root_children : nullptr;
    if (const Component* c = app.component(id); c && !c->children.empty()) children = &c->children;
    if (children) {
        json::array kids;
        for (int child : *children) kids.push_back(layout_of(app, child));
        node["children"] = std::move(kids);
    }
    return node;
}

json::object component_json(const Component& c) {
    json::object o{{"id", c.id}, {"type", c.type}, {"props", c.props}, {"skip_api", c.skip_api},
                   {"component_class_id", class_id(c.type)}, {"key", nullptr}};
    if (!c.skip_api) {
        o["api_info"] = c.api_info;
        o["api_info_as_input"] = c.api_info;
        o["api_info_as_output"] = c.api_info;
        o["example_inputs"] = c.example_input;
    }
    return o;
}

json::object dependency_json(const Dependency& d) {
    json::array targets;
    for (const auto& t : d.targets)
        targets.push_back(json::array{t.component ? json::value(*t.component) : json::value(nullptr), t.event});
    auto ids = [](const std::vector<int>& v) {
        json::array a;
        for (int i : v) a.push_back(i);
        return a;
    };
    return json::object{
        {"id", d.id}, {"targets", std::move(targets)}, {"inputs", ids(d.inputs)}, {"outputs", ids(d.outputs)},
        {"backend_fn", d.backend_fn()}, {"js", nullptr}, {"queue", d.queue}, {"api_name", d.api_name},
        {"api_description", d.api_description ? json::value(*d.api_description) : json::value(nullptr)},
        {"scroll_to_output", false}, {"show_progress", d.show_progress}, {"show_progress_on", nullptr},
        {"batch", false}, {"max_batch_size", 4}, {"cancels", ids(d.cancels)},
        {"types", json::object{{"generator", d.generator()}, {"cancel", d.cancel}}},
        {"collects_event_data", d.collects_event_data},
        {"trigger_after", d.trigger_after ? json::value(*d.trigger_after) : json::value(nullptr)},
        {"trigger_only_on_success", d.trigger_only_on_success}, {"trigger_only_on_failure", false},
        {"trigger_mode", d.trigger_mode}, {"api_visibility", d.api_visibility}, {"rendered_in", nullptr},
        {"render_id", nullptr}, {"connection", "sse"}, {"time_limit", nullptr}, {"stream_every", 0.5},
        {"event_specific_args", nullptr}, {"component_prop_inputs", json::array{}}, {"js_implementation", nullptr}};
}

std::string capitalised(std::string_view type) {
    std::string s(type);
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

json::object python_type(const Component& c) {
    if (!c.python_type.empty()) return c.python_type;
    if (c.type == "json") return {{"type", "str | float | bool | list | dict"}, {"description", "any valid json"}};
    if (c.type == "textbox" || c.type == "markdown") return {{"type", "str"}, {"description", ""}};
    return {{"type", "dict"}, {"description", ""}};
}

std::string label_of(const Component& c, const char* fallback_prefix) {
    if (auto it = c.props.find("label"); it != c.props.end() && it->value().is_string()) {
        std::string label(it->value().get_string());
        if (label.rfind("__i18n__", 0) != 0) return label;
    }
    if (!c.api_label.empty()) return c.api_label;
    return fallback_prefix + std::to_string(c.id);
}

std::string example_literal(const json::value& v, bool python) {
    if (v.is_string()) return to_json(v);
    if (python) return to_json(v, JsonDialect::python);
    return to_json(v);
}

}  // namespace

ConfigDocument::ConfigDocument(const App& app) : app_(app) {
    std::random_device rd;
    app_id_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    json::array components;
    for (const auto& c : app.components) components.push_back(component_json(c));
    json::array dependencies;
    json::array dep_ids;
    json::array comp_ids;
    for (const auto& c : app.components) comp_ids.push_back(c.id);
    for (const auto& d : app.dependencies) {
        dependencies.push_back(dependency_json(d));
        dep_ids.push_back(d.id);
    }
    json::value layout = layout_of(app, 0);
    json::object config{
        {"version", gradio_protocol_version},
        {"api_prefix", "/gradio_api"},
        {"mode", app.mode},
        {"app_id", app_id_},
        {"dev_mode", false},
        {"vibe_mode", false},
        {"analytics_enabled", false},
        {"components", std::move(components)},
        {"css", nullptr},
        {"connect_heartbeat", true},
        {"js", nullptr},
        {"head", nullptr},
        {"title", app.title},
        {"space_id", nullptr},
        {"enable_queue", true},
        {"show_error", app.show_error},
        {"footer_links", json::array{"api", "settings"}},
        {"run_history", false},
        {"is_colab", false},
        {"max_file_size", app.max_file_size ? json::value(*app.max_file_size) : json::value(nullptr)},
        {"stylesheets", json::array{}},
        {"theme", "default"},
        {"protocol", "sse_v3"},
        {"body_css", json::object{{"body_background_fill", "white"}, {"body_text_color", "#27272a"},
                                  {"body_background_fill_dark", "#0f0f11"}, {"body_text_color_dark", "#f4f4f5"}}},
        {"fill_height", app.fill_height},
        {"fill_width", app.fill_width},
        {"theme_hash", "gradio-cpp-default"},
        {"pwa", false},
        {"pages", json::array{json::array{"", "Home", true}}},
        {"page", json::object{{"", json::object{{"layout", layout}, {"components", comp_ids}, {"dependencies", dep_ids}}}}},
        {"mcp_server", false},
        {"i18n_translations", nullptr},
        {"dependencies", std::move(dependencies)},
        {"layout", layout},
        {"username", nullptr},
    };
    config_prefix_ = to_json(config);
    config_prefix_.pop_back();  // reopen the object: "root" is added per request
}

std::string ConfigDocument::config_json(std::string_view root) const {
    std::string out = config_prefix_;
    out += ",\"root\":";
    write_json(out, json::string(root));
    out += '}';
    return out;
}

std::string ConfigDocument::info_json(std::string_view root, bool all_endpoints) const {
    json::object named;
    for (const auto& d : app_.dependencies) {
        if (!d.backend_fn()) continue;
        if (d.api_visibility != "public" && !(all_endpoints && d.api_visibility == "undocumented")) continue;
        json::array parameters;
        std::size_t position = 0;
        std::string py_args, js_args, json_args;
        for (int id : d.inputs) {
            const Component* c = app_.component(id);
            if (!c || c->skip_api) {
                ++position;
                continue;
            }
            std::string name = position < d.parameter_names.size() ? d.parameter_names[position]
                                                                   : "param_" + std::to_string(position);
            ++position;
            // Snippets show a parameter's default when it has one, as Gradio's do.
            const json::value& example = c->has_default ? c->initial : c->example_input;
            parameters.push_back(json::object{
                {"label", label_of(*c, "parameter_")}, {"parameter_name", name},
                {"parameter_has_default", c->has_default},
                {"parameter_default", c->has_default ? c->initial : json::value(nullptr)}, {"type", c->api_info},
                {"python_type", python_type(*c)}, {"component", capitalised(c->type)},
                {"example_input", c->example_input}});
            py_args += "\n\t" + name + "=" + example_literal(example, true) + ",";
            js_args += "\n\t\t" + name + ": " + example_literal(example, false) + ",";
            if (!json_args.empty()) json_args += ", ";
            json_args += "\"" + name + "\": " + example_literal(example, true);
        }
        json::array returns;
        for (int id : d.outputs) {
            const Component* c = app_.component(id);
            if (!c || c->skip_api) continue;
            returns.push_back(json::object{{"label", label_of(*c, "value_")}, {"type", c->api_info},
                                           {"python_type", python_type(*c)}, {"component", capitalised(c->type)}});
        }
        json::object endpoint{{"parameters", std::move(parameters)}, {"returns", std::move(returns)},
                              {"api_visibility", d.api_visibility},
                              {"description", d.api_description.value_or("")}};
        if (!all_endpoints) {
            const std::string r(root);
            endpoint["code_snippets"] = json::object{
                {"python", "from gradio_client import Client\n\nclient = Client(\"" + r + "\")\nresult = client.predict(" +
                               py_args + "\n\tapi_name=\"/" + d.api_name + "\",\n)\nprint(result)"},
                {"javascript", "import { Client } from \"@gradio/client\";\n\nconst client = await Client.connect(\"" + r +
                                   "\");\nconst result = await client.predict(\"/" + d.api_name + "\", {" + js_args +
                                   "\n});\n\nconsole.log(result.data);"},
                {"bash", "curl -X POST " + r + "/gradio_api/call/v2/" + d.api_name +
                             " -s -H \"Content-Type: application/json\" \\\n  -d '{" + json_args +
                             "}' \\\n  | awk -F'\"' '{ print $4}' \\\n  | read EVENT_ID; curl -N " + r +
                             "/gradio_api/call/" + d.api_name + "/$EVENT_ID"},
            };
        }
        named["/" + d.api_name] = std::move(endpoint);
    }
    return to_json(json::object{{"named_endpoints", std::move(named)}, {"unnamed_endpoints", json::object{}}});
}

}  // namespace gradio::detail
