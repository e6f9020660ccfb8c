// Must not compile: the chat function takes the wrong parameters. The error must be our one
// readable sentence (checked by CTest's PASS_REGULAR_EXPRESSION).
#include <gradio/gradio.hpp>

int reply(int) { return 0; }

int main() { gr::ChatInterface demo(reply); }
