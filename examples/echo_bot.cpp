// ChatInterface.md, "Basic Example": a chatbot that echoes back the user's message.
#include <gradio/gradio.hpp>

std::string echo(const gr::Message& message, const gr::History& /*history*/) { return message.text; }

int main() {
    gr::ChatInterface demo(echo, {.examples = {"hello", "hola", "merhaba"}, .title = "Echo Bot"});
    return demo.launch();  // http://127.0.0.1:7860, or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT
}
