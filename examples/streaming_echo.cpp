// Gradio demo chatinterface_streaming_echo: streams "You typed: ..." one character at a time.
#include <chrono>
#include <string>
#include <thread>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

// Length in bytes of the UTF-8 sequence that starts at `text[i]`: the lead byte and its
// continuation bytes (10xxxxxx), so that "héllo" is cut after "h", "hé", "hél"...
std::size_t code_point_end(const std::string& text, std::size_t i) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    return i;
}

// A coroutine: each co_yield is the whole reply so far, one more character (code point) each
// time, as Python's message[: i + 1] does. Stop or a closed tab destroys the frame at its co_yield.
// const& parameters are safe: the library keeps the message alive while the coroutine lives.
gr::Stream slow_echo(const gr::Message& message, const gr::History& /*history*/) {
    for (std::size_t end = 0; end < message.text.size();) {
        end = code_point_end(message.text, end);
        std::this_thread::sleep_for(50ms);
        co_yield "You typed: " + message.text.substr(0, end);
    }
}

int main() {
    gr::ChatInterface demo(slow_echo, {
        .flagging_mode = "manual",  // Like/Dislike icons and a menu; each click is a row in .gradio/flagged/log.csv
        .flagging_options = {"Like", "Spam", "Inappropriate", "Other"},
        .save_history = true,       // the conversation sidebar, kept in the browser
    });
    return demo.launch();
}
