#pragma once
// Storage for cache_examples: the final output of each example, kept on disk so that it
// survives a restart. One file per example, `<dir>/<index>.json`, holding whatever text the
// caller stores (the JSON of the final output). Gradio keeps log.csv + indices.csv instead; we
// need no CSV here, and a file per entry can be replaced atomically.
//
// A put() writes a temp file in the same directory, fsyncs it, renames it over the entry and
// fsyncs the directory, so a crash leaves either the old entry or the new one, never a torn one.
// Leftover temp files (from a crash mid-put) are never read; clear() removes them.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gradio::detail {

// An I/O failure or an entry over the bound. Not gr::Error: the message names server paths.
class ExampleCacheError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ExampleCache {
public:
    static constexpr std::size_t kDefaultMaxEntryBytes = std::size_t{64} << 20;

    // Nothing is created until the first put(). Typically
    // `.gradio/cached_examples/<key_for(fingerprint)>` (GRADIO_EXAMPLES_CACHE sets the parent).
    explicit ExampleCache(std::filesystem::path dir, std::size_t max_entry_bytes = kDefaultMaxEntryBytes);

    // The stored text, or nullopt if example `index` has no entry yet. Throws ExampleCacheError
    // if the entry exists but cannot be read or is over the bound (a corrupt cache should be
    // noticed, not silently recomputed forever).
    [[nodiscard]] std::optional<std::string> get(std::size_t index) const;

    // Stores `text` for example `index`, replacing any previous entry; durable on return.
    // Throws ExampleCacheError if text is over the bound or on an I/O error (the old entry,
    // if any, is then still intact).
    void put(std::size_t index, std::string_view text);

    // Removes the directory and everything in it (GRADIO_RESET_EXAMPLES_CACHE).
    void clear();

    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

    // 16 lower-case hex digits of FNV-1a 64 over `fingerprint`. Not a security measure: it only
    // names the directory so that a different set of examples (or fn, or inputs: whatever the
    // caller folds into the fingerprint) gets a fresh cache instead of stale outputs.
    [[nodiscard]] static std::string key_for(std::string_view fingerprint);

    // Thread safety: get/put from any thread (puts to the same index: the last rename wins);
    // clear() waits for running gets and puts. Other processes may share the directory.

private:
    [[nodiscard]] std::filesystem::path entry_path(std::size_t index) const;

    std::filesystem::path dir_;
    std::size_t max_entry_bytes_;
    mutable std::shared_mutex mutex_;
};

}  // namespace gradio::detail
