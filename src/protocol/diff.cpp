#include "protocol/diff.hpp"

#include <stdexcept>
#include <string>

namespace gradio::detail {

namespace {

bool is_number_like(const json::value& v) { return v.is_number() || v.is_bool(); }

double as_double(const json::value& v) {
    return v.is_bool() ? (v.get_bool() ? 1.0 : 0.0) : v.to_number<double>();
}

// Python's type(a) == type(b), mapping JSON kinds onto the Python types they decode to.
int python_type(const json::value& v) {
    switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64: return 1;
    default: return static_cast<int>(v.kind()) + 10;
    }
}

void diff_into(const json::value& old_value, const json::value& new_value, json::array& path,
               json::array& edits);

// The edits between two lists whose first `offset` elements are known to be equal: `o` holds
// the old list from `o_from` on, `n` the new one from `n_from` on (both start at `offset`).
void diff_arrays(const json::array& o, std::size_t o_from, const json::array& n, std::size_t n_from, json::array& path,
                 json::array& edits, std::size_t offset = 0) {
    auto edit = [&](const char* action, const json::array& p, json::value v) {
        edits.push_back(json::array{action, p, std::move(v)});
    };
    const std::size_t first_edit = edits.size();
    const std::size_t o_size = o.size() - o_from, n_size = n.size() - n_from;
    const std::size_t common = std::min(o_size, n_size);
    for (std::size_t i = 0; i < common; ++i) {
        path.push_back(static_cast<std::int64_t>(offset + i));
        diff_into(o[o_from + i], n[n_from + i], path, edits);
        path.pop_back();
    }
    for (std::size_t i = common; i < o_size; ++i) {
        json::array p = path;
        p.push_back(static_cast<std::int64_t>(offset + i));
        edit("delete", p, nullptr);
    }
    for (std::size_t i = common; i < n_size; ++i) {
        json::array p = path;
        p.push_back(static_cast<std::int64_t>(offset + i));
        edit("add", p, n[n_from + i]);
    }
    // Renumber this list's own deletes so each applies after the ones before it.
    // Gradio also renumbers deletes nested deeper, which makes clients rebuild a wrong
    // value (protocol.md §5.5 quirk: [[1,2],[3,4]] -> [[1],[3]] arrives as [[1],[4]]);
    // we only touch deletes at this depth, which both clients apply correctly.
    std::int64_t deletes_seen = 0;
    for (std::size_t k = first_edit; k < edits.size(); ++k) {
        auto& e = edits[k].get_array();
        if (e[0].get_string() != "delete") continue;
        auto& p = e[1].get_array();
        if (p.size() == path.size() + 1 && p.back().is_int64()) {
            p.back() = p.back().get_int64() - deletes_seen;
            ++deletes_seen;
        }
    }
}

void diff_into(const json::value& old_value, const json::value& new_value, json::array& path,
               json::array& edits) {
    if (python_equal(old_value, new_value)) return;
    auto edit = [&](const char* action, const json::array& p, json::value v) {
        edits.push_back(json::array{action, p, std::move(v)});
    };
    if (python_type(old_value) != python_type(new_value)) {
        edit("replace", path, new_value);
        return;
    }
    if (old_value.is_string()) {
        const auto& o = old_value.get_string();
        const auto& n = new_value.get_string();
        if (n.size() >= o.size() && n.subview(0, o.size()) == o.subview()) {
            edit("append", path, json::string(n.subview(o.size())));
        } else {
            edit("replace", path, new_value);
        }
        return;
    }
    if (old_value.is_array()) {
        diff_arrays(old_value.get_array(), 0, new_value.get_array(), 0, path, edits);
        return;
    }
    if (old_value.is_object()) {
        const auto& o = old_value.get_object();
        const auto& n = new_value.get_object();
        for (const auto& [key, value] : o) {
            if (auto it = n.find(key); it != n.end()) {
                path.push_back(json::string(key));
                diff_into(value, it->value(), path, edits);
                path.pop_back();
            }
        }
        for (const auto& [key, value] : o) {
            if (!n.contains(key)) {
                json::array p = path;
                p.push_back(json::string(key));
                edit("delete", p, nullptr);
            }
        }
        for (const auto& [key, value] : n) {
            if (!o.contains(key)) {
                json::array p = path;
                p.push_back(json::string(key));
                edit("add", p, value);
            }
        }
        return;
    }
    edit("replace", path, new_value);
}

void apply_one(json::value& target, const json::array& path, std::size_t depth,
               std::string_view action, const json::value& v) {
    if (depth + 1 == path.size()) {
        const auto& key = path[depth];
        if (target.is_array() && key.is_int64()) {
            auto& arr = target.get_array();
            const auto i = static_cast<std::size_t>(key.get_int64());
            if (action == "add") {
                if (i > arr.size()) throw std::invalid_argument("diff index out of range");
                arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(i), v);
                return;
            }
            if (i >= arr.size()) throw std::invalid_argument("diff index out of range");
            if (action == "delete") arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(i));
            else if (action == "replace") arr[i] = v;
            else if (action == "append" && arr[i].is_string() && v.is_string())
                arr[i].get_string().append(v.get_string());
            else throw std::invalid_argument("bad diff action");
            return;
        }
        if (target.is_object() && key.is_string()) {
            auto& obj = target.get_object();
            if (action == "delete") obj.erase(key.get_string());
            else if (action == "replace" || action == "add") obj[key.get_string()] = v;
            else if (action == "append" && obj[key.get_string()].is_string() && v.is_string())
                obj[key.get_string()].get_string().append(v.get_string());
            else throw std::invalid_argument("bad diff action");
            return;
        }
        throw std::invalid_argument("diff path does not match the value");
    }
    const auto& key = path[depth];
    if (target.is_array() && key.is_int64() &&
        static_cast<std::size_t>(key.get_int64()) < target.get_array().size()) {
        apply_one(target.get_array()[static_cast<std::size_t>(key.get_int64())], path, depth + 1, action, v);
    } else if (target.is_object() && key.is_string() && target.get_object().contains(key.get_string())) {
        apply_one(target.get_object()[key.get_string()], path, depth + 1, action, v);
    } else {
        throw std::invalid_argument("diff path does not match the value");
    }
}

}  // namespace

bool python_equal(const json::value& a, const json::value& b) {
    if (is_number_like(a) && is_number_like(b)) {
        if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
        return as_double(a) == as_double(b);
    }
    if (a.kind() != b.kind()) return false;
    if (a.is_array()) {
        const auto& x = a.get_array();
        const auto& y = b.get_array();
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!python_equal(x[i], y[i])) return false;
        return true;
    }
    if (a.is_object()) {
        const auto& x = a.get_object();
        const auto& y = b.get_object();
        if (x.size() != y.size()) return false;
        auto next = y.begin();
        for (const auto& [k, v] : x) {
            // Keys in the same order (a value and its echo): no lookup.
            const json::value* other = next != y.end() && next->key() == k ? &next->value() : y.if_contains(k);
            if (next != y.end()) ++next;
            if (!other || !python_equal(v, *other)) return false;
        }
        return true;
    }
    return a == b;
}

json::array diff_tail(const json::array& old_value, std::size_t offset, const json::array& new_tail) {
    json::array edits;
    json::array path;
    if (offset > old_value.size()) throw std::invalid_argument("diff_tail offset beyond the old list");
    diff_arrays(old_value, offset, new_tail, 0, path, edits, offset);
    return edits;
}

json::array diff_tails(const json::array& old_tail, const json::array& new_tail, std::size_t offset) {
    json::array edits;
    json::array path;
    diff_arrays(old_tail, 0, new_tail, 0, path, edits, offset);
    return edits;
}

json::array diff(const json::value& old_value, const json::value& new_value) {
    json::array edits;
    json::array path;
    diff_into(old_value, new_value, path, edits);
    return edits;
}

json::value apply_diff(json::value value, const json::array& edits) {
    for (const auto& e : edits) {
        if (!e.is_array() || e.get_array().size() != 3 || !e.get_array()[0].is_string() ||
            !e.get_array()[1].is_array())
            throw std::invalid_argument("an edit must be [action, path, value]");
        const auto& edit = e.get_array();
        const auto action = edit[0].get_string();
        const auto& path = edit[1].get_array();
        if (path.empty()) {
            if (action == "replace") value = edit[2];
            else if (action == "append" && value.is_string() && edit[2].is_string())
                value.get_string().append(edit[2].get_string());
            else throw std::invalid_argument("bad diff action at the root");
            continue;
        }
        apply_one(value, path, 0, action, edit[2]);
    }
    return value;
}

}  // namespace gradio::detail
