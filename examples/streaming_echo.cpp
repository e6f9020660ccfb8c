// Gradio demo chatinterface_streaming_echo: streams "You typed: ..." one character at a time.
#include <chrono>
#include <thread>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

// A coroutine: each co_yield is the whole reply so far. Parameters by value, because a
// reference would dangle after the first co_yield. Stop or a closed tab destroys the frame.
gr::Stream slow_echo(gr::Message message, gr::History /*history*/) {
    for (std::size_t i = 0; i < message.text.size(); ++i) {
        std::this_thread::sleep_for(50ms);
        co_yield "You typed: " + message.text.substr(0, i + 1);
    }
}

int main() {
    gr::ChatInterface demo(slow_echo, {
        .flagging_mode = "manual",  // takes effect with the flagging issue
        .flagging_options = {"Like", "Spam", "Inappropriate", "Other"},
        .save_history = true,       // takes effect with the history issue
    });
    return demo.launch();
}
