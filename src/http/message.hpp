#pragma once
// Plain request/response types shared by the HTTP transport and the protocol routes, so
// that only src/http/server.cpp sees Beast and Asio.

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
};

struct StreamResponse {
    std::shared_ptr<StreamSource> source;
    unsigned status = 200;
    std::string content_type = "text/event-stream; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // besides the streaming ones
};

// Work that may block (it calls user code): the transport runs it on the worker pool and
// writes its response when it is done.
struct Offload {
    std::function<Response()> work;
    // False for the library's own quick steps: they run on a pool that user functions never
    // occupy, so a busy worker pool cannot delay them.
    bool user_code = true;
};

using Reply = std::variant<Response, StreamResponse, Offload>;
using Handler = std::function<Reply(Request&)>;

// {"detail": message, "error": {"code", "type", "message"}}: `detail` is what Gradio's clients
// read; `error` is the one shape every non-2xx answer of ours has.
[[nodiscard]] Response error_response(unsigned status, std::string_view message);

// `%XX` escapes decoded; '+' means a space only in query strings (form encoding), not in paths.
[[nodiscard]] std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace gradio::detail::http
