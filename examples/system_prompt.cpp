// Gradio demo chatinterface_system_prompt: two additional inputs (a system prompt and a token
// count) in the accordion under the chat, passed to fn after the history as C++ types.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

gr::Stream echo(gr::Message message, gr::History /*history*/, std::string system_prompt, double tokens) {
    const std::string response = "System prompt: " + system_prompt + "\n Message: " + message.text + ".";
    const auto n = std::min(response.size(), static_cast<std::size_t>(tokens));
    for (std::size_t i = 0; i < n; ++i) {
        std::this_thread::sleep_for(50ms);
        co_yield response.substr(0, i + 1);
    }
}

int main() {
    gr::ChatInterface demo(echo, {
        .additional_inputs = {
            gr::Textbox{.value = "You are helpful AI.", .label = "System Prompt", .parameter_name = "system_prompt"},
            gr::Slider{.minimum = 10, .maximum = 100, .parameter_name = "tokens"},
        },
        .api_name = "chat",
    });
    return demo.launch();
}
