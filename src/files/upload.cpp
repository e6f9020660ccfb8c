#include "files/upload.hpp"

#include <optional>

#include "files/multipart.hpp"
#include "log/log.hpp"
#include "protocol/json_codec.hpp"

namespace gradio::detail::files {

namespace {

constexpr std::size_t max_files = 1000;
constexpr std::size_t max_fields = 1000;
constexpr auto forget_after = std::chrono::seconds(60);

bool valid_upload_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    return true;
}

// Receives the parsed parts: "files" parts go to the cache, other fields are read and dropped.
class UploadSink final : public http::BodySink, public MultipartSink {
public:
    UploadSink(std::string boundary, FileCache& cache, std::shared_ptr<UploadTracker::Progress> progress)
        : cache_(cache), progress_(std::move(progress)), parser_(std::move(boundary), *this, {8192, max_files + max_fields}) {}

    // MultipartSink
    std::string begin_part(const MultipartPart& part) override {
        if (part.name != "files") {
            if (++fields_ > max_fields) return refuse(400, "Too many fields. Maximum number of fields is " + std::to_string(max_fields) + ".");
            return {};
        }
        if (!part.filename) return refuse(400, "Could not parse multipart request: a \"files\" part has no filename.");
        if (paths_.size() >= max_files) return refuse(400, "Too many files. Maximum number of files is " + std::to_string(max_files) + ".");
        CacheRefusal why;
        writer_ = cache_.begin_upload(*part.filename, why);
        if (!writer_) return refuse(why.status, why.message);
        name_ = *part.filename;
        return {};
    }
    std::string part_data(std::string_view bytes) override {
        if (!writer_) return {};
        CacheRefusal why;
        if (!writer_->write(bytes, why)) return refuse(why.status, why.message);
        if (progress_) UploadTracker::update(*progress_, name_, bytes.size());
        return {};
    }
    std::string end_part() override {
        if (!writer_) return {};
        written_.push_back(std::move(writer_));
        paths_.push_back(written_.back()->commit().string());
        return {};
    }

    // BodySink
    bool write(std::string_view bytes) override { return parser_.feed(bytes); }
    http::Response finish(bool complete) override {
        if (progress_) UploadTracker::finish(*progress_);
        if (complete && status_ == 0 && parser_.error_kind() == MultipartParser::ErrorKind::none && parser_.finish()) {
            json::array paths;
            for (auto& p : paths_) paths.push_back(json::string(p));
            return http::Response{200, "application/json", to_json(paths), {}};
        }
        drop_files();
        if (status_ != 0) return http::error_response(status_, message_);
        switch (parser_.error_kind()) {
        case MultipartParser::ErrorKind::header_too_large: return http::error_response(413, parser_.error());
        case MultipartParser::ErrorKind::too_many_parts:
            return http::error_response(400, "Too many files. Maximum number of files is " + std::to_string(max_files) + ".");
        case MultipartParser::ErrorKind::malformed: return http::error_response(400, "Could not parse multipart request: " + parser_.error());
        default: break;
        }
        return http::error_response(400, "Could not parse multipart request: the upload was cut off.");
    }
    [[nodiscard]] std::uint64_t max_body_size() const override {
        // The cache's room plus room for part headers; each file is bounded on its own too.
        const auto& o = cache_.options();
        const std::uint64_t room = o.max_total_size > cache_.used() ? o.max_total_size - cache_.used() : 0;
        return room + (std::uint64_t{16} << 20);
    }

private:
    std::string refuse(unsigned status, std::string message) {
        status_ = status;
        message_ = std::move(message);
        return message_;
    }
    void drop_files() {
        writer_.reset();
        for (auto& p : paths_) {
            std::error_code ec;
            std::filesystem::remove_all(std::filesystem::path(p).parent_path(), ec);
        }
        paths_.clear();
        written_.clear();
    }

    FileCache& cache_;
    std::shared_ptr<UploadTracker::Progress> progress_;
    MultipartParser parser_;
    std::unique_ptr<FileCache::Writer> writer_;
    std::vector<std::unique_ptr<FileCache::Writer>> written_;
    std::vector<std::string> paths_;
    std::string name_;
    std::size_t fields_ = 0;
    unsigned status_ = 0;
    std::string message_;
};

class ProgressStream final : public http::StreamSource {
public:
    explicit ProgressStream(std::shared_ptr<UploadTracker::Progress> p) : progress_(std::move(p)) {}
    Poll poll(std::string& out) override {
        std::lock_guard lock(progress_->mutex);
        for (auto& [name, bytes] : progress_->updates) {
            out += "data: {\"msg\": \"update\", \"orig_name\": ";
            write_json_string(out, name, JsonDialect::python);
            out += ", \"chunk_size\": " + std::to_string(bytes) + "}\n\n";
        }
        progress_->updates.clear();
        if (progress_->done) {
            out += "data: {\"msg\": \"done\"}\n\n";
            return Poll::done;
        }
        if (gave_up_) {
            out += "data: {\"msg\": \"error\", \"message\": \"Upload not found\"}\n\n";
            return Poll::done;
        }
        return Poll::wait;
    }
    void set_waker(std::function<void()> wake) override {
        std::lock_guard lock(progress_->mutex);
        progress_->wake = std::move(wake);
    }
    std::string keepalive() override {
        std::lock_guard lock(progress_->mutex);
        if (!progress_->started) {  // nothing started within a heartbeat interval: give up
            gave_up_ = true;
            if (progress_->wake) progress_->wake();
            return {};
        }
        return "data: {\"msg\": \"heartbeat\"}\n\n";
    }

private:
    std::shared_ptr<UploadTracker::Progress> progress_;
    bool gave_up_ = false;
};

}  // namespace

std::shared_ptr<UploadTracker::Progress> UploadTracker::get(const std::string& id) {
    if (!valid_upload_id(id)) return nullptr;
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (auto it = uploads_.find(id); it != uploads_.end()) return it->second;
    if (uploads_.size() >= max_uploads) {
        for (auto it = uploads_.begin(); it != uploads_.end();) {
            bool old = false;
            {
                std::lock_guard p(it->second->mutex);
                old = it->second->done && now - it->second->ended > forget_after;
            }
            it = old || it->second.use_count() == 1 ? uploads_.erase(it) : std::next(it);
        }
        if (uploads_.size() >= max_uploads) return nullptr;
    }
    auto p = std::make_shared<Progress>();
    uploads_.emplace(id, p);
    return p;
}

void UploadTracker::update(Progress& p, const std::string& name, std::uint64_t bytes) {
    std::function<void()> wake;
    {
        std::lock_guard lock(p.mutex);
        p.started = true;
        if (!p.updates.empty() && p.updates.back().first == name) p.updates.back().second += bytes;
        else if (p.updates.size() < 64) p.updates.emplace_back(name, bytes);
        wake = p.wake;
    }
    if (wake) wake();
}

void UploadTracker::finish(Progress& p) {
    std::function<void()> wake;
    {
        std::lock_guard lock(p.mutex);
        p.started = true;
        p.done = true;
        p.ended = std::chrono::steady_clock::now();
        wake = p.wake;
    }
    if (wake) wake();
}

http::BodyDecision upload_body(const http::Request& head, FileCache& cache, UploadTracker& tracker) {
    BoundaryError why = BoundaryError::none;
    std::string boundary = multipart_boundary(head.header("content-type"), why);
    if (why == BoundaryError::not_multipart) return http::error_response(400, "Invalid content type.");
    if (why != BoundaryError::none) return http::error_response(400, "Missing boundary in multipart.");
    std::shared_ptr<UploadTracker::Progress> progress;
    if (auto id = head.query_param("upload_id")) {
        progress = tracker.start(*id);
        if (!progress) return http::error_response(400, "upload_id must be 1 to 64 letters, digits, '-' or '_', and at most " +
                                                            std::to_string(UploadTracker::max_uploads) + " uploads are tracked at once.");
        std::lock_guard lock(progress->mutex);
        progress->started = true;
    }
    return std::unique_ptr<http::BodySink>(std::make_unique<UploadSink>(std::move(boundary), cache, std::move(progress)));
}

http::Reply upload_progress(const http::Request& request, UploadTracker& tracker) {
    auto id = request.query_param("upload_id");
    auto progress = id ? tracker.get(*id) : nullptr;
    if (!progress) return http::error_response(404, "Upload not found");
    http::StreamResponse r;
    r.source = std::make_shared<ProgressStream>(std::move(progress));
    return r;
}

}  // namespace gradio::detail::files
