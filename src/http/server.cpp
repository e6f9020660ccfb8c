#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gradio/error.hpp>

#include "http/compression.hpp"
#include "http/utf8.hpp"
#include "log/log.hpp"

namespace gradio::detail::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// The TCP layer under a plain or TLS stream: timeouts and the socket live there.
template <class Stream>
beast::tcp_stream& lowest(Stream& stream) {
    return beast::get_lowest_layer(stream);
}

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What stop() needs to reach in every live connection.
struct Connection {
    explicit Connection(asio::any_io_executor executor) : executor(executor), wake(executor) {}
    asio::any_io_executor executor;
    asio::steady_timer wake;       // a waiting stream or offload sleeps on this
    std::atomic<bool> notified{false};
    std::atomic<bool> closing{false};
    tcp::socket* socket = nullptr;
    std::list<std::shared_ptr<Connection>>::iterator position;  // in Impl::connections: O(1) removal
};

// A connection's read buffer holds a request head (or chunked trailers: Beast applies no
// header limit to those, and throws on a field of 64 KiB) plus this much; bodies stream
// through it. Bytes a client sends while its SSE stream is open land here too, so a client
// that keeps sending is disconnected instead of buffered.
constexpr std::size_t read_buffer_slack = 16 * 1024;

template <class Body>
Request to_request(bhttp::request<Body>& req) {
    Request r;
    r.method = std::string(req.method_string());
    std::string_view target = req.target();
    auto q = target.find('?');
    r.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    return r;
}

void shutdown_send(tcp::socket& socket) {
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}

void close_socket(tcp::socket& socket) {
    shutdown_send(socket);
    beast::error_code ignored;
    socket.close(ignored);
}

bool is_dynamic_text(std::string_view type) {
    return type.starts_with("application/json") || type.starts_with("text/event-stream") || type.starts_with("text/plain");
}

// Transfer-Encoding other than exactly "chunked" (gzip, or chunked after another coding):
// we cannot decode it, and reading on would take its body for the next request.
template <class Parser>
bool unsupported_transfer_encoding(const Parser& parser) {
    auto te = parser.get()[bhttp::field::transfer_encoding];
    if (te.empty()) return false;
    std::string value(te);
    for (auto& ch : value) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    return value != "chunked";
}

// Dynamic text answers of 1 KB or more go out gzipped when the client allows it.
void compress_if_worthwhile(const Request& request, Response& response) {
    if (response.body.size() < 1024 || !accepts_gzip(request.header("accept-encoding"))) return;
    const auto& type = response.content_type;
    if (type.rfind("application/json", 0) != 0 && type.rfind("text/", 0) != 0) return;
    for (const auto& [name, value] : response.headers)
        if (name == "Content-Encoding") return;
    std::string packed = gzip(response.body);
    if (packed.empty() || packed.size() >= response.body.size()) return;
    response.body = std::move(packed);
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    ServerOptions options;
    Handler handler;
    BodyRouter body_router;
    Offloader offload;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::condition_variable drained;
    std::list<std::shared_ptr<Connection>> connections;
    std::atomic<bool> stopping{false};
    std::uint16_t bound_port = 0;
    // Effective connection limit: options.max_connections, lowered to fit the descriptor limit
    // with headroom for refusals, the listener and the user's own files.
    std::size_t max_connections = 0;
    std::size_t refuse_budget = 0;
    std::atomic<std::size_t> refusing{0};
    std::unique_ptr<asio::ssl::context> tls;  // set: every connection speaks TLS
    TransportCounters counters;

    void wake(const std::shared_ptr<Connection>& c) {
        c->notified = true;
        asio::post(c->executor, [c] { c->wake.cancel(); });
    }

    // `head`: the answer to a HEAD request: the GET's headers and Content-Length, no body.
    template <class Stream>
    asio::awaitable<void> write_response(Stream& stream, Response& response, unsigned version, bool keep_alive,
                                         bool head = false) {
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
        res.set(bhttp::field::content_type, response.content_type);
        for (auto& [k, v] : response.headers) res.insert(k, v);  // insert: two Vary lines both count
        const std::size_t length = response.body.size();
        if (!head) res.body() = std::move(response.body);
        res.keep_alive(keep_alive);
        res.prepare_payload();
        if (head) res.content_length(length);
        lowest(stream).expires_after(options.write_timeout);
        auto wrote = co_await bhttp::async_write(stream, res, use_tuple);
        counters.sent(std::get<1>(wrote));
    }

    // A file from disk, a piece at a time (a video is never whole in memory). False when the
    // client went away or the file could not be read (the connection is then closed: the
    // promised Content-Length cannot be kept).
    template <class Stream>
    asio::awaitable<bool> write_file(Stream& stream, FileResponse& file, unsigned version, bool keep_alive, bool head) {
        bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(file.status), version};
        res.set(bhttp::field::content_type, file.content_type);
        for (auto& [k, v] : file.headers) res.insert(k, v);
        res.content_length(file.length);
        res.keep_alive(keep_alive);
        bhttp::response_serializer<bhttp::empty_body> serializer(res);
        lowest(stream).expires_after(options.write_timeout);
        auto header = co_await bhttp::async_write_header(stream, serializer, use_tuple);
        counters.sent(std::get<1>(header));
        if (std::get<0>(header)) co_return false;
        if (head) co_return keep_alive;
        std::vector<char> chunk(64 * 1024);
        std::uint64_t sent = 0;
        while (sent < file.length) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), file.length - sent));
            const ssize_t got = ::pread(*file.fd, chunk.data(), want, static_cast<off_t>(file.offset + sent));
            if (got <= 0) {
                log::warn("a served file could not be read", {{"error", got < 0 ? std::strerror(errno) : "it got shorter"}});
                co_return false;
            }
            lowest(stream).expires_after(options.write_timeout);
            auto wrote = co_await asio::async_write(stream, asio::buffer(chunk.data(), static_cast<std::size_t>(got)), use_tuple);
            counters.sent(std::get<1>(wrote));
            if (std::get<0>(wrote)) co_return false;
            sent += static_cast<std::uint64_t>(got);
        }
        co_return keep_alive;
    }

    // Detects a client that goes away while its stream is idle, without a read buffer per
    // stream: wait for readability, then EOF (nothing available) means the peer closed. Bytes
    // it sends meanwhile (a pipelined request) are kept for the next read.
    asio::awaitable<bool> watch_for_close(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
        tcp::socket& socket = stream.socket();
        while (true) {
            auto wait_result = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
            beast::error_code ec = std::get<0>(wait_result);
            const std::size_t available = ec ? 0 : socket.available(ec);
            if (ec || available == 0) co_return false;
            if (available > buffer.max_size() - buffer.size()) co_return false;
            const std::size_t got = socket.read_some(buffer.prepare(available), ec);
            if (ec) co_return false;
            buffer.commit(got);
        }
    }

    // Over TLS the bytes are records only the TLS engine may read (a write of ours may be under
    // way in it). A client leaving sends an alert (close_notify, record type 21) or just closes;
    // both are seen by peeking. Application data (a pipelined request) is left for the next read:
    // from then on only a failed write notices that the client went away.
    asio::awaitable<bool> watch_for_close(TlsStream& stream, beast::flat_buffer&) {
        tcp::socket& socket = lowest(stream).socket();
        auto wait_result = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
        beast::error_code ec = std::get<0>(wait_result);
        const std::size_t available = ec ? 0 : socket.available(ec);
        if (ec || available == 0) co_return false;
        unsigned char record_type = 0;
        if (::recv(socket.native_handle(), &record_type, 1, MSG_PEEK | MSG_DONTWAIT) != 1 || record_type == 21) co_return false;
        asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
        co_await forever.async_wait(use_tuple);
        co_return false;
    }

    // Output from this size on is sent from where it is (write_chunk), not copied into `wire`.
    static constexpr std::size_t large_chunk = 16 * 1024;

    // Chunked transfer encoding by hand, so that a header, data and the last chunk that are
    // ready together leave in one write (one system call) rather than three.
    static void append_chunk(std::string& wire, std::string_view data) {
        char size[24];
        const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        wire.append(size, static_cast<std::size_t>(n));
        wire.append(data);
        wire.append("\r\n");
    }

    template <class Stream>
    asio::awaitable<bool> write_wire(Stream& stream, std::string& wire) {
        lowest(stream).expires_after(options.write_timeout);
        auto result = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);
        counters.sent(std::get<1>(result));
        wire.clear();
        co_return !std::get<0>(result);
    }

    // Sends `wire`, then `data` with `pieces` in it as one chunk (and the last chunk when
    // `last`), in one gathered write: a large frame (a long conversation) goes out from where
    // it is, without being copied again.
    template <class Stream>
    asio::awaitable<bool> write_chunk(Stream& stream, std::string& wire, std::string_view data,
                                      const std::vector<StreamSource::Piece>& pieces, bool last) {
        std::size_t total = data.size();
        for (const auto& p : pieces) total += p.text->size();
        char size[24];
        const int n = std::snprintf(size, sizeof size, "%zx\r\n", total);
        wire.append(size, static_cast<std::size_t>(n));
        const std::string_view end = last ? std::string_view("\r\n0\r\n\r\n") : std::string_view("\r\n");
        std::vector<asio::const_buffer> buffers{asio::buffer(wire)};
        std::size_t at = 0;
        for (const auto& p : pieces) {
            const std::size_t offset = std::clamp(p.offset, at, data.size());
            if (offset > at) buffers.push_back(asio::buffer(data.substr(at, offset - at)));
            buffers.push_back(asio::buffer(*p.text));
            at = offset;
        }
        if (at < data.size()) buffers.push_back(asio::buffer(data.substr(at)));
        buffers.push_back(asio::buffer(end));
        lowest(stream).expires_after(options.write_timeout);
        auto result = co_await asio::async_write(stream, buffers, use_tuple);
        counters.sent(std::get<1>(result));
        wire.clear();
        co_return !std::get<0>(result);
    }

    // Puts the pieces into `out` (for the rare output that needs repair as a whole).
    static void inline_pieces(std::string& out, std::vector<StreamSource::Piece>& pieces) {
        std::string whole;
        std::size_t at = 0;
        for (const auto& p : pieces) {
            const std::size_t offset = std::clamp(p.offset, at, out.size());
            whole.append(out, at, offset - at);
            whole += *p.text;
            at = offset;
        }
        whole.append(out, at);
        out = std::move(whole);
        pieces.clear();
    }

    // `wire` starts with the response header, sent together with the first data; with
    // `deferred_head`, the header is made (and sent) only once the source has output.
    template <class Stream>
    asio::awaitable<bool> pump(Stream& stream, StreamSource& source, Connection& conn, std::string wire,
                               std::function<std::string(StreamSource&)> deferred_head = {}) {
        std::string out;
        std::vector<StreamSource::Piece> pieces;
        while (true) {
            out.clear();
            auto state = source.poll(out);
            source.take_pieces(pieces);
            if (conn.closing && state == StreamSource::Poll::wait) state = StreamSource::Poll::done;
            if (deferred_head) {
                if (out.empty() && pieces.empty() && state == StreamSource::Poll::wait) {
                    lowest(stream).expires_never();
                    conn.wake.expires_after(options.heartbeat);
                    if (!conn.notified.exchange(false)) co_await conn.wake.async_wait(use_tuple);
                    continue;
                }
                wire = deferred_head(source) + wire;
                deferred_head = {};
            }
            if (!pieces.empty() && !is_valid_utf8(out)) inline_pieces(out, pieces);
            (void)repair_utf8(out);
            if (!pieces.empty() || out.size() >= large_chunk) {
                const bool ok = co_await write_chunk(stream, wire, out, pieces, state == StreamSource::Poll::done);
                pieces.clear();
                if (!ok) co_return false;
            } else {
                if (!out.empty()) append_chunk(wire, out);
                if (state == StreamSource::Poll::done) wire += "0\r\n\r\n";
                if (!wire.empty() && !co_await write_wire(stream, wire)) co_return false;
            }
            if (state == StreamSource::Poll::done) co_return true;
            if (state == StreamSource::Poll::ready || conn.notified.exchange(false)) continue;
            lowest(stream).expires_never();
            conn.wake.expires_after(options.heartbeat);
            auto wait_result = co_await conn.wake.async_wait(use_tuple);
            if (!std::get<0>(wait_result)) {  // a whole interval without data: keep the connection alive
                std::string ping = source.keepalive();
                if (!ping.empty()) append_chunk(wire, ping);
            }
        }
    }

    static std::string stream_head(const StreamResponse& reply, unsigned version, unsigned status_code, const std::string& type) {
        const auto status = static_cast<bhttp::status>(status_code);
        std::string header = (version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ") + std::to_string(status_code) + " " +
                             std::string(bhttp::obsolete_reason(status)) + "\r\nContent-Type: " + type +
                             "\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n";
        for (const auto& [name, value] : reply.headers) {
            // Header values come from us; a CR or LF would still split the response.
            if (name.find_first_of("\r\n") != std::string::npos || value.find_first_of("\r\n") != std::string::npos) continue;
            header += name + ": " + value + "\r\n";
        }
        return header + "\r\n";
    }

    template <class Stream>
    asio::awaitable<bool> write_stream(Stream& stream, beast::flat_buffer& buffer, StreamResponse& reply,
                                       unsigned version, const std::shared_ptr<Connection>& conn) {
        std::string header = reply.defer_head ? std::string() : stream_head(reply, version, reply.status, reply.content_type);
        std::function<std::string(StreamSource&)> deferred;
        if (reply.defer_head)
            deferred = [&reply, version](StreamSource& source) {
                auto head = source.head();
                return stream_head(reply, version, head ? head->first : reply.status, head ? head->second : reply.content_type);
            };
        counters.open_streams.fetch_add(1, std::memory_order_relaxed);
        struct StreamCount {
            std::atomic<std::int64_t>& open;
            ~StreamCount() { open.fetch_sub(1, std::memory_order_relaxed); }
        } stream_count{counters.open_streams};
        std::weak_ptr<Connection> weak = conn;
        auto self = shared_from_this();
        reply.source->set_waker([weak, self] {
            if (auto c = weak.lock()) self->wake(c);
        });
        auto outcome = co_await (pump(stream, *reply.source, *conn, std::move(header), std::move(deferred)) ||
                                 watch_for_close(stream, buffer));
        reply.source->set_waker({});
        const bool finished = outcome.index() == 0 && std::get<0>(outcome);
        if (!finished) reply.source->on_disconnect();
        co_return finished;
    }

    asio::awaitable<Response> run_offloaded(Offload& job, const std::shared_ptr<Connection>& conn) {
        struct Result {
            std::mutex mutex;
            std::optional<Response> response;
        };
        auto result = std::make_shared<Result>();
        std::weak_ptr<Connection> weak = conn;
        auto self = shared_from_this();
        auto finish = [work = std::move(job.work), result, weak, self] {
            Response r;
            try {
                r = work();
            } catch (const std::exception& e) {
                log::error("offloaded work threw", {{"error", e.what()}});
                r = error_response(500, "Internal error.");
            } catch (...) {
                log::error("offloaded work threw a non-std exception");
                r = error_response(500, "Internal error.");
            }
            {
                std::lock_guard lock(result->mutex);
                result->response = std::move(r);
            }
            if (auto c = weak.lock()) self->wake(c);
        };
        offload(std::move(finish), job.user_code);
        while (true) {
            {
                std::lock_guard lock(result->mutex);
                if (result->response) co_return std::move(*result->response);
            }
            if (stopping) co_return error_response(503, "Server is stopping.");
            conn->notified = false;
            conn->wake.expires_after(std::chrono::seconds(1));
            co_await conn->wake.async_wait(use_tuple);
        }
    }

    // Lingering close: read and drop what the client is still sending, so that closing does
    // not reset the connection before it has read our answer.
    template <class Stream>
    asio::awaitable<void> linger(Stream& stream) {
        shutdown_send(lowest(stream).socket());
        lowest(stream).expires_after(std::chrono::seconds(2));
        std::vector<char> sink(64 * 1024);
        for (std::size_t drained = 0; drained < (64u << 20);) {
            // (no structured bindings on co_await results: g++ 12 miscompiles them in coroutines)
            auto result = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
            if (std::get<0>(result)) break;
            drained += std::get<1>(result);
        }
    }

    // What reading one request gave: the request, an answer to send at once (a refusal, or a
    // streamed body's answer) and whether to close after it, or nothing (the peer went away).
    struct ReadResult {
        std::optional<Request> request;
        std::optional<Response> answer;
        bool close_after_answer = true;
        unsigned version = 11;
        bool keep_alive = false;
        bool closed = false;
    };

    static std::optional<Response> read_error(const beast::error_code& ec, const ServerOptions& options, std::uint64_t body_limit) {
        if (ec == bhttp::error::body_limit)
            return error_response(413, "Request body is larger than " + std::to_string(body_limit) + " bytes.");
        if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
            return error_response(431, "Request headers are larger than " + std::to_string(options.max_header_size) + " bytes.");
        if (ec.category() == beast::error_code(bhttp::error::bad_target).category() && ec != bhttp::error::end_of_stream &&
            ec != bhttp::error::partial_message)
            return error_response(400, "Malformed HTTP request: " + ec.message());
        return std::nullopt;  // closed, reset or timed out
    }

    // Feeds a body to `sink` as it arrives, in pieces of up to 64 KiB: an upload is never whole
    // in memory. Each read gets the request timeout (a slow upload that keeps sending is fine;
    // one that stalls is dropped).
    template <class Stream, class HeadParser>
    asio::awaitable<ReadResult> read_into_sink(Stream& stream, beast::flat_buffer& buffer, HeadParser& head, BodySink& sink,
                                               ReadResult result) {
        std::vector<char> chunk(64 * 1024);
        bool refused = false;
        beast::error_code ec;
        if (const auto length = head.content_length()) {
            // The usual upload: straight from the socket into `chunk`. (Beast's parser would
            // read through the connection's small buffer, a few hundred bytes per system call.)
            std::uint64_t remaining = *length;
            const auto buffered = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining));
            if (buffered > 0) {
                refused = !sink.write(std::string_view(static_cast<const char*>(buffer.data().data()), buffered));
                buffer.consume(buffered);
                remaining -= buffered;
            }
            while (remaining > 0 && !refused) {
                lowest(stream).expires_after(options.request_timeout);
                const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), remaining));
                auto read = co_await stream.async_read_some(asio::buffer(chunk.data(), want), use_tuple);
                counters.received(std::get<1>(read));
                ec = std::get<0>(read);
                const std::size_t got = std::get<1>(read);
                remaining -= got;
                if (got > 0 && !sink.write(std::string_view(chunk.data(), got))) refused = true;
                if (ec) break;
            }
            if (!refused && remaining > 0) {  // cut off or timed out: nobody to answer
                (void)sink.finish(false);
                result.closed = true;
                co_return result;
            }
        } else {
            // Chunked: Beast decodes it, through a buffer big enough for whole reads.
            bhttp::request_parser<bhttp::buffer_body> parser(std::move(head));
            parser.body_limit(sink.max_body_size());
            buffer.reserve(buffer.max_size());
            while (!parser.is_done()) {
                parser.get().body().data = chunk.data();
                parser.get().body().size = chunk.size();
                lowest(stream).expires_after(options.request_timeout);
                auto read = co_await bhttp::async_read_some(stream, buffer, parser, use_tuple);
                counters.received(std::get<1>(read));
                ec = std::get<0>(read);
                if (ec == bhttp::error::need_buffer) ec = {};
                const std::size_t got = chunk.size() - parser.get().body().size;
                if (got > 0 && !sink.write(std::string_view(chunk.data(), got))) {
                    refused = true;
                    break;
                }
                if (ec) break;
            }
            buffer.shrink_to_fit();
            if (ec && !refused) {  // too large, malformed, cut off or timed out: the sink cleans up
                (void)sink.finish(false);
                result.answer = read_error(ec, options, sink.max_body_size());
                result.closed = !result.answer;
                co_return result;
            }
        }
        result.answer = sink.finish(!refused);
        result.close_after_answer = refused;
        co_return result;
    }

    // Reads one request: its head, then its body whole, or into the sink its route gives.
    template <class Stream>
    asio::awaitable<ReadResult> read_request(Stream& stream, beast::flat_buffer& buffer) {
        ReadResult result;
        bhttp::request_parser<bhttp::empty_body> head;
        head.header_limit(static_cast<std::uint32_t>(options.max_header_size));
        // No body limit on the head: Beast would refuse a Content-Length above its 1 MiB default
        // before the route is known. The route's limit is set once the body parser exists.
        head.body_limit(boost::none);
        lowest(stream).expires_after(options.request_timeout);
        beast::error_code ec;
        // Beast may throw while parsing (a 64 KiB trailer field: std::length_error); that is
        // a bad request from this client, never a reason to take the process down.
        try {
            auto header_result = co_await bhttp::async_read_header(stream, buffer, head, use_tuple);
            counters.received(std::get<1>(header_result));
            ec = std::get<0>(header_result);
            if (ec) {
                result.answer = read_error(ec, options, options.max_body_size);
                result.closed = !result.answer;
                co_return result;
            }
            if (unsupported_transfer_encoding(head)) {
                result.answer = error_response(501, "Transfer-Encoding \"" + std::string(head.get()[bhttp::field::transfer_encoding]) +
                                                        "\" is not supported; send the body with Content-Length or chunked.");
                co_return result;
            }
            result.version = head.get().version();
            result.keep_alive = head.get().keep_alive();
            Request request = to_request(head.get());
            BodyDecision decision;
            if (body_router && !head.is_done()) decision = body_router(request);
            if (auto* refusal = std::get_if<Response>(&decision)) {
                result.answer = std::move(*refusal);
                co_return result;
            }
            auto* sink = std::get_if<std::unique_ptr<BodySink>>(&decision);
            const std::uint64_t limit = sink ? (*sink)->max_body_size() : options.max_body_size;
            // Beast checks a Content-Length against the limit only while parsing the head
            // (which had none): refuse here, before reading (or inviting) the body.
            if (head.content_length() && *head.content_length() > limit) {
                if (sink) (void)(*sink)->finish(false);
                result.answer = read_error(bhttp::error::body_limit, options, limit);
                co_return result;
            }
            if (head.get()[bhttp::field::expect] == "100-continue") {
                static const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await asio::async_write(stream, asio::buffer(go_on), use_tuple);
            }
            if (sink) co_return co_await read_into_sink(stream, buffer, head, **sink, std::move(result));
            bhttp::request_parser<bhttp::string_body> parser(std::move(head));
            parser.body_limit(options.max_body_size);
            if (!parser.is_done()) {
                auto body_result = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
                counters.received(std::get<1>(body_result));
                ec = std::get<0>(body_result);
            }
            if (ec) {
                result.answer = read_error(ec, options, options.max_body_size);
                result.closed = !result.answer;
                co_return result;
            }
            request.body = std::move(parser.get().body());
            result.request = std::move(request);
        } catch (const std::exception& e) {
            log::debug("request rejected while parsing", {{"error", e.what()}});
            result.answer = error_response(431, "Request headers or trailers are larger than " + std::to_string(options.max_header_size) + " bytes.");
            result.request.reset();
        }
        co_return result;
    }

    template <class Stream>
    asio::awaitable<void> serve_requests(Stream& stream, const std::shared_ptr<Connection>& conn, std::string remote) {
        beast::flat_buffer buffer(options.max_header_size + read_buffer_slack);
        while (!conn->closing) {
            const auto started = std::chrono::steady_clock::now();
            ReadResult read = co_await read_request(stream, buffer);
            if (read.closed) break;
            if (read.answer) {
                counters.response(read.answer->status);
                const bool close = read.close_after_answer || !read.keep_alive;
                co_await write_response(stream, *read.answer, read.version, !close);
                if (close) {
                    co_await linger(stream);
                    break;
                }
                continue;
            }
            if (!read.request) break;
            const unsigned version = read.version;
            const bool keep_alive = read.keep_alive;
            Request request = std::move(*read.request);
            request.remote_address = remote;
            Reply reply;
            try {
                reply = handler(request);
            } catch (const std::exception& e) {
                // Fail-safe only: routes report their own errors.
                log::error("route threw", {{"route", request.path}, {"error", e.what()}});
                reply = error_response(500, "Internal error.");
            }
            bool ok = true;
            unsigned status = 0;
            if (auto* job = std::get_if<Offload>(&reply)) reply = co_await run_offloaded(*job, conn);
            if (auto* response = std::get_if<Response>(&reply)) {
                status = response->status;
                bool encoded = false;
                for (const auto& [name, value] : response->headers) encoded = encoded || name == "Content-Encoding";
                if (!encoded && is_dynamic_text(response->content_type)) (void)repair_utf8(response->body);
                compress_if_worthwhile(request, *response);
                co_await write_response(stream, *response, version, keep_alive && !conn->closing, request.method == "HEAD");
            } else if (auto* streamed = std::get_if<StreamResponse>(&reply)) {
                status = streamed->status;
                ok = co_await write_stream(stream, buffer, *streamed, version, conn);
            } else if (auto* file = std::get_if<FileResponse>(&reply)) {
                status = file->status;
                ok = co_await write_file(stream, *file, version, keep_alive && !conn->closing, request.method == "HEAD");
            }
            counters.response(status);
            if (log::enabled(log::Level::debug)) {
                const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                log::debug("request", {{"method", request.method}, {"route", request.path}, {"status", std::to_string(status)},
                                       {"duration_ms", std::to_string(ms)}, {"peer", remote}});
            }
            if (!ok || !keep_alive) break;
        }
    }

    // The TLS handshake, within the request timeout. Plain HTTP sent to the https port gets a
    // readable 400 (as nginx answers it) rather than a reset.
    asio::awaitable<bool> handshake(TlsStream& stream) {
        lowest(stream).expires_after(options.request_timeout);
        auto result = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        const beast::error_code ec = std::get<0>(result);
        if (!ec) co_return true;
        if (ec.category() == asio::error::get_ssl_category() && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST) {
            static const std::string body = "This server speaks HTTPS only: use an https:// URL.\n";
            static const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
            co_await asio::async_write(lowest(stream), asio::buffer(answer), use_tuple);
        } else {
            log::debug("TLS handshake failed", {{"error", ec.message()}});
        }
        co_return false;
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        auto conn = std::make_shared<Connection>(socket.get_executor());
        beast::error_code ignored;
        auto peer = socket.remote_endpoint(ignored);
        std::string remote = ignored ? std::string{} : peer.address().to_string();
        {
            std::lock_guard lock(mutex);
            connections.push_back(conn);
            conn->position = std::prev(connections.end());
        }
        counters.open_connections.fetch_add(1, std::memory_order_relaxed);
        // No exception may leave a connection: it would end the process (detached coroutine).
        try {
            if (tls) {
                TlsStream stream(std::move(socket), *tls);
                conn->socket = &lowest(stream).socket();
                if (co_await handshake(stream)) co_await serve_requests(stream, conn, std::move(remote));
                close_socket(lowest(stream).socket());
            } else {
                beast::tcp_stream stream(std::move(socket));
                conn->socket = &stream.socket();
                co_await serve_requests(stream, conn, std::move(remote));
                close_socket(stream.socket());
            }
        } catch (const std::exception& e) {
            log::error("connection failed", {{"error", e.what()}});
        } catch (...) {
            log::error("connection failed with a non-std exception");
        }
        conn->socket = nullptr;  // stop() may still have a close queued for it on this strand
        counters.open_connections.fetch_sub(1, std::memory_order_relaxed);
        std::lock_guard lock(mutex);
        connections.erase(conn->position);
        if (connections.empty()) drained.notify_all();
    }

    // Over the connection limit: answer 503 at once rather than queueing or blocking, then
    // close lingering (draining what the client sends) so the answer is not reset under it.
    template <class Stream>
    asio::awaitable<void> send_busy(Stream& stream) {
        Response busy = error_response(503, "The server has too many open connections; try again shortly.");
        busy.headers.emplace_back("Retry-After", "1");
        co_await write_response(stream, busy, 11, false);
        shutdown_send(lowest(stream).socket());
        lowest(stream).expires_after(std::chrono::milliseconds(500));
        std::array<char, 4096> discard{};
        for (int i = 0; i < 16; ++i) {
            auto result = co_await stream.async_read_some(asio::buffer(discard), use_tuple);
            if (std::get<0>(result)) break;
        }
    }

    asio::awaitable<void> refuse(tcp::socket socket) {
        try {
            if (tls) {
                TlsStream stream(std::move(socket), *tls);
                if (co_await handshake(stream)) co_await send_busy(stream);
                close_socket(lowest(stream).socket());
            } else {
                beast::tcp_stream stream(std::move(socket));
                co_await send_busy(stream);
                close_socket(stream.socket());
            }
        } catch (...) {
        }
        --refusing;
    }

    asio::awaitable<void> accept_loop() {
        while (!stopping) {
            auto accepted = co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
            auto ec = std::get<0>(accepted);
            auto socket = std::get<1>(std::move(accepted));
            if (ec) {
                if (ec == asio::error::operation_aborted || stopping) break;
                // Out of file descriptors (or similar): back off instead of spinning on accept.
                log::warn("accept failed", {{"error", ec.message()}});
                asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
                co_await pause.async_wait(use_tuple);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            auto executor = socket.get_executor();
            std::size_t open = 0;
            {
                std::lock_guard lock(mutex);
                open = connections.size();
            }
            if (open < max_connections) {
                asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
            } else if (refusing < refuse_budget) {
                ++refusing;
                asio::co_spawn(executor, refuse(std::move(socket)), asio::detached);
            } else {
                socket.close(ec);  // a flood: even the polite 503 would exhaust descriptors
            }
        }
    }
};

HttpServer::HttpServer(ServerOptions options, Handler handler, Offloader offload, BodyRouter body_router)
    : impl_(std::make_shared<Impl>()) {
    impl_->options = std::move(options);
    impl_->options.max_header_size = std::min<std::size_t>(impl_->options.max_header_size, 48u << 10);
    impl_->handler = std::move(handler);
    impl_->body_router = std::move(body_router);
    impl_->offload = std::move(offload);
}

HttpServer::~HttpServer() { stop(); }

namespace {

std::string openssl_reason(const beast::error_code& ec) {
    std::string why = ec.message();
    return why.empty() ? "error " + std::to_string(ec.value()) : why;
}

// A server context for TLS 1.2 and 1.3 with the certificate chain and key of `options`.
std::unique_ptr<asio::ssl::context> tls_context(const ServerOptions& options) {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                         asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    if (!options.tls_key_password.empty())
        context->set_password_callback([password = options.tls_key_password](std::size_t, asio::ssl::context::password_purpose) {
            return password;
        });
    beast::error_code ec;
    context->use_certificate_chain_file(options.tls_certfile, ec);
    if (ec) throw LaunchError("Cannot use ssl_certfile \"" + options.tls_certfile + "\": " + openssl_reason(ec) + ".", ec);
    context->use_private_key_file(options.tls_keyfile, asio::ssl::context::pem, ec);
    if (ec)
        throw LaunchError("Cannot use ssl_keyfile \"" + options.tls_keyfile + "\": " + openssl_reason(ec) +
                              (options.tls_key_password.empty() ? " (is it encrypted? set ssl_keyfile_password)." : "."),
                          ec);
    if (SSL_CTX_check_private_key(context->native_handle()) != 1)
        throw LaunchError("ssl_keyfile \"" + options.tls_keyfile + "\" is not the key of ssl_certfile \"" + options.tls_certfile + "\".",
                          std::make_error_code(std::errc::invalid_argument));
    return context;
}

}  // namespace

void HttpServer::start() {
    auto& impl = *impl_;
    if (!impl.options.tls_certfile.empty()) impl.tls = tls_context(impl.options);
    beast::error_code ec;
    auto address = asio::ip::make_address(impl.options.host == "localhost" ? "127.0.0.1" : impl.options.host, ec);
    if (ec) throw LaunchError("Cannot listen on \"" + impl.options.host + "\": not an IP address.", ec);
    tcp::endpoint endpoint{address, impl.options.port};
    impl.acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl.acceptor.bind(endpoint, ec);
    if (ec) {
        if (ec == asio::error::address_in_use)
            throw LaunchError("Cannot start the server: port " + std::to_string(impl.options.port) + " on " + impl.options.host +
                                  " is already in use. Set GRADIO_SERVER_PORT (or server_port) to a free port, or 0 for any.",
                              ec);
        throw LaunchError("Cannot bind " + impl.options.host + ":" + std::to_string(impl.options.port) + ": " + ec.message(), ec);
    }
    impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw LaunchError("Cannot listen: " + ec.message(), ec);
    impl.bound_port = impl.acceptor.local_endpoint().port();
    impl.max_connections = impl.options.max_connections;
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        const auto fds = static_cast<std::size_t>(files.rlim_cur);
        const std::size_t headroom = 64 + fds / 10;
        const std::size_t fit = fds > headroom ? fds - headroom : 1;
        if (fit < impl.max_connections) {
            impl.max_connections = fit;
            log::debug("connection limit lowered to fit the file descriptor limit",
                      {{"max_connections", std::to_string(fit)}, {"nofile", std::to_string(fds)}});
        }
        impl.refuse_budget = std::max<std::size_t>(1, headroom / 2);
    } else {
        impl.refuse_budget = 1024;
    }
    asio::co_spawn(impl.ioc, impl.accept_loop(), asio::detached);
    for (int i = 0; i < std::max(1, impl.options.io_threads); ++i)
        impl.threads.emplace_back([&impl] {
            // Last line of defence: an exception thrown by a handler (not by a coroutine, whose
            // own try/catch sees those) would end the thread and the process.
            while (true) {
                try {
                    impl.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    log::error("I/O handler threw", {{"error", e.what()}});
                } catch (...) {
                    log::error("I/O handler threw a non-std exception");
                }
            }
        });
}

std::uint16_t HttpServer::port() const noexcept { return impl_->bound_port; }
const TransportCounters& HttpServer::counters() const noexcept { return impl_->counters; }

void HttpServer::stop() noexcept {
    auto& impl = *impl_;
    if (impl.stopping.exchange(true)) return;
    // Close the listener on its own thread and wait for it: ioc.stop() below may otherwise run
    // first, leaving a stopped server that still accepts connections and never answers them.
    auto closed = std::make_shared<std::promise<void>>();
    auto listener_closed = closed->get_future();
    asio::post(impl.ioc, [&impl, closed] {
        beast::error_code ignored;
        impl.acceptor.close(ignored);
        closed->set_value();
    });
    if (impl.threads.empty()) {  // never started: nothing runs the posted close
        beast::error_code ignored;
        impl.acceptor.close(ignored);
    } else {
        (void)listener_closed.wait_for(std::chrono::seconds(1));
    }
    {
        // Let every stream poll once more: its source sees the stop and ends the response.
        std::lock_guard lock(impl.mutex);
        for (auto& c : impl.connections) {
            c->closing = true;
            impl.wake(c);
        }
    }
    {
        std::unique_lock lock(impl.mutex);
        impl.drained.wait_for(lock, std::chrono::milliseconds(500), [&] { return impl.connections.empty(); });
        // Connections idle in a keep-alive read are closed outright.
        for (auto& c : impl.connections)
            asio::post(c->executor, [c] {
                beast::error_code ignored;
                if (c->socket) c->socket->close(ignored);
            });
    }
    {
        std::unique_lock lock(impl.mutex);
        impl.drained.wait_for(lock, std::chrono::milliseconds(500), [&] { return impl.connections.empty(); });
    }
    impl.ioc.stop();
    for (auto& t : impl.threads)
        if (t.joinable()) t.join();
    impl.threads.clear();
}

}  // namespace gradio::detail::http
