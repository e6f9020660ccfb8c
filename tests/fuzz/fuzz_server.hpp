#pragma once
// Shared by the HTTP fuzz targets: one echo ChatInterface served in-process on a free port
// for the whole fuzzing run, and a blocking loopback client that sends raw bytes and reads
// the answer until the server closes the connection.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <gradio/gradio.hpp>

namespace gr_fuzz {

inline std::string echo(const gr::Message& message, const gr::History&) { return message.text; }

// Function-local statics: built in LLVMFuzzerInitialize, destroyed (server stopped, workers
// joined) by the normal static destruction at exit, before libFuzzer's own globals.
struct FuzzServer {
    gr::ChatInterface demo{echo, {.examples = {"hello", "hola"}, .title = "Fuzz"}};
    gr::Server server{demo.start({.server_name = "127.0.0.1",
                                  .server_port = 0,
                                  .max_threads = 4,
                                  .quiet = true,
                                  .request_timeout_s = 2})};
};

inline FuzzServer& server() {
    static FuzzServer instance;
    return instance;
}

inline std::uint16_t port() {
    static const std::uint16_t p = server().server.port();
    return p;
}

inline void start_server() {
    // The server may reset a connection under a write; that must not kill the fuzzer.
    std::signal(SIGPIPE, SIG_IGN);
    // No log line per request (thousands a second); the environment may still ask for more.
    ::setenv("GRADIO_LOG_LEVEL", "error", 0);
    (void)port();
}

// Connects, writes `request`, half-closes, reads until EOF (or the receive timeout), closes.
// Returns what the server sent. A failure to connect is fatal: the server is gone.
inline std::string exchange(std::string_view request, int timeout_s = 2) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("socket");
        std::abort();
    }
    timeval tv{};
    tv.tv_sec = timeout_s;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do {
        rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        std::perror("connect to the fuzzed server");
        std::abort();
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the server answered early and closed, or stopped reading
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string response;
    char buffer[16384];
    while (true) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF, reset or timeout
        response.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return response;
}

}  // namespace gr_fuzz
