// Gradio demo validator_chatinterface: the validator refuses "error" before anything is queued;
// the message stays in the box with the reason shown at it.
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

std::optional<std::string> validate_input(const gr::Message& x) {
    std::cout << "VALIDATE " << x.text << std::endl;
    if (x.text == "error") return "Can't be error";  // gr.validate(x != "error", "Can't be error")
    return std::nullopt;
}

gr::Stream do_chat(const gr::Message& message, const gr::History& /*history*/) {
    for (std::size_t i = 0; i < message.text.size(); ++i) {
        std::this_thread::sleep_for(50ms);
        co_yield "You typed: " + message.text.substr(0, i + 1);
    }
}

int main() {
    gr::ChatInterface demo(do_chat, {.show_progress = "full", .api_name = "chat", .validator = validate_input});
    return demo.launch();
}
