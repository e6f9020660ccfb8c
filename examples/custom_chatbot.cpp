// ChatInterface.md's "Custom Chatbot": a yes-man with a placeholder and thumbs. Attaching
// .like to the chatbot shows the thumbs; each vote prints on the server.
#include <cstdio>

#include <gradio/gradio.hpp>

std::string yes(const gr::Message& /*message*/, const gr::History& /*history*/) { return "yes"; }

void vote(const gr::LikeData& data) {
    if (data.is_liked()) std::printf("You upvoted this response: %s\n", data.text().c_str());
    else std::printf("You downvoted this response: %s\n", data.text().c_str());
    std::fflush(stdout);
}

int main() {
    gr::Blocks demo;
    auto chatbot = demo.render(gr::Chatbot{.placeholder = "<strong>Your Personal Yes-Man</strong><br>Ask Me Anything"});
    chatbot.like(vote, {}, {}, {.api_name = "vote"});
    demo.render(gr::ChatInterface(yes, {.chatbot = chatbot, .api_name = "chat"}));
    return demo.launch();
}
