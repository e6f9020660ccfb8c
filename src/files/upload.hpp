#pragma once
// POST /gradio_api/upload (protocol.md §8.1): a multipart body streamed into the file cache
// part by part, never whole in memory; and the progress GET /gradio_api/upload_progress
// reads (§8.2).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "files/file_cache.hpp"
#include "http/message.hpp"

namespace gradio::detail::files {

// Progress of uploads that name an `upload_id`, for whoever asks with that id. Bounded: at
// most `max_uploads` ids at once; finished ones are forgotten a minute after they end.
class UploadTracker {
public:
    static constexpr std::size_t max_uploads = 1024;

    struct Progress {
        std::mutex mutex;
        std::vector<std::pair<std::string, std::uint64_t>> updates;  // (file name, bytes) not yet read
        bool started = false;
        bool done = false;
        std::chrono::steady_clock::time_point ended{};
        std::function<void()> wake;  // the progress stream's waker
    };

    // The progress record of `id`, made if new; nullptr when the id is invalid (1 to 64 of
    // [A-Za-z0-9_-]) or too many uploads are tracked.
    std::shared_ptr<Progress> get(const std::string& id);
    // An upload with this id is starting; nullptr when the id is invalid or the table is full.
    std::shared_ptr<Progress> start(const std::string& id) { return get(id); }

    static void update(Progress& p, const std::string& name, std::uint64_t bytes);
    static void finish(Progress& p);

private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Progress>> uploads_;
};

// The sink of one upload request; nullptr-free: a refusal comes back as the answer instead.
// `content_type` is the request's header value.
http::BodyDecision upload_body(const http::Request& head, FileCache& cache, UploadTracker& tracker);

// GET /gradio_api/upload_progress?upload_id=ID: SSE of {"msg":"update","orig_name","chunk_size"}
// then {"msg":"done"}; {"msg":"heartbeat"} while idle.
http::Reply upload_progress(const http::Request& request, UploadTracker& tracker);

}  // namespace gradio::detail::files
