#pragma once
// The server side of each public component type (include/gradio/components.hpp): its /config
// props in Gradio's key order, its /gradio_api/info entry, and how a value from a client is
// checked (preprocess). ChatInterface builds its page from these; Blocks will too.

#include <string>

#include <gradio/components.hpp>
#include <gradio/events.hpp>

#include "protocol/app.hpp"

namespace gradio::detail {

// The model of a user-given component. `position` is its index among the function's extra
// inputs, used for the default API label ("parameter_<position>"), as Gradio numbers them.
[[nodiscard]] Component component_model(const gradio::Component& component, std::size_t position);

// Models of components ChatInterface places itself; the caller adds ChatInterface's own props.
[[nodiscard]] Component textbox_model(const Textbox& textbox);
[[nodiscard]] Component multimodal_textbox_model(const MultimodalTextbox& textbox);
[[nodiscard]] Component chatbot_model(const Chatbot& chatbot);
[[nodiscard]] Component markdown_model(const Markdown& markdown);
[[nodiscard]] Component accordion_model(const Accordion& accordion);

// The model of any component placed in a Blocks page, with its default API settings.
[[nodiscard]] Component any_model(const gradio::Component& component);
// The value an event function gave an output, as it goes on the wire.
[[nodiscard]] json::value output_json(const Output& output);
// The chatbot's value schema for /info (a short form of Gradio's ChatbotDataMessages).
[[nodiscard]] json::value chatbot_api_info();

// How a parameter kind reads in a ConfigError ("text (std::string)", "a number", ...).
[[nodiscard]] const char* kind_name(ValueKind kind);

// A list of texts as a JSON array (elem_classes, buttons, ...).
[[nodiscard]] json::array strings(const std::vector<std::string>& v);

// A submit/stop button setting as Gradio sends it: true/false, or the button's text.
[[nodiscard]] json::value button_json(const std::variant<bool, std::string>& button);
[[nodiscard]] json::array latex_delimiters_json(const std::vector<LatexDelimiter>& delimiters);

}  // namespace gradio::detail
