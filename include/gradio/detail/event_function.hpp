#pragma once
/// \file detail/event_function.hpp
/// How `gr::Blocks` holds an event function: its parameters are read from its signature (an
/// input component's value as `std::string`, numbers, `bool`, `gr::Value`, `gr::History`, ...;
/// an event payload as `gr::LikeData`, `gr::SelectData`, ... wherever it appears), and its
/// result (nothing, one output, a `std::tuple` of outputs, a `std::vector<gr::Output>`, or a
/// `gr::Generator` of these) is erased behind `EventFunction`. Not part of the public API.

#include <cstddef>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <gradio/detail/chat_function.hpp>
#include <gradio/events.hpp>

namespace gradio::detail {

// ---- event payload parameters ----------------------------------------------------------

template <class T>
constexpr bool is_event_data_v =
    std::is_same_v<T, SelectData> || std::is_same_v<T, LikeData> || std::is_same_v<T, RetryData> ||
    std::is_same_v<T, EditData> || std::is_same_v<T, CopyData> || std::is_same_v<T, EventData>;

// Fill a payload from the event's data; throw std::invalid_argument when it does not fit
// (defined in src/blocks/event_data.cpp).
void read_event_data(const Value& data, SelectData& out);
void read_event_data(const Value& data, LikeData& out);
void read_event_data(const Value& data, RetryData& out);
void read_event_data(const Value& data, EditData& out);
void read_event_data(const Value& data, CopyData& out);
void read_event_data(const Value& data, EventData& out);

template <class Args, std::size_t I>
constexpr std::size_t input_position() {
    std::size_t n = 0;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
        ((n += is_event_data_v<std::remove_cvref_t<std::tuple_element_t<J, Args>>> ? 0 : 1), ...);
    }(std::make_index_sequence<I>{});
    return n;
}

template <class Args>
constexpr std::size_t input_count() {
    return input_position<Args, std::tuple_size_v<Args>>();
}

template <class Args>
constexpr bool takes_event_data() {
    return input_count<Args>() != std::tuple_size_v<Args>;
}

template <class T>
constexpr bool supported_event_parameter() {
    return is_event_data_v<T> || supported_parameter<T>();
}

template <class Args, std::size_t I>
auto event_argument(std::vector<Value>& inputs, const Value& data) {
    using T = std::remove_cvref_t<std::tuple_element_t<I, Args>>;
    if constexpr (is_event_data_v<T>) {
        T out;
        read_event_data(data, out);
        return out;
    } else {
        return convert_one<T>(inputs, input_position<Args, I>());
    }
}

template <class Args, std::size_t... I>
auto event_arguments(std::vector<Value>& inputs, const Value& data, std::index_sequence<I...>) {
    // Braced initialisation converts left to right, so the first bad value is the one reported.
    return std::tuple<std::remove_cvref_t<std::tuple_element_t<I, Args>>...>{event_argument<Args, I>(inputs, data)...};
}

// ---- results ---------------------------------------------------------------------------

template <class T>
struct is_tuple : std::false_type {};
template <class... T>
struct is_tuple<std::tuple<T...>> : std::true_type {};

/// The number of outputs of a result type; `dynamic_outputs` for `std::vector<gr::Output>`.
inline constexpr std::size_t dynamic_outputs = static_cast<std::size_t>(-1);

template <class R>
constexpr bool valid_event_result() {
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_void_v<T> || std::is_same_v<T, std::vector<Output>>) return true;
    else if constexpr (is_tuple<T>::value)
        return []<class... E>(std::type_identity<std::tuple<E...>>) {
            return (std::is_constructible_v<Output, E> && ...);
        }(std::type_identity<T>{});
    else return std::is_constructible_v<Output, T>;
}

template <class R>
constexpr std::size_t output_count() {
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_void_v<T>) return 0;
    else if constexpr (std::is_same_v<T, std::vector<Output>>) return dynamic_outputs;
    else if constexpr (is_tuple<T>::value) return std::tuple_size_v<T>;
    else return 1;
}

template <class R>
std::vector<Output> to_outputs(R&& result) {
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_same_v<T, std::vector<Output>>) return std::forward<R>(result);
    else if constexpr (is_tuple<T>::value)
        return std::apply([](auto&&... e) { return std::vector<Output>{Output(std::move(e))...}; }, std::move(result));
    else {
        std::vector<Output> out;
        out.emplace_back(std::move(result));
        return out;
    }
}

// ---- the erased event function -----------------------------------------------------------

/// A streaming event's outputs; destroying it destroys the coroutine (then its arguments).
class OutputsStream {
public:
    virtual ~OutputsStream() = default;
    /// Runs the coroutine to its next `co_yield`; false when it finished.
    [[nodiscard]] virtual bool next() = 0;
    /// The outputs after the last `co_yield`.
    [[nodiscard]] virtual std::vector<Output> value() = 0;
};

/// The event function with its types erased; exactly one of `call` and `stream` is set.
struct EventFunction {
    std::function<std::vector<Output>(std::vector<Value>& inputs, const Value& event_data)> call;
    std::function<std::unique_ptr<OutputsStream>(std::vector<Value>& inputs, const Value& event_data)> stream;
    std::size_t inputs = 0;             // parameters fed by input components
    std::size_t outputs = 0;            // values returned; dynamic_outputs = checked per call
    bool event_data = false;            // some parameter is an event payload
    std::vector<ValueKind> input_kinds;  // one per input parameter
};

template <class Args, class Gen>
class BoundOutputs final : public OutputsStream {
public:
    BoundOutputs(std::unique_ptr<Args> args, Gen gen) noexcept : args_(std::move(args)), gen_(std::move(gen)) {}
    ~BoundOutputs() override { gen_.reset(); }  // the frame goes before its arguments
    BoundOutputs(const BoundOutputs&) = delete;
    BoundOutputs& operator=(const BoundOutputs&) = delete;
    bool next() override { return gen_.next(); }
    std::vector<Output> value() override { return to_outputs(std::move(gen_.value())); }

private:
    std::unique_ptr<Args> args_;  // declared first: destroyed after gen_
    Gen gen_;
};

template <class Args>
struct input_kinds_of;
template <class... A>
struct input_kinds_of<std::tuple<A...>> {
    static std::vector<ValueKind> get() {
        std::vector<ValueKind> out;
        ((is_event_data_v<std::remove_cvref_t<A>> ? void() : out.push_back(kind_of<std::remove_cvref_t<A>>())), ...);
        return out;
    }
};

template <class Fn, class Args, class Result>
EventFunction erase_event_function(Fn fn) {
    constexpr std::size_t arity = std::tuple_size_v<Args>;
    using Values = decltype(event_arguments<Args>(std::declval<std::vector<Value>&>(), std::declval<const Value&>(),
                                                  std::make_index_sequence<arity>{}));
    auto shared = std::make_shared<Fn>(std::move(fn));
    EventFunction out;
    out.inputs = input_count<Args>();
    out.event_data = takes_event_data<Args>();
    out.input_kinds = input_kinds_of<Args>::get();
    if constexpr (is_generator<std::remove_cvref_t<Result>>::value) {
        using Item = typename is_generator<std::remove_cvref_t<Result>>::value_type;
        out.outputs = output_count<Item>();
        out.stream = [f = std::move(shared)](std::vector<Value>& inputs, const Value& data) -> std::unique_ptr<OutputsStream> {
            auto args = std::make_unique<Values>(event_arguments<Args>(inputs, data, std::make_index_sequence<arity>{}));
            auto gen = std::apply([&](auto&... a) { return std::invoke(*f, std::move(a)...); }, *args);
            return std::make_unique<BoundOutputs<Values, std::remove_cvref_t<Result>>>(std::move(args), std::move(gen));
        };
    } else {
        out.outputs = output_count<Result>();
        out.call = [f = std::move(shared)](std::vector<Value>& inputs, const Value& data) -> std::vector<Output> {
            Values args = event_arguments<Args>(inputs, data, std::make_index_sequence<arity>{});
            if constexpr (std::is_void_v<Result>) {
                std::apply([&](auto&... a) { std::invoke(*f, std::move(a)...); }, args);
                return {};
            } else {
                return to_outputs(std::apply([&](auto&... a) -> Result { return std::invoke(*f, std::move(a)...); }, args));
            }
        };
    }
    return out;
}

template <class Result>
constexpr bool valid_event_return() {
    using R = std::remove_cvref_t<Result>;
    if constexpr (is_generator<R>::value) return valid_event_result<typename is_generator<R>::value_type>();
    else return valid_event_result<Result>();
}

template <class Fn>
EventFunction make_event_function(Fn fn) {
    using Sig = callable_signature<std::remove_cvref_t<Fn>>;
    static_assert(Sig::known, "an event function must have one signature (not a generic lambda)");
    if constexpr (Sig::known) {
        using Args = typename Sig::args;
        constexpr bool params_ok = []<class... A>(std::type_identity<std::tuple<A...>>) {
            return (supported_event_parameter<std::remove_cvref_t<A>>() && ...);
        }(std::type_identity<Args>{});
        static_assert(params_ok, "an event function parameter must be std::string, a number, bool, gr::Value, "
                                 "gr::History, std::optional or std::vector of these, or an event payload "
                                 "(gr::SelectData, gr::LikeData, gr::RetryData, gr::EditData, gr::CopyData, gr::EventData)");
        using Result = typename Sig::result;
        static_assert(valid_event_return<Result>(),
                      "an event function returns nothing, one output value (gr::Output), a std::tuple of them, a "
                      "std::vector<gr::Output>, or is a gr::Generator of one of these");
        if constexpr (params_ok && valid_event_return<Result>()) return erase_event_function<Fn, Args, Result>(std::move(fn));
    }
    return {};
}

}  // namespace gradio::detail
