// Gradio demo chatinterface_random_response: answers "Yes" or "No" at random.
#include <random>

#include <gradio/gradio.hpp>

std::string random_response(const gr::Message& /*message*/, const gr::History& /*history*/) {
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::bernoulli_distribution(0.5)(rng) ? "Yes" : "No";
}

int main() {
    gr::ChatInterface demo(random_response, {.autofocus = false, .api_name = "chat"});
    return demo.launch();
}
