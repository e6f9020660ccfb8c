#include "protocol/sse.hpp"

namespace gradio::detail {

void append_sse_frame(std::string& out, std::string_view data, std::string_view event) {
    if (!event.empty()) {
        out += "event: ";
        out += event;
        out += '\n';
    }
    std::size_t start = 0;
    while (true) {
        std::size_t end = data.find_first_of("\r\n", start);
        out += "data: ";
        out += data.substr(start, end == std::string_view::npos ? end : end - start);
        out += '\n';
        if (end == std::string_view::npos) break;
        // A CRLF pair is one line break.
        start = end + ((data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n') ? 2 : 1);
    }
    out += '\n';
}

std::string sse_frame(std::string_view data, std::string_view event) {
    std::string out;
    out.reserve(data.size() + event.size() + 16);
    append_sse_frame(out, data, event);
    return out;
}

}  // namespace gradio::detail
