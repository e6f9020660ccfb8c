#pragma once
// Server-sent-event framing (protocol.md §1.4): `data: <payload>\n\n` on the queue stream,
// `event: <name>\ndata: <payload>\n\n` on the /call stream. A payload with newlines is split
// into several `data:` lines so it can never end a frame early.

#include <string>
#include <string_view>

namespace gradio::detail {

void append_sse_frame(std::string& out, std::string_view data, std::string_view event = {});
[[nodiscard]] std::string sse_frame(std::string_view data, std::string_view event = {});

}  // namespace gradio::detail
