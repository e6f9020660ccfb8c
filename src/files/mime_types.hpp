#pragma once
// MIME types of files the app stores and serves (uploads, media replies), by extension, and
// which of them a browser may show inline: everything else goes out as a download so that an
// uploaded HTML or SVG file can never run script on the app's origin (protocol.md §9.1.5).

#include <string>
#include <string_view>

namespace gradio::detail::files {

// "image/png" for "cat.PNG"; "application/octet-stream" when the extension is unknown.
[[nodiscard]] std::string_view mime_type_of(std::string_view filename) noexcept;

// Gradio's XSS-safe list: these may be sent with their own type and `inline`.
[[nodiscard]] bool is_inline_safe(std::string_view mime_type) noexcept;

// Whether a file matches one `file_types` entry: ".pdf" (extension, any case), "image",
// "audio", "video" or "text" (a MIME family), "image/*" or "audio/wav" (MIME), "file" (any).
[[nodiscard]] bool matches_file_type(std::string_view filename, std::string_view mime_type, std::string_view file_type) noexcept;

// The lower-case extension with its dot (".png"), "" when none.
[[nodiscard]] std::string extension_of(std::string_view filename);

}  // namespace gradio::detail::files
