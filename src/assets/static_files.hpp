#pragma once
// Serving the UI: from the embedded table (gzip, ETag, immutable caching of hashed files,
// index.html never cached), or from a folder on disk during UI development.

#include <string>

#include "http/message.hpp"

namespace gradio::detail {

// Answers GET/HEAD for `path` ("/" means index.html); nullopt when there is no such file.
[[nodiscard]] std::optional<http::Response> serve_static(const http::Request& request,
                                                         const std::string& web_dir);

}  // namespace gradio::detail
