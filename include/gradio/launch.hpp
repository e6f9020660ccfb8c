#pragma once
/// \file launch.hpp
/// How to serve an app: `LaunchOptions`, and `Server`, the handle of a running server.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace gradio {

namespace detail {
class ServerImpl;
}

/// A size in bytes: a number, or Gradio's text form `"5mb"` (`<n><b|kb|mb|gb|tb>`, binary
/// multiples, any case). A malformed text throws `gr::ConfigError`.
struct FileSize {
    /// The size in bytes.
    std::uint64_t bytes = 0;
    /// `n` bytes.
    FileSize(std::uint64_t n) noexcept : bytes(n) {}
    /// `n` bytes (a negative `n` is 0).
    FileSize(int n) noexcept : bytes(n > 0 ? static_cast<std::uint64_t>(n) : 0) {}
    /// Gradio's text form, such as "5mb".
    FileSize(const char* text);
    /// Gradio's text form, such as "5mb".
    FileSize(const std::string& text) : FileSize(text.c_str()) {}
};

/// Who may use the app (Gradio's `launch(auth=...)`): user/password pairs, or a function that
/// says whether a user/password pair may log in. Empty: no login.
///
/// **Example**
/// \code
/// demo.launch({.auth = {{"admin", "s3cret"}}});
/// demo.launch({.auth = [](const std::string& user, const std::string& password) { return check(user, password); }});
/// \endcode
/// The function is user code: it runs on the worker pool, and an exception from it refuses the
/// login.
struct Auth {
    /// Answers whether `username` may log in with `password`.
    using Check = std::function<bool(const std::string& username, const std::string& password)>;
    Auth() = default;
    /// Several users: `{{"admin", "s3cret"}, {"guest", "guest"}}`.
    Auth(std::initializer_list<std::pair<std::string, std::string>> pairs) : users(pairs) {}
    /// Several users, from a list built at run time.
    Auth(std::vector<std::pair<std::string, std::string>> pairs) : users(std::move(pairs)) {}
    /// One user: `{"admin", "s3cret"}`.
    Auth(std::string username, std::string password) : users{{std::move(username), std::move(password)}} {}
    /// A function `bool(const std::string& username, const std::string& password)`.
    template <class F>
        requires(std::is_invocable_r_v<bool, F&, const std::string&, const std::string&> &&
                 !std::is_same_v<std::remove_cvref_t<F>, Auth>)
    Auth(F check_function) : check(std::move(check_function)) {}

    /// True when a login is needed.
    [[nodiscard]] bool enabled() const noexcept { return !users.empty() || static_cast<bool>(check); }

    /// User/password pairs (compared in constant time).
    std::vector<std::pair<std::string, std::string>> users{};
    /// The app's own check; when set, `users` is not used.
    Check check{};
};

/// Options of `launch()` / `start()`, named after Gradio's `launch()` and `queue()` keywords.
/// Declaration order is the order designated initializers must follow.
struct LaunchOptions {
    /// Interface to bind. Unset: env `GRADIO_SERVER_NAME`, else "127.0.0.1".
    std::optional<std::string> server_name{};
    /// Port to bind; 0 picks a free one. Unset: env `GRADIO_SERVER_PORT`, else 7860.
    std::optional<int> server_port{};
    /// Show the text of any exception to the user, not only of `gr::Error`.
    bool show_error = false;
    /// Worker threads that run chat functions (Gradio's `max_threads`).
    int max_threads = 40;
    /// Most events waiting in the queue before `queue/join` answers 503; unset = no limit.
    std::optional<int> max_size{};
    /// Limit for functions whose `concurrency_limit` is "default" (Gradio's default: 1).
    std::optional<int> default_concurrency_limit = 1;
    /// Print the "Running on local URL" line (and shutdown notices).
    bool quiet = false;
    /// Serve the browser UI from this folder instead of the embedded bundle (UI development).
    std::string web_dir{};
    /// Largest request body accepted, in bytes (413 above it).
    std::size_t max_body_size = 16u << 20;
    /// Seconds a client may take to send a request, and idle seconds before a keep-alive
    /// connection is closed.
    int request_timeout_s = 30;
    /// Seconds between SSE keep-alive messages (Gradio: 15).
    double heartbeat_interval_s = 15.0;
    /// Most open connections (each open stream is one); beyond it new ones get 503 at once.
    /// Lowered at start to fit the process's file descriptor limit (RLIMIT_NOFILE, whose soft
    /// value is first raised to the hard one), keeping headroom for new clients.
    std::size_t max_connections = 20000;
    /// Host names, besides loopback ones, that a server bound to a loopback address answers
    /// to (such as the name a reverse proxy forwards). Other Host headers get 400: a web page
    /// cannot reach the app through DNS rebinding.
    std::vector<std::string> allowed_hosts{};
    /// IP addresses of reverse proxies whose `X-Forwarded-Host` / `X-Forwarded-Proto` are
    /// believed. From anyone else these headers are ignored.
    std::vector<std::string> trusted_proxies{};
    /// Most sessions kept at once; idle ones are evicted oldest first, and beyond the limit
    /// with every session in use new ones get 503.
    std::size_t max_sessions = 10000;
    /// Largest State (chat history) one session may keep, in bytes of memory; a turn that
    /// would exceed it fails with a clear error (413 on run/predict).
    std::size_t max_state_size = std::size_t{8} << 20;
    /// Memory all sessions' State may use together; idle sessions are evicted beyond it.
    std::size_t max_total_state_size = std::size_t{512} << 20;
    /// Seconds after which an idle session (no stream, nothing running) is forgotten.
    int session_ttl_s = 3600;
    /// Log level on stderr: "debug" (every request), "info", "warn", "error" or "off".
    /// Empty: env `GRADIO_LOG_LEVEL`, else "info".
    std::string log_level{};
    /// Files or folders whose files fn may return and `/gradio_api/file=` serves (inline, whatever
    /// their type), besides the app's file cache. Nothing else on the disk is ever served.
    std::vector<std::string> allowed_paths{};
    /// Files or folders never served or returned, even inside `allowed_paths` (they win).
    std::vector<std::string> blocked_paths{};
    /// Largest file one upload may carry (413 beyond it); unset = only `max_cache_size` bounds it.
    std::optional<FileSize> max_file_size{};
    /// Bytes all cached files (uploads and files fn returned) may take together on disk; an
    /// upload beyond it gets 413. The cache is a folder of its own under env `GRADIO_TEMP_DIR`
    /// (default `<system temp>/gradio`), removed when the server stops.
    FileSize max_cache_size = std::uint64_t{4} << 30;
    /// Serves an OpenAI-compatible API for the app's chat function: `POST /v1/chat/completions`
    /// (the request's messages become the message and history; streamed or not) and
    /// `GET /v1/models` (one model per ChatInterface, named by its api_name). nullopt = env
    /// `GRADIO_OPENAI_API=1`.
    std::optional<bool> openai_api{};
    /// Login (Gradio's `auth`): a login page, `POST /login` setting an HttpOnly, SameSite=Lax
    /// session cookie (Secure under TLS), `GET /logout`; every other route but the page's static
    /// files answers 401 without it. API clients log in as Gradio's do, or send
    /// `Authorization: Bearer <user>:<password>` (pairs only). Failed attempts are limited to 10 a
    /// minute per client (429 beyond).
    Auth auth{};
    /// Text shown above the login form (plain text).
    std::optional<std::string> auth_message{};
    /// TLS: the PEM private key and certificate (chain) files. Both set: the server speaks https
    /// only. Either alone is a `gr::ConfigError`.
    std::string ssl_keyfile{};
    /// See `ssl_keyfile`.
    std::string ssl_certfile{};
    /// Password of an encrypted `ssl_keyfile`.
    std::string ssl_keyfile_password{};
    /// The sub-path a reverse proxy serves the app under, such as "/chat-app" (Gradio's
    /// `root_path`): the URLs the app hands out (`/config`'s root, file URLs, the API page) start
    /// with it. Requests may arrive with it (it is removed) or without it. A trusted proxy's
    /// `X-Forwarded-Prefix` overrides it per request. Empty: env `GRADIO_ROOT_PATH`, else "".
    std::string root_path{};
    /// Prometheus metrics at `GET /metrics` (behind the login, if any): queue length and events
    /// started/ended by outcome per function, run-time histograms, open connections and streams,
    /// responses and bytes. nullopt = env `GRADIO_METRICS=1`.
    std::optional<bool> metrics{};
    /// On SIGTERM/SIGINT, `launch()` refuses new events (503) and waits this many seconds for
    /// queued and running ones to finish before it cancels them and stops. A second signal
    /// stops at once.
    double shutdown_timeout_s = 10.0;
};

/// A running server. Move-only; destroying it stops the server (running replies are
/// cancelled, open streams are closed, worker threads are joined).
///
/// **Example**
/// \code
/// gr::ChatInterface demo(echo);
/// gr::Server server = demo.start({.server_port = 0});   // non-blocking, for tests
/// std::printf("%s\n", server.url().c_str());
/// \endcode
/// Thread safety: `stop()` may be called from any thread, including a signal-handling one.
class Server {
public:
    /// Made by `start()`; not for direct use.
    explicit Server(std::shared_ptr<detail::ServerImpl> impl) noexcept;
    /// Takes over a running server.
    Server(Server&&) noexcept;
    /// Stops this server (if running), then takes over `other`'s.
    Server& operator=(Server&& other) noexcept;
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    /// The bound port (the real one when 0 was asked for).
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// "http://<host>:<port>" ("https://" under TLS).
    [[nodiscard]] std::string url() const;
    /// What is on besides the page and the API, for logs: "login required", "OpenAI API at /v1",
    /// "metrics at /metrics".
    [[nodiscard]] std::vector<std::string> features() const;
    /// Stops the server; idempotent.
    void stop() noexcept;
    /// Graceful stop: refuses new events (503 with Retry-After), waits up to `timeout_s` seconds
    /// for queued and running ones to finish, then stops. Returns true if none had to be cancelled.
    bool shutdown(double timeout_s);
    /// Blocks until the server has stopped (by `stop()` or SIGINT/SIGTERM when launched).
    void wait();

private:
    std::shared_ptr<detail::ServerImpl> impl_{};
};

}  // namespace gradio
