#pragma once
// gzip for dynamic responses (the 30 KB /config shrinks to ~3 KB); static assets are
// compressed once at build time instead.

#include <string>
#include <string_view>

namespace gradio::detail::http {

// True when an Accept-Encoding header allows gzip.
[[nodiscard]] bool accepts_gzip(std::string_view accept_encoding) noexcept;

// gzip-compresses `data`; empty on failure.
[[nodiscard]] std::string gzip(std::string_view data);

}  // namespace gradio::detail::http
