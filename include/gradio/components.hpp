#pragma once
/// \file components.hpp
/// Components a ChatInterface can be customised with. Field names are Gradio's keyword names.
/// This release renders `Chatbot` and `Textbox` settings; `Component` (additional inputs and
/// outputs) is accepted and wired up by a later release.

#include <optional>
#include <string>
#include <vector>

namespace gradio {

/// The chat display (Gradio's `gr.Chatbot`). Declaration order is Gradio's documented order.
struct Chatbot {
    std::string label{};                 ///< "" shows the translated "Chatbot"
    std::optional<int> height{};         ///< pixels; default 400
    std::string placeholder{};           ///< Markdown shown while the chat is empty
    std::string layout = "bubble";     ///< "bubble" or "panel"
};

/// The message box (Gradio's `gr.Textbox`).
struct Textbox {
    std::string placeholder{};           ///< "" shows the translated "Type a message..."
    int lines = 1;
    std::optional<int> max_length{};
};

/// A generic input or output component, e.g. `{.type = "slider", .label = "Temperature"}`.
struct Component {
    std::string type{};
    std::string label{};
};

}  // namespace gradio
