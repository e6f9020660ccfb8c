// Gradio demo chatinterface_artifacts: the chat on the left, a code pane on the right that
// fn fills as an additional output (Python or JavaScript, or cleared).
#include <gradio/gradio.hpp>

#include <algorithm>
#include <cctype>
#include <tuple>

const char* python_code = R"(
def fib(n):
    if n <= 0:
        return 0
    elif n == 1:
        return 1
    else:
        return fib(n-1) + fib(n-2)
)";

const char* js_code = R"(
function fib(n) {
    if (n <= 0) return 0;
    if (n === 1) return 1;
    return fib(n - 1) + fib(n - 2);
}
)";

std::tuple<std::string, gr::Output> chat(const gr::Message& message, const gr::History& /*history*/) {
    std::string text = message.text;
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    if (text.find("python") != std::string::npos)
        return {"Type Python or JavaScript to see the code.", gr::Code{.value = python_code, .language = "python"}};
    if (text.find("javascript") != std::string::npos)
        return {"Type Python or JavaScript to see the code.", gr::Code{.value = js_code, .language = "javascript"}};
    return {"Please ask about Python or JavaScript.", nullptr};
}

int main() {
    gr::Blocks demo;
    auto code = demo.make(gr::Code{});  // placed in the right column below (Gradio's render=False)
    demo.row([&] {
        demo.column([&] {
            demo.render(gr::Markdown{.value = "<center><h1>Write Python or JavaScript</h1></center>"});
            demo.render(gr::ChatInterface(chat, {.additional_outputs = {code},
                                                 .examples = {"Python", "JavaScript"},
                                                 .api_name = "chat"}));
        });
        demo.column([&] {
            demo.render(gr::Markdown{.value = "<center><h1>Code Artifacts</h1></center>"});
            code.render();
        });
    });
    return demo.launch();
}
