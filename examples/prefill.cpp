// Gradio demo chatinterface_prefill: a Radio fills the chat with a canned conversation, which
// the next turn sees as its history.
#include <gradio/gradio.hpp>

#include <random>

gr::History prefill_chatbot(const std::string& choice) {
    if (choice == "Greeting")
        return {{.role = gr::Role::user, .text = "Hi there!"},
                {.role = gr::Role::assistant, .text = "Hello! How can I assist you today?"}};
    if (choice == "Complaint")
        return {{.role = gr::Role::user, .text = "I'm not happy with the service."},
                {.role = gr::Role::assistant, .text = "I'm sorry to hear that. Can you please tell me more about the issue?"}};
    return {};
}

std::string random_response(const gr::Message& /*message*/, const gr::History& /*history*/) {
    thread_local std::mt19937 rng{std::random_device{}()};
    return std::uniform_int_distribution<int>(0, 1)(rng) ? "Yes" : "No";
}

int main() {
    gr::Blocks demo;
    auto radio = demo.render(gr::Radio{.choices = {"Greeting", "Complaint", "Blank"}, .parameter_name = "choice"});
    auto chat = demo.render(gr::ChatInterface(random_response, {.api_name = "chat"}));
    radio.change(prefill_chatbot, {radio}, {chat.chatbot_value}, {.api_name = "prefill_chatbot"});
    return demo.launch();
}
