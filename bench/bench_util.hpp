// Helpers shared by the bench tools (gr_load, gr_idle_streams, gr_beast_floor). Only what the
// tools really do the same way lives here, so that they cannot drift apart; each tool's own
// logic (its options, flows and measurements) stays in its .cpp.
#pragma once

#include <chrono>
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

}  // namespace bench
