// A chat app for the browser test of the validator: messages shorter than 3 characters are
// refused before they are queued; anything else is answered with what the chat function
// received, so the test can check that a refused message never reached the history.
#include <string>

#include <gradio/gradio.hpp>

std::string reply(const gr::Message& message, const gr::History& history) {
    std::string seen;
    for (const auto& m : history) seen += (seen.empty() ? "" : " | ") + std::string(gr::to_string(m.role)) + ": " + m.text;
    return "got \"" + message.text + "\" after [" + seen + "]";
}

int main() {
    gr::ChatInterface demo(reply, {
        .title = "Validator Bot",
        .validator = [](const gr::Message& message) -> std::optional<std::string> {
            if (message.text.size() < 3) return "Please type at least 3 characters.";
            return std::nullopt;
        },
    });
    return demo.launch();
}
