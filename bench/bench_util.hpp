// Helpers shared by the bench tools (gr_load, gr_idle_streams, gr_beast_floor). Only what the
// tools really do the same way lives here, so that they cannot drift apart; each tool's own
// logic (its options, flows and measurements) stays in its .cpp.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace bench {

// The short names every tool uses (a tool says `using namespace bench;`).
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// co_await token that returns (error_code, result...) instead of throwing, so that a failed
// request is counted as an error rather than ending the coroutine.
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// --url http://HOST[:PORT][/path] -> host and port; port "80" when the URL has none. The
// "http://" prefix and any path are optional and ignored.
inline void parse_url(std::string_view url, std::string& host, std::string& port) {
    if (url.starts_with("http://")) url.remove_prefix(7);
    if (auto slash = url.find('/'); slash != std::string_view::npos) url = url.substr(0, slash);
    const auto colon = url.rfind(':');
    host = std::string(url.substr(0, colon));
    port = colon == std::string_view::npos ? "80" : std::string(url.substr(colon + 1));
}

// The fn_index of the dependency named `api` (e.g. "chat"), read from GET /config: the queue
// flow's /gradio_api/queue/join needs it. Blocking, on a connection of its own, before the
// tool's own I/O starts; throws when the server is unreachable or has no such dependency.
inline int lookup_fn_index(const tcp::resolver::results_type& endpoints, const std::string& host,
                           const std::string& port, const std::string& api) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(endpoints);
    http::request<http::empty_body> req{http::verb::get, "/config", 11};
    req.set(http::field::host, host + ":" + port);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    auto config = json::parse(res.body());
    for (const auto& dep : config.at("dependencies").as_array()) {
        const auto* name = dep.as_object().if_contains("api_name");
        if (name && name->is_string() && name->as_string() == api) return static_cast<int>(dep.at("id").to_number<long>());
    }
    throw std::runtime_error("no dependency named " + api + " in /config");
}

// --- the server process, read from /proc ---

// VmRSS of a process in KiB (0 if unknown).
inline long rss_kib(long pid) {
    if (pid <= 0) return 0;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
    return 0;
}

// Open file descriptors of a process.
inline long open_fds(long pid) {
    if (pid <= 0) return 0;
    long n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++n;
    return n;
}

// utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15).
inline double cpu_seconds(long pid) {
    if (pid <= 0) return 0;
    std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    if (!f) return 0;
    char buf[4096];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char* p = std::strrchr(buf, ')');  // the command name may contain spaces
    if (!p) return 0;
    unsigned long utime = 0, stime = 0;
    if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return 0;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU time of all threads of a process, in seconds, to the nanosecond (the first field of
// /proc/<pid>/task/<tid>/schedstat): for measuring spans shorter than a clock tick.
inline double cpu_seconds_precise(long pid) {
    if (pid <= 0) return 0;
    std::error_code ec;
    unsigned long long total = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::FILE* f = std::fopen((task.path() / "schedstat").c_str(), "r");
        if (!f) continue;
        unsigned long long ns = 0;
        if (std::fscanf(f, "%llu", &ns) == 1) total += ns;
        std::fclose(f);
    }
    return static_cast<double>(total) * 1e-9;
}

// Memory of all TCP sockets of the machine in KiB (/proc/net/sockstat "TCP: ... mem <pages>"):
// data queued in kernel socket buffers, which VmRSS does not show.
inline long tcp_kernel_kib() {
    std::ifstream in("/proc/net/sockstat");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("TCP:")) continue;
        const auto at = line.find(" mem ");
        if (at == std::string::npos) return 0;
        return std::atol(line.c_str() + at + 5) * (sysconf(_SC_PAGESIZE) / 1024);
    }
    return 0;
}

// Raises this process's RLIMIT_NOFILE to 65536, or to the hard limit when it may not; prints it.
inline void raise_fd_limit(const char* tool) {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rlimit want{65536, std::max<rlim_t>(rl.rlim_max, 65536)};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
        want = {rl.rlim_max, rl.rlim_max};  // not allowed to raise the hard limit: use all of it
        setrlimit(RLIMIT_NOFILE, &want);
    }
    getrlimit(RLIMIT_NOFILE, &rl);
    std::printf("fd limit of %s: %lu\n", tool, static_cast<unsigned long>(rl.rlim_cur));
}

inline double mib(long kib) { return static_cast<double>(kib) / 1024.0; }
inline double mb(long kib) { return static_cast<double>(kib) * 1024.0 / 1e6; }

}  // namespace bench
