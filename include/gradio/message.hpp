#pragma once
/// \file message.hpp
/// The values a chat function receives: the new `Message` and the `History` before it, as
/// openai-style messages whose content is a list of typed parts (features.md A2 #1).

#include <cstdint>
#include <optional>
#include <string>
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

/// "Thought" metadata of a message (Gradio's `MetadataDict`); empty title = an ordinary message.
struct Metadata {
    std::string title{};
    std::string id{};
    std::string parent_id{};
    std::string log{};
    std::optional<double> duration{};
    std::string status{};  ///< "", "pending" or "done"
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
};

/// The conversation before the current message, oldest first.
using History = std::vector<Message>;

/// The wire spelling of a role: "user", "assistant" or "system".
[[nodiscard]] const char* to_string(Role role) noexcept;

}  // namespace gradio
