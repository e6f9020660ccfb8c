// The incremental multipart/form-data parser: a small state machine over the delimiter lines and
// part headers; part data is scanned with memchr for the CR that starts every delimiter.
#include "files/multipart.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <utility>
#include <vector>

#include "http/utf8.hpp"

namespace gradio::detail::files {
namespace {

constexpr std::size_t kMaxBoundary = 70;  // RFC 2046

bool is_ws(char c) noexcept { return c == ' ' || c == '\t'; }

char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 2046 bchars. None is CR, which the data scan relies on: the delimiter's only CR is its first byte.
bool is_bchar(char c) noexcept {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view boundary) noexcept {
    return !boundary.empty() && boundary.size() <= kMaxBoundary && boundary.back() != ' ' &&
           std::all_of(boundary.begin(), boundary.end(), is_bchar);
}

struct Param {
    std::string name;  // lower case
    std::string value;
};

// The "; name=value" list after a media type or disposition type, from text[pos] (a ';').
// Values are tokens (up to the next ';', trimmed) or quoted strings in which only \" and \\ are
// escapes, as in Python's email.utils.unquote: an old browser's filename="C:\dir\a.txt" keeps its
// backslashes. Parameters without '=' are skipped. False on an unterminated quoted string or
// text after a quoted value.
bool parse_params(std::string_view text, std::size_t pos, std::vector<Param>& out) {
    const auto skip_ws = [&] {
        while (pos < text.size() && is_ws(text[pos])) ++pos;
    };
    while (true) {
        skip_ws();
        if (pos == text.size()) return true;
        if (text[pos] != ';') return false;
        ++pos;
        const std::size_t name_end = text.find_first_of("=;", pos);
        if (name_end == std::string_view::npos || text[name_end] == ';') {
            pos = std::min(name_end, text.size());
            continue;
        }
        Param param;
        for (const char c : trim(text.substr(pos, name_end - pos))) param.name += ascii_lower(c);
        pos = name_end + 1;
        skip_ws();
        if (pos < text.size() && text[pos] == '"') {
            ++pos;
            bool closed = false;
            while (pos < text.size()) {
                const char c = text[pos++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && pos < text.size() && (text[pos] == '"' || text[pos] == '\\')) param.value += text[pos++];
                else param.value += c;
            }
            if (!closed) return false;
        } else {
            const std::size_t end = std::min(text.find(';', pos), text.size());
            param.value = trim(text.substr(pos, end - pos));
            pos = end;
        }
        out.push_back(std::move(param));
    }
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// An RFC 5987 ext-value, charset'language'percent-encoded, as UTF-8; nullopt when it is not one
// we can read (recipients must support UTF-8 and ISO-8859-1; the decoded UTF-8 must be valid).
std::optional<std::string> decode_ext_value(std::string_view value) {
    const std::size_t q1 = value.find('\'');
    if (q1 == std::string_view::npos) return std::nullopt;
    const std::size_t q2 = value.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return std::nullopt;
    const std::string_view charset = value.substr(0, q1);
    const bool utf8 = iequals(charset, "utf-8");
    if (!utf8 && !iequals(charset, "iso-8859-1")) return std::nullopt;
    std::string raw;
    for (std::size_t i = q2 + 1; i < value.size(); ++i) {
        if (value[i] != '%') {
            raw += value[i];
            continue;
        }
        const int hi = i + 2 < value.size() ? hex_value(value[i + 1]) : -1;
        const int lo = hi >= 0 ? hex_value(value[i + 2]) : -1;
        if (lo < 0) return std::nullopt;
        raw += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    if (utf8) {
        if (!http::is_valid_utf8(raw)) return std::nullopt;
        return raw;
    }
    std::string out;
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80) {
            out += c;
        } else {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        }
    }
    return out;
}

// A Content-Disposition value into `part`; "" or why it is malformed.
std::string parse_disposition(std::string_view value, MultipartPart& part) {
    const std::size_t semi = value.find(';');
    if (!iequals(trim(value.substr(0, semi)), "form-data")) return "A part's Content-Disposition is not form-data.";
    std::vector<Param> params;
    if (semi != std::string_view::npos && !parse_params(value, semi, params))
        return "A part's Content-Disposition header is malformed.";
    std::optional<std::string> name, filename, filename_ext;
    for (Param& param : params) {
        std::optional<std::string>* slot = param.name == "name"        ? &name
                                           : param.name == "filename"  ? &filename
                                           : param.name == "filename*" ? &filename_ext
                                                                       : nullptr;
        if (slot == nullptr) continue;
        // Twice is ambiguous (a filter in front of us may have read the other one): refused.
        if (*slot) return "A part's Content-Disposition has the parameter \"" + param.name + "\" twice.";
        *slot = std::move(param.value);
    }
    if (!name) return "The Content-Disposition header field \"name\" must be provided.";
    part.name = std::move(*name);
    if (filename_ext) {
        if (auto decoded = decode_ext_value(*filename_ext)) filename = std::move(decoded);
    }
    part.filename = std::move(filename);
    return {};
}

// A part's header section (the lines without the final CRLF) into `part`; "" or why it is malformed.
std::string parse_part_headers(std::string_view section, MultipartPart& part) {
    if (section.empty()) return "A part has no Content-Disposition header.";
    std::vector<std::string> lines;
    for (std::size_t pos = 0;;) {
        const std::size_t end = std::min(section.find("\r\n", pos), section.size());
        const std::string_view line = section.substr(pos, end - pos);
        // Obsolete line folding: a line starting with white space continues the previous one.
        if (!line.empty() && is_ws(line.front()) && !lines.empty()) {
            lines.back() += ' ';
            lines.back() += trim(line);
        } else {
            lines.emplace_back(line);
        }
        if (end == section.size()) break;
        pos = end + 2;
    }
    bool has_disposition = false, has_type = false;
    for (std::string& line : lines) {
        // A lone CR or LF inside a line is odd white space, not a line break.
        std::replace_if(line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || trim(std::string_view(line).substr(0, colon)).empty())
            return "A part header line has no name and colon.";
        const std::string_view name = trim(std::string_view(line).substr(0, colon));
        const std::string_view value = trim(std::string_view(line).substr(colon + 1));
        if (iequals(name, "content-disposition")) {
            if (has_disposition) return "A part has two Content-Disposition headers.";
            has_disposition = true;
            if (std::string why = parse_disposition(value, part); !why.empty()) return why;
        } else if (iequals(name, "content-type")) {
            if (has_type) return "A part has two Content-Type headers.";
            has_type = true;
            part.content_type = value;
        }
    }
    if (!has_disposition) return "A part has no Content-Disposition header.";
    return {};
}

}  // namespace

std::string multipart_boundary(std::string_view content_type, BoundaryError& error) {
    error = BoundaryError::none;
    const std::size_t semi = content_type.find(';');
    if (!iequals(trim(content_type.substr(0, semi)), "multipart/form-data")) {
        error = BoundaryError::not_multipart;
        return {};
    }
    std::vector<Param> params;
    const std::string* boundary = nullptr;
    bool twice = false;
    if (semi != std::string_view::npos && parse_params(content_type, semi, params)) {
        for (const Param& param : params) {
            if (param.name != "boundary") continue;
            twice = twice || boundary != nullptr;
            boundary = &param.value;
        }
    }
    if (boundary == nullptr || twice || !valid_boundary(*boundary)) {
        error = BoundaryError::missing_boundary;
        return {};
    }
    return *boundary;
}

MultipartParser::MultipartParser(std::string boundary, MultipartSink& sink, Limits limits)
    : delimiter_("\r\n--" + boundary), sink_(sink), limits_(limits) {
    // The first delimiter may open the body with no line break before it: scan as if the body
    // began with one (held back like any possible delimiter start, and dropped as preamble).
    held_ = "\r\n";
    if (!valid_boundary(boundary)) fail(ErrorKind::malformed, "The multipart boundary is invalid.");
}

template <class F>
bool MultipartParser::call_sink(F&& callback) {
    std::string message;
    try {
        message = std::forward<F>(callback)();
    } catch (const std::exception& e) {  // a contract violation, but not one to take the server down
        message = e.what();
        if (message.empty()) message = "The upload handler failed.";
    } catch (...) {
        message = "The upload handler failed.";
    }
    if (message.empty()) return true;
    return fail(ErrorKind::sink, std::move(message));
}

bool MultipartParser::fail(ErrorKind kind, std::string message) {
    state_ = State::failed;
    error_kind_ = kind;
    error_ = std::move(message);
    held_.clear();
    header_.clear();
    return false;
}

bool MultipartParser::emit(std::string_view bytes) {
    if (bytes.empty() || state_ != State::data) return true;  // the preamble is dropped
    return call_sink([&] { return sink_.part_data(bytes); });
}

bool MultipartParser::delimiter_found() {
    if (state_ == State::data && !call_sink([&] { return sink_.end_part(); })) return false;
    state_ = State::after_boundary;
    return true;
}

bool MultipartParser::start_part() {
    if (parts_ >= limits_.max_parts)
        return fail(ErrorKind::too_many_parts,
                    "Too many parts. Maximum number of parts is " + std::to_string(limits_.max_parts) + ".");
    ++parts_;
    // The delimiter line's CRLF starts the buffer, so an empty header section is found as
    // CRLF CRLF like the end of any other.
    header_.assign("\r\n");
    state_ = State::headers;
    return true;
}

std::size_t MultipartParser::scan_data(std::string_view bytes) {
    const std::string_view delimiter(delimiter_);
    if (!held_.empty()) {
        const std::size_t want = delimiter.size() - held_.size();
        const std::size_t n = std::min(want, bytes.size());
        if (bytes.substr(0, n) == delimiter.substr(held_.size(), n)) {
            if (n < want) {
                held_.append(bytes.data(), n);
            } else {
                held_.clear();
                delimiter_found();
            }
            return n;
        }
        // Not a delimiter after all, and none starts inside held_: its only CR is its first byte.
        std::string kept = std::move(held_);
        held_.clear();
        if (!emit(kept)) return 0;
    }
    std::size_t from = 0;  // bytes[from..] not yet handed on
    std::size_t pos = 0;
    while (true) {
        const void* cr = pos < bytes.size() ? std::memchr(bytes.data() + pos, '\r', bytes.size() - pos) : nullptr;
        if (cr == nullptr) {
            emit(bytes.substr(from));
            return bytes.size();
        }
        const auto i = static_cast<std::size_t>(static_cast<const char*>(cr) - bytes.data());
        const std::size_t n = std::min(delimiter.size(), bytes.size() - i);
        if (bytes.substr(i, n) != delimiter.substr(0, n)) {
            pos = i + 1;
            continue;
        }
        if (!emit(bytes.substr(from, i - from))) return 0;
        if (n < delimiter.size()) {  // a possible delimiter cut by the end of this feed
            held_.assign(bytes.substr(i));
            return bytes.size();
        }
        delimiter_found();
        return i + n;
    }
}

std::size_t MultipartParser::read_headers(std::string_view bytes) {
    // Room for the leading CRLF, a section at the limit and its terminating CRLF CRLF: if no
    // terminator is in that many bytes, the section is over the limit whatever follows.
    const std::size_t max = limits_.max_part_header_bytes;
    const std::size_t cap = max > std::numeric_limits<std::size_t>::max() - 6 ? max : max + 6;
    const std::size_t old = header_.size();
    const std::size_t take = std::min(bytes.size(), cap - old);
    header_.append(bytes.data(), take);
    const std::size_t end = header_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (end == std::string::npos || end > max) {
        // `end` is the size of the header lines with their CRLFs.
        if (end != std::string::npos || header_.size() >= cap)
            fail(ErrorKind::header_too_large, "Headers exceeded maximum allowed size of " + std::to_string(max) + " bytes.");
        return take;
    }
    MultipartPart part;
    const std::string_view section = end < 2 ? std::string_view{} : std::string_view(header_).substr(2, end - 2);
    if (std::string why = parse_part_headers(section, part); !why.empty()) {
        fail(ErrorKind::malformed, std::move(why));
        return take;
    }
    const std::size_t used = end + 4 - old;
    header_.clear();
    state_ = State::data;
    call_sink([&] { return sink_.begin_part(part); });
    return used;
}

bool MultipartParser::feed(std::string_view bytes) {
    try {
        while (!bytes.empty()) {
            std::size_t used = 1;
            const char c = bytes.front();
            switch (state_) {
            case State::failed: return false;
            case State::done: return true;  // the epilogue
            case State::preamble:
            case State::data: used = scan_data(bytes); break;
            case State::after_boundary:  // transport padding, then CRLF or "--"
                if (c == '\r') state_ = State::after_boundary_cr;
                else if (c == '-') state_ = State::after_boundary_dash;
                else if (!is_ws(c)) return fail(ErrorKind::malformed, "A boundary line does not end with a line break.");
                break;
            case State::after_boundary_cr:
                if (c != '\n') return fail(ErrorKind::malformed, "A boundary line does not end with a line break.");
                if (!start_part()) return false;
                break;
            case State::after_boundary_dash:
                if (c != '-') return fail(ErrorKind::malformed, "A boundary line does not end with a line break.");
                state_ = State::done;
                return true;
            case State::headers: used = read_headers(bytes); break;
            }
            if (state_ == State::failed) return false;
            bytes.remove_prefix(used);
        }
        return state_ != State::failed;
    } catch (const std::bad_alloc&) {
        // Our buffers are bounded; this is the sink's or the machine's memory. The message fits
        // std::string's small buffer, so reporting it allocates nothing.
        return fail(ErrorKind::malformed, "Out of memory.");
    }
}

bool MultipartParser::finish() {
    if (state_ == State::failed) return false;
    if (state_ == State::done) return true;
    return fail(ErrorKind::malformed, "The body ended before the closing boundary.");
}

}  // namespace gradio::detail::files
