#pragma once
// The app's file cache: uploads and the files fn returns live here, each in a folder of its
// own with a random name (`<root>/<32 hex>/<name>`), so names never collide and cannot be
// guessed. One cache per running server; its folder is removed when the server stops.
// Bounded: each upload by `max_file_size`, everything together by `max_total_size`.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gradio/message.hpp>

namespace gradio::detail::files {

struct FileCacheOptions {
    std::filesystem::path base;                    // "" = env GRADIO_TEMP_DIR, else <system temp>/gradio
    std::optional<std::uint64_t> max_file_size;    // per upload; nullopt = only the total bounds it
    std::uint64_t max_total_size = std::uint64_t{4} << 30;
    // Where files fn returns may be taken from besides the cache (Gradio: the working
    // directory without its dotfiles, the system temp folder, `allowed_paths`); `blocked_paths` win.
    std::vector<std::filesystem::path> allowed_paths;
    std::vector<std::filesystem::path> blocked_paths;
};

// Why a write was refused: the HTTP status and Gradio's message.
struct CacheRefusal {
    unsigned status = 0;
    std::string message;
};

class FileCache {
public:
    // Creates the cache folder (mode 0700). Throws gradio::LaunchError if it cannot.
    explicit FileCache(FileCacheOptions options);
    ~FileCache();
    FileCache(const FileCache&) = delete;
    FileCache& operator=(const FileCache&) = delete;

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
    [[nodiscard]] const FileCacheOptions& options() const noexcept { return options_; }
    [[nodiscard]] std::uint64_t used() const noexcept { return used_.load(); }

    // One file being written (an upload). Removed again unless committed.
    class Writer {
    public:
        ~Writer();
        Writer(const Writer&) = delete;
        Writer& operator=(const Writer&) = delete;
        // False (and `refusal` set) beyond max_file_size or the cache's total size, or on a
        // disk error.
        bool write(std::string_view bytes, CacheRefusal& refusal);
        // Closes the file; returns its path.
        std::filesystem::path commit();
        [[nodiscard]] std::uint64_t size() const noexcept { return written_; }

    private:
        friend class FileCache;
        Writer(FileCache& cache, std::filesystem::path dir, std::filesystem::path file, int fd);
        FileCache& cache_;
        std::filesystem::path dir_, file_;
        int fd_ = -1;
        std::uint64_t written_ = 0;
        bool committed_ = false;
    };
    // A new file named after what the client called it (made safe). nullptr and `refusal` set
    // when the folder cannot be made.
    std::unique_ptr<Writer> begin_upload(std::string_view client_name, CacheRefusal& refusal);

    // A file fn returned (a path, or an http(s) URL passed through untouched and never
    // fetched), copied into the cache once per version of the source. `url_prefix` is
    // "<root url>/gradio_api/file=". Throws gradio::Error with a clear message for a path
    // outside the allowed places, a missing file, or a full cache.
    FileData store_output(std::string_view path_or_url, const std::string& url_prefix, std::string_view orig_name = {});

    // An input file (a client's FileData): its path must be a file in this cache (uploaded).
    // Fills size and MIME type from the disk. Throws gradio::InputError otherwise.
    FileData check_input(const FileData& file, const std::string& url_prefix) const;

    // Recounts the bytes in the cache (after a sweep deleted some).
    void recount();

    // Gradio's rules for a client's file name: the base name without < > : " / \ | ? * ` $ ! { }
    // and control characters, "file" for an empty stem, "_" before Windows device names, at
    // most 200 bytes; "tmp<10 hex>" when nothing is left.
    [[nodiscard]] static std::string safe_name(std::string_view client_name);

private:
    bool reserve(std::uint64_t bytes) noexcept;
    void release(std::uint64_t bytes) noexcept;
    std::filesystem::path new_dir();

    FileCacheOptions options_;
    std::filesystem::path root_;
    std::atomic<std::uint64_t> used_{0};
    // Outputs already copied: source (canonical path, size, mtime) → cached path. Bounded.
    std::mutex outputs_mutex_;
    std::map<std::string, std::filesystem::path> outputs_;
};

}  // namespace gradio::detail::files
