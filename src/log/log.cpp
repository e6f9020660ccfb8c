// The structured stderr log: logfmt formatting on the caller's thread, one background writer.
//
// Life cycle: the shared state is created on first use and never destroyed, and the writer is
// a detached thread started by the first record. So nothing here depends on the order of
// static destruction: a record written from another static destructor finds the state alive,
// and the writer never touches a destroyed object. A static object flushes (for a bounded time)
// when the process exits normally, so that records queued just before exit still appear.
#include "log/log.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include "http/utf8.hpp"

namespace gradio::detail::log {
namespace {

constexpr std::size_t kQueueCapacity = 4096;
constexpr int kUnset = -1;

// The current level; kUnset until the first use reads GRADIO_LOG_LEVEL (or set_level runs).
constinit std::atomic<int> g_level{kUnset};

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != b[i]) return false;
    return true;
}

int level_from_environment() noexcept {
    Level level = Level::info;
    if (const char* env = std::getenv("GRADIO_LOG_LEVEL"); env != nullptr && *env != '\0') {
        if (!parse_level(env, level)) {
            level = Level::info;
            // Said synchronously: this runs once, before any record could be queued.
            try {
                std::string note = format_record(Level::warn, "GRADIO_LOG_LEVEL must be debug, info, warn, error or off; using info",
                                                 {{"GRADIO_LOG_LEVEL", env}});
                note += '\n';
                [[maybe_unused]] auto ignored = ::write(2, note.data(), note.size());
            } catch (...) {
            }
        }
    }
    int expected = kUnset;
    // set_level may have run meanwhile: it wins.
    if (!g_level.compare_exchange_strong(expected, static_cast<int>(level), std::memory_order_relaxed)) return expected;
    return static_cast<int>(level);
}

std::string_view level_name(Level level) noexcept {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
        case Level::off: break;
    }
    return "off";
}

// --- formatting -----------------------------------------------------------------------------

bool is_c1_control(std::string_view s, std::size_t i) noexcept {
    // U+0080..U+009F are C2 80..C2 9F.
    return static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
           static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

bool needs_quotes(std::string_view s) noexcept {
    if (s.empty()) return true;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '=' || c == '\\' || is_c1_control(s, i)) return true;
    }
    return false;
}

void append_hex_escape(std::string& out, unsigned code) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\u00";
    out += digits[(code >> 4) & 0xF];
    out += digits[code & 0xF];
}

// Appends `s` with invalid UTF-8 replaced by U+FFFD; when `quoted`, also escapes what a
// quoted logfmt value cannot hold literally.
void append_text(std::string& out, std::string_view s, bool quoted) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (quoted) {
                switch (c) {
                    case '"': out += "\\\""; break;
                    case '\\': out += "\\\\"; break;
                    case '\n': out += "\\n"; break;
                    case '\r': out += "\\r"; break;
                    case '\t': out += "\\t"; break;
                    default:
                        if (c < 0x20 || c == 0x7F) append_hex_escape(out, c);
                        else out += static_cast<char>(c);
                }
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::size_t bad = 1;
        const std::size_t length = http::utf8_sequence_length(s, i, bad);
        if (length == 0) {
            out += replacement;
            i += bad;
        } else if (quoted && is_c1_control(s, i)) {
            append_hex_escape(out, static_cast<unsigned char>(s[i + 1]));
            i += 2;
        } else {
            out.append(s.substr(i, length));
            i += length;
        }
    }
}

void append_value(std::string& out, std::string_view value, bool always_quote = false) {
    if (always_quote || needs_quotes(value)) {
        out += '"';
        append_text(out, value, true);
        out += '"';
    } else {
        append_text(out, value, false);
    }
}

// Keys are meant to be identifiers; anything that would break the line becomes '_'.
void append_key(std::string& out, std::string_view key) {
    if (key.empty()) {
        out += '_';
        return;
    }
    for (char ch : key) {
        const auto c = static_cast<unsigned char>(ch);
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.' || c == '/' || c == ':';
        out += ok ? ch : '_';
    }
}

void append_time(std::string& out) {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char buffer[40];
    const int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                                static_cast<int>(ms % 1000));
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n) < sizeof buffer ? static_cast<std::size_t>(n) : sizeof buffer - 1);
}

// --- the writer -----------------------------------------------------------------------------

struct State {
    std::mutex mutex;
    std::condition_variable work;     // the writer waits for records
    std::condition_variable written;  // flush() waits for the writer
    std::vector<std::string> queue;   // formatted lines, each ending in '\n'
    std::uint64_t queued = 0;         // records accepted so far
    std::uint64_t done = 0;           // records written (or given up on) so far
    std::uint64_t dropped = 0;        // records refused since the last report
    bool writer_running = false;
    std::once_flag start_once;
};

State& state() {
    static State* s = new State();  // never destroyed: see the top of the file
    return *s;
}

// Writes all of `data` to stderr; gives up on errors other than EINTR, and after a long wait
// when stderr is non-blocking and full.
void write_all(std::string_view data) noexcept {
    int stalls = 0;
    while (!data.empty()) {
        const ssize_t n = ::write(2, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            stalls = 0;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && ++stalls <= 50) {
            pollfd p{.fd = 2, .events = POLLOUT, .revents = 0};
            ::poll(&p, 1, 100);
            continue;
        }
        return;  // EBADF, EPIPE, ...: stderr is gone; the records are lost
    }
}

void writer_loop() noexcept {
    State& s = state();
    std::vector<std::string> batch;
    std::string buffer;
    for (;;) {
        std::uint64_t dropped = 0, upto = 0;
        try {
            std::unique_lock lock(s.mutex);
            s.work.wait(lock, [&] { return !s.queue.empty() || s.dropped != 0; });
            batch.swap(s.queue);
            dropped = std::exchange(s.dropped, 0);
            upto = s.queued;
        } catch (...) {
            continue;  // std::system_error from the mutex: nothing sane to do but retry
        }
        try {
            buffer.clear();
            for (const auto& line : batch) buffer += line;
            if (dropped != 0) {
                const std::string count = std::to_string(dropped);
                buffer += format_record(Level::warn, "dropped " + count + " log records", {{"dropped", count}});
                buffer += '\n';
            }
        } catch (...) {
            // Out of memory while batching: write the lines one by one instead.
            buffer.clear();
        }
        if (!buffer.empty()) {
            write_all(buffer);
        } else {
            for (const auto& line : batch) write_all(line);
        }
        batch.clear();
        if (buffer.capacity() > (std::size_t{1} << 20)) std::string().swap(buffer);  // don't keep a flood's buffer
        try {
            std::lock_guard lock(s.mutex);
            s.done = upto;
        } catch (...) {
        }
        s.written.notify_all();
    }
}

void start_writer(State& s) noexcept {
    try {
        std::call_once(s.start_once, [&s] {
            // The writer blocks every signal (launch() waits for SIGINT/SIGTERM on the main
            // thread): it inherits the mask of the thread that creates it.
            sigset_t all, previous;
            sigfillset(&all);
            pthread_sigmask(SIG_SETMASK, &all, &previous);
            try {
                std::thread(writer_loop).detach();
                std::lock_guard lock(s.mutex);
                s.writer_running = true;
            } catch (...) {
                // No thread: records are counted as dropped; flush() returns at once.
            }
            pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        });
    } catch (...) {
    }
}

// Waits until every record queued before the call is written (and the report of records
// dropped before it), or until `deadline` if there is one. A drop happens only while the queue
// is full, so the writer's next batch (which reports it) ends at or after `target`.
void flush_until(const std::chrono::steady_clock::time_point* deadline) noexcept {
    try {
        State& s = state();
        std::unique_lock lock(s.mutex);
        if (!s.writer_running) return;
        const std::uint64_t target = s.queued;
        const auto drained = [&] { return s.done >= target; };
        if (deadline != nullptr) s.written.wait_until(lock, *deadline, drained);
        else s.written.wait(lock, drained);
    } catch (...) {
    }
}

// At a normal exit, give the writer a moment to write what is queued.
struct FlushAtExit {
    FlushAtExit() = default;
    FlushAtExit(const FlushAtExit&) = delete;
    FlushAtExit& operator=(const FlushAtExit&) = delete;
    ~FlushAtExit() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        flush_until(&deadline);
    }
};
FlushAtExit flush_at_exit;

}  // namespace

bool parse_level(std::string_view text, Level& out) noexcept {
    if (iequals(text, "debug")) out = Level::debug;
    else if (iequals(text, "info")) out = Level::info;
    else if (iequals(text, "warn") || iequals(text, "warning")) out = Level::warn;
    else if (iequals(text, "error")) out = Level::error;
    else if (iequals(text, "off")) out = Level::off;
    else return false;
    return true;
}

void set_level(Level level) noexcept { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool enabled(Level level) noexcept {
    int current = g_level.load(std::memory_order_relaxed);
    if (current == kUnset) [[unlikely]] current = level_from_environment();
    return level != Level::off && static_cast<int>(level) >= current;
}

std::string format_record(Level level, std::string_view message, std::initializer_list<Field> fields) {
    std::string out;
    out.reserve(64 + message.size() + fields.size() * 24);
    out += "time=";
    append_time(out);
    out += " level=";
    out += level_name(level);
    out += " msg=";
    append_value(out, message, true);
    for (const auto& [key, value] : fields) {
        out += ' ';
        append_key(out, key);
        out += '=';
        append_value(out, value);
    }
    return out;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) noexcept {
    if (!enabled(level)) return;
    try {
        std::string line = format_record(level, message, fields);
        line += '\n';
        State& s = state();
        start_writer(s);
        {
            std::lock_guard lock(s.mutex);
            if (!s.writer_running || s.queue.size() >= kQueueCapacity) {
                ++s.dropped;
                return;
            }
            s.queue.push_back(std::move(line));
            ++s.queued;
        }
        s.work.notify_one();
    } catch (...) {
        // Out of memory or a broken mutex: the record is lost, the caller carries on.
    }
}

void flush() noexcept { flush_until(nullptr); }

}  // namespace gradio::detail::log
