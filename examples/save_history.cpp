// Gradio demo chatinterface_save_history: a multimodal chat whose conversations are kept in the
// browser (the history sidebar), several files per message.
#include <string>

#include <gradio/gradio.hpp>

std::string echo_multimodal(const gr::Message& message, const gr::History& /*history*/) {
    return "You wrote: '" + message.text + "' and uploaded: " + std::to_string(message.files.size()) + " files";
}

int main() {
    gr::ChatInterface demo(echo_multimodal, {.multimodal = true,
                                             .textbox = gr::MultimodalTextbox{.file_count = "multiple"},
                                             .api_name = "chat",
                                             .save_history = true});
    return demo.launch();
}
