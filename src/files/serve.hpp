#pragma once
// GET /gradio_api/file=<path> (protocol.md §9.1): a local file the policy allows, sent from
// disk with Range support; active types (HTML, SVG, ...) only ever as downloads. A URL given
// as the path is refused: the server never fetches anything.

#include <string_view>

#include "files/path_policy.hpp"
#include "http/message.hpp"

namespace gradio::detail::files {

// `range`: the request's Range header ("" when none).
[[nodiscard]] http::Reply serve_file(std::string_view requested, std::string_view range, const FilePolicy& policy);

// "bytes=a-b" / "bytes=a-" / "bytes=-n" against a file of `size` bytes: true and the range
// (first, length) when it is one satisfiable range; `unsatisfiable` when it is well formed but
// outside the file. Anything else (several ranges, junk) is ignored: the whole file is sent.
bool parse_range(std::string_view header, std::uint64_t size, std::uint64_t& first, std::uint64_t& length, bool& unsatisfiable);

}  // namespace gradio::detail::files
