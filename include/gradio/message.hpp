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

#include <gradio/components.hpp>

namespace gradio {

/// A file on the server (Gradio's `FileData`).
struct FileData {
    std::string path{};                   ///< server path
    std::string url{};                    ///< URL the browser loads it from ("" when unknown)
    std::optional<std::int64_t> size{};   ///< bytes, when known
    std::string orig_name{};              ///< name the user uploaded it as
    std::string mime_type{};              ///< such as "image/png"; "" when unknown
};

/// Who wrote a message. Enumerators are spelled like the wire strings.
enum class Role { user, assistant, system };

/// One part of a message's content.
struct ContentPart {
    /// What the part holds.
    enum class Type { text, file, component };
    Type type = Type::text;           ///< which of the members below it fills
    std::string text{};               ///< for `Type::text`
    std::optional<FileData> file{};   ///< for `Type::file`
    std::string alt_text{};           ///< for `Type::file`
    std::string component{};          ///< for `Type::component`: the component name, such as "image"
    std::string component_json{};     ///< for `Type::component`: its serialised value, as sent
};

/// A thought's id: a number or a string, sent as given (`.id = 1` or `.id = "search"`).
using MessageId = std::variant<std::int64_t, std::string>;

/// "Thought" metadata of a message (Gradio's `MetadataDict`); empty title = an ordinary message.
/// A message with a title shows as a collapsible block; `parent_id` nests it under the thought
/// with that `id`.
struct Metadata {
    std::string title{};                   ///< the heading; "" = an ordinary message
    std::optional<MessageId> id{};         ///< names it for `parent_id`
    std::optional<MessageId> parent_id{};  ///< the thought it nests under
    std::string log{};                     ///< muted text after the title
    std::optional<double> duration{};      ///< seconds, shown after the title
    std::string status{};                  ///< "", "pending" (spinner, open) or "done" (closed)

    /// True when nothing is set: an ordinary message.
    [[nodiscard]] bool empty() const noexcept {
        return title.empty() && !id && !parent_id && log.empty() && !duration && status.empty();
    }
};

/// A suggested reply shown as a button under the last message; clicking it sends `value`.
struct Option {
    std::string value{};  ///< the message a click sends
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
    Role role = Role::user;              ///< who wrote it
    std::string text{};                  ///< the text, or for history entries the text parts joined
    std::vector<FileData> files{};       ///< the files attached to the message being sent
    std::vector<ContentPart> content{};  ///< every part, in order (history entries)
    Metadata metadata{};                 ///< thought metadata of an assistant message
    std::vector<Option> options{};       ///< suggested replies a past assistant message offered
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
    std::string content{};          ///< the text (Markdown)
    Metadata metadata{};            ///< thought metadata; empty = an ordinary message
    std::vector<Option> options{};  ///< suggested replies, shown as buttons
};

/// A file in a reply, as Gradio's file dict `{"path": ..., "alt_text": ...}`: shown with the
/// viewer its type calls for (image, audio, video, else a download pill). `path` is a local
/// file (copied into the app's file cache before it is served) or an http(s) URL.
struct FileMessage {
    std::string path{};      ///< a local file or an http(s) URL
    std::string alt_text{};  ///< read aloud by screen readers
};

/// One message of a reply: text, a `ChatMessage`, a file, or a component shown in the bubble.
using ReplyItem = std::variant<std::string, ChatMessage, FileMessage, Image, Audio, Video, File, HTML, Code, Markdown>;

/// What a chat function returns or yields: text, one `ChatMessage`, several messages for one
/// turn (a thought, then the answer), a file or media component, or a list mixing them
/// (`gr::Reply::Items`). Converts implicitly from each.
///
/// **Example**
/// \code
/// gr::Reply::Items reply{"Here is the chart:", gr::Image{.value = "chart.png"}};
/// for (const auto& f : message.files) reply.push_back(gr::File{.value = f.path});
/// return reply;
/// \endcode
class Reply {
public:
    /// Several messages for one turn.
    using Messages = std::vector<ChatMessage>;
    /// A list mixing text, messages, files and components.
    using Items = std::vector<ReplyItem>;
    /// Empty text.
    Reply() = default;
    /// Text.
    Reply(const char* text) : value_(std::string(text)) {}
    /// Text.
    Reply(std::string text) : value_(std::move(text)) {}
    /// One message with extras.
    Reply(ChatMessage message) : value_(std::move(message)) {}
    /// Several messages for one turn.
    Reply(Messages messages) : value_(std::move(messages)) {}
    /// A list mixing text, messages, files and components.
    Reply(Items items) : value_(std::move(items)) {}
    /// A file.
    Reply(FileMessage file) : value_(ReplyItem(std::move(file))) {}
    /// An image.
    Reply(Image c) : value_(ReplyItem(std::move(c))) {}
    /// An audio player.
    Reply(Audio c) : value_(ReplyItem(std::move(c))) {}
    /// A video player.
    Reply(Video c) : value_(ReplyItem(std::move(c))) {}
    /// A file to download.
    Reply(File c) : value_(ReplyItem(std::move(c))) {}
    /// HTML.
    Reply(HTML c) : value_(ReplyItem(std::move(c))) {}
    /// Highlighted code.
    Reply(Code c) : value_(ReplyItem(std::move(c))) {}
    /// Markdown.
    Reply(Markdown c) : value_(ReplyItem(std::move(c))) {}

    /// A single file or component is the `ReplyItem` alternative.
    using Value = std::variant<std::string, ChatMessage, Messages, Items, ReplyItem>;
    /// What it holds.
    [[nodiscard]] const Value& value() const noexcept { return value_; }

private:
    Value value_;
};

/// The wire spelling of a role: "user", "assistant" or "system".
[[nodiscard]] const char* to_string(Role role) noexcept;

}  // namespace gradio
