#pragma once
// A small blocking HTTP/1.1 + SSE client for protocol tests (Beast, loopback only).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace gr_test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    [[nodiscard]] boost::json::value json() const;
};

HttpResult request(std::uint16_t port, const std::string& method, const std::string& target,
                   const std::string& body = "", const std::map<std::string, std::string>& headers = {});
HttpResult post_json(std::uint16_t port, const std::string& target, const std::string& body);

// One SSE response read incrementally.
class SseStream {
public:
    SseStream(std::uint16_t port, const std::string& target, const std::map<std::string, std::string>& headers = {});
    ~SseStream();
    SseStream(const SseStream&) = delete;
    SseStream& operator=(const SseStream&) = delete;
    [[nodiscard]] int status() const { return status_; }
    // Next frame ("event: x\ndata: y" without the blank line); nullopt at the end or timeout.
    std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Convenience: the JSON after "data: " of the next frame.
    std::optional<boost::json::value> next_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Reads every frame until the response ends.
    std::vector<std::string> all(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Drops the connection without finishing the response.
    void close();
    // The response's last chunk arrived (the server ended it properly).
    [[nodiscard]] bool complete() const;
    // The response is over: complete, or the connection was closed. False after a next()
    // or all() that returned only because its timeout passed.
    [[nodiscard]] bool ended() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int status_ = 0;
};

// Sends `raw` bytes and waits up to `wait` for the server to close the connection; returns
// what it answered before closing, or nullopt if it kept the connection open.
std::optional<std::string> raw_exchange(std::uint16_t port, const std::string& raw, std::chrono::milliseconds wait);

// True if a TCP connection to the port is refused (nothing listens there). Never blocks
// beyond the connect itself.
bool refuses_connections(std::uint16_t port);

// Payload of a frame's first "data: " line.
std::string data_of(const std::string& frame);

}  // namespace gr_test
