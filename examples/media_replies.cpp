// Replies with media: an image, audio, a video, a file and HTML (and code), streamed one after
// another. Local files are copied into the app's file cache before the browser gets them; the
// media folder is listed in allowed_paths so the example runs from any working directory.
#include <chrono>
#include <string>
#include <thread>

#include <gradio/gradio.hpp>

#ifndef GR_MEDIA_DIR
#define GR_MEDIA_DIR "examples/media"
#endif

namespace {

std::string media(const char* name) { return std::string(GR_MEDIA_DIR) + "/" + name; }

gr::Generator<gr::Reply> show_media(const gr::Message& message, const gr::History& /*history*/) {
    gr::Reply::Items reply{"You asked for \"" + message.text + "\". Here is what a reply can hold:"};
    co_yield reply;
    const gr::ReplyItem items[] = {
        gr::Image{.value = media("sun.png"), .alt_text = "A yellow sun on a blue sky"},
        gr::Audio{.value = media("tone.wav")},
        gr::Video{.value = media("orbit.webm")},
        gr::File{.value = media("notes.txt")},
        gr::HTML{.value = "<p>Some <b>HTML</b>, with a <a href=\"https://www.gradio.app\">link</a>.</p>"},
        gr::Code{.value = "int main() { return 0; }", .language = "cpp"},
    };
    for (const auto& item : items) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        reply.push_back(item);
        co_yield reply;
    }
}

}  // namespace

int main() {
    gr::ChatInterface demo(show_media, {.examples = {"media, please"}, .title = "Media replies", .api_name = "chat"});
    return demo.launch({.allowed_paths = {GR_MEDIA_DIR}});
}
