// Every ChatInterface parameter turned on at once: additional inputs with examples that fill
// them, a customised chatbot and textbox, editing, cached examples, flagging, the history
// sidebar, a validator, toasts and replies with thoughts and options.
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;

gr::Generator<gr::Reply> respond(const gr::Message& message, const gr::History& history, std::string system_prompt,
                                 double temperature, bool think, std::string style) {
    if (message.text == "options") {
        gr::ChatMessage pick{.content = "Pick one:"};
        pick.options = {{.value = "red"}, {.value = "blue", .label = "Blue!"}};
        co_yield pick;
        co_return;
    }
    gr::Info("Answering turn " + std::to_string(history.size() / 2 + 1));
    gr::ChatMessage thought{.metadata = {.title = "Thinking", .id = 1, .status = "pending"}};
    if (think) {
        for (int step = 1; step <= 3; ++step) {
            std::this_thread::sleep_for(100ms);
            thought.content += "- step " + std::to_string(step) + "\n";
            co_yield thought;
        }
        thought.metadata.status = "done";
        thought.metadata.duration = 0.3;
    }
    const std::string answer = "[" + style + ", t=" + std::to_string(temperature).substr(0, 3) + "] " + system_prompt +
                               " You said: " + message.text;
    std::string so_far;
    for (char c : answer) {
        so_far += c;
        std::this_thread::sleep_for(5ms);
        if (think) {
            gr::Reply::Messages both(1, thought);
            both.push_back({.content = so_far});
            co_yield both;
        } else {
            co_yield so_far;
        }
    }
    if (temperature > 1.5) gr::Warning("That was a hot temperature.");
    gr::Success("Done");
}

int main() {
    gr::ChatInterface demo(respond, {
        .multimodal = false,
        .chatbot = gr::Chatbot{.height = 500, .max_height = 800, .min_height = 300,
                               .latex_delimiters = {{"$$", "$$", true}, {"$", "$", false}},
                               .buttons = std::vector<std::string>{"copy", "copy_all"}, .watermark = "(from gradio.cpp)",
                               .layout = "panel", .placeholder = "**Ask me anything.** Try `options`."},
        .textbox = gr::Textbox{.lines = 1, .max_lines = 6, .placeholder = "Say something…", .max_length = 500},
        .additional_inputs = {
            gr::Textbox{.value = "Be brief.", .label = "System prompt", .parameter_name = "system_prompt"},
            gr::Slider{.minimum = 0, .maximum = 2, .value = 0.7, .step = 0.1, .label = "Temperature",
                       .parameter_name = "temperature"},
            gr::Checkbox{.value = true, .label = "Show thinking", .parameter_name = "think"},
            gr::Dropdown{.choices = {"plain", "pirate", "poet"}, .label = "Style", .parameter_name = "style"},
        },
        .additional_inputs_accordion = gr::Accordion{.label = "Settings", .open = false},
        .editable = true,
        .examples = {{"Hello", "Be brief.", 0.5, false, "plain"}, {"Tell me a story", "Be long.", 1.2, true, "poet"}},
        .example_labels = {"Greeting", "Story"},
        .cache_examples = true,
        .cache_mode = "lazy",
        .title = "Every parameter",
        .description = "A chat with **every** ChatInterface parameter turned on.",
        .flagging_mode = "manual",
        .flagging_options = {"Like", "Dislike", "Funny", "Wrong"},
        .flagging_dir = ".gradio/flagged-parameters",
        .analytics_enabled = false,
        .autofocus = true,
        .autoscroll = true,
        .submit_btn = "Send",
        .stop_btn = "Stop",
        .concurrency_limit = 4,
        .delete_cache = std::pair{3600, 86400},
        .show_progress = "full",
        .fill_height = true,
        .fill_width = true,
        .api_name = "chat",
        .api_description = "Chat with every parameter on.",
        .api_visibility = "public",
        .save_history = true,
        .validator = [](const gr::Message& m) -> std::optional<std::string> {
            if (m.text.find("forbidden") != std::string::npos) return "That word is not allowed.";
            return std::nullopt;
        },
    });
    return demo.launch();
}
