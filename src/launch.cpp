#include <cctype>
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <sys/resource.h>
#include <thread>

#include <gradio/chat_interface.hpp>
#include <gradio/error.hpp>
#include <gradio/version.hpp>

#include "chat_app.hpp"
#include "log/log.hpp"
#include "server_impl.hpp"

namespace gradio {

FileSize::FileSize(const char* text) {
    // "<n><b|kb|mb|gb|tb>", binary multiples, any case (Gradio's max_file_size text form).
    std::string s = text ? text : "";
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    const std::string unit = s.substr(digits);
    int shift = -1;
    if (unit == "b" || unit.empty()) shift = 0;
    else if (unit == "kb") shift = 10;
    else if (unit == "mb") shift = 20;
    else if (unit == "gb") shift = 30;
    else if (unit == "tb") shift = 40;
    if (digits == 0 || digits > 12 || shift < 0)
        throw ConfigError("[gr.launch.4] a size must be a number of bytes or text like \"5mb\" (b, kb, mb, gb, tb), got \"" + s + "\"");
    const std::uint64_t n = std::stoull(s.substr(0, digits));
    if (n > (UINT64_MAX >> shift)) throw ConfigError("[gr.launch.4] the size \"" + s + "\" is too large");
    bytes = n << shift;
}

namespace detail {

std::pair<std::string, std::uint16_t> resolve_address(const LaunchOptions& options) {
    std::string host = "127.0.0.1";
    if (options.server_name) host = *options.server_name;
    else if (const char* env = std::getenv("GRADIO_SERVER_NAME"); env && *env) host = env;
    long port = 7860;
    if (options.server_port) {
        port = *options.server_port;
    } else if (const char* env = std::getenv("GRADIO_SERVER_PORT"); env && *env) {
        char* end = nullptr;
        port = std::strtol(env, &end, 10);
        if (*end != '\0') throw ConfigError(std::string("[gr.launch.1] GRADIO_SERVER_PORT must be a number, got \"") + env + "\"");
    }
    if (port < 0 || port > 65535)
        throw ConfigError("[gr.launch.2] server port must be in 0..65535, got " + std::to_string(port));
    return {host, static_cast<std::uint16_t>(port)};
}

namespace {

SessionLimits session_limits(const LaunchOptions& options) {
    SessionLimits limits;
    limits.max_sessions = std::max<std::size_t>(1, options.max_sessions);
    limits.max_state_bytes = options.max_state_size;
    limits.max_total_bytes = options.max_total_state_size;
    limits.idle_ttl = std::chrono::seconds(std::max(1, options.session_ttl_s));
    return limits;
}

bool is_loopback_address(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::vector<std::filesystem::path> as_paths(const std::vector<std::string>& list) {
    return {list.begin(), list.end()};
}

std::unique_ptr<files::FileCache> make_file_cache(const LaunchOptions& options) {
    files::FileCacheOptions o;
    if (options.max_file_size) o.max_file_size = options.max_file_size->bytes;
    o.max_total_size = options.max_cache_size.bytes;
    o.allowed_paths = as_paths(options.allowed_paths);
    o.blocked_paths = as_paths(options.blocked_paths);
    return std::make_unique<files::FileCache>(std::move(o));
}

// What GET /gradio_api/file= may send: the cache, allowed_paths, the files the app named;
// never the working directory; blocked_paths win.
files::FilePolicy file_policy(const App& app, const files::FileCache& cache, const LaunchOptions& options) {
    files::FilePolicy policy;
    policy.roots = {cache.root()};
    policy.allowed_paths = as_paths(options.allowed_paths);
    policy.blocked_paths = as_paths(options.blocked_paths);
    policy.files = as_paths(app.served_files);
    return policy;
}

// An opt-in: the option when set, else the environment variable ("1" or "true").
bool switched_on(const std::optional<bool>& option, const char* variable) {
    if (option) return *option;
    const char* env = std::getenv(variable);
    return env && (std::string_view(env) == "1" || std::string_view(env) == "true");
}

// root_path (or env GRADIO_ROOT_PATH) as "" or "/a/b": a path, no trailing slash.
std::string root_path_of(const LaunchOptions& options) {
    std::string path = options.root_path;
    if (path.empty())
        if (const char* env = std::getenv("GRADIO_ROOT_PATH")) path = env;
    std::string clean = GradioApi::clean_prefix(path);
    if (clean.empty() && path.find_first_not_of('/') != std::string::npos)
        throw ConfigError("[gr.launch.6] root_path must be a path such as \"/chat-app\" (no scheme, host, query or spaces), got \"" +
                          path + "\"");
    return clean;
}

std::vector<std::string> function_labels(const App& app) {
    std::vector<std::string> labels;
    for (const auto& d : app.dependencies) {
        if (labels.size() <= static_cast<std::size_t>(d.id)) labels.resize(static_cast<std::size_t>(d.id) + 1);
        labels[static_cast<std::size_t>(d.id)] = d.api_name.empty() ? "fn_" + std::to_string(d.id) : d.api_name;
    }
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i].empty()) labels[i] = "fn_" + std::to_string(i);
    return labels;
}

void configure_log(const LaunchOptions& options) {
    if (options.log_level.empty()) return;  // env GRADIO_LOG_LEVEL or the default
    log::Level level{};
    if (!log::parse_level(options.log_level, level))
        throw ConfigError("[gr.launch.3] log_level must be \"debug\", \"info\", \"warn\", \"error\" or \"off\", got \"" +
                          options.log_level + "\"");
    log::set_level(level);
}

}  // namespace

ServerImpl::ServerImpl(std::shared_ptr<const App> app, const LaunchOptions& options)
    : app_(std::move(app)), files_(make_file_cache(options)), pool_(options.max_threads), quick_pool_(2),
      sessions_(session_limits(options)) {
    configure_log(options);
    auto [host, port] = resolve_address(options);
    host_ = host;
    if (app_->delete_cache) {
        const auto [frequency, age] = *app_->delete_cache;
        sweeper_ = std::make_unique<CacheSweeper>(files_->root(), std::chrono::seconds(frequency), std::chrono::seconds(age), false,
                                                  [files = files_.get()] { files->recount(); });
    }
    ExecuteOptions execute{options.show_error, files_.get()};
    queue_ = std::make_unique<EventQueue>(
        pool_, [this, execute](const std::shared_ptr<Event>& e) { run_event(*app_, *queue_, execute, e); }, options.max_size);
    const bool tls = !options.ssl_certfile.empty();
    if (options.auth.enabled()) {
        auth::LoginOptions login;
        login.users = options.auth.users;
        login.check = options.auth.check;
        login.auth_message = options.auth_message;
        login.secure_cookie = tls;
        login_ = std::make_unique<auth::LoginGate>(std::move(login));
    }
    const bool openai = switched_on(options.openai_api, "GRADIO_OPENAI_API");
    ApiOptions api_options{execute,        options.web_dir, is_loopback_address(host), options.allowed_hosts,
                           options.trusted_proxies, files_.get(), &uploads_, file_policy(*app_, *files_, options),
                           openai, login_.get(), tls, root_path_of(options), {}};
    if (switched_on(options.metrics, "GRADIO_METRICS")) {
        metrics_ = std::make_unique<Metrics>(function_labels(*app_));
        queue_->set_metrics(metrics_.get());
        api_options.metrics = [this] { return metrics_->render(http_->counters()); };
    }
    if (login_) features_.emplace_back("login required");
    if (openai) features_.emplace_back("OpenAI API at /v1");
    if (metrics_) features_.emplace_back("metrics at /metrics");
    api_ = std::make_unique<GradioApi>(*app_, *queue_, sessions_, std::move(api_options));
    http::ServerOptions http_options;
    http_options.host = host;
    http_options.port = port;
    http_options.max_body_size = options.max_body_size;
    http_options.request_timeout = std::chrono::seconds(options.request_timeout_s);
    http_options.heartbeat = std::chrono::milliseconds(static_cast<long>(options.heartbeat_interval_s * 1000));
    http_options.max_connections = options.max_connections;
    if (options.ssl_certfile.empty() != options.ssl_keyfile.empty())
        throw ConfigError("[gr.launch.5] TLS needs both ssl_certfile and ssl_keyfile; only " +
                          std::string(options.ssl_certfile.empty() ? "ssl_keyfile" : "ssl_certfile") + " was given");
    http_options.tls_certfile = options.ssl_certfile;
    http_options.tls_keyfile = options.ssl_keyfile;
    http_options.tls_key_password = options.ssl_keyfile_password;
    tls_ = tls;
    http_ = std::make_unique<http::HttpServer>(
        http_options, [this](http::Request& r) { return api_->handle(r); },
        [this](std::function<void()> work, bool user_code) { (user_code ? pool_ : quick_pool_).post(std::move(work)); },
        [this](http::Request& head) { return api_->body_route(head); });
}

ServerImpl::~ServerImpl() { stop(); }

void ServerImpl::start() {
    // Each open stream is a socket: allow as many as the hard limit permits (10k+ streams).
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    http_->start();
}

void ServerImpl::stop() noexcept {
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
        stopped_ = true;
    }
    // Order matters: refuse and cancel events, let open streams say goodbye and close,
    // then join the workers (running coroutines stop at their next co_yield).
    queue_->stop();
    http_->stop();
    pool_.stop();
    quick_pool_.stop();
    sweeper_.reset();
    log::flush();
    stopped_cv_.notify_all();
}

bool ServerImpl::shutdown(std::chrono::milliseconds timeout) {
    queue_->drain();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool idle = queue_->idle();
    while (!idle && std::chrono::steady_clock::now() < deadline && !wait_for(std::chrono::milliseconds(20))) idle = queue_->idle();
    stop();
    return idle;
}

void ServerImpl::wait() {
    std::unique_lock lock(mutex_);
    stopped_cv_.wait(lock, [this] { return stopped_; });
}

bool ServerImpl::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return stopped_cv_.wait_for(lock, timeout, [this] { return stopped_; });
}

}  // namespace detail

Server::Server(std::shared_ptr<detail::ServerImpl> impl) noexcept : impl_(std::move(impl)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&& other) noexcept {
    if (this != &other) {
        stop();
        impl_ = std::move(other.impl_);
    }
    return *this;
}
Server::~Server() { stop(); }
std::uint16_t Server::port() const noexcept { return impl_ ? impl_->port() : 0; }
std::string Server::url() const {
    if (!impl_) return {};
    std::string host = impl_->host() == "0.0.0.0" ? "127.0.0.1" : impl_->host();
    return (impl_->tls() ? "https://" : "http://") + host + ":" + std::to_string(impl_->port());
}
void Server::stop() noexcept {
    if (impl_) impl_->stop();
}
void Server::wait() {
    if (impl_) impl_->wait();
}
std::vector<std::string> Server::features() const { return impl_ ? impl_->features() : std::vector<std::string>{}; }
bool Server::shutdown(double timeout_s) {
    if (!impl_) return true;
    return impl_->shutdown(std::chrono::milliseconds(static_cast<long>(std::max(0.0, timeout_s) * 1000)));
}

ChatInterface::ChatInterface(detail::ChatFunction fn, ChatInterfaceOptions options)
    : app_(std::make_shared<detail::ChatApp>(std::move(fn), std::move(options))) {}
ChatInterface::ChatInterface(ChatInterface&&) noexcept = default;
ChatInterface& ChatInterface::operator=(ChatInterface&&) noexcept = default;
ChatInterface::~ChatInterface() = default;

const ChatInterfaceOptions& ChatInterface::options() const noexcept { return app_->options(); }

namespace detail {

std::shared_ptr<const App> app_for_launch(App app, const LaunchOptions& launch) {
    app.show_error = launch.show_error;
    if (launch.max_file_size) app.max_file_size = launch.max_file_size->bytes;
    for (auto& d : app.dependencies)
        if (d.concurrency_limit && *d.concurrency_limit == default_concurrency)
            d.concurrency_limit = launch.default_concurrency_limit;
    return std::make_shared<const App>(std::move(app));
}

void warn_inert(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings)  // options accepted but not acted on yet
        log::warn(w, {{"option", std::string_view(w).substr(0, w.find_first_of("=[ "))}});
}

Server serve(std::shared_ptr<const App> app, const LaunchOptions& options) {
    auto impl = std::make_shared<ServerImpl>(std::move(app), options);
    impl->start();
    return Server(std::move(impl));
}

int serve_until_signal(const std::function<Server()>& start, const LaunchOptions& options) {
    // Block SIGINT/SIGTERM before any thread starts, so only this thread receives them.
    sigset_t signals, previous;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGUSR2);  // ends the second-signal watcher
    pthread_sigmask(SIG_BLOCK, &signals, &previous);
    struct RestoreMask {
        sigset_t mask;
        ~RestoreMask() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
    } restore{previous};

    Server server = start();
    if (!options.quiet) {
        std::printf("* Running on local URL:  %s\n", server.url().c_str());
        std::string extras;
        for (const auto& f : server.features()) extras += ", " + f;
        std::printf("* gradio.cpp %s: the API is described at %s/gradio_api/info%s. Stop with Ctrl+C (running replies get "
                    "%gs to finish).\n",
                    gradio::version, server.url().c_str(), extras.c_str(), options.shutdown_timeout_s);
        std::fflush(stdout);
    }
    int sig = 0;
    while (sig != SIGINT && sig != SIGTERM) sig = sigwaitinfo(&signals, nullptr);
    if (!options.quiet) {
        std::printf("* Stopping (signal %d): new events are refused; waiting up to %gs for running ones...\n", sig,
                    options.shutdown_timeout_s);
        std::fflush(stdout);
    }
    // A second signal stops at once: a thread waits for it while the drain runs.
    std::thread second([&server, signals] {
        int again = 0;
        while (again != SIGINT && again != SIGTERM && again != SIGUSR2) again = sigwaitinfo(&signals, nullptr);
        server.stop();
    });
    const bool clean = server.shutdown(options.shutdown_timeout_s);
    pthread_kill(second.native_handle(), SIGUSR2);
    second.join();
    if (!options.quiet) {
        std::printf(clean ? "* Stopped.\n" : "* Stopped; replies still running were cancelled.\n");
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace detail

Server ChatInterface::start(LaunchOptions options) {
    detail::warn_inert(app_->inert_options());
    app_->prepare_launch();
    return detail::serve(app_->app_for(options), options);
}

int ChatInterface::launch(LaunchOptions options) {
    return detail::serve_until_signal([&] { return start(options); }, options);
}

}  // namespace gradio
