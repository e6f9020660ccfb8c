// A multimodal chat for the browser tests: images and audio only, the microphone on, one
// example with an image. The reply names what fn received, so the test sees the files arrive.
// Started from the repository root (the harness does), where examples/media is.
#include <string>

#include <gradio/gradio.hpp>

std::string describe(const gr::Message& message, const gr::History& /*history*/) {
    std::string files;
    for (const auto& f : message.files) files += (files.empty() ? "" : ", ") + f.orig_name + " (" + f.mime_type + ")";
    return "text: " + message.text + "; files: " + (files.empty() ? "none" : files);
}

int main() {
    gr::ChatInterface demo(describe, {.multimodal = true,
                                      .textbox = gr::MultimodalTextbox{.sources = {"upload", "microphone"},
                                                                       .file_types = {"image", "audio"}},
                                      .examples = {gr::MultimodalValue{.text = "Describe this", .files = {"examples/media/sun.png"}}},
                                      .title = "Multimodal Bot"});
    return demo.launch();
}
