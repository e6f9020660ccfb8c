// A chat app for the browser tests of errors and maths: "fail ..." throws gr::Error (shown to
// the user as written), "crash" throws another exception (hidden behind a generic message),
// anything else is echoed back.
#include <stdexcept>

#include <gradio/gradio.hpp>

std::string reply(const gr::Message& message, const gr::History& /*history*/) {
    if (message.text.rfind("fail", 0) == 0) throw gr::Error("Cannot do that: " + message.text);
    if (message.text == "crash") throw std::runtime_error("internal detail the user must not see");
    return message.text;
}

int main() {
    gr::ChatInterface demo(reply, {.title = "Error Bot"});
    return demo.launch();
}
