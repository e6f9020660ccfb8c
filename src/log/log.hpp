#pragma once
// A small structured log on stderr: one logfmt line per record
// (`time=... level=warn msg="..." route=/x status=500 event=... duration_ms=1.2`).
// Records are formatted by the caller only when their level is enabled, then handed to one
// background thread that writes them, so request handling never waits for stderr. The hand-off
// queue is bounded: beyond it records are dropped and counted (reported by the next record).

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gradio::detail::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// "debug", "info", "warn"/"warning", "error", "off"; nullopt-like false for anything else.
bool parse_level(std::string_view text, Level& out) noexcept;
void set_level(Level level) noexcept;
[[nodiscard]] bool enabled(Level level) noexcept;

using Field = std::pair<std::string_view, std::string_view>;
// Formats and queues one record if `level` is enabled. Never throws, never blocks on stderr.
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {}) noexcept;

// Waits until every queued record is written (tests, shutdown).
void flush() noexcept;

// The line `write` would produce for this record, without the trailing newline (tests).
[[nodiscard]] std::string format_record(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) noexcept { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) noexcept { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) noexcept { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) noexcept { write(Level::error, m, f); }

}  // namespace gradio::detail::log
