#pragma once
/// \file stream.hpp
/// `gr::Stream`, the return type of streaming chat functions: a C++20 coroutine in which each
/// `co_yield` is the **whole reply so far** (Gradio's generator semantics; the server sends
/// only the difference over the wire).
///
/// **Example**
/// \code
/// gr::Stream slow_echo(const gr::Message& message, const gr::History& history) {
///     for (std::size_t i = 0; i < message.text.size(); ++i) {
///         std::this_thread::sleep_for(50ms);
///         co_yield "You typed: " + message.text.substr(0, i + 1);
///     }
/// }
/// \endcode
///
/// Parameters: by value, `const&` and `&&` all work for a chat function: `gr::ChatInterface`
/// keeps the message and history alive until the coroutine frame is destroyed. (A coroutine you
/// call yourself with temporaries is another matter: a reference parameter dangles once the
/// temporary is gone, so take by value there.) Stopping a reply or a client leaving destroys the
/// coroutine frame at its current `co_yield`, so locals are destroyed and work really stops;
/// code that blocks for long between yields can poll `gr::stop_requested()`.
/// Thread safety: a `Generator` is driven by one thread at a time (the server's worker pool).

#include <concepts>
#include <coroutine>
#include <exception>
#include <optional>
#include <string>
#include <utility>

namespace gradio {

/// A lazily evaluated sequence of `T`, produced by a coroutine with `co_yield`.
/// Move-only; destroying it destroys the coroutine frame.
template <class T>
class Generator {
public:
    /// The coroutine's promise, as C++ requires of a coroutine's return type; the compiler
    /// calls it, apps never do.
    struct promise_type {
        /// \cond
        std::optional<T> current;
        std::exception_ptr error;

        Generator get_return_object() {
            return Generator{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        template <std::convertible_to<T> U>
        std::suspend_always yield_value(U&& value) {
            current.emplace(std::forward<U>(value));
            return {};
        }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
        /// \endcond
    };

    Generator() = default;
    /// Takes over `other`'s coroutine; `other` is left empty.
    Generator(Generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// Destroys this one's coroutine and takes over `other`'s; `other` is left empty.
    Generator& operator=(Generator&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Generator(const Generator&) = delete;
    Generator& operator=(const Generator&) = delete;
    ~Generator() { reset(); }

    /// Runs the coroutine to its next `co_yield`. Returns false when it finished; rethrows
    /// what the coroutine threw.
    [[nodiscard]] bool next() {
        if (!handle_ || handle_.done()) return false;
        handle_.promise().current.reset();
        handle_.resume();
        if (auto error = std::exchange(handle_.promise().error, nullptr)) std::rethrow_exception(error);
        return !handle_.done();
    }

    /// The value of the last `co_yield`; valid after `next()` returned true.
    [[nodiscard]] T& value() { return *handle_.promise().current; }

    /// Destroys the coroutine frame now (cancellation).
    void reset() noexcept {
        if (handle_) std::exchange(handle_, {}).destroy();
    }

private:
    explicit Generator(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
    std::coroutine_handle<promise_type> handle_;
};

/// A streamed chat reply: each `co_yield` is the whole reply so far.
using Stream = Generator<std::string>;

/// True once the current chat turn has been cancelled (Stop, client gone, server stopping).
/// For chat functions that block for a long time between yields, or that do not stream.
/// Outside a chat function it returns false.
[[nodiscard]] bool stop_requested() noexcept;

}  // namespace gradio
