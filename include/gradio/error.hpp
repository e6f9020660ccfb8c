#pragma once
/// \file error.hpp
/// Exceptions: `gr::Error` is shown to the chat user; `ConfigError` and `LaunchError` are setup
/// failures thrown to the developer. Messages of setup errors start with a stable tag such as
/// `[gr.config.2]`, listed in docs/errors.md.

#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace gradio {

/// Throw from a chat function to show `message` to the user as an error toast, whatever
/// `show_error` says (Gradio's `gr.Error`). Any other exception shows a generic
/// "An error occurred" unless the app is launched with `show_error = true`.
///
/// **Example**
/// \code
/// std::string fn(const gr::Message& m, const gr::History&) {
///     if (m.text.empty()) throw gr::Error("Please type something.");
///     return m.text;
/// }
/// \endcode
/// Thread safety: a plain value type.
class Error : public std::runtime_error {
public:
    /// A toast titled `title` showing `message` for `duration` seconds (`std::nullopt`: until
    /// closed); `visible = false` shows none.
    explicit Error(const std::string& message, std::optional<double> duration = 10.0,
                   bool visible = true, std::string title = "Error")
        : std::runtime_error(message), duration_(duration), visible_(visible),
          title_(std::move(title)) {}

    /// Seconds the toast stays; `std::nullopt` keeps it until closed.
    [[nodiscard]] std::optional<double> duration() const noexcept { return duration_; }
    /// Whether the toast is shown.
    [[nodiscard]] bool visible() const noexcept { return visible_; }
    /// The toast's title.
    [[nodiscard]] const std::string& title() const noexcept { return title_; }

private:
    std::optional<double> duration_;
    bool visible_;
    std::string title_;
};

/// Shows a grey "Info" toast to the user whose request is running, without stopping the
/// function (Gradio's `gr.Info`). Call it from inside a chat function, streaming or not; anywhere
/// else it does nothing. `duration` in seconds, `std::nullopt` = until closed.
///
/// **Example**
/// \code
/// gr::Stream fn(const gr::Message& m, const gr::History&) {
///     gr::Info("Searching...");
///     co_yield "Found it";
/// }
/// \endcode
/// Thread safety: call it from the thread running the chat function.
void Info(const std::string& message, std::optional<double> duration = 10.0, bool visible = true,
          const std::string& title = "Info");
/// A yellow "Warning" toast (Gradio's `gr.Warning`); see `gr::Info`.
void Warning(const std::string& message, std::optional<double> duration = 10.0, bool visible = true,
             const std::string& title = "Warning");
/// A green "Success" toast (Gradio's `gr.Success`); see `gr::Info`.
void Success(const std::string& message, std::optional<double> duration = 10.0, bool visible = true,
             const std::string& title = "Success");

/// Invalid options given to a constructor (such as `api_visibility = "secret"`).
class ConfigError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// The server could not start, for instance because the port is already in use. `code()` has the OS error.
class LaunchError : public std::runtime_error {
public:
    /// What went wrong, and the OS error behind it.
    LaunchError(const std::string& message, std::error_code code)
        : std::runtime_error(message), code_(code) {}
    /// The OS error, such as `std::errc::address_in_use`.
    [[nodiscard]] std::error_code code() const noexcept { return code_; }

private:
    std::error_code code_;
};

}  // namespace gradio
