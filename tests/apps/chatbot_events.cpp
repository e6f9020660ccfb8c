// A Blocks page for the browser tests of Chatbot events: a ChatInterface (editable) around a
// Chatbot of the page's own, whose like, retry, undo, edit and clear listeners write what they
// received into a Markdown log under the chat.
#include <gradio/gradio.hpp>

#include <memory>
#include <mutex>

int main() {
    // Every listener appends to one log, shown whole after each event.
    struct Log {
        std::mutex mutex;
        std::string text;
        std::string add(const std::string& line) {
            std::lock_guard lock(mutex);
            text += line + "\n\n";
            return text;
        }
    };
    auto log = std::make_shared<Log>();
    gr::Blocks demo({.title = "Chatbot events"});
    auto chatbot = demo.render(gr::Chatbot{.placeholder = "**Say something**"});
    auto events = demo.make(gr::Markdown{.elem_id = "events"});
    demo.render(gr::ChatInterface(
        [](const gr::Message& message, const gr::History& history) {
            return "echo " + message.text + " (" + std::to_string(history.size()) + ")";
        },
        {.chatbot = chatbot, .editable = true}));
    events.render();
    chatbot.like([log](const gr::LikeData& d) {
        return log->add(std::string(d.is_liked() ? "liked " : "disliked ") + std::to_string(d.index) + ": " + d.text());
    }, {}, {events});
    chatbot.retry([log](const gr::RetryData& d) { return log->add("retry " + std::to_string(d.index)); }, {}, {events});
    chatbot.undo([log](const gr::UndoData& d) { return log->add("undo " + std::to_string(d.index)); }, {}, {events});
    chatbot.edit([log](const gr::EditData& d) {
        return log->add("edit " + std::to_string(d.index) + ": " + (d.value.is_string() ? d.value.as_string() : "?"));
    }, {}, {events});
    chatbot.clear([log] { return log->add("clear"); }, {}, {events});
    return demo.launch();
}
