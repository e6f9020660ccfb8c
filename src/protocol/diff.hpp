#pragma once
// Gradio's streaming diff (protocol.md §5.5): process_generating frames after the first carry,
// per output, a list of [action, path, value] edits from the previous value to the new one.

#include <boost/json.hpp>

namespace gradio::detail {

namespace json = boost::json;

// Edits turning `old_value` into `new_value`, byte-compatible with gradio.utils.diff,
// including its quirk of renumbering nested deletes.
[[nodiscard]] json::array diff(const json::value& old_value, const json::value& new_value);

// The same edits as diff(old_value, new) for a list `new` whose first `offset` elements equal
// old_value's and whose rest is `new_tail`, in O(tail) instead of O(list).
[[nodiscard]] json::array diff_tail(const json::array& old_value, std::size_t offset, const json::array& new_tail);

// The same again when only the old list's tail (its elements from `offset` on) is at hand.
[[nodiscard]] json::array diff_tails(const json::array& old_tail, const json::array& new_tail, std::size_t offset);

// Applies edits the way both Gradio clients do. Throws std::invalid_argument on a bad edit.
[[nodiscard]] json::value apply_diff(json::value value, const json::array& edits);

// Python equality: 1 == 1.0 == true.
[[nodiscard]] bool python_equal(const json::value& a, const json::value& b);

}  // namespace gradio::detail
