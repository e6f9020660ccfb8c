// Gradio demo chatinterface_options: a reply with option buttons; clicking one sends its value.
#include <random>
#include <string>

#include <gradio/gradio.hpp>

gr::Reply chat(const gr::Message& message, const gr::History& /*history*/) {
    if (message.text == "Yes, that's correct.") return "Great!";
    static thread_local std::mt19937 rng{std::random_device{}()};
    const int n = std::uniform_int_distribution<int>(1, 100)(rng);
    return gr::ChatMessage{
        .content = "\nHere's an example Python lambda function:\n\nlambda x: x + " + std::to_string(n) + "\n\nIs this correct?\n",
        .options = {{.value = "Yes, that's correct.", .label = "Yes"}, {.value = "No"}},
    };
}

int main() {
    gr::ChatInterface demo(chat, {
        .examples = {"Write an example Python lambda function."},
        .api_name = "chat",
    });
    return demo.launch();
}
