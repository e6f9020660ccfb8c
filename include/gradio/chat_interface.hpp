#pragma once
/// \file chat_interface.hpp
/// `gr::ChatInterface`: a chat function in, a streaming web chat UI plus Gradio's API out.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <gradio/components.hpp>
#include <gradio/launch.hpp>
#include <gradio/message.hpp>
#include <gradio/stream.hpp>

namespace gradio {

/// `concurrency_limit` value meaning "use `LaunchOptions::default_concurrency_limit`"
/// (Gradio's `"default"`). `std::nullopt` means no limit (Gradio's `None`).
inline constexpr int default_concurrency = -1;

/// Every parameter of Gradio's `ChatInterface` except `fn`, with Gradio's names and defaults.
/// Declaration order is the documented order, which C++20 designated initializers must follow.
/// Every member has an initializer so that g++ -Wextra stays quiet about the ones you leave out.
/// Options this release does not act on yet (multimodal, additional inputs/outputs, editable,
/// example caching, flagging, save_history, delete_cache, chatbot layout "panel") are accepted,
/// and setting one prints a warning naming it at launch.
///
/// **Example**
/// \code
/// gr::ChatInterface demo(echo, {.examples = {"hello", "hola"}, .title = "Echo Bot"});
/// \endcode
struct ChatInterfaceOptions {
    bool multimodal = false;
    std::optional<Chatbot> chatbot{};
    std::optional<Textbox> textbox{};
    std::vector<Component> additional_inputs{};
    std::string additional_inputs_accordion{};   ///< "" = "Additional Inputs"
    std::vector<Component> additional_outputs{};
    bool editable = false;
    std::vector<std::string> examples{};
    std::vector<std::string> example_labels{};
    std::vector<std::string> example_icons{};
    bool run_examples_on_click = true;
    std::optional<bool> cache_examples{};
    std::optional<std::string> cache_mode{};     ///< "eager" or "lazy"
    std::string title{};                         ///< "" = no title; tab title "Gradio"
    std::string description{};                   ///< Markdown or HTML
    std::optional<std::string> flagging_mode{};  ///< "never" or "manual"
    std::vector<std::string> flagging_options = {"Like", "Dislike"};
    std::string flagging_dir = ".gradio/flagged";
    std::optional<bool> analytics_enabled{};     ///< accepted; gradio.cpp sends no telemetry
    bool autofocus = true;
    bool autoscroll = true;
    std::variant<bool, std::string> submit_btn = true;
    std::variant<bool, std::string> stop_btn = true;
    std::optional<int> concurrency_limit = default_concurrency;
    std::optional<std::pair<int, int>> delete_cache{};  ///< {frequency_s, age_s}
    std::string show_progress = "minimal";     ///< "full", "minimal" or "hidden"
    bool fill_height = true;
    bool fill_width = false;
    std::string api_name{};                      ///< "" = "chat" (C++ has no function names)
    std::optional<std::string> api_description{};
    std::string api_visibility = "public";     ///< "public", "private" or "undocumented"
    bool save_history = false;
    /// Checks the message before it is queued; return an error text to reject it. A rejected
    /// message stays in the box with the text shown at it, and never reaches the chat or the
    /// history; the API answers 422 with Gradio's validate list. Called from worker threads.
    std::function<std::optional<std::string>(const Message&)> validator{};
};

namespace detail {
class ChatApp;

/// The message and history of one streaming turn, kept on the heap so that a coroutine taking
/// them by `const&` (or `&&`) refers to storage that outlives every `co_yield`.
struct ChatArgs {
    Message message;
    History history;
};

/// A streaming reply together with the arguments its coroutine may refer to. The coroutine
/// frame is destroyed before the arguments (member order), also on cancellation.
class ChatStream {
public:
    ChatStream() = default;
    ChatStream(std::unique_ptr<ChatArgs> args, Stream stream) noexcept
        : args_(std::move(args)), stream_(std::move(stream)) {}
    ChatStream(ChatStream&&) noexcept = default;
    ChatStream& operator=(ChatStream&& other) noexcept {
        if (this != &other) {
            stream_ = std::move(other.stream_);  // the old frame goes before its arguments
            args_ = std::move(other.args_);
        }
        return *this;
    }
    ~ChatStream() { stream_.reset(); }

    /// Runs the coroutine to its next `co_yield`; false when it finished.
    [[nodiscard]] bool next() { return stream_.next(); }
    /// The whole reply so far; valid after `next()` returned true.
    [[nodiscard]] std::string& value() { return stream_.value(); }
    /// Destroys the coroutine frame now (cancellation); the arguments go with the object.
    void reset() noexcept { stream_.reset(); }

private:
    std::unique_ptr<ChatArgs> args_;  // declared first: destroyed after stream_
    Stream stream_;
};

/// The chat function with its return kind erased; exactly one member is set. Every copy of a
/// ChatFunction calls the same user object (held once, in a shared_ptr), so a stateful functor
/// sees every turn, from the UI and the API alike, and move-only functors are accepted.
struct ChatFunction {
    std::function<std::string(Message, History)> reply;
    std::function<ChatStream(Message, History)> stream;
};

template <class Fn>
ChatFunction make_chat_function(Fn fn) {
    constexpr bool callable = std::is_invocable_v<Fn&, Message, History>;
    static_assert(callable,
                  "ChatInterface fn must take (gr::Message, gr::History) - by value, const& or &&");
    if constexpr (callable) {
        using Result = std::invoke_result_t<Fn&, Message, History>;
        constexpr bool is_stream = std::is_same_v<std::remove_cvref_t<Result>, Stream>;
        constexpr bool is_text = std::is_convertible_v<Result, std::string>;
        static_assert(is_stream || is_text,
                      "ChatInterface fn must return std::string or gr::Stream");
        auto shared = std::make_shared<Fn>(std::move(fn));
        ChatFunction out;
        if constexpr (is_stream) {
            out.stream = [f = std::move(shared)](Message m, History h) {
                // The arguments live on the heap next to the coroutine, not in this call's
                // frame: parameters by value, const& and && are all safe across co_yield.
                auto args = std::make_unique<ChatArgs>(ChatArgs{std::move(m), std::move(h)});
                Stream s = std::invoke(*f, std::move(args->message), std::move(args->history));
                return ChatStream(std::move(args), std::move(s));
            };
        } else if constexpr (is_text) {
            out.reply = [f = std::move(shared)](Message m, History h) -> std::string {
                return std::invoke(*f, std::move(m), std::move(h));
            };
        }
        return out;
    } else {
        return {};
    }
}
}  // namespace detail

/// A chat app around `fn(message, history)`, which returns the reply as `std::string` or
/// streams it as a `gr::Stream` coroutine. Serves the web UI at `/` and Gradio's API
/// (`/chat`, queue, curl flow) that `@gradio/client` and `gradio_client` call unchanged.
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
///
/// Thread safety: construct and launch from one thread; `fn` is called from worker threads,
/// concurrently up to `concurrency_limit` (so a stateful function object needs its own
/// synchronisation unless `concurrency_limit` is 1).
class ChatInterface {
public:
    template <class Fn>
    explicit ChatInterface(Fn fn, ChatInterfaceOptions options = {})
        : ChatInterface(detail::make_chat_function(std::move(fn)), std::move(options)) {}

    ChatInterface(detail::ChatFunction fn, ChatInterfaceOptions options);
    ChatInterface(ChatInterface&&) noexcept;
    ChatInterface& operator=(ChatInterface&&) noexcept;
    ChatInterface(const ChatInterface&) = delete;
    ChatInterface& operator=(const ChatInterface&) = delete;
    ~ChatInterface();

    /// Serves the app and blocks until SIGINT/SIGTERM. Prints the local URL.
    /// Returns 0 after a clean stop. Throws `gr::LaunchError` (e.g. port in use).
    int launch(LaunchOptions options = {});

    /// Serves the app without blocking; the returned handle stops it when destroyed.
    [[nodiscard]] Server start(LaunchOptions options = {});

    [[nodiscard]] const ChatInterfaceOptions& options() const noexcept;

private:
    std::shared_ptr<detail::ChatApp> app_{};
};

}  // namespace gradio
