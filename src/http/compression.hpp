#pragma once
// gzip for dynamic responses (the 30 KB /config shrinks to ~3 KB); static assets are
// compressed once at build time instead.

#include <string>
#include <string_view>

namespace gradio::detail::http {

// True when an Accept-Encoding header allows gzip.
[[nodiscard]] bool accepts_gzip(std::string_view accept_encoding) noexcept;

// gzip-compresses `data`; empty on failure. Level 6 (default) gets most of level 9's gain at a
// fraction of its time, for per-request use; the build-time asset embedder uses 9.
[[nodiscard]] std::string gzip(std::string_view data, int level = 6);

}  // namespace gradio::detail::http
