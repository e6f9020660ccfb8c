#pragma once
// Nothing we send may be invalid UTF-8: Python's gradio_client decodes every stream strictly
// and dies in its reader thread on one bad byte (and Gradio itself can never send one).
// Text from user functions is therefore repaired on the way out, as Python's
// errors="replace" does: each maximal invalid subsequence becomes U+FFFD.

#include <string>
#include <string_view>

namespace gradio::detail::http {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid; `bad` then
// gets the length of the maximal invalid prefix to replace by one U+FFFD (Unicode's
// "maximal subpart", at least 1).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text, std::size_t i, std::size_t& bad) noexcept;

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;
// Replaces invalid sequences in place; returns true if anything changed.
bool repair_utf8(std::string& text);

}  // namespace gradio::detail::http
