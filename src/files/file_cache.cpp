#include "files/file_cache.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gradio/error.hpp>

#include "files/mime_types.hpp"
#include "files/path_policy.hpp"
#include "log/log.hpp"
#include "queue/ids.hpp"

namespace gradio::detail::files {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_remembered_outputs = 4096;

fs::path cache_base(const fs::path& configured) {
    if (!configured.empty()) return configured;
    if (const char* env = std::getenv("GRADIO_TEMP_DIR"); env && *env) return env;
    return fs::temp_directory_path() / "gradio";
}

bool is_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

std::string cut_utf8(std::string s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    s.resize(cut);
    return s;
}

// True when `p` is inside `dir` (both canonical), by whole components.
bool inside(const fs::path& p, const fs::path& dir) {
    auto d = dir.begin(), e = dir.end();
    auto q = p.begin();
    for (; d != e; ++d, ++q) {
        if (q == p.end() || *q != *d) {
            if (d->empty() && std::next(d) == e) return true;  // dir ended with a separator
            return false;
        }
    }
    return true;
}

}  // namespace

std::string FileCache::safe_name(std::string_view client_name) {
    // The base name, whichever separator the client's system uses.
    if (const auto slash = client_name.find_last_of("/\\"); slash != std::string_view::npos) client_name.remove_prefix(slash + 1);
    std::string name;
    for (char c : client_name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || std::strchr("<>:\"/\\|?*`$!{}", c)) continue;
        name += c;
    }
    if (name.empty()) return "tmp" + random_hex(5);
    if (name.find_first_not_of('.') == std::string::npos) return "file";  // ".", "..": never a folder name
    const auto dot = name.find('.');
    std::string stem = name.substr(0, dot);
    if (stem.empty() && dot != 0) name = "file" + name;
    std::string upper = stem;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    static const char* const devices[] = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
                                          "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
    for (const char* d : devices)
        if (upper == d) {
            name = "_" + name;
            break;
        }
    // Keep the extension when cutting to 200 bytes.
    if (name.size() > 200) {
        const auto ext_at = name.rfind('.');
        std::string ext = ext_at != std::string::npos && name.size() - ext_at <= 16 ? name.substr(ext_at) : std::string{};
        name = cut_utf8(name.substr(0, name.size() - ext.size()), 200 - ext.size()) + ext;
    }
    return name;
}

FileCache::FileCache(FileCacheOptions options) : options_(std::move(options)) {
    std::error_code ec;
    const fs::path base = cache_base(options_.base);
    fs::create_directories(base, ec);
    if (!ec) {
        root_ = base / random_hex(8);
        if (::mkdir(root_.c_str(), 0700) != 0) ec = std::error_code(errno, std::generic_category());
    }
    if (!ec) root_ = fs::canonical(root_, ec);
    if (ec) throw LaunchError("Cannot create the file cache in " + base.string() + ": " + ec.message(), ec);
}

FileCache::~FileCache() {
    std::error_code ec;
    fs::remove_all(root_, ec);
    if (ec) log::warn("the file cache could not be removed", {{"dir", root_.string()}, {"error", ec.message()}});
}

bool FileCache::reserve(std::uint64_t bytes) noexcept {
    std::uint64_t now = used_.load();
    do {
        if (bytes > options_.max_total_size || now > options_.max_total_size - bytes) return false;
    } while (!used_.compare_exchange_weak(now, now + bytes));
    return true;
}

void FileCache::release(std::uint64_t bytes) noexcept {
    std::uint64_t now = used_.load();
    while (!used_.compare_exchange_weak(now, now >= bytes ? now - bytes : 0)) {
    }
}

fs::path FileCache::new_dir() {
    fs::path dir = root_ / random_hex(16);
    if (::mkdir(dir.c_str(), 0700) != 0) throw std::system_error(errno, std::generic_category(), "mkdir");
    return dir;
}

FileCache::Writer::Writer(FileCache& cache, fs::path dir, fs::path file, int fd)
    : cache_(cache), dir_(std::move(dir)), file_(std::move(file)), fd_(fd) {}

FileCache::Writer::~Writer() {
    if (fd_ >= 0) ::close(fd_);
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
    cache_.release(written_);
}

bool FileCache::Writer::write(std::string_view bytes, CacheRefusal& refusal) {
    if (fd_ < 0) {
        refusal = {500, "The file was already closed."};
        return false;
    }
    const auto& max = cache_.options_.max_file_size;
    if (max && (bytes.size() > *max || written_ > *max - bytes.size())) {
        refusal = {413, "File size exceeded maximum allowed size of " + std::to_string(*max) + " bytes."};
        return false;
    }
    if (!cache_.reserve(bytes.size())) {
        refusal = {413, "The server's file cache is full (" + std::to_string(cache_.options_.max_total_size) +
                            " bytes); try again later."};
        return false;
    }
    written_ += bytes.size();
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            log::error("an upload could not be written", {{"file", file_.string()}, {"error", std::strerror(errno)}});
            refusal = {500, "The server could not store the file."};
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

fs::path FileCache::Writer::commit() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    committed_ = true;
    return file_;
}

std::unique_ptr<FileCache::Writer> FileCache::begin_upload(std::string_view client_name, CacheRefusal& refusal) {
    try {
        fs::path dir = new_dir();
        fs::path file = dir / safe_name(client_name);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            std::error_code ec;
            fs::remove_all(dir, ec);
            throw std::system_error(errno, std::generic_category(), "open");
        }
        return std::unique_ptr<Writer>(new Writer(*this, std::move(dir), std::move(file), fd));
    } catch (const std::exception& e) {
        log::error("an upload could not be started", {{"error", e.what()}});
        refusal = {500, "The server could not store the file."};
        return nullptr;
    }
}

FileData FileCache::store_output(std::string_view path_or_url, const std::string& url_prefix, std::string_view orig_name) {
    FileData out;
    if (is_url(path_or_url)) {  // the browser loads it; the server never fetches it
        out.path = std::string(path_or_url);
        out.url = out.path;
        out.orig_name = orig_name.empty() ? fs::path(std::string(path_or_url)).filename().string() : std::string(orig_name);
        out.mime_type = std::string(mime_type_of(out.orig_name));
        return out;
    }
    // Gradio's sources for returned files: the cache, the working directory (not its
    // dotfiles), the system temp folder, allowed_paths; blocked_paths win.
    std::error_code ec;
    FilePolicy policy;
    const fs::path cwd = fs::current_path(ec);
    policy.roots = {root_, fs::temp_directory_path(ec)};
    if (!cwd.empty()) policy.roots.push_back(cwd);
    policy.allowed_paths = options_.allowed_paths;
    policy.blocked_paths = options_.blocked_paths;
    const PathDecision decision = check_served_path(path_or_url, policy);
    const std::string shown(path_or_url);
    if (!decision.allowed)
        throw Error("Cannot serve \"" + shown + "\": a file fn returns must exist in the working directory, the temp folder or "
                    "allowed_paths, and not in blocked_paths (" + decision.reason + ").");
    const fs::path& source = decision.file;
    if (!cwd.empty() && inside(source, fs::weakly_canonical(cwd, ec)) && !decision.under_allowed_paths) {
        for (const auto& part : source.lexically_relative(fs::weakly_canonical(cwd, ec)))
            if (part.string().starts_with("."))
                throw Error("Cannot serve \"" + shown + "\": files and folders whose names start with a dot are not served.");
    }
    out.orig_name = orig_name.empty() ? source.filename().string() : std::string(orig_name);
    out.mime_type = std::string(mime_type_of(out.orig_name));
    const auto size = fs::file_size(source, ec);
    if (ec) throw Error("Cannot serve \"" + shown + "\": " + ec.message());
    out.size = static_cast<std::int64_t>(size);
    if (inside(source, root_)) {
        out.path = source.string();
    } else {
        const auto mtime = fs::last_write_time(source, ec).time_since_epoch().count();
        const std::string key = source.string() + '\n' + std::to_string(size) + '\n' + std::to_string(mtime);
        std::lock_guard lock(outputs_mutex_);
        if (auto it = outputs_.find(key); it != outputs_.end() && fs::exists(it->second, ec)) {
            out.path = it->second.string();
        } else {
            if (!reserve(size)) throw Error("Cannot serve \"" + shown + "\": the server's file cache is full.");
            fs::path dir;
            try {
                dir = new_dir();
                fs::path copy = dir / safe_name(source.filename().string());
                fs::copy_file(source, copy);
                out.path = copy.string();
            } catch (const std::exception& e) {
                release(size);
                if (!dir.empty()) fs::remove_all(dir, ec);
                throw Error("Cannot serve \"" + shown + "\": it could not be copied (" + e.what() + ").");
            }
            if (outputs_.size() >= max_remembered_outputs) outputs_.clear();
            outputs_[key] = out.path;
        }
    }
    out.url = url_prefix + out.path;
    return out;
}

FileData FileCache::check_input(const FileData& file, const std::string& url_prefix) const {
    if (file.path.empty()) throw Error("A file in the message has no \"path\": upload it to /gradio_api/upload first.");
    if (is_url(file.path))
        throw Error("Cannot use \"" + file.path + "\": the server does not download files; upload it to /gradio_api/upload first.");
    std::error_code ec;
    const fs::path canonical = fs::canonical(fs::path(file.path), ec);
    struct stat st {};
    if (file.path.empty() || ec || !inside(canonical, root_) || ::stat(canonical.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw Error("Cannot move " + file.path + " to the gradio cache dir because it was not uploaded by a user.");
    FileData out = file;
    out.path = canonical.string();
    out.size = static_cast<std::int64_t>(st.st_size);
    if (out.orig_name.empty()) out.orig_name = canonical.filename().string();
    // The type is the server's own guess from the name: a client's mime_type is not trusted,
    // except to tell audio from video in a container that holds either (a recorded .webm clip).
    out.mime_type = std::string(mime_type_of(out.orig_name));
    if (out.mime_type == "application/octet-stream") out.mime_type = std::string(mime_type_of(canonical.string()));
    const auto subtype = [](std::string_view t) { return t.substr(t.find('/') + 1); };
    const auto media = [](std::string_view t) { return t.starts_with("audio/") || t.starts_with("video/"); };
    if (media(out.mime_type) && media(file.mime_type) && subtype(out.mime_type) == subtype(file.mime_type))
        out.mime_type = file.mime_type;
    out.url = url_prefix + out.path;
    return out;
}

void FileCache::recount() {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
    used_ = total;
    std::lock_guard lock(outputs_mutex_);
    outputs_.clear();
}

}  // namespace gradio::detail::files
