#pragma once
// Plain request/response types shared by the HTTP transport and the protocol routes, so
// that only src/http/server.cpp sees Beast and Asio.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gradio::detail::http {

struct Request {
    std::string method;   // "GET", "POST", ...
    std::string path;     // percent-decoded path, no query
    std::string query;    // raw query string, no '?'
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
    std::string body;
    std::string remote_address;  // the peer's IP address, as text

    [[nodiscard]] std::string_view header(std::string_view name) const;
    [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

// The body of a streamed (SSE) response, produced as messages arrive.
class StreamSource {
public:
    virtual ~StreamSource() = default;
    enum class Poll { ready, wait, done };
    // Appends what is ready to `out`. `done`: write `out`, then end the response.
    virtual Poll poll(std::string& out) = 0;
    // `wake` may be called from any thread whenever poll() could return something new.
    virtual void set_waker(std::function<void()> wake) = 0;
    // The client went away before `done`.
    virtual void on_disconnect() {}
    // Text sent after a heartbeat interval without data ("" sends nothing).
    virtual std::string keepalive() { return {}; }
    // A large shared text (valid UTF-8) that belongs in the last poll's output at `offset`;
    // pieces come in order. The transport sends it from where it is, without a copy, and
    // takes the pieces after every poll.
    struct Piece {
        std::size_t offset = 0;
        std::shared_ptr<const std::string> text;
    };
    virtual void take_pieces(std::vector<Piece>& pieces) { pieces.clear(); }
    // With StreamResponse::defer_head: the status and content type, asked once the first
    // output is ready (nullopt keeps the response's).
    virtual std::optional<std::pair<unsigned, std::string>> head() { return std::nullopt; }
};

struct StreamResponse {
    std::shared_ptr<StreamSource> source;
    unsigned status = 200;
    std::string content_type = "text/event-stream; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // besides the streaming ones
    // The head waits for the first output (no keepalive before it): for an answer whose status
    // is known only at its end (a non-streamed OpenAI completion that may fail).
    bool defer_head = false;
};

// Work that may block (it calls user code): the transport runs it on the worker pool and
// writes its response when it is done.
struct Offload {
    std::function<Response()> work;
    // False for the library's own quick steps: they run on a pool that user functions never
    // occupy, so a busy worker pool cannot delay them.
    bool user_code = true;
};

// A local file sent from disk in pieces (never whole in memory): `length` bytes from
// `offset` (a Range answer is 206 with its Content-Range among `headers`).
struct FileResponse {
    std::shared_ptr<const int> fd;  // an open descriptor, closed when the last holder goes
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    unsigned status = 200;
    std::string content_type = "application/octet-stream";
    std::vector<std::pair<std::string, std::string>> headers;
};

using Reply = std::variant<Response, StreamResponse, Offload, FileResponse>;
using Handler = std::function<Reply(Request&)>;

// A request body a route reads as it arrives (an upload streamed to disk) instead of the
// transport buffering it whole. Called on an I/O thread: it must not block for long.
class BodySink {
public:
    virtual ~BodySink() = default;
    // The next bytes of the body, in order. False: stop reading (finish() says why).
    virtual bool write(std::string_view bytes) = 0;
    // `complete`: the whole body arrived; otherwise it was cut off, too large, or write()
    // refused it. Returns the answer (the transport then closes when the body was not read).
    virtual Response finish(bool complete) = 0;
    // Largest body accepted; the transport stops reading beyond it and calls finish(false).
    [[nodiscard]] virtual std::uint64_t max_body_size() const = 0;
};

// Decides, from a request's head (no body yet), whether a route streams its body: a sink, an
// answer right away (a refusal), or nothing (the body is read whole into Request::body).
using BodyDecision = std::variant<std::monostate, Response, std::unique_ptr<BodySink>>;
using BodyRouter = std::function<BodyDecision(Request& head)>;

// {"detail": message, "error": {"code", "type", "message"}}: `detail` is what Gradio's clients
// read; `error` is the one shape every non-2xx answer of ours has.
[[nodiscard]] Response error_response(unsigned status, std::string_view message);

// `%XX` escapes decoded; '+' means a space only in query strings (form encoding), not in paths.
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace gradio::detail::http
