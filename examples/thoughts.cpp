// Gradio demo chatinterface_thoughts: a "thinking" message that streams its steps under a
// collapsible title with a spinner, is marked done with its duration, then the answer.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

gr::Generator<gr::Reply> simulate_thinking_chat(gr::Message /*message*/, gr::History /*history*/) {
    const auto start = std::chrono::steady_clock::now();
    gr::ChatMessage response{.metadata = {.title = "_Thinking_ step-by-step", .id = 0, .status = "pending"}};
    co_yield response;

    const std::vector<std::string> thoughts = {
        "First, I need to understand the core aspects of the query...",
        "Now, considering the broader context and implications...",
        "Analyzing potential approaches to formulate a comprehensive answer...",
        "Finally, structuring the response for clarity and completeness...",
    };
    std::string accumulated;
    for (const auto& thought : thoughts) {
        std::this_thread::sleep_for(500ms);
        accumulated += "- " + thought + "\n\n";
        response.content = accumulated.substr(0, accumulated.size() - 2);  // Python's strip()
        co_yield response;
    }
    response.metadata.status = "done";
    response.metadata.duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    co_yield response;

    // (Built first and then yielded: g++ 12 cannot co_yield a braced list of messages.)
    gr::Reply::Messages both;
    both.push_back(response);
    both.push_back({.content = "Based on my thoughts and analysis above, my response is: This dummy repro shows how "
                               "thoughts of a thinking LLM can be progressively shown before providing its final answer."});
    co_yield both;
}

int main() {
    gr::ChatInterface demo(simulate_thinking_chat, {.title = "Thinking LLM Chat Interface 🤔", .api_name = "chat"});
    return demo.launch();
}
