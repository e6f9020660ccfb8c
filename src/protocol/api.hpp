#pragma once
// Gradio's HTTP routes (protocol.md §2): /config, /gradio_api/{info, queue/join, queue/data,
// call/..., run/..., cancel, reset, heartbeat}, plus the UI's static files.
// Transport-neutral: takes http::Request, returns http::Reply.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/message.hpp"
#include "protocol/app.hpp"
#include "protocol/config.hpp"
#include "protocol/execute.hpp"
#include "queue/event_queue.hpp"
#include "queue/session.hpp"

namespace gradio::detail {

struct ApiOptions {
    ExecuteOptions execute;
    std::string web_dir;
};

class GradioApi {
public:
    GradioApi(const App& app, EventQueue& queue, SessionRegistry& sessions, ApiOptions options);

    http::Reply handle(http::Request& request);

private:
    http::Reply queue_join(const http::Request& request);
    http::Reply queue_data(const http::Request& request);
    http::Reply call_post(const http::Request& request, std::string_view api_name, bool keyword_form);
    http::Reply call_stream(std::string_view event_id);
    http::Reply run(const http::Request& request, std::string_view api_name);
    http::Reply cancel(const http::Request& request);
    // Queues an event; returns the {"event_id"} answer or the 4xx/503 error.
    http::Response enqueue(const Dependency& dep, json::array data, json::value event_data,
                           const std::string& session_hash, bool simple_format, std::string* event_id_out);
    [[nodiscard]] std::string root_url(const http::Request& request) const;

    const App& app_;
    EventQueue& queue_;
    SessionRegistry& sessions_;
    ApiOptions options_;
    ConfigDocument config_;
    std::mutex call_mutex_;
    std::map<std::string, std::string> call_sessions_;  // /call event id -> its session hash
};

}  // namespace gradio::detail
