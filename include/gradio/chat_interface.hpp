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
    /// Checks the message before it is queued; return an error text to reject it.
    std::function<std::optional<std::string>(const Message&)> validator{};
};

namespace detail {
class ChatApp;

/// The chat function with its return kind erased; exactly one member is set.
struct ChatFunction {
    std::function<std::string(Message, History)> reply;
    std::function<Stream(Message, History)> stream;
};

template <class Fn>
ChatFunction make_chat_function(Fn fn) {
    constexpr bool callable = std::is_invocable_v<Fn&, Message, History>;
    static_assert(callable,
                  "ChatInterface fn must take (gr::Message, gr::History) - by value or const&");
    if constexpr (callable) {
        using Result = std::invoke_result_t<Fn&, Message, History>;
        constexpr bool is_stream = std::is_same_v<std::remove_cvref_t<Result>, Stream>;
        constexpr bool is_text = std::is_convertible_v<Result, std::string>;
        static_assert(is_stream || is_text,
                      "ChatInterface fn must return std::string or gr::Stream");
        ChatFunction out;
        if constexpr (is_stream) {
            out.stream = [f = std::move(fn)](Message m, History h) mutable {
                return std::invoke(f, std::move(m), std::move(h));
            };
        } else if constexpr (is_text) {
            out.reply = [f = std::move(fn)](Message m, History h) mutable -> std::string {
                return std::invoke(f, std::move(m), std::move(h));
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
/// Thread safety: construct and launch from one thread; `fn` is called from worker threads,
/// concurrently up to `concurrency_limit`.
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
