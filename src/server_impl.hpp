#pragma once
// Wires one app to the transport: worker pool, sessions, queue, protocol routes, HTTP server.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gradio/launch.hpp>

#include "auth/login_gate.hpp"
#include "examples/cache_sweeper.hpp"
#include "files/file_cache.hpp"
#include "files/upload.hpp"
#include "metrics/metrics.hpp"
#include "http/server.hpp"
#include "protocol/api.hpp"
#include "protocol/app.hpp"
#include "queue/event_queue.hpp"
#include "queue/session.hpp"
#include "queue/worker_pool.hpp"

namespace gradio::detail {

class ServerImpl {
public:
    ServerImpl(std::shared_ptr<const App> app, const LaunchOptions& options);
    ~ServerImpl();
    ServerImpl(const ServerImpl&) = delete;
    ServerImpl& operator=(const ServerImpl&) = delete;

    // Binds and starts serving; throws LaunchError.
    void start();
    void stop() noexcept;
    // Refuses new events, waits up to `timeout` for the rest to finish, then stops; true if
    // nothing was left to cancel.
    bool shutdown(std::chrono::milliseconds timeout);
    void wait();
    // Waits at most `timeout`; true once stopped.
    bool wait_for(std::chrono::milliseconds timeout);
    [[nodiscard]] std::uint16_t port() const noexcept { return http_->port(); }
    [[nodiscard]] const std::string& host() const noexcept { return host_; }
    [[nodiscard]] bool tls() const noexcept { return tls_; }
    // What is on, for the start-up lines: "login", "OpenAI API at /v1", ...
    [[nodiscard]] const std::vector<std::string>& features() const noexcept { return features_; }

private:
    std::shared_ptr<const App> app_;
    std::string host_;
    bool tls_ = false;
    std::vector<std::string> features_;
    // Before the pools and the queue: events use it until they are stopped.
    std::unique_ptr<files::FileCache> files_;
    files::UploadTracker uploads_;
    WorkerPool pool_;
    WorkerPool quick_pool_;  // the library's own steps: never behind busy user functions
    SessionRegistry sessions_;
    std::unique_ptr<EventQueue> queue_;
    std::unique_ptr<auth::LoginGate> login_;  // none: no login needed
    std::unique_ptr<Metrics> metrics_;        // none: no /metrics
    std::unique_ptr<GradioApi> api_;
    std::unique_ptr<http::HttpServer> http_;
    std::unique_ptr<CacheSweeper> sweeper_;  // delete_cache over the file cache
    std::mutex mutex_;
    std::condition_variable stopped_cv_;
    bool stopped_ = false;
};

// server_name / server_port after applying GRADIO_SERVER_NAME / GRADIO_SERVER_PORT.
// Throws ConfigError for a port that is not a number in 0..65535.
std::pair<std::string, std::uint16_t> resolve_address(const LaunchOptions& options);

// `app` as launched with `launch`: show_error, max_file_size and "default" concurrency limits
// resolved.
[[nodiscard]] std::shared_ptr<const App> app_for_launch(App app, const LaunchOptions& launch);
// One warning line each, for options accepted but not acted on yet.
void warn_inert(const std::vector<std::string>& warnings);
// Starts serving `app` (ChatInterface::start, Blocks::start).
[[nodiscard]] Server serve(std::shared_ptr<const App> app, const LaunchOptions& options);
// Runs `start`, prints the URL and blocks until SIGINT/SIGTERM, then stops (launch()).
int serve_until_signal(const std::function<Server()>& start, const LaunchOptions& options);

}  // namespace gradio::detail
