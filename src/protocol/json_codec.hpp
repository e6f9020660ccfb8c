#pragma once
// JSON on the wire. Gradio uses two dialects (protocol.md §1.2): compact JSON with raw UTF-8
// for normal responses and queue/data frames, and Python's json.dumps (", " / ": " separators,
// non-ASCII escaped as \uXXXX) for the /call SSE frames. Both keep object insertion order.

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include <gradio/message.hpp>
#include <gradio/value.hpp>

namespace gradio::detail {

namespace json = boost::json;

enum class JsonDialect { compact, python };

// Serialises `value`; doubles use the shortest text that round-trips, and integral doubles
// keep a ".0" as Python does. Non-finite doubles become null.
void write_json(std::string& out, const json::value& value,
                JsonDialect dialect = JsonDialect::compact);
[[nodiscard]] std::string to_json(const json::value& value,
                                  JsonDialect dialect = JsonDialect::compact);
// Writes `s` as a JSON string (quoted and escaped).
void write_json_string(std::string& out, std::string_view s, JsonDialect dialect = JsonDialect::compact);

// Parses a request body; returns nullopt-like null value and sets `error` on failure.
[[nodiscard]] json::value parse_json(std::string_view text, std::string& error);

// Chatbot messages, in the normalised shape the browser and Gradio use:
// {"role","metadata","content":[{"text","type":"text"}|{"file","alt_text","type":"file"}],"options"}
[[nodiscard]] json::object message_to_json(const Message& message);
// A reply message as the chatbot shows it (normalised, role assistant)...
[[nodiscard]] json::object chat_message_to_json(const ChatMessage& message);
// ...and as the API returns it, like Gradio: {"content","role","metadata":{},"options":[]}.
[[nodiscard]] json::object chat_message_to_api_json(const ChatMessage& message);
[[nodiscard]] json::object text_message(std::string_view role, std::string_view text);
// Gradio's FileData object ({"path","url","size","orig_name","mime_type","is_stream","meta"}),
// and back (std::invalid_argument unless it is an object).
[[nodiscard]] json::object file_to_json(const FileData& file);
[[nodiscard]] FileData file_from_json(const json::value& value);
// Accepts the normalised shape and the openai-style shorthand {"role","content":"text"}.
// Throws std::invalid_argument with a readable reason for anything else.
[[nodiscard]] Message message_from_json(const json::value& value);
[[nodiscard]] History history_from_json(const json::value& value);

// gr::Value is the public face of a JSON value; these convert at the library's edge.
[[nodiscard]] json::value to_json_value(const Value& value);
[[nodiscard]] Value from_json_value(const json::value& value);

}  // namespace gradio::detail
