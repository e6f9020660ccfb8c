#pragma once
// multipart/form-data (RFC 7578 over RFC 2046) for POST /gradio_api/upload, parsed as the body
// arrives: the bytes of a file go to a sink (which streams them to disk) as soon as they cannot
// be the start of a delimiter, so memory stays bounded by the part-header limit plus the
// delimiter's length, whatever the size of the files and however the network splits the body.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gradio::detail::files {

enum class BoundaryError { none, not_multipart, missing_boundary };

// The boundary of a Content-Type header value "multipart/form-data; boundary=..." (type and
// parameter names case-insensitive, value quoted or not, other parameters allowed, RFC 2046:
// 1..70 characters of bchars, not ending in a space). "" and `error` set otherwise:
// not_multipart when the type is not multipart/form-data, missing_boundary when it is but the
// boundary is missing, given twice or invalid.
std::string multipart_boundary(std::string_view content_type, BoundaryError& error);

struct MultipartPart {
    std::string name;                     // Content-Disposition name
    std::optional<std::string> filename;  // Content-Disposition filename (a valid RFC 5987 filename*
                                          // wins, percent-decoded to UTF-8); nullopt = a plain field.
                                          // Raw: may hold '/', '\\' or control bytes; the caller
                                          // sanitises it before using it as a file name.
    std::string content_type;             // the part's Content-Type, "" when absent
};

// Receives the parts as they are parsed. Each callback returns "" to go on, or an error message
// that stops the parse (MultipartParser::error() then returns it and error_kind() is `sink`).
// Callbacks must not throw; if one does anyway, the exception is caught and becomes a sink error
// with its what() as the message. After an error no further callback comes: a part begun but
// never ended (an error or a truncated body) is the sink's to discard.
class MultipartSink {
public:
    virtual ~MultipartSink() = default;
    virtual std::string begin_part(const MultipartPart& part) = 0;
    virtual std::string part_data(std::string_view bytes) = 0;  // any number of calls per part, in order, never empty
    virtual std::string end_part() = 0;
};

// Outside the class only so that `= {}` can be a default argument of its constructor (a
// nested class with member initializers is incomplete there: GCC rejects it).
struct MultipartLimits {
    std::size_t max_part_header_bytes = 8192;  // one part's header lines, CRLFs included
    std::size_t max_parts = 2000;
};

class MultipartParser {
public:
    using Limits = MultipartLimits;
    enum class ErrorKind { none, malformed, header_too_large, too_many_parts, sink };

    // `boundary` as multipart_boundary() returns it; an invalid one is a malformed error at once.
    MultipartParser(std::string boundary, MultipartSink& sink, Limits limits = {});

    // The next bytes of the body, split anywhere. False once an error happened; later calls do
    // nothing. Bytes after the closing delimiter (the epilogue) are ignored.
    bool feed(std::string_view bytes);
    // The body ended: false (malformed, "The body ended before the closing boundary.") unless the
    // closing delimiter was seen.
    bool finish();

    [[nodiscard]] bool done() const noexcept { return state_ == State::done; }  // closing delimiter seen
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    [[nodiscard]] ErrorKind error_kind() const noexcept { return error_kind_; }
    [[nodiscard]] std::size_t parts() const noexcept { return parts_; }  // parts begun so far

private:
    enum class State { preamble, after_boundary, after_boundary_cr, after_boundary_dash, headers, data, done, failed };

    std::size_t scan_data(std::string_view bytes);
    std::size_t read_headers(std::string_view bytes);
    bool start_part();
    bool emit(std::string_view bytes);
    bool delimiter_found();
    bool fail(ErrorKind kind, std::string message);
    template <class F>
    bool call_sink(F&& callback);

    std::string delimiter_;  // CRLF "--" boundary
    MultipartSink& sink_;
    Limits limits_;
    State state_ = State::preamble;
    // A proper prefix of delimiter_ seen at the end of the previous feed (held back: it may yet
    // become a delimiter), or a header section being collected.
    std::string held_;
    std::string header_;
    std::size_t parts_ = 0;
    std::string error_;
    ErrorKind error_kind_ = ErrorKind::none;
};

}  // namespace gradio::detail::files
