// Gradio demo chatinterface_echo_multimodal: the reply repeats the text and lists the uploaded
// files, each as a File the user can download again.
#include <gradio/gradio.hpp>

gr::Reply echo_multimodal(const gr::Message& message, const gr::History& /*history*/) {
    gr::Reply::Items response{"You wrote: '" + message.text + "' and uploaded:"};
    for (const auto& file : message.files) response.push_back(gr::File{.value = file.path});
    return response;
}

int main() {
    gr::ChatInterface demo(echo_multimodal, {.multimodal = true,
                                             .textbox = gr::MultimodalTextbox{.file_count = "multiple"},
                                             .api_name = "chat"});
    return demo.launch();
}
