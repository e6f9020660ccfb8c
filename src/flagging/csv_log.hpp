#pragma once
// The flagging log of ChatInterface's flagging_mode="manual": `<flagging_dir>/log.csv`.
//
// Unlike Gradio's ChatCSVLogger (5 header names, 4 cells per row), every row here has exactly as
// many cells as the header. Rows end in CRLF (RFC 4180, and what Python's csv module writes, so
// a log started by Gradio can be continued). Each row reaches the file with one write(2) on an
// O_APPEND descriptor, under a mutex (threads) and flock(LOCK_EX) (other processes), and is
// fdatasync'ed before append() returns: an acknowledged row survives kill -9 and power loss.
//
// An existing log whose first record is not our header is refused (CsvLogError naming the
// file) rather than appended to: mixing column layouts would make the log unreadable.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace gradio::detail {

// An I/O failure or a refused row/file. Deliberately not gr::Error: that message is shown to
// every end user verbatim, and this one names server paths. Callers decide what users see.
class CsvLogError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The log reached its size bound: the row was not written.
class CsvLogFull : public CsvLogError {
public:
    using CsvLogError::CsvLogError;
};

class CsvLog {
public:
    // The file never grows beyond this: a client clicking flag in a loop cannot fill the disk.
    static constexpr std::uintmax_t kDefaultMaxFileBytes = std::uintmax_t{256} << 20;
    // Rows larger than this (escaped, with separators) are refused: one write(2) of a row must
    // stay cheap, and a flag click should never append megabytes.
    static constexpr std::size_t kDefaultMaxRowBytes = std::size_t{1} << 20;

    // Creates `dir` (and parents) and `dir/log.csv`. Writes the header if the file is new or
    // empty. A tail left torn by a power loss (bytes after the last complete record, never
    // acknowledged) is cut off first. Throws CsvLogError if the file's first record is not
    // `header`, or on I/O errors; std::invalid_argument for an empty header.
    CsvLog(std::filesystem::path dir, std::vector<std::string> header,
           std::size_t max_row_bytes = kDefaultMaxRowBytes, std::uintmax_t max_file_bytes = kDefaultMaxFileBytes);
    ~CsvLog();
    CsvLog(const CsvLog&) = delete;
    CsvLog& operator=(const CsvLog&) = delete;

    // Appends one row and returns once it is durable. std::invalid_argument unless
    // cells.size() == header().size(); CsvLogError for a row over the bound or an I/O error
    // (a partly written row is truncated away, so the file stays well-formed); CsvLogFull when
    // the row would take the file beyond its bound.
    // Thread safety: any thread, any number of CsvLog objects or processes on the same file.
    void append(const std::vector<std::string>& cells);

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }

    // One CSV field: a leading ' defuses spreadsheet formulas (first non-space character one of
    // = + - @ TAB CR LF, per OWASP), then RFC 4180 quoting if the cell has a comma, semicolon
    // (Excel's separator in many locales), quote, CR, LF or a leading/trailing space.
    [[nodiscard]] static std::string escape_cell(std::string_view cell);

private:
    [[nodiscard]] std::string format_row(const std::vector<std::string>& cells) const;

    std::filesystem::path path_;
    std::vector<std::string> header_;
    std::size_t max_row_bytes_;
    std::uintmax_t max_file_bytes_;
    std::mutex mutex_;
    int fd_ = -1;
};

// "2026-11-30T19:04:05.123Z": ISO-8601 UTC with milliseconds.
[[nodiscard]] std::string utc_timestamp(std::chrono::system_clock::time_point when);
[[nodiscard]] std::string utc_timestamp_now();

}  // namespace gradio::detail
