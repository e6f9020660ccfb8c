#pragma once
/// \file events.hpp
/// What event functions receive besides their inputs (Gradio's `gr.EventData` classes) and
/// what they return for each output component (`gr::Output`: a value, a `gr::Update`, a
/// component whose settings update it, or a conversation for a Chatbot).

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <gradio/components.hpp>
#include <gradio/message.hpp>
#include <gradio/value.hpp>

namespace gradio {

/// A partial update of an output component (Gradio's `gr.update(...)`): only the props named
/// change; "value" sets its value. An empty update changes nothing (Gradio's `gr.skip()`).
///
/// **Example**
/// \code
/// return gr::Update{{{"visible", false}}};           // hide the output
/// return gr::Update{{{"value", ""}, {"interactive", true}}};
/// \endcode
struct Update {
    Value::Object props{};  ///< the props to change, by name
};

/// Leaves an output as it is (Gradio's `gr.skip()`).
[[nodiscard]] inline Update skip() { return {}; }

namespace detail {
template <class T, class Variant>
struct is_alternative;
template <class T, class... A>
struct is_alternative<T, std::variant<A...>> : std::bool_constant<(std::is_same_v<T, A> || ...)> {};
/// True for the component structs `gr::Component` holds (Textbox, Code, Chatbot, ...).
template <class T>
concept component_struct = is_alternative<std::remove_cvref_t<T>, Component::Kind>::value;
}  // namespace detail

/// The value an event function gives one output component. Converts from:
/// - anything `gr::Value` takes (text, numbers, bool, lists, `nullptr`) and `std::nullopt`: the
///   new value (`nullptr` clears it);
/// - a `gr::Update`: the props it names;
/// - a component struct such as `gr::Code{.value = src, .language = "python"}`: the members set
///   away from their defaults, as an update (Gradio's `return gr.Code(language=..., value=...)`);
/// - a `gr::History` (or a list of `gr::Message`): a Chatbot's conversation.
class Output {
public:
    /// What it holds: a value, an update, a component's settings or a conversation.
    using Kind = std::variant<Value, Update, Component, History>;

    /// Null: clears the output.
    Output() = default;
    /// Null: clears the output.
    Output(std::nullopt_t) {}
    /// A new value: anything `gr::Value` takes.
    template <class T>
        requires(std::is_constructible_v<Value, T> && !detail::component_struct<T>)
    Output(T&& value) : kind_(Value(std::forward<T>(value))) {}
    /// The props `update` names.
    Output(Update update) : kind_(std::move(update)) {}
    /// A Chatbot's conversation.
    Output(History history) : kind_(std::move(history)) {}
    /// The members of `component` set away from their defaults, as an update.
    template <detail::component_struct C>
    Output(C component) : kind_(Component(std::move(component))) {}

    /// What it holds.
    [[nodiscard]] const Kind& kind() const noexcept { return kind_; }

private:
    Kind kind_{Value{}};
};

/// A click on an item of a list (Gradio's `gr.SelectData`): a chat message (`Chatbot.select`),
/// an option button (`.option_select`), an example card (`.example_select`: `value` is
/// `{"text", "files"}`), a choice of a Radio or Dropdown, a tab.
struct SelectData {
    std::int64_t index = 0;  ///< the item's index
    Value value{};           ///< the item's value
    bool selected = true;    ///< false when it was deselected
};

/// A thumb or feedback option clicked on a chat message (Gradio's `gr.LikeData`): `index` is
/// the first message of the clicked group, `value` the list of the group's contents, `liked`
/// true (Like), false (Dislike), another option's text, or "" when the choice was taken back.
struct LikeData {
    std::int64_t index = 0;                   ///< the first message of the clicked group
    Value value{};                            ///< the group's contents, as a list
    std::variant<bool, std::string> liked{};  ///< true (Like), false (Dislike), another option's text, or ""
    /// The text of the liked messages, joined with newlines.
    [[nodiscard]] std::string text() const;
    /// True for a thumbs-up ("Like").
    [[nodiscard]] bool is_liked() const noexcept {
        const bool* b = std::get_if<bool>(&liked);
        return b && *b;
    }
};

/// The retry or undo button (Gradio's `gr.RetryData` / `gr.UndoData`): the last user message,
/// by index and content.
struct RetryData {
    std::int64_t index = 0;  ///< the last user message's index
    Value value{};           ///< its content
};
/// The undo button's payload: the same as the retry button's.
using UndoData = RetryData;

/// A message edited in place (Gradio's `gr.EditData`).
struct EditData {
    std::int64_t index = 0;  ///< the edited message's index
    Value value{};           ///< its new content
    Value previous_value{};  ///< its content before
};

/// A message's copy button (Gradio's `gr.CopyData`): the text copied.
struct CopyData {
    Value value{};  ///< the text copied
};

/// Any event's payload as sent (Gradio's `gr.EventData`), for events without a class of their own.
struct EventData {
    Value data{};  ///< the event's data, as sent
};

/// `concurrency_limit` value meaning: use `LaunchOptions::default_concurrency_limit`
/// (Gradio's `"default"`). `std::nullopt` means no limit (Gradio's `None`).
inline constexpr int default_concurrency = -1;

/// How an event listener runs and how the API shows it (Gradio's event listener keywords).
struct EventOptions {
    /// The endpoint's name (`/gradio_api/call/<api_name>`); "" = the event's name ("click",
    /// "change", ...), made unique with "_1", "_2" like Gradio does.
    std::string api_name{};
    std::optional<std::string> api_description{};  ///< the endpoint's description in the API docs
    std::string api_visibility = "public";         ///< "public", "private" or "undocumented"
    std::string show_progress = "full";            ///< "full", "minimal" or "hidden"
    /// False runs the function at once on its HTTP request (`/run/predict`), outside the queue.
    bool queue = true;
    /// How many runs may go at once (`default_concurrency`: `LaunchOptions::default_concurrency_limit`);
    /// nullopt = no limit.
    std::optional<int> concurrency_limit = default_concurrency;
    /// Events with the same id share one concurrency limit; "" = this event alone.
    std::string concurrency_id{};
    /// "once", "multiple" or "always_last"; "" = Gradio's default (always_last for change and
    /// input, once otherwise).
    std::string trigger_mode{};
};

}  // namespace gradio
