// The smallest real use of an installed gradio.cpp: serve a chat on a free port, ask it for its
// config over HTTP/1.1 with a plain socket, stop, and print what came back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gradio/gradio.hpp>

int main() {
    gr::ChatInterface demo([](const gr::Message& m, const gr::History&) { return m.text; }, {.title = "Consumer"});
    gr::Server server = demo.start({.server_name = "127.0.0.1", .server_port = 0, .quiet = true});
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 1;
    const std::string request = "GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) return 1;
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    server.stop();
    const bool ok = answer.starts_with("HTTP/1.1 200") && answer.find("\"Consumer\"") != std::string::npos;
    std::printf("gradio.cpp %s consumer: %s\n", gr::version, ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
