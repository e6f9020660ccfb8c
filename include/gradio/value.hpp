#pragma once
/// \file value.hpp
/// `gr::Value`: a JSON-shaped value (null, bool, integer, number, string, list, object) as
/// components send and receive it. It is the library's own type, so public headers never
/// expose the JSON library the server uses.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace gradio {

/// A JSON-shaped value. Objects keep their insertion order (the wire order Gradio uses).
///
/// **Example**
/// \code
/// gr::Value v = gr::Value::Object{{"value", "Yes"}, {"label", 1.5}};
/// if (const gr::Value* label = v.find("label"); label && label->is_number()) use(label->as_number());
/// \endcode
/// Thread safety: a plain value type.
class Value {
public:
    /// A list.
    using Array = std::vector<Value>;
    /// One member of an object: its name and value.
    using Member = std::pair<std::string, Value>;
    /// An object: its members in insertion order.
    using Object = std::vector<Member>;

    /// Null.
    Value() noexcept = default;
    /// Null.
    Value(std::nullptr_t) noexcept {}
    /// A bool.
    Value(bool b) noexcept : v_(b) {}
    /// An integer, from any integral type but `bool` and `char`.
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>)
    Value(I i) noexcept : v_(static_cast<std::int64_t>(i)) {}
    /// A floating-point number.
    Value(double d) noexcept : v_(d) {}
    /// A floating-point number.
    Value(float f) noexcept : v_(static_cast<double>(f)) {}
    /// A string.
    Value(const char* s) : v_(std::string(s)) {}
    /// A string.
    Value(std::string s) noexcept : v_(std::move(s)) {}
    /// A string.
    Value(std::string_view s) : v_(std::string(s)) {}
    /// A list.
    Value(Array a) noexcept : v_(std::move(a)) {}
    /// An object.
    Value(Object o) noexcept : v_(std::move(o)) {}

    /// True for null.
    [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
    /// True for a bool.
    [[nodiscard]] bool is_bool() const noexcept { return std::holds_alternative<bool>(v_); }
    /// True for an integer.
    [[nodiscard]] bool is_int() const noexcept { return std::holds_alternative<std::int64_t>(v_); }
    /// True for a floating-point number.
    [[nodiscard]] bool is_double() const noexcept { return std::holds_alternative<double>(v_); }
    /// An integer or a floating-point number.
    [[nodiscard]] bool is_number() const noexcept { return is_int() || is_double(); }
    /// True for a string.
    [[nodiscard]] bool is_string() const noexcept { return std::holds_alternative<std::string>(v_); }
    /// True for a list.
    [[nodiscard]] bool is_array() const noexcept { return std::holds_alternative<Array>(v_); }
    /// True for an object.
    [[nodiscard]] bool is_object() const noexcept { return std::holds_alternative<Object>(v_); }

    /// The bool. Like every `as_` accessor, throws `std::bad_variant_access` when it holds
    /// another kind.
    [[nodiscard]] bool as_bool() const { return std::get<bool>(v_); }
    /// The integer (a floating-point number throws; see `as_number`).
    [[nodiscard]] std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
    /// The number; integers convert to double.
    [[nodiscard]] double as_number() const {
        return is_int() ? static_cast<double>(std::get<std::int64_t>(v_)) : std::get<double>(v_);
    }
    /// The string.
    [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(v_); }
    /// The list.
    [[nodiscard]] const Array& as_array() const { return std::get<Array>(v_); }
    /// The list, to change it.
    [[nodiscard]] Array& as_array() { return std::get<Array>(v_); }
    /// The object's members.
    [[nodiscard]] const Object& as_object() const { return std::get<Object>(v_); }
    /// The object's members, to change them.
    [[nodiscard]] Object& as_object() { return std::get<Object>(v_); }

    /// The member named `key` of an object; nullptr when absent or not an object.
    [[nodiscard]] const Value* find(std::string_view key) const noexcept {
        if (const auto* o = std::get_if<Object>(&v_))
            for (const auto& [k, v] : *o)
                if (k == key) return &v;
        return nullptr;
    }

    /// Same kind and equal contents: an object's members compare in order, and 1 is not 1.0.
    friend bool operator==(const Value&, const Value&) = default;

private:
    std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> v_{nullptr};
};

namespace detail {
/// The kind of value a component hands to a function; the library checks a chat function's
/// parameter types against its components with it.
enum class ValueKind { any, text, number, boolean, list };
}  // namespace detail

}  // namespace gradio
