// The file= route's policy: lexical and canonical containment by whole path components.
#include "files/path_policy.hpp"

#include <algorithm>
#include <optional>
#include <system_error>
#include <utility>

namespace gradio::detail::files {
namespace {

namespace fs = std::filesystem;
using Components = std::vector<std::string>;

PathDecision refuse(std::string reason) {
    PathDecision decision;
    decision.reason = std::move(reason);
    return decision;
}

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_component(const std::string& a, const std::string& b, bool ignore_case) noexcept {
    if (!ignore_case) return a == b;
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// The components of an absolute normalised path, without the empty last one a trailing slash
// leaves: comparing these, /tmp/ab is not inside /tmp/a (a string prefix would say it is).
Components components(const fs::path& path) {
    Components out;
    for (const fs::path& part : path)
        if (!part.empty()) out.push_back(part.string());
    return out;
}

bool inside_or_equal(const Components& path, const Components& dir, bool ignore_case = false) noexcept {
    if (dir.empty() || dir.size() > path.size()) return false;
    for (std::size_t i = 0; i < dir.size(); ++i)
        if (!same_component(path[i], dir[i], ignore_case)) return false;
    return true;
}

// ^[A-Za-z][A-Za-z0-9+.-]*: — a URL scheme ("http:", "file:") or a drive letter ("C:").
bool starts_with_scheme(std::string_view path) noexcept {
    const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    if (path.empty() || !alpha(path[0])) return false;
    std::size_t i = 1;
    while (i < path.size() && (alpha(path[i]) || (path[i] >= '0' && path[i] <= '9') || path[i] == '+' ||
                               path[i] == '.' || path[i] == '-'))
        ++i;
    return i < path.size() && path[i] == ':';
}

// One policy entry as written (absolute, lexically normal) and as resolved (nullopt when the
// file system cannot resolve even its existing prefix).
struct Entry {
    Components lexical;
    std::optional<Components> canonical;
};

std::vector<Entry> entries(const std::vector<fs::path>& paths, const fs::path& cwd) {
    std::vector<Entry> out;
    for (const fs::path& path : paths) {
        if (path.empty()) continue;  // would otherwise mean the current directory
        if (path.is_relative() && cwd.empty()) continue;
        const fs::path absolute = (path.is_absolute() ? path : cwd / path).lexically_normal();
        Entry entry{components(absolute), std::nullopt};
        std::error_code ec;
        const fs::path resolved = fs::weakly_canonical(absolute, ec);
        if (!ec) entry.canonical = components(resolved);
        out.push_back(std::move(entry));
    }
    return out;
}

bool in_any(const Components& path, const std::vector<Entry>& list, bool lexical_forms, bool ignore_case = false) {
    return std::any_of(list.begin(), list.end(), [&](const Entry& e) {
        return (lexical_forms && inside_or_equal(path, e.lexical, ignore_case)) ||
               (e.canonical && inside_or_equal(path, *e.canonical, ignore_case));
    });
}

bool equals_any(const Components& path, const std::vector<Entry>& list, bool lexical_forms) {
    return std::any_of(list.begin(), list.end(), [&](const Entry& e) {
        return (lexical_forms && path == e.lexical) || (e.canonical && path == *e.canonical);
    });
}

const char* file_kind(fs::file_type type) noexcept {
    switch (type) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
    }
}

}  // namespace

PathDecision check_served_path(std::string_view requested, const FilePolicy& policy) {
    if (requested.empty()) return refuse("the path is empty");
    if (std::any_of(requested.begin(), requested.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return refuse("the path contains a control character");
    // Windows separators, UNC shares ("\\server\share") and "\/" or "/\" tricks: never a name we serve.
    if (requested.find('\\') != std::string_view::npos) return refuse("the path contains a backslash");
    if (requested.substr(0, 2) == "//") return refuse("the path starts with //");
    if (starts_with_scheme(requested)) return refuse("the path looks like a URL or a drive letter");

    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (ec) cwd.clear();
    const fs::path path(requested);
    if (path.is_relative() && cwd.empty()) return refuse("a relative path, and the current directory is unknown");

    const fs::path lexical = (path.is_absolute() ? path : cwd / path).lexically_normal();
    const Components written = components(lexical);
    const std::vector<Entry> blocked = entries(policy.blocked_paths, cwd);
    if (in_any(written, blocked, true, true)) return refuse("the path is inside a blocked path");
    const std::vector<Entry> roots = entries(policy.roots, cwd);
    const std::vector<Entry> allowed = entries(policy.allowed_paths, cwd);
    const std::vector<Entry> named = entries(policy.files, cwd);
    if (!in_any(written, roots, true) && !in_any(written, allowed, true) && !equals_any(written, named, true))
        return refuse("the path is outside the app's folders, allowed_paths and named files");

    const fs::path resolved = fs::canonical(lexical, ec);
    if (ec) return refuse("cannot resolve the path: " + ec.message());
    const Components real = components(resolved);
    if (in_any(real, blocked, true, true)) return refuse("the path resolves inside a blocked path");
    const bool under_allowed = in_any(real, allowed, false);
    if (!under_allowed && !in_any(real, roots, false) && !equals_any(real, named, false))
        return refuse("the path resolves (through a symbolic link) outside the app's folders, allowed_paths and named files");

    const fs::file_status status = fs::status(resolved, ec);
    if (ec) return refuse("cannot read the file's status: " + ec.message());
    if (status.type() != fs::file_type::regular) return refuse(std::string("the path is ") + file_kind(status.type()));

    PathDecision decision;
    decision.allowed = true;
    decision.file = resolved;
    decision.under_allowed_paths = under_allowed;
    return decision;
}

}  // namespace gradio::detail::files
