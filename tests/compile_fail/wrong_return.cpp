// Must not compile: the chat function returns neither std::string nor gr::Stream.
#include <gradio/gradio.hpp>

int reply(const gr::Message&, const gr::History&) { return 42; }

int main() { gr::ChatInterface demo(reply); }
