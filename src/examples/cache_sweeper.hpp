#pragma once
// ChatInterface's delete_cache = (frequency, age): every `frequency` a background thread deletes
// what in the app's temporary folder is older than `age` (by mtime); by default the folder is
// also emptied when the sweeper starts ("deleted entirely when the server restarts").
//
// The walk uses openat/unlinkat with O_NOFOLLOW and lstat semantics, so a symbolic link is
// deleted as a link (when old) and never followed: nothing outside the folder is touched, even
// if an entry is swapped for a link mid-sweep. Only `dir` itself is resolved normally (the
// developer chose it). Empty subfolders older than `age` are removed too, so per-upload folders
// do not pile up; deleting a folder's files refreshes its mtime, so it goes one `age` later.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

namespace gradio::detail {

class CacheSweeper {
public:
    // Starts the thread; with `wipe_on_start`, first empties `dir` (keeping `dir` itself) and
    // creates it if missing. std::invalid_argument unless frequency > 0 and age >= 0. A
    // frequency over a year is treated as a year (only to keep the clock arithmetic finite).
    // `after_sweep` (optional) runs on the sweeper's thread after each periodic sweep that
    // deleted something (the file cache recounts its bytes).
    CacheSweeper(std::filesystem::path dir, std::chrono::milliseconds frequency, std::chrono::milliseconds age,
                 bool wipe_on_start = true, std::function<void()> after_sweep = {});
    // Stops the thread without waiting for the next period (an in-progress sweep finishes).
    ~CacheSweeper();
    CacheSweeper(const CacheSweeper&) = delete;
    CacheSweeper& operator=(const CacheSweeper&) = delete;

    // One sweep now; returns how many non-directory entries (files, links) it deleted. Entries
    // that vanish or cannot be deleted are skipped. Throws std::filesystem::filesystem_error if
    // `dir` exists but cannot be opened. Thread safety: any thread; sweeps never overlap.
    std::size_t sweep_once();

    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    void run(std::stop_token stop);

    std::filesystem::path dir_;
    std::chrono::milliseconds frequency_;
    std::chrono::milliseconds age_;
    std::function<void()> after_sweep_;
    std::mutex sweep_mutex_;
    std::mutex wait_mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: stopped and joined before the members it uses go away
};

}  // namespace gradio::detail
