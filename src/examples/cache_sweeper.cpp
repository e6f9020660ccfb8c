// The delete_cache sweeper: a descriptor-relative walk that never follows symbolic links.
#include "examples/cache_sweeper.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/log.hpp"

namespace gradio::detail {
namespace {

// Deeper folders are left alone: each level holds a descriptor, and nothing we write nests
// anywhere near this deep.
constexpr int kMaxDepth = 32;
constexpr std::chrono::milliseconds kMaxFrequency = std::chrono::hours(24 * 365);

struct Sweep {
    bool everything;                // wipe: ignore ages
    std::chrono::milliseconds age;  // otherwise delete what is at least this old
    timespec now;
    std::size_t deleted = 0;

    [[nodiscard]] bool old(const struct stat& st) const noexcept {
        if (everything) return true;
        // Plain integer arithmetic on the raw times: file_time_type's nanosecond range would
        // overflow for huge ages, and a future mtime (clock skew) simply counts as new.
        const std::int64_t ms = (static_cast<std::int64_t>(now.tv_sec) - st.st_mtim.tv_sec) * 1000 +
                                (static_cast<std::int64_t>(now.tv_nsec) - st.st_mtim.tv_nsec) / 1000000;
        return ms >= age.count();
    }

    // Takes ownership of `dfd`.
    void walk(int dfd, int depth) {
        DIR* listing = ::fdopendir(dfd);
        if (listing == nullptr) {
            ::close(dfd);
            return;
        }
        while (const dirent* entry = ::readdir(listing)) {
            const std::string_view name(entry->d_name);
            if (name == "." || name == "..") continue;
            struct stat st {};
            if (::fstatat(dfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            if (!S_ISDIR(st.st_mode)) {
                if (old(st) && ::unlinkat(dfd, entry->d_name, 0) == 0) ++deleted;
                continue;
            }
            if (depth >= kMaxDepth) continue;
            // O_NOFOLLOW: if the folder was just swapped for a link, this fails and we skip it.
            const int child = ::openat(dfd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0) continue;
            walk(child, depth + 1);
            // Fails with ENOTEMPTY unless the folder is empty now, which is what we want; its
            // mtime is read again because deleting its files just changed it.
            if (::fstatat(dfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) && old(st))
                ::unlinkat(dfd, entry->d_name, AT_REMOVEDIR);
        }
        ::closedir(listing);
    }
};

std::size_t sweep_dir(const std::filesystem::path& dir, bool everything, std::chrono::milliseconds age) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        if (errno == ENOENT) return 0;
        throw std::filesystem::filesystem_error("delete_cache cannot open the folder", dir,
                                                std::error_code(errno, std::generic_category()));
    }
    Sweep sweep{everything, age, {}};
    ::clock_gettime(CLOCK_REALTIME, &sweep.now);
    sweep.walk(dfd, 0);
    return sweep.deleted;
}

}  // namespace

CacheSweeper::CacheSweeper(std::filesystem::path dir, std::chrono::milliseconds frequency,
                           std::chrono::milliseconds age, bool wipe_on_start, std::function<void()> after_sweep)
    : dir_(std::move(dir)), frequency_(std::min(frequency, kMaxFrequency)), age_(age), after_sweep_(std::move(after_sweep)) {
    if (frequency.count() <= 0) throw std::invalid_argument("delete_cache: the frequency must be positive");
    if (age.count() < 0) throw std::invalid_argument("delete_cache: the age must not be negative");
    if (wipe_on_start) {
        sweep_dir(dir_, true, age_);
        std::filesystem::create_directories(dir_);
    }
    thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

CacheSweeper::~CacheSweeper() {
    // The stop token wakes the wait at once; join before any member is destroyed.
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

std::size_t CacheSweeper::sweep_once() {
    const std::scoped_lock lock(sweep_mutex_);
    return sweep_dir(dir_, false, age_);
}

void CacheSweeper::run(std::stop_token stop) {
    std::unique_lock lock(wait_mutex_);
    for (;;) {
        wake_.wait_for(lock, stop, frequency_, [] { return false; });
        if (stop.stop_requested()) return;
        lock.unlock();
        try {
            if (const std::size_t n = sweep_once(); n > 0) {
                log::debug("delete_cache removed old files", {{"files", std::to_string(n)}});
                if (after_sweep_) after_sweep_();
            }
        } catch (const std::exception& e) {
            // Reminder: nothing catches on this thread; a throw here would end the process.
            log::warn("delete_cache sweep failed", {{"error", e.what()}});
        }
        lock.lock();
    }
}

}  // namespace gradio::detail
