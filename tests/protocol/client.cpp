#include "client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <poll.h>

#include <stdexcept>

namespace gr_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

boost::json::value HttpResult::json() const { return boost::json::parse(body); }

HttpResult request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& headers) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    beast::error_code write_error;  // a server may answer (413) before reading everything
    http::write(stream, req, write_error);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    if (method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    HttpResult r;
    auto& res = parser.get();
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
    }
    r.body = res.body();
    return r;
}

HttpResult post_json(std::uint16_t port, const std::string& target, const std::string& body) {
    return request(port, "POST", target, body);
}

struct SseStream::Impl {
    asio::io_context ioc;
    tcp::socket socket{ioc};
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    std::string pending;  // decoded body bytes not yet split into frames
    bool ended = false;
};

SseStream::SseStream(std::uint16_t port, const std::string& target, const std::map<std::string, std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
    impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) req.set(name, value);
    http::write(impl_->socket, req);
    impl_->parser.body_limit(boost::none);
    http::read_header(impl_->socket, impl_->buffer, impl_->parser);
    status_ = static_cast<int>(impl_->parser.get().result_int());
}

SseStream::~SseStream() = default;

std::optional<std::string> SseStream::next(std::chrono::milliseconds timeout) {
    auto& s = *impl_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (auto end = s.pending.find("\n\n"); end != std::string::npos) {
            std::string frame = s.pending.substr(0, end);
            s.pending.erase(0, end + 2);
            return frame;
        }
        if (s.ended || s.parser.is_done()) return std::nullopt;
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds(0)) return std::nullopt;
        // Wait for readability with a timeout, then read what is there.
        pollfd pfd{s.socket.native_handle(), POLLIN, 0};
        if (s.buffer.size() == 0 &&
            ::poll(&pfd, 1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(left).count())) <= 0)
            return std::nullopt;
        char chunk[8192];
        s.parser.get().body().data = chunk;
        s.parser.get().body().size = sizeof chunk;
        beast::error_code ec;
        http::read_some(s.socket, s.buffer, s.parser, ec);
        if (ec == http::error::need_buffer) ec = {};
        s.pending.append(chunk, sizeof chunk - s.parser.get().body().size);
        if (ec) s.ended = true;
    }
}

std::optional<boost::json::value> SseStream::next_json(std::chrono::milliseconds timeout) {
    auto frame = next(timeout);
    if (!frame) return std::nullopt;
    return boost::json::parse(data_of(*frame));
}

std::vector<std::string> SseStream::all(std::chrono::milliseconds timeout) {
    std::vector<std::string> frames;
    while (auto f = next(timeout)) frames.push_back(*f);
    return frames;
}

void SseStream::close() {
    beast::error_code ec;
    impl_->socket.shutdown(tcp::socket::shutdown_both, ec);
    impl_->socket.close(ec);
}

bool SseStream::complete() const { return impl_->parser.is_done(); }

bool SseStream::ended() const { return impl_->ended || impl_->parser.is_done(); }

std::optional<std::string> raw_exchange(std::uint16_t port, const std::string& raw, std::chrono::milliseconds wait) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(socket, asio::buffer(raw));
    std::string answer;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd pfd{socket.native_handle(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        char buf[4096];
        beast::error_code ec;
        const auto n = socket.read_some(asio::buffer(buf), ec);
        answer.append(buf, n);
        if (ec) return answer;  // closed by the server
    }
}

bool refuses_connections(std::uint16_t port) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    beast::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return ec == asio::error::connection_refused;
}

std::string data_of(const std::string& frame) {
    auto pos = frame.find("data: ");
    if (pos == std::string::npos) return {};
    auto end = frame.find('\n', pos);
    return frame.substr(pos + 6, end == std::string::npos ? std::string::npos : end - pos - 6);
}

}  // namespace gr_test
