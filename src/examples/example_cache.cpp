// The on-disk example cache: atomic replace by temp file + rename, bounded reads.
#include "examples/example_cache.hpp"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gradio::detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what, int err) {
    std::string message = "example cache " + path.string() + ": ";
    message += what;
    if (err != 0) message += ": " + std::generic_category().message(err);
    throw ExampleCacheError(message);
}

class Fd {
public:
    explicit Fd(int fd) noexcept : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }
    // close() reports errors that a delayed write-back may only show here.
    [[nodiscard]] int close() noexcept {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

// Unique within the process (counter) and across processes (pid); starts with a dot and does
// not end in ".json", so it can never be mistaken for an entry.
std::string temp_name(std::size_t index) {
    static std::atomic<std::uint64_t> counter{0};
    return "." + std::to_string(index) + ".json." + std::to_string(::getpid()) + "." +
           std::to_string(counter.fetch_add(1, std::memory_order_relaxed)) + ".tmp";
}

}  // namespace

ExampleCache::ExampleCache(std::filesystem::path dir, std::size_t max_entry_bytes)
    : dir_(std::move(dir)), max_entry_bytes_(max_entry_bytes) {}

std::filesystem::path ExampleCache::entry_path(std::size_t index) const {
    return dir_ / (std::to_string(index) + ".json");
}

std::optional<std::string> ExampleCache::get(std::size_t index) const {
    const std::shared_lock lock(mutex_);
    const auto path = entry_path(index);
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        fail(path, "cannot open", errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(path, "cannot stat", errno);
    if (!S_ISREG(st.st_mode)) fail(path, "is not a regular file", 0);
    if (static_cast<std::uintmax_t>(st.st_size) > max_entry_bytes_)
        fail(path, "is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                       std::to_string(max_entry_bytes_),
             0);
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, "cannot read", errno);
        if (n == 0) break;  // entries are replaced, never truncated in place; be safe anyway
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

void ExampleCache::put(std::size_t index, std::string_view text) {
    const auto path = entry_path(index);
    if (text.size() > max_entry_bytes_)
        fail(path, "entry of " + std::to_string(text.size()) + " bytes is over the limit of " +
                       std::to_string(max_entry_bytes_),
             0);
    const std::shared_lock lock(mutex_);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) fail(dir_, "cannot create the directory", ec.value());

    const auto temp = dir_ / temp_name(index);
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail(temp, "cannot create", errno);
    try {
        for (std::size_t done = 0; done < text.size();) {
            const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail(temp, "cannot write", n < 0 ? errno : EIO);
            done += static_cast<std::size_t>(n);
        }
        // The data must be on disk before the rename makes it visible, or a crash could leave
        // a complete-looking entry with missing contents.
        if (::fsync(fd.get()) != 0) fail(temp, "cannot sync", errno);
        if (fd.close() != 0) fail(temp, "cannot close", errno);
        if (::rename(temp.c_str(), path.c_str()) != 0) fail(path, "cannot replace", errno);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    // The rename itself is only durable once the directory is synced.
    const Fd dir_fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0) fail(dir_, "cannot open the directory", errno);
    if (::fsync(dir_fd.get()) != 0) fail(dir_, "cannot sync the directory", errno);
}

void ExampleCache::clear() {
    const std::unique_lock lock(mutex_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);  // a symlinked dir_ loses the link, not the target
    if (ec) fail(dir_, "cannot remove", ec.value());
}

std::string ExampleCache::key_for(std::string_view fingerprint) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    for (const char c : fingerprint) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string key(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4) key[static_cast<std::size_t>(i)] = kDigits[hash & 0xF];
    return key;
}

}  // namespace gradio::detail
