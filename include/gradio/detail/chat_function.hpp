#pragma once
/// \file detail/chat_function.hpp
/// How `gr::ChatInterface` holds the user's chat function: its parameter types are read from
/// its signature (so additional inputs arrive as `std::string`, `double`, `bool`, ...), and its
/// return kind (text, `gr::ChatMessage`, a list of them, or a `gr::Generator` of any of these)
/// is erased behind `ChatFunction`. Not part of the public API.

#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <gradio/events.hpp>
#include <gradio/message.hpp>
#include <gradio/stream.hpp>
#include <gradio/value.hpp>

namespace gradio::detail {

// ---- the signature of fn ----------------------------------------------------------------

template <class T>
struct callable_signature {
    static constexpr bool known = false;
};
template <class R, class... A>
struct callable_signature<R(A...)> {
    static constexpr bool known = true;
    using result = R;
    using args = std::tuple<A...>;
};
template <class R, class... A>
struct callable_signature<R(A...) noexcept> : callable_signature<R(A...)> {};
template <class R, class... A>
struct callable_signature<R (*)(A...)> : callable_signature<R(A...)> {};
template <class R, class... A>
struct callable_signature<R (*)(A...) noexcept> : callable_signature<R(A...)> {};
template <class C, class R, class... A>
struct callable_signature<R (C::*)(A...)> : callable_signature<R(A...)> {};
template <class C, class R, class... A>
struct callable_signature<R (C::*)(A...) const> : callable_signature<R(A...)> {};
template <class C, class R, class... A>
struct callable_signature<R (C::*)(A...) noexcept> : callable_signature<R(A...)> {};
template <class C, class R, class... A>
struct callable_signature<R (C::*)(A...) const noexcept> : callable_signature<R(A...)> {};
// A lambda or function object with one (non-template) call operator.
template <class F>
    requires requires { &F::operator(); }
struct callable_signature<F> : callable_signature<decltype(&F::operator())> {};

template <class T>
struct is_generator : std::false_type {};
template <class T>
struct is_generator<Generator<T>> : std::true_type {
    using value_type = T;
};

// ---- converting an input value to the parameter type ----------------------------------

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

/// A Chatbot's value as a conversation; throws std::invalid_argument when it is not one
/// (defined in src/protocol/json_codec.cpp).
History history_from_value(const Value& value);

template <class T>
constexpr bool supported_parameter() {
    if constexpr (std::is_same_v<T, Value> || std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                  std::is_same_v<T, History>)
        return true;
    else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, char>) return true;
    else if constexpr (is_optional<T>::value) return supported_parameter<typename T::value_type>();
    else if constexpr (is_vector<T>::value) return supported_parameter<typename T::value_type>();
    else return false;
}

template <class T>
constexpr ValueKind kind_of() {
    if constexpr (std::is_same_v<T, Value>) return ValueKind::any;
    else if constexpr (std::is_same_v<T, std::string>) return ValueKind::text;
    else if constexpr (std::is_same_v<T, bool>) return ValueKind::boolean;
    else if constexpr (std::is_arithmetic_v<T>) return ValueKind::number;
    else if constexpr (is_optional<T>::value) return kind_of<typename T::value_type>();
    else return ValueKind::list;
}

// Throws std::invalid_argument naming what was expected; the caller adds which input it was.
template <class T>
T value_as(Value&& v) {
    if constexpr (std::is_same_v<T, Value>) {
        return std::move(v);
    } else if constexpr (std::is_same_v<T, History>) {
        return history_from_value(v);
    } else if constexpr (is_optional<T>::value) {
        if (v.is_null()) return std::nullopt;
        return value_as<typename T::value_type>(std::move(v));
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (v.is_null()) return {};
        if (!v.is_string()) throw std::invalid_argument("expects text");
        return v.as_string();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) throw std::invalid_argument("expects true or false");
        return v.as_bool();
    } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number()) throw std::invalid_argument("expects a number");
        if (v.is_int()) return static_cast<T>(v.as_int());
        return static_cast<T>(std::llround(v.as_number()));
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) throw std::invalid_argument("expects a number");
        return static_cast<T>(v.as_number());
    } else {
        if (!v.is_array()) throw std::invalid_argument("expects a list");
        T out;
        for (auto& item : v.as_array()) out.push_back(value_as<typename T::value_type>(std::move(item)));
        return out;
    }
}

template <class Tuple, class Seq>
struct extra_parameters;
template <class Tuple, std::size_t... I>
struct extra_parameters<Tuple, std::index_sequence<I...>> {
    using type = std::tuple<std::remove_cvref_t<std::tuple_element_t<I + 2, Tuple>>...>;
};

template <class Tuple>
struct parameter_list;
template <class... E>
struct parameter_list<std::tuple<E...>> {
    static constexpr bool supported = (supported_parameter<E>() && ...);
    static std::vector<ValueKind> kinds() { return {kind_of<E>()...}; }
};

// ---- the erased chat function ----------------------------------------------------------

/// One call: the message, the history before it and the additional inputs' values.
struct ChatCall {
    Message message;
    History history;
    std::vector<Value> extras;
    /// When set, the history instead of `history`: kept by the server across turns, so that a
    /// fn taking `const gr::History&` reads it without a copy (others get their own copy).
    std::shared_ptr<const History> shared_history{};
};

/// A reply and the values for the interface's additional outputs (empty without them).
struct ChatResult {
    Reply reply;
    std::vector<Output> outputs{};
};

template <class T>
struct is_reply_tuple : std::false_type {};
template <class R, class... O>
struct is_reply_tuple<std::tuple<R, O...>>
    : std::bool_constant<std::is_convertible_v<R, Reply> && (std::is_constructible_v<Output, O> && ...)> {
    static constexpr std::size_t outputs = sizeof...(O);
};

/// fn's result as a ChatResult: a reply alone, or a tuple of the reply and additional outputs.
template <class R>
ChatResult to_chat_result(R&& result) {
    using T = std::remove_cvref_t<R>;
    if constexpr (is_reply_tuple<T>::value)
        return std::apply(
            [](auto&& reply, auto&&... outputs) {
                return ChatResult{Reply(std::move(reply)), std::vector<Output>{Output(std::move(outputs))...}};
            },
            std::move(result));
    else
        return ChatResult{Reply(std::forward<R>(result))};
}

template <class R>
constexpr std::size_t additional_output_count() {
    if constexpr (is_reply_tuple<std::remove_cvref_t<R>>::value) return is_reply_tuple<std::remove_cvref_t<R>>::outputs;
    else return 0;
}

/// A streaming reply; destroying it destroys the coroutine (and then its arguments).
class ReplyStream {
public:
    virtual ~ReplyStream() = default;
    /// Runs the coroutine to its next `co_yield`; false when it finished.
    [[nodiscard]] virtual bool next() = 0;
    /// The reply so far; valid after `next()` returned true.
    [[nodiscard]] virtual ChatResult value() = 0;
};

/// A conversion of one additional input failed: `index` says which.
class ParameterError : public std::invalid_argument {
public:
    ParameterError(std::size_t index, const std::string& what) : std::invalid_argument(what), index_(index) {}
    [[nodiscard]] std::size_t index() const noexcept { return index_; }

private:
    std::size_t index_;
};

template <class T>
T convert_one(std::vector<Value>& values, std::size_t i) {
    try {
        return value_as<T>(std::move(values[i]));
    } catch (const std::invalid_argument& e) {
        throw ParameterError(i, e.what());
    }
}

// Braced initialisation converts left to right, so the first bad value is the one reported.
template <class Extras, std::size_t... I>
Extras convert_extras(std::vector<Value>& values, std::index_sequence<I...>) {
    return Extras{convert_one<std::tuple_element_t<I, Extras>>(values, I)...};
}

/// The chat function with its types erased; exactly one of `reply` and `stream` is set. Every
/// copy calls the same user object (held once, in a shared_ptr), so a stateful functor sees
/// every turn and move-only functors are accepted.
struct ChatFunction {
    std::function<ChatResult(ChatCall)> reply;
    std::function<std::unique_ptr<ReplyStream>(ChatCall)> stream;
    std::vector<ValueKind> extra_kinds;  // one per parameter after the history
    std::size_t additional_outputs = 0;  // values fn returns after the reply
};

// The arguments of one call, on the heap beside the coroutine that may refer to them: by
// value, const& and && parameters all stay valid across co_yield.
template <class Extras>
struct BoundCall {
    Message message;
    History history;
    Extras extras;
    std::shared_ptr<const History> shared_history;  // set only for a fn taking const History&
};

// `by_ref`: fn takes `const History&`, so a shared history is lent, not copied.
template <class Extras, bool by_ref>
std::unique_ptr<BoundCall<Extras>> bind_call(ChatCall&& call) {
    constexpr std::size_t n = std::tuple_size_v<Extras>;
    if (call.extras.size() != n)
        throw std::invalid_argument("the function takes " + std::to_string(n) + " additional input(s), got " +
                                    std::to_string(call.extras.size()));
    Extras extras = convert_extras<Extras>(call.extras, std::make_index_sequence<n>{});
    if (!by_ref && call.shared_history) {
        call.history = *call.shared_history;  // fn owns its history: its own copy
        call.shared_history.reset();
    }
    return std::make_unique<BoundCall<Extras>>(BoundCall<Extras>{std::move(call.message), std::move(call.history),
                                                                 std::move(extras), std::move(call.shared_history)});
}

template <bool by_ref, class Fn, class Extras>
decltype(auto) invoke_bound(Fn& fn, BoundCall<Extras>& b) {
    return std::apply(
        [&](auto&... extra) -> decltype(auto) {
            if constexpr (by_ref) {
                // Named, so that the coroutine's reference parameter binds to the kept history
                // itself, never to a temporary.
                const History& history = b.shared_history ? *b.shared_history : std::as_const(b.history);
                return std::invoke(fn, std::move(b.message), history, std::move(extra)...);
            } else
                return std::invoke(fn, std::move(b.message), std::move(b.history), std::move(extra)...);
        },
        b.extras);
}

template <class Gen, class Extras>
class BoundStream final : public ReplyStream {
public:
    BoundStream(std::unique_ptr<BoundCall<Extras>> args, Gen gen) noexcept
        : args_(std::move(args)), gen_(std::move(gen)) {}
    ~BoundStream() override { gen_.reset(); }  // the frame goes before its arguments
    BoundStream(const BoundStream&) = delete;
    BoundStream& operator=(const BoundStream&) = delete;
    bool next() override { return gen_.next(); }
    ChatResult value() override { return to_chat_result(std::move(gen_.value())); }

private:
    std::unique_ptr<BoundCall<Extras>> args_;  // declared first: destroyed after gen_
    Gen gen_;
};

template <class Fn, class Extras, class Result, bool by_ref = false>
ChatFunction erase_chat_function(Fn fn) {
    auto shared = std::make_shared<Fn>(std::move(fn));
    ChatFunction out;
    out.extra_kinds = parameter_list<Extras>::kinds();
    if constexpr (is_generator<std::remove_cvref_t<Result>>::value) {
        out.additional_outputs = additional_output_count<typename is_generator<std::remove_cvref_t<Result>>::value_type>();
        out.stream = [f = std::move(shared)](ChatCall call) -> std::unique_ptr<ReplyStream> {
            auto args = bind_call<Extras, by_ref>(std::move(call));
            auto gen = invoke_bound<by_ref>(*f, *args);
            return std::make_unique<BoundStream<std::remove_cvref_t<Result>, Extras>>(std::move(args), std::move(gen));
        };
    } else {
        out.additional_outputs = additional_output_count<Result>();
        out.reply = [f = std::move(shared)](ChatCall call) -> ChatResult {
            auto args = bind_call<Extras, by_ref>(std::move(call));
            return to_chat_result(invoke_bound<by_ref>(*f, *args));
        };
    }
    return out;
}

template <class Result>
constexpr bool valid_result() {
    using R = std::remove_cvref_t<Result>;
    if constexpr (is_generator<R>::value) {
        using Item = typename is_generator<R>::value_type;
        return std::is_convertible_v<Item, Reply> || is_reply_tuple<Item>::value;
    } else {
        return std::is_convertible_v<Result, Reply> || is_reply_tuple<R>::value;
    }
}

template <class Fn>
ChatFunction make_chat_function(Fn fn) {
    using Sig = callable_signature<std::remove_cvref_t<Fn>>;
    if constexpr (!Sig::known) {
        // A generic lambda or an overloaded functor: (message, history) only.
        constexpr bool callable = std::is_invocable_v<Fn&, Message, History>;
        static_assert(callable, "ChatInterface fn must take gr::Message, then gr::History, then the additional inputs");
        if constexpr (callable) {
            using Result = std::invoke_result_t<Fn&, Message, History>;
            static_assert(valid_result<Result>(),
                          "ChatInterface fn must return std::string, gr::ChatMessage, std::vector<gr::ChatMessage> or "
                          "gr::Reply (or a std::tuple of one and values for additional_outputs), or be a "
                          "gr::Generator (gr::Stream) of one of them");
            if constexpr (valid_result<Result>()) return erase_chat_function<Fn, std::tuple<>, Result>(std::move(fn));
        }
        return {};
    } else {
        using Args = typename Sig::args;
        constexpr std::size_t arity = std::tuple_size_v<Args>;
        static_assert(arity >= 2, "ChatInterface fn must take gr::Message, then gr::History, then the additional inputs");
        if constexpr (arity >= 2) {
            constexpr bool head_ok = std::is_same_v<std::remove_cvref_t<std::tuple_element_t<0, Args>>, Message> &&
                                     std::is_same_v<std::remove_cvref_t<std::tuple_element_t<1, Args>>, History>;
            static_assert(head_ok, "ChatInterface fn must take gr::Message, then gr::History (by value, const& or &&), "
                                   "then the additional inputs");
            using Extras = typename extra_parameters<Args, std::make_index_sequence<arity - 2>>::type;
            constexpr bool extras_ok = parameter_list<Extras>::supported;
            static_assert(extras_ok, "an additional input parameter must be std::string, a number, bool, gr::Value, "
                                     "std::optional or std::vector of these");
            using Result = typename Sig::result;
            static_assert(valid_result<Result>(),
                          "ChatInterface fn must return std::string, gr::ChatMessage, std::vector<gr::ChatMessage> or "
                          "gr::Reply (or a std::tuple of one and values for additional_outputs), or be a "
                          "gr::Generator (gr::Stream) of one of them");
            constexpr bool by_ref = std::is_same_v<std::tuple_element_t<1, Args>, const History&>;
            if constexpr (head_ok && extras_ok && valid_result<Result>())
                return erase_chat_function<Fn, Extras, Result, by_ref>(std::move(fn));
        }
        return {};
    }
}

}  // namespace gradio::detail
