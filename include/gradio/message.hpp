#pragma once
/// \file message.hpp
/// The values a chat function receives: the new `Message` and the `History` before it, as
/// openai-style messages whose content is a list of typed parts (features.md A2 #1).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gradio {

/// A file on the server (Gradio's `FileData`).
struct FileData {
    std::string path{};                   ///< server path
    std::string url{};                    ///< URL the browser loads it from ("" when unknown)
    std::optional<std::int64_t> size{};   ///< bytes, when known
    std::string orig_name{};              ///< name the user uploaded it as
    std::string mime_type{};              ///< e.g. "image/png", "" when unknown
};

/// Who wrote a message. Enumerators are spelled like the wire strings.
enum class Role { user, assistant, system };

/// One part of a message's content.
struct ContentPart {
    enum class Type { text, file, component };
    Type type = Type::text;
    std::string text{};               ///< for `Type::text`
    std::optional<FileData> file{};   ///< for `Type::file`
    std::string alt_text{};           ///< for `Type::file`
    std::string component{};          ///< for `Type::component`: the component name, e.g. "image"
    std::string component_json{};     ///< for `Type::component`: its serialised value, as sent
};

/// A thought's id: a number or a string, sent as given (`.id = 1` or `.id = "search"`).
using MessageId = std::variant<std::int64_t, std::string>;

/// "Thought" metadata of a message (Gradio's `MetadataDict`); empty title = an ordinary message.
/// A message with a title shows as a collapsible block; `parent_id` nests it under the thought
/// with that `id`.
struct Metadata {
    std::string title{};
    std::optional<MessageId> id{};
    std::optional<MessageId> parent_id{};
    std::string log{};                 ///< muted text after the title
    std::optional<double> duration{};  ///< seconds, shown after the title
    std::string status{};              ///< "", "pending" (spinner, open) or "done" (closed)

    [[nodiscard]] bool empty() const noexcept {
        return title.empty() && !id && !parent_id && log.empty() && !duration && status.empty();
    }
};

/// A suggested reply shown as a button under the last message; clicking it sends `value`.
struct Option {
    std::string value{};
    std::string label{};  ///< "" shows the value
};

/// A chat message.
///
/// For the message being sent, `text` is what the user typed and `files` what they attached.
/// For history entries, `content` holds every part in order and `text` joins the text parts
/// with newlines, which is what most chat functions need.
///
/// **Example**
/// \code
/// std::string fn(const gr::Message& message, const gr::History& history) {
///     return "Turn " + std::to_string(history.size() / 2 + 1) + ": " + message.text;
/// }
/// \endcode
/// Thread safety: a plain value type.
struct Message {
    Role role = Role::user;
    std::string text{};
    std::vector<FileData> files{};
    std::vector<ContentPart> content{};
    Metadata metadata{};
    std::vector<Option> options{};  ///< suggested replies a past assistant message offered
};

/// The conversation before the current message, oldest first.
using History = std::vector<Message>;

/// A reply message with extras (Gradio's `gr.ChatMessage`): thought metadata and option
/// buttons. Its role is always "assistant" in the chat.
///
/// **Example**
/// \code
/// return gr::ChatMessage{.content = "Is this correct?",
///                        .options = {{.value = "Yes, that's correct.", .label = "Yes"}, {.value = "No"}}};
/// \endcode
struct ChatMessage {
    std::string content{};
    Metadata metadata{};
    std::vector<Option> options{};
};

/// What a chat function returns or yields: text, one `ChatMessage`, or several messages for
/// one turn (e.g. a thought, then the answer). Converts implicitly from each.
class Reply {
public:
    using Messages = std::vector<ChatMessage>;
    Reply() = default;
    Reply(const char* text) : value_(std::string(text)) {}
    Reply(std::string text) : value_(std::move(text)) {}
    Reply(ChatMessage message) : value_(std::move(message)) {}
    Reply(Messages messages) : value_(std::move(messages)) {}

    [[nodiscard]] const std::variant<std::string, ChatMessage, Messages>& value() const noexcept { return value_; }

private:
    std::variant<std::string, ChatMessage, Messages> value_;
};

/// The wire spelling of a role: "user", "assistant" or "system".
[[nodiscard]] const char* to_string(Role role) noexcept;

}  // namespace gradio
