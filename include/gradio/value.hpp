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
    using Array = std::vector<Value>;
    using Member = std::pair<std::string, Value>;
    using Object = std::vector<Member>;

    Value() noexcept = default;
    Value(std::nullptr_t) noexcept {}
    Value(bool b) noexcept : v_(b) {}
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>)
    Value(I i) noexcept : v_(static_cast<std::int64_t>(i)) {}
    Value(double d) noexcept : v_(d) {}
    Value(float f) noexcept : v_(static_cast<double>(f)) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(std::string s) noexcept : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(Array a) noexcept : v_(std::move(a)) {}
    Value(Object o) noexcept : v_(std::move(o)) {}

    [[nodiscard]] bool is_null() const noexcept { return v_.index() == 0; }
    [[nodiscard]] bool is_bool() const noexcept { return std::holds_alternative<bool>(v_); }
    [[nodiscard]] bool is_int() const noexcept { return std::holds_alternative<std::int64_t>(v_); }
    [[nodiscard]] bool is_double() const noexcept { return std::holds_alternative<double>(v_); }
    /// An integer or a floating-point number.
    [[nodiscard]] bool is_number() const noexcept { return is_int() || is_double(); }
    [[nodiscard]] bool is_string() const noexcept { return std::holds_alternative<std::string>(v_); }
    [[nodiscard]] bool is_array() const noexcept { return std::holds_alternative<Array>(v_); }
    [[nodiscard]] bool is_object() const noexcept { return std::holds_alternative<Object>(v_); }

    /// The value itself; throws `std::bad_variant_access` when it holds another kind.
    [[nodiscard]] bool as_bool() const { return std::get<bool>(v_); }
    [[nodiscard]] std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
    /// Integers convert to double.
    [[nodiscard]] double as_number() const {
        return is_int() ? static_cast<double>(std::get<std::int64_t>(v_)) : std::get<double>(v_);
    }
    [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(v_); }
    [[nodiscard]] const Array& as_array() const { return std::get<Array>(v_); }
    [[nodiscard]] Array& as_array() { return std::get<Array>(v_); }
    [[nodiscard]] const Object& as_object() const { return std::get<Object>(v_); }
    [[nodiscard]] Object& as_object() { return std::get<Object>(v_); }

    /// The member named `key` of an object; nullptr when absent or not an object.
    [[nodiscard]] const Value* find(std::string_view key) const noexcept {
        if (const auto* o = std::get_if<Object>(&v_))
            for (const auto& [k, v] : *o)
                if (k == key) return &v;
        return nullptr;
    }

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
