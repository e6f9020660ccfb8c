#pragma once
/// \file chat_interface.hpp
/// `gr::ChatInterface`: a chat function in, a streaming web chat UI plus Gradio's API out.

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <gradio/blocks.hpp>
#include <gradio/components.hpp>
#include <gradio/detail/chat_function.hpp>
#include <gradio/events.hpp>
#include <gradio/launch.hpp>
#include <gradio/message.hpp>
#include <gradio/stream.hpp>

namespace gradio {

/// A multimodal message: text and local files (Gradio's `MultimodalValue`), as in the example
/// `gr::MultimodalValue{.text = "What is this?", .files = {"cat.png"}}`.
struct MultimodalValue {
    std::string text{};                ///< the message text
    std::vector<std::string> files{};  ///< paths of local files
};

/// One example: a message, and when there are additional inputs, a value for each of them.
/// `"hello"` is a message alone; `{"hi", "You are a pirate", 50}` a message and two values; a
/// `gr::MultimodalValue` a message with files (its card shows them; they must exist).
struct Example {
    Value message{};              ///< text, or `{"text", "files"}`
    std::vector<Value> extras{};  ///< a value for each additional input, in order
    /// A message alone.
    Example(const char* text) : message(text) {}
    /// A message alone.
    Example(std::string text) : message(std::move(text)) {}
    /// A message with files.
    Example(MultimodalValue m) {
        Value::Array files(m.files.begin(), m.files.end());
        message = Value::Object{{"text", std::move(m.text)}, {"files", std::move(files)}};
    }
    /// A message, then a value for each additional input.
    Example(std::initializer_list<Value> values) {
        auto it = values.begin();
        if (it != values.end()) message = *it++;
        extras.assign(it, values.end());
    }
};

/// Every parameter of Gradio's `ChatInterface` except `fn`, with Gradio's names and defaults.
/// Declaration order is the documented order, which C++20 designated initializers must follow.
/// Every member has an initializer so that g++ -Wextra stays quiet about the ones you leave out.
///
/// **Example**
/// \code
/// gr::ChatInterface demo(echo, {.examples = {"hello", "hola"}, .title = "Echo Bot"});
/// \endcode
struct ChatInterfaceOptions {
    bool multimodal = false;                     ///< a `gr::MultimodalTextbox`: messages carry files
    /// The chat display's settings, or a `gr::Chatbot` rendered in the surrounding `gr::Blocks`
    /// (its events, such as `.like`, stay attached).
    std::optional<std::variant<Chatbot, ComponentRef>> chatbot{};
    /// A `gr::Textbox`, or with `multimodal` a `gr::MultimodalTextbox`.
    std::optional<std::variant<Textbox, MultimodalTextbox>> textbox{};
    /// Shown in a collapsed accordion under the chat; their values reach fn after the history,
    /// as the C++ types fn declares: `fn(gr::Message, gr::History, std::string, double)`.
    std::vector<Component> additional_inputs{};
    /// A label, or a whole `gr::Accordion`; "" = the translated "Additional inputs", closed.
    std::variant<std::string, Accordion> additional_inputs_accordion{};
    /// Components of the surrounding `gr::Blocks` that fn updates on every turn: fn returns a
    /// `std::tuple` of the reply and one `gr::Output` per component (streaming: yields them).
    std::vector<ComponentRef> additional_outputs{};
    /// Users may edit a sent message: the chat is cut there and fn runs again.
    bool editable = false;
    /// Messages (shown as cards in the empty chat), or with additional inputs, rows of a
    /// message and its input values (shown as a table under the chat).
    std::vector<Example> examples{};
    std::vector<std::string> example_labels{};   ///< card texts instead of the messages; one per example
    std::vector<std::string> example_icons{};    ///< an image per example card: a URL or a local file
    bool run_examples_on_click = true;           ///< clicking an example sends it; false only fills the box
    std::optional<bool> cache_examples{};        ///< nullopt = env GRADIO_CACHE_EXAMPLES ("true"/"lazy")
    std::optional<std::string> cache_mode{};     ///< "eager" or "lazy"; nullopt = env GRADIO_CACHE_MODE
    std::string title{};                         ///< "" = no title; tab title "Gradio"
    std::string description{};                   ///< Markdown or HTML
    std::optional<std::string> flagging_mode{};  ///< "never" or "manual"
    /// The choices of the flag menu (with `flagging_mode = "manual"`).
    std::vector<std::string> flagging_options = {"Like", "Dislike"};
    std::string flagging_dir = ".gradio/flagged";  ///< the folder of `log.csv`
    std::optional<bool> analytics_enabled{};     ///< accepted; gradio.cpp sends no telemetry
    bool autofocus = true;                       ///< focus the message box when the page loads
    bool autoscroll = true;                      ///< scroll to the newest message
    /// The send button: true = an icon, a text = that text instead, false = none.
    std::variant<bool, std::string> submit_btn = true;
    /// The Stop button shown while a reply runs, as for `submit_btn`.
    std::variant<bool, std::string> stop_btn = true;
    /// How many turns may run at once (`default_concurrency`:
    /// `LaunchOptions::default_concurrency_limit`); nullopt = no limit.
    std::optional<int> concurrency_limit = default_concurrency;
    std::optional<std::pair<int, int>> delete_cache{};  ///< {frequency_s, age_s}
    std::string show_progress = "minimal";     ///< "full", "minimal" or "hidden"
    bool fill_height = true;                     ///< the chat takes the window's height
    bool fill_width = false;                     ///< use the window's whole width
    std::string api_name{};                      ///< "" = "chat" (C++ has no function names)
    std::optional<std::string> api_description{};  ///< the endpoint's description in the API docs
    std::string api_visibility = "public";     ///< "public", "private" or "undocumented"
    bool save_history = false;                   ///< a sidebar of past conversations, to return to
    /// Checks the message before it is queued (Gradio's validator with gr.validate); return an
    /// error text to reject it. A rejected
    /// message stays in the box with the text shown at it, and never reaches the chat or the
    /// history; the API answers 422 with Gradio's validate list. Called from worker threads.
    std::function<std::optional<std::string>(const Message&)> validator{};
};

namespace detail {
class ChatApp;
}  // namespace detail

/// A chat app around `fn(message, history, additional inputs...)`, which returns the reply
/// (`std::string`, `gr::ChatMessage`, a `std::vector` of them, or `gr::Reply`) or streams it as
/// a `gr::Generator` coroutine of one of these (`gr::Stream` for text). The additional inputs
/// arrive as the types fn declares (`std::string`, numbers, `bool`, `gr::Value`, `std::optional`
/// or `std::vector` of these), one per `additional_inputs` component, checked at construction.
/// Serves the web UI at `/` and Gradio's API (`/chat`, queue, curl flow) that `@gradio/client`
/// and `gradio_client` call unchanged.
///
/// **Example**
/// \code
/// std::string echo(const gr::Message& message, const gr::History&) { return message.text; }
/// int main() {
///     gr::ChatInterface demo(echo, {.examples = {"hello", "hola"}, .title = "Echo Bot"});
///     demo.launch();
/// }
/// \endcode
/// Throws `gr::ConfigError` for invalid options.
/// `fn` may be a function, a lambda or a function object (also a move-only one, e.g. owning a
/// `std::unique_ptr` to a model); the interface keeps exactly one instance of it, which every
/// UI event and API call uses. A streaming `fn` may take its parameters by value, `const&` or
/// `&&`: the library keeps the message and history alive until the coroutine is destroyed.
/// Prefer `const gr::History&`: the history is kept converted between turns and lent to `fn`;
/// by value, each turn copies it (O(conversation)).
///
/// Thread safety: construct and launch from one thread; `fn` is called from worker threads,
/// concurrently up to `concurrency_limit` (so a stateful function object needs its own
/// synchronisation unless `concurrency_limit` is 1).
class ChatInterface {
public:
    /// The app around `fn` (see above); throws `gr::ConfigError` for invalid options or a
    /// signature that does not fit the additional inputs.
    template <class Fn>
    explicit ChatInterface(Fn fn, ChatInterfaceOptions options = {})
        : ChatInterface(detail::make_chat_function(std::move(fn)), std::move(options)) {}

    /// The same with `fn` already type-erased (what the constructor above calls).
    ChatInterface(detail::ChatFunction fn, ChatInterfaceOptions options);
    /// Moves the app.
    ChatInterface(ChatInterface&&) noexcept;
    /// Moves the app.
    ChatInterface& operator=(ChatInterface&&) noexcept;
    ChatInterface(const ChatInterface&) = delete;
    ChatInterface& operator=(const ChatInterface&) = delete;
    ~ChatInterface();

    /// Serves the app and blocks until SIGINT/SIGTERM. Prints the local URL.
    /// Returns 0 after a clean stop. Throws `gr::LaunchError` (e.g. port in use).
    int launch(LaunchOptions options = {});

    /// Serves the app without blocking; the returned handle stops it when destroyed.
    [[nodiscard]] Server start(LaunchOptions options = {});

    /// The options it was made with.
    [[nodiscard]] const ChatInterfaceOptions& options() const noexcept;

private:
    friend class Blocks;
    std::shared_ptr<detail::ChatApp> app_{};
};

}  // namespace gradio
