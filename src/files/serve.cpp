#include "files/serve.hpp"

#include <charconv>
#include <cstdint>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files/mime_types.hpp"
#include "log/log.hpp"

namespace gradio::detail::files {

namespace {

bool parse_number(std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 19) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

// Content-Disposition with the file's name: plain ASCII in quotes, anything else also as
// RFC 5987 `filename*` (quotes, backslashes and control characters never reach the header).
std::string disposition(bool inline_, const std::string& name) {
    std::string ascii;
    bool plain = true;
    for (unsigned char c : name) {
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ascii += static_cast<char>(c);
        else {
            plain = false;
            ascii += '_';
        }
    }
    std::string value = std::string(inline_ ? "inline" : "attachment") + "; filename=\"" + ascii + "\"";
    if (!plain) {
        static const char* hex = "0123456789ABCDEF";
        value += "; filename*=utf-8''";
        for (unsigned char c : name) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
                value += static_cast<char>(c);
            } else {
                value += '%';
                value += hex[c >> 4];
                value += hex[c & 15];
            }
        }
    }
    return value;
}

}  // namespace

bool parse_range(std::string_view header, std::uint64_t size, std::uint64_t& first, std::uint64_t& length, bool& unsatisfiable) {
    unsatisfiable = false;
    if (!header.starts_with("bytes=")) return false;
    header.remove_prefix(6);
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
    if (header.find(',') != std::string_view::npos) return false;
    const auto dash = header.find('-');
    if (dash == std::string_view::npos) return false;
    const auto a = header.substr(0, dash), b = header.substr(dash + 1);
    std::uint64_t x = 0, y = 0;
    if (a.empty()) {  // the last y bytes
        if (!parse_number(b, y)) return false;
        if (y == 0 || size == 0) {
            unsatisfiable = true;
            return false;
        }
        first = size > y ? size - y : 0;
        length = size - first;
        return true;
    }
    if (!parse_number(a, x)) return false;
    if (!b.empty() && (!parse_number(b, y) || y < x)) return false;
    if (x >= size) {
        unsatisfiable = true;
        return false;
    }
    const std::uint64_t last = b.empty() ? size - 1 : std::min(y, size - 1);
    first = x;
    length = last - x + 1;
    return true;
}

http::Reply serve_file(std::string_view requested, std::string_view range, const FilePolicy& policy) {
    const std::string shown(requested.substr(0, 256));
    const PathDecision decision = check_served_path(requested, policy);
    if (!decision.allowed) {
        log::debug("file refused", {{"path", shown}, {"reason", decision.reason}});
        return http::error_response(403, "File not allowed: " + shown + ".");
    }
    // O_NOFOLLOW: the checked path has no links left; one swapped in since is not followed.
    const int fd = ::open(decision.file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) ::close(fd);
        return http::error_response(403, "File not allowed: " + shown + ".");
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::string name = decision.file.filename().string();
    const std::string_view type = mime_type_of(name);
    const bool inline_ = is_inline_safe(type) || decision.under_allowed_paths;
    http::FileResponse r;
    r.fd = std::shared_ptr<const int>(new int(fd), [](const int* p) {
        ::close(*p);
        delete p;
    });
    r.content_type = inline_ ? std::string(type) : "application/octet-stream";
    if (r.content_type.starts_with("text/")) r.content_type += "; charset=utf-8";
    r.headers = {{"Accept-Ranges", "bytes"},
                 {"Content-Disposition", disposition(inline_, name)},
                 {"Content-Security-Policy", "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"},
                 {"Cache-Control", "private, max-age=3600"}};
    std::uint64_t first = 0, length = size;
    bool unsatisfiable = false;
    if (!range.empty() && parse_range(range, size, first, length, unsatisfiable)) {
        r.status = 206;
        r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) + "/" +
                                                    std::to_string(size));
    } else if (unsatisfiable) {
        http::Response refused = http::error_response(416, "Range not satisfiable: the file has " + std::to_string(size) + " bytes.");
        refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
        return refused;
    }
    r.offset = first;
    r.length = length;
    return r;
}

}  // namespace gradio::detail::files
