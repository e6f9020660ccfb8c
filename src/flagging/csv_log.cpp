// The flagging CSV log: escaping, the durable append, and recovery of a torn tail on open.
#include "flagging/csv_log.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gradio::detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what, int err) {
    std::string message = "flagging log " + path.string() + ": ";
    message += what;
    if (err != 0) message += ": " + std::generic_category().message(err);
    throw CsvLogError(message);
}

// flock(LOCK_EX) for one scope. The lock belongs to the open file description, so it only
// excludes other descriptors (other CsvLog objects, other processes); threads sharing one
// CsvLog are serialised by its mutex instead.
class FileLock {
public:
    FileLock(int fd, const std::filesystem::path& path) : fd_(fd) {
        while (::flock(fd_, LOCK_EX) != 0)
            if (errno != EINTR) fail(path, "cannot lock", errno);
    }
    ~FileLock() { ::flock(fd_, LOCK_UN); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_;
};

off_t file_size(int fd, const std::filesystem::path& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(path, "cannot stat", errno);
    return st.st_size;
}

// Appends `bytes` (normally in one write(2)) and makes them durable. On a short write that
// cannot be completed, the partial row is cut off again so that the file stays well-formed.
// Caller holds the file lock, so `size_before` is still the end of the file.
void append_durably(int fd, const std::filesystem::path& path, std::string_view bytes,
                    off_t size_before) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        const int err = n < 0 ? errno : EIO;
        if (done > 0 && ::ftruncate(fd, size_before) != 0)
            fail(path, "write failed and the partial row could not be removed", err);
        fail(path, "cannot append", err);
    }
    if (::fdatasync(fd) != 0) fail(path, "cannot sync", errno);
}

// Where the last complete record ends: just after the last LF outside quotes. Toggling on every
// quote is exact for RFC 4180, because a doubled quote inside a quoted field toggles twice.
off_t end_of_last_record(int fd, const std::filesystem::path& path, off_t size) {
    char buffer[64 * 1024];
    bool quoted = false;
    off_t end = 0;
    for (off_t at = 0; at < size;) {
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, "cannot read", errno);
        if (n == 0) break;
        for (ssize_t i = 0; i < n; ++i) {
            if (buffer[i] == '"') quoted = !quoted;
            else if (buffer[i] == '\n' && !quoted) end = at + i + 1;
        }
        at += n;
    }
    return end;
}

// The fields of the first record of `text`; false if it has no complete first record.
bool parse_first_record(std::string_view text, std::vector<std::string>& fields) {
    fields.assign(1, std::string());
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c != '"') fields.back() += c;
            else if (i + 1 < text.size() && text[i + 1] == '"') fields.back() += text[++i];
            else quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\n') {
            if (!fields.back().empty() && fields.back().back() == '\r') fields.back().pop_back();
            return true;
        } else {
            fields.back() += c;
        }
    }
    return false;
}

std::string read_prefix(int fd, const std::filesystem::path& path, std::size_t limit) {
    std::string text(limit, '\0');
    std::size_t got = 0;
    while (got < limit) {
        const ssize_t n = ::pread(fd, text.data() + got, limit - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, "cannot read", errno);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

// The directory entry of a new file is only durable once the directory itself is synced.
void sync_directory(const std::filesystem::path& dir, const std::filesystem::path& path) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) fail(path, "cannot open its directory", errno);
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0) fail(path, "cannot sync its directory", err);
}

bool formula_trigger(char c) noexcept {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

std::string CsvLog::escape_cell(std::string_view cell) {
    // Spreadsheets trim leading spaces before deciding a cell is a formula.
    const std::size_t first = cell.find_first_not_of(' ');
    const bool defuse = first != std::string_view::npos && formula_trigger(cell[first]);
    const bool quote = cell.find_first_of(",;\"\r\n") != std::string_view::npos ||
                       (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
    std::string out;
    out.reserve(cell.size() + 3);
    if (quote) out += '"';
    if (defuse) out += '\'';
    for (const char c : cell) {
        if (c == '"') out += '"';
        out += c;
    }
    if (quote) out += '"';
    return out;
}

std::string CsvLog::format_row(const std::vector<std::string>& cells) const {
    // Refuse before building anything huge; the exact bound is checked on the escaped row.
    const std::size_t raw = std::accumulate(cells.begin(), cells.end(), std::size_t{0},
                                            [](std::size_t sum, const std::string& c) { return sum + c.size(); });
    if (raw > max_row_bytes_)
        fail(path_, "row of " + std::to_string(raw) + " bytes is over the limit of " +
                        std::to_string(max_row_bytes_) + " bytes",
             0);
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) row += ',';
        row += escape_cell(cells[i]);
    }
    row += "\r\n";
    if (row.size() > max_row_bytes_)
        fail(path_, "row of " + std::to_string(row.size()) + " bytes (escaped) is over the limit of " +
                        std::to_string(max_row_bytes_) + " bytes",
             0);
    return row;
}

CsvLog::CsvLog(std::filesystem::path dir, std::vector<std::string> header, std::size_t max_row_bytes,
               std::uintmax_t max_file_bytes)
    : path_(dir / "log.csv"), header_(std::move(header)), max_row_bytes_(max_row_bytes), max_file_bytes_(max_file_bytes) {
    if (header_.empty()) throw std::invalid_argument("CsvLog: the header needs at least one name");
    const std::string header_row = format_row(header_);

    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(path_, "cannot create its directory", ec.value());

    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(path_, "cannot open", errno);
    try {
        sync_directory(dir, path_);
        const FileLock lock(fd_, path_);
        off_t size = file_size(fd_, path_);
        // Only a power loss during an unacknowledged append leaves bytes after the last
        // complete record (our rows always end in LF, and a failed write is rolled back).
        // More than one row's worth is not such a tail: better refuse than cut user data.
        if (const off_t end = end_of_last_record(fd_, path_, size); end < size) {
            if (static_cast<std::size_t>(size - end) > max_row_bytes_)
                fail(path_, "ends with " + std::to_string(size - end) +
                                " bytes that are not a complete CSV record; fix or move the file",
                     0);
            if (::ftruncate(fd_, end) != 0) fail(path_, "cannot remove a torn last row", errno);
            if (::fdatasync(fd_) != 0) fail(path_, "cannot sync", errno);
            size = end;
        }
        if (size == 0) {
            append_durably(fd_, path_, header_row, 0);
        } else {
            // Compared as parsed fields, so quoting or CRLF/LF differences in a log started by
            // another writer (e.g. Python Gradio) do not matter.
            std::vector<std::string> expected, found;
            parse_first_record(header_row, expected);
            const std::string prefix =
                read_prefix(fd_, path_, std::min<std::size_t>(static_cast<std::size_t>(size), header_row.size() + 1024));
            if (!parse_first_record(prefix, found) || found != expected)
                fail(path_, "exists with a different header; move it away or choose another flagging_dir", 0);
        }
    } catch (...) {
        ::close(fd_);
        fd_ = -1;
        throw;
    }
}

CsvLog::~CsvLog() {
    if (fd_ >= 0) ::close(fd_);
}

void CsvLog::append(const std::vector<std::string>& cells) {
    if (cells.size() != header_.size())
        throw std::invalid_argument("CsvLog::append: " + std::to_string(cells.size()) + " cells for a header of " +
                                    std::to_string(header_.size()) + " names");
    const std::string row = format_row(cells);
    const std::scoped_lock guard(mutex_);
    const FileLock lock(fd_, path_);
    const off_t size = file_size(fd_, path_);
    if (static_cast<std::uintmax_t>(size) + row.size() > max_file_bytes_)
        throw CsvLogFull("CsvLog: " + path_.string() + " has reached its size limit of " + std::to_string(max_file_bytes_) + " bytes");
    append_durably(fd_, path_, row, size);
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto whole = floor<std::chrono::seconds>(when);
    const auto millis = duration_cast<milliseconds>(when - whole).count();
    const std::time_t t = system_clock::to_time_t(whole);
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char text[96];  // room for any int the compiler cannot rule out
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
    return text;
}

std::string utc_timestamp_now() { return utc_timestamp(std::chrono::system_clock::now()); }

}  // namespace gradio::detail
