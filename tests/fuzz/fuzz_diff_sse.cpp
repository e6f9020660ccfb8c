// libFuzzer target for two pure pieces of the protocol layer, linked directly:
//  * the streaming diff (protocol/diff.hpp): the input's two halves, when both are JSON,
//    are an old and a new value; applying diff(old, new) to old, as the clients do, must give
//    new (Python equality), and the edits must keep their shape through the JSON text the server writes. The
//    second half is also applied as an arbitrary edit list: bad edits may only throw
//    std::invalid_argument.
//  * SSE framing (protocol/sse.hpp): framing the whole input as a payload must give exactly
//    one event which a conforming SSE parser reads back as the payload (line breaks
//    normalised to \n), whatever line breaks the payload contains.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "protocol/diff.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/sse.hpp"

namespace json = boost::json;
using gradio::detail::apply_diff;
using gradio::detail::diff;
using gradio::detail::python_equal;

namespace {

[[noreturn]] void fail(const char* why, std::string_view detail) {
    std::fprintf(stderr, "fuzz_diff_sse: %s\n%.*s\n", why, static_cast<int>(std::min<std::size_t>(detail.size(), 4000)),
                 detail.data());
    __builtin_trap();
}

std::optional<json::value> parse(std::string_view text) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return std::nullopt;
    return v;
}

// Boost.JSON 1.81 reads "1e400" as inf and "0e400" as NaN; NaN != NaN in Python too, and
// the server writes both as null, so such values are left out of the round-trip property.
bool has_non_finite(const json::value& v) {
    switch (v.kind()) {
    case json::kind::double_: return !std::isfinite(v.get_double());
    case json::kind::array:
        for (const auto& x : v.get_array())
            if (has_non_finite(x)) return true;
        return false;
    case json::kind::object:
        for (const auto& [k, x] : v.get_object())
            if (has_non_finite(x)) return true;
        return false;
    default: return false;
    }
}

void check_diff(const json::value& old_value, const json::value& new_value) {
    if (has_non_finite(old_value) || has_non_finite(new_value)) return;
    const json::array edits = diff(old_value, new_value);
    json::value rebuilt;
    try {
        rebuilt = apply_diff(old_value, edits);
    } catch (const std::invalid_argument& e) {
        fail("apply_diff rejected the edits diff() produced",
             json::serialize(old_value) + "\n-> " + json::serialize(new_value) + "\nedits " + json::serialize(edits) +
                 "\n" + e.what());
    }
    if (!python_equal(rebuilt, new_value))
        fail("apply_diff(old, diff(old, new)) != new",
             json::serialize(old_value) + "\n-> " + json::serialize(new_value) + "\nedits " + json::serialize(edits) +
                 "\ngave " + json::serialize(rebuilt));
    if (edits.empty() && !python_equal(old_value, new_value)) fail("no edits for different values", json::serialize(edits));

    // The edits travel as JSON text written by the server's own writer (json_codec): it must
    // be valid JSON of the same shape, in both dialects. (Values are not compared: Boost.JSON
    // 1.81 parses doubles imprecisely, so 2.222222222222222e+38 may come back one ulp off;
    // the clients parse exactly.)
    for (auto dialect : {gradio::detail::JsonDialect::compact, gradio::detail::JsonDialect::python}) {
        const std::string text = gradio::detail::to_json(json::value(edits), dialect);
        const auto wire = parse(text);
        if (!wire || !wire->is_array() || wire->get_array().size() != edits.size())
            fail("the edits' JSON text is not valid JSON of the same length", text);
        for (const auto& e : wire->get_array())
            if (!e.is_array() || e.get_array().size() != 3 || !e.get_array()[0].is_string() || !e.get_array()[1].is_array())
                fail("an edit is not [action, path, value] after serialisation", text);
    }
}

void check_arbitrary_edits(const json::value& value, const json::value& edits) {
    if (!edits.is_array()) return;
    try {
        (void)apply_diff(value, edits.get_array());
    } catch (const std::invalid_argument&) {
        // documented: a bad edit throws invalid_argument; anything else escapes and crashes
    }
}

// Reads `stream` as an EventSource does (WHATWG HTML, "event stream interpretation"): lines
// end at CRLF, LF or CR; "data" lines append to the data buffer (one leading space after the
// colon removed); a blank line dispatches. Returns the dispatched (event, data) pairs.
struct SseEvent {
    std::string event;
    std::string data;
};
std::vector<SseEvent> parse_sse(std::string_view stream, bool& trailing) {
    std::vector<SseEvent> events;
    std::string event, data;
    bool has_data = false;
    std::size_t pos = 0;
    trailing = false;
    while (pos < stream.size()) {
        const std::size_t end = stream.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) {  // an unterminated line: never dispatched
            trailing = true;
            break;
        }
        std::string_view line = stream.substr(pos, end - pos);
        pos = end + ((stream[end] == '\r' && end + 1 < stream.size() && stream[end + 1] == '\n') ? 2 : 1);
        if (line.empty()) {
            if (has_data) {
                if (!data.empty() && data.back() == '\n') data.pop_back();
                events.push_back({event, data});
            }
            event.clear();
            data.clear();
            has_data = false;
            continue;
        }
        if (line[0] == ':') continue;
        const std::size_t colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        if (field == "data") {
            data += value;
            data += '\n';
            has_data = true;
        } else if (field == "event") {
            event = value;
        }
    }
    if (has_data || !event.empty()) trailing = true;  // a frame that never ended
    return events;
}

std::string normalise_line_breaks(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

void check_sse(std::string_view payload, std::string_view event) {
    // Appending must not disturb what is already in the buffer.
    const std::string prefix = "data: previous\n\n";
    std::string out = prefix;
    gradio::detail::append_sse_frame(out, payload, event);
    if (out.compare(0, prefix.size(), prefix) != 0) fail("append_sse_frame changed the existing buffer", out);
    const std::string frame = gradio::detail::sse_frame(payload, event);
    if (out.compare(prefix.size(), std::string::npos, frame) != 0) fail("sse_frame and append_sse_frame differ", frame);
    if (frame.size() < 2 || frame.compare(frame.size() - 2, 2, "\n\n") != 0) fail("frame does not end with a blank line", frame);

    // No blank line (which would end the frame early) and no bare CR before the end, and
    // every line is a field this frame means to send.
    const std::string_view body(frame.data(), frame.size() - 1);  // drop the final blank line's \n
    std::size_t pos = 0;
    bool first = true;
    while (pos < body.size()) {
        const std::size_t end = body.find('\n', pos);
        const std::string_view line = body.substr(pos, end - pos);
        if (line.find('\r') != std::string_view::npos) fail("a CR inside a frame line", frame);
        if (line.empty()) fail("a blank line inside the frame ends it early", frame);
        const bool event_line = first && !event.empty();
        if (event_line ? line.substr(0, 7) != "event: " : line.substr(0, 6) != "data: ")
            fail("a frame line that is not event:/data:", frame);
        first = false;
        pos = end + 1;
    }

    bool trailing = false;
    const auto events = parse_sse(frame, trailing);
    if (trailing || events.size() != 1) fail("the frame is not exactly one complete event", frame);
    if (events[0].event != event) fail("the event name does not read back", frame);
    if (events[0].data != normalise_line_breaks(payload)) fail("the payload does not read back", frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The event names the server uses (constants in the code, never from clients).
    static constexpr std::string_view events[] = {"", "generating", "complete", "error", "heartbeat"};
    check_sse(input, events[size % std::size(events)]);

    const std::string_view first = input.substr(0, size / 2);
    const std::string_view second = input.substr(size / 2);
    const auto a = parse(first);
    const auto b = parse(second);
    if (a && b) {
        check_diff(*a, *b);
        check_diff(*b, *a);
        check_arbitrary_edits(*a, *b);
    }
    return 0;
}
