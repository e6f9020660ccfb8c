// A chat fn for the OpenAI-compatible API tests: streams "Turn <n>: <message>" word by word,
// 30 ms apart, where n counts the user messages it was given; prints on stdout when a reply is
// stopped before its end (the client went away), so the test can see fn stop.
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include <gradio/gradio.hpp>

gr::Stream turn(const gr::Message& message, const gr::History& history) {
    struct Watch {
        bool finished = false;
        int words = 0;
        ~Watch() {
            if (!finished) std::printf("fn stopped after %d words\n", words);
            std::fflush(stdout);
        }
    } watch;
    int users = 1;
    for (const auto& m : history) users += m.role == gr::Role::user;
    std::string reply = "Turn " + std::to_string(users) + ":";
    std::istringstream words(message.text);
    for (std::string word; words >> word;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        reply += " " + word;
        ++watch.words;
        co_yield reply;
    }
    watch.finished = true;
}

int main() {
    gr::ChatInterface demo(turn, {.api_name = "chat"});
    return demo.launch({.openai_api = true});
}
