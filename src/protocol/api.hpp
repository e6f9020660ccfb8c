#pragma once
// Gradio's HTTP routes (protocol.md §2): /config, /gradio_api/{info, queue/join, queue/data,
// call/..., run/..., cancel, reset, heartbeat}, plus the UI's static files.
// Transport-neutral: takes http::Request, returns http::Reply.

#include <functional>
#include <optional>
#include <vector>
#include <memory>
#include <mutex>
#include <string>

#include "files/path_policy.hpp"
#include "http/message.hpp"
#include "protocol/app.hpp"
#include "protocol/config.hpp"
#include "protocol/execute.hpp"
#include "queue/event_queue.hpp"
#include "queue/session.hpp"

namespace gradio::detail::files {
class FileCache;
class UploadTracker;
}
namespace gradio::detail::auth {
class LoginGate;
}

namespace gradio::detail {

struct ApiOptions {
    ExecuteOptions execute;
    std::string web_dir;
    // Bound to a loopback address: answer only requests whose Host is a loopback name or
    // one of `allowed_hosts` (DNS-rebinding protection).
    bool loopback_only = true;
    std::vector<std::string> allowed_hosts;
    // Peers whose X-Forwarded-Host / X-Forwarded-Proto are believed.
    std::vector<std::string> trusted_proxies;
    // The server's file cache and upload progress (none: no uploads), and what
    // GET /gradio_api/file= may send.
    files::FileCache* files = nullptr;
    files::UploadTracker* uploads = nullptr;
    files::FilePolicy file_policy;
    // POST /v1/chat/completions and GET /v1/models (LaunchOptions::openai_api).
    bool openai_api = false;
    // Login (LaunchOptions::auth); none: every route is open.
    auth::LoginGate* login = nullptr;
    // Served over TLS: URLs we hand out say https.
    bool tls = false;
    // The sub-path a proxy serves the app under ("/chat-app"; "" = the root), for the URLs we
    // hand out; requests that still carry it have it removed.
    std::string root_path;
    // GET /metrics's text (LaunchOptions::metrics); empty: no such route.
    std::function<std::string()> metrics;
};

class GradioApi {
public:
    GradioApi(const App& app, EventQueue& queue, SessionRegistry& sessions, ApiOptions options);

    http::Reply handle(http::Request& request);
    // Picks the routes that read their body as it arrives (POST /gradio_api/upload).
    http::BodyDecision body_route(http::Request& head);

    // "application/json" or "application/<x>+json", any parameters.
    [[nodiscard]] static bool is_json_type(std::string_view content_type);
    [[nodiscard]] static bool is_loopback_name(std::string_view host_without_port);
    // A sub-path as the app accepts one (root_path, X-Forwarded-Prefix): "/seg/seg" without a
    // trailing slash; "" for none, or for anything that could make a URL point elsewhere
    // ("//host", a scheme, spaces, control characters, quotes, '?', '#').
    [[nodiscard]] static std::string clean_prefix(std::string_view prefix);

private:
    http::Reply route(http::Request& request);
    // /login, /logout, /login_check, and the 401 for a route that needs a login it lacks;
    // nullopt to go on to route().
    std::optional<http::Reply> login_routes(http::Request& request, std::string_view path);
    // Who is asking, for rate limits: the peer, or the address a trusted proxy forwarded.
    [[nodiscard]] std::string client_address(const http::Request& request) const;
    // The app's root as the client sees it ("/" or the proxy's sub-path + "/").
    [[nodiscard]] std::string root_path(const http::Request& request) const;
    // The sub-path: root_path, or a trusted proxy's X-Forwarded-Prefix; "" or "/a/b".
    [[nodiscard]] std::string path_prefix(const http::Request& request) const;
    // `path` without a leading root_path (a proxy that passes it on).
    [[nodiscard]] std::string without_root_path(const std::string& path) const;
    // Refusals that apply to every route (Host, preflight, content type); nullopt to go on.
    [[nodiscard]] std::optional<http::Response> check_request(const http::Request& request) const;
    [[nodiscard]] bool host_allowed(std::string_view host_header) const;
    [[nodiscard]] bool from_trusted_proxy(const http::Request& request) const;
    void add_common_headers(const http::Request& request, std::vector<std::pair<std::string, std::string>>& headers) const;
    // Runs the dependency's validator (if any) before `then`; 422 when it rejects.
    http::Reply validated(const Dependency& dep, json::array values, std::function<http::Response(json::array)> then);
    std::shared_ptr<Session> session_for(const std::string& hash, http::Response& error);
    http::Reply queue_join(const http::Request& request);
    http::Reply queue_data(const http::Request& request);
    http::Reply call_post(const http::Request& request, std::string_view api_name, bool keyword_form);
    http::Reply call_stream(std::string_view event_id);
    http::Reply upload_whole(http::Request& request);
    http::Reply run(const http::Request& request, std::string_view api_name);
    http::Reply cancel(const http::Request& request);
    // The OpenAI-compatible routes under /v1 (src/openai/openai_api.cpp).
    http::Reply openai_route(const http::Request& request, std::string_view path);
    http::Reply openai_completions(const http::Request& request);
    // 401 in OpenAI's format, for a /v1 request that is not logged in.
    static http::Response openai_unauthorized();
    // An error in OpenAI's format ({"error": {message, type, param, code}}).
    static http::Response openai_error_response(unsigned status, const std::string& message, const std::string& type);
    // Queues an event; returns the {"event_id"} answer or the 4xx/503 error. `call_api`: a
    // /call event, whose result GET /call/<api>/<event_id> reads.
    http::Response enqueue(const Dependency& dep, json::array data, json::value event_data,
                           const std::string& session_hash, bool call_api, const std::string& root_url);
    [[nodiscard]] std::string root_url(const http::Request& request) const;

    const App& app_;
    EventQueue& queue_;
    SessionRegistry& sessions_;
    ApiOptions options_;
    ConfigDocument config_;
};

}  // namespace gradio::detail
