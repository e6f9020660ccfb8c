#include "protocol/api.hpp"

#include "auth/login_gate.hpp"
#include "files/serve.hpp"
#include "files/upload.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_map>

#include "assets/mime.hpp"
#include "assets/static_files.hpp"
#include "log/log.hpp"
#include "protocol/diff.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/session_reader.hpp"
#include "protocol/sse.hpp"

namespace gradio::detail {

namespace {

using http::error_response;

http::StreamResponse stream_of(std::shared_ptr<http::StreamSource> source) {
    http::StreamResponse r;
    r.source = std::move(source);
    return r;
}

http::Response json_response(std::string body) { return http::Response{200, "application/json", std::move(body), {}}; }

// A FastAPI-style 422 for a body field, as Gradio's clients expect (protocol.md §1.6).
http::Response validation_error(std::string_view field, std::string_view message, const json::value& input) {
    json::object body{{"detail", json::array{json::object{{"type", "invalid"}, {"loc", json::array{"body", field}},
                                                          {"msg", message}, {"input", input}}}},
                      {"error", json::object{{"code", 422}, {"type", "validation_error"}, {"message", message}}}};
    return http::Response{422, "application/json", to_json(body), {}};
}

// Parses the body as a JSON object, or explains why it is not one.
std::optional<json::object> parse_object(const http::Request& request, http::Response& error) {
    std::string why;
    json::value v = parse_json(request.body, why);
    if (!why.empty()) {
        error = error_response(400, why);
        return std::nullopt;
    }
    if (!v.is_object()) {
        error = error_response(422, "The request body must be a JSON object.");
        return std::nullopt;
    }
    return std::move(v.get_object());
}

std::string string_field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string{};
}


// The per-session queue stream of GET /queue/data: `data: <json>` frames until the last
// pending event of the session has completed, then close_stream. Generating frames carry
// full values in the mailbox; here they become diffs against what this reader last sent.
class SessionStream final : public SessionReader {
public:
    using SessionReader::SessionReader;

    Poll poll(std::string& out) override {
        if (must_end()) {
            const std::string_view why = replaced() ? replaced_text : std::string_view("Server stopped unexpectedly.");
            out += "data: ";
            write_json(out, json::object{{"msg", "unexpected_error"}, {"event_id", nullptr}, {"message", why},
                                         {"session_not_found", false}, {"success", false}});
            out += "\n\n";
            return Poll::done;
        }
        json::object message;
        std::shared_ptr<const void> attachment;
        while (session_->pop(message, &attachment)) {
            const auto* bases = static_cast<const StreamBases*>(attachment.get());
            // A frame whose outputs go out whole while the message holds tails (an event's first
            // frame, its completion) is written with the bases spliced in.
            if (to_diff(message, bases) && bases) {
                out += "data: ";
                bases->write_whole(out, message, &pieces_);
                out += "\n\n";
            } else {
                write_json_frame(out, message);
            }
            if (is_completion(message) && completed(message)) return close(out);
        }
        // Nothing pending a whole heartbeat after opening (or after the last event): nothing
        // will come, so the stream ends instead of idling forever.
        if (idle_beats_ > 0 && out.empty() && !session_->has_pending()) return close(out);
        return out.empty() ? Poll::wait : Poll::ready;
    }
    std::string keepalive() override {
        ++idle_beats_;
        return "data: {\"msg\":\"heartbeat\",\"event_id\":null}\n\n";
    }
    void take_pieces(std::vector<Piece>& pieces) override {
        pieces.clear();
        pieces.swap(pieces_);
    }

private:
    Poll close(std::string& out) {
        out += "data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n";
        finished_ = true;
        return Poll::done;
    }
    // Turns a generating frame's values into edits against what this reader last sent of the
    // event. An output with a base comes as its tail: its edits start after the base, so a step
    // costs O(tail) however long the conversation before it. Returns true when outputs with a
    // base must go out whole (base and tail): the reader's first frame of the event, and its
    // completion.
    bool to_diff(json::object& m, const StreamBases* bases) {
        const auto* msg = m.if_contains("msg");
        const auto* id_value = m.if_contains("event_id");
        if (!msg || !id_value || !id_value->is_string()) return false;
        const std::string id(id_value->get_string());
        if (*msg == "process_completed") {
            sent_.erase(id);
            return true;
        }
        if (*msg != "process_generating") return false;
        auto* output = m.if_contains("output");
        auto* data = output && output->is_object() ? output->get_object().if_contains("data") : nullptr;
        if (!data || !data->is_array()) return false;
        auto [it, first] = sent_.try_emplace(id);
        std::vector<Sent>& before = it->second;
        json::array& now = data->get_array();
        if (before.size() < now.size()) before.resize(now.size());
        for (std::size_t i = 0; i < now.size(); ++i) {
            Sent& last = before[i];
            if (bases && bases->has(i) && now[i].is_array()) {
                // Only the tail is kept: the base is the same for the whole event.
                json::value tail = now[i];
                if (first) {
                    // left as the tail: written whole with the base spliced in
                } else if (last.tail) {
                    now[i] = diff_tails(last.value.get_array(), tail.get_array(), bases->base[i]->size());
                } else {
                    now[i] = diff(last.value, bases->full(i, tail));
                }
                last = Sent{std::move(tail), true};
                continue;
            }
            json::value value = now[i];
            if (!first) now[i] = diff(last.tail && bases ? bases->full(i, last.value) : last.value, value);
            last = Sent{std::move(value), false};
        }
        return first;
    }
    static void write_json_frame(std::string& out, const json::object& m) {
        out += "data: ";
        write_json(out, m);
        out += "\n\n";
    }

    // What was last sent of each output: its whole value, or for an output with a base, its tail.
    struct Sent {
        json::value value;
        bool tail = false;
    };
    std::unordered_map<std::string, std::vector<Sent>> sent_;  // event id -> per output
    std::vector<Piece> pieces_;  // conversations in the last poll's output, sent without a copy
};

// GET /call/<api>/<event_id>: the session's messages translated into named events with
// json.dumps payloads (protocol.md §6.2). Full values, never diffs.
class CallStream final : public SessionReader {
public:
    CallStream(std::shared_ptr<Session> session, EventQueue& queue, std::function<void()> on_end)
        : SessionReader(std::move(session), queue), on_end_(std::move(on_end)) {}
    ~CallStream() override {
        if (on_end_) on_end_();
    }

    Poll poll(std::string& out) override {
        if (must_end()) {
            const std::string why = replaced() ? "\"" + std::string(replaced_text) + "\"" : "\"Server stopped unexpectedly.\"";
            append_sse_frame(out, why, "error");
            return Poll::done;
        }
        json::object m;
        std::shared_ptr<const void> attachment;
        while (session_->pop(m, &attachment)) {
            const auto msg = m["msg"].is_string() ? std::string(m["msg"].get_string()) : std::string{};
            // Full values here: an output given as a tail is put back on its base.
            if (const auto* bases = static_cast<const StreamBases*>(attachment.get());
                bases && (msg == "process_generating" || msg == "process_completed"))
                if (auto* out_obj = m["output"].if_object())
                    if (auto* d = out_obj->if_contains("data"); d && d->is_array()) bases->make_whole(d->get_array());
            const bool success = !m.contains("success") || m["success"] == true;
            if (msg == "process_generating" || msg == "process_completed") {
                json::value& output = m["output"];
                const json::value* data = output.is_object() ? output.get_object().if_contains("data") : nullptr;
                if (success) {
                    append_sse_frame(out, to_json(data ? *data : json::value(nullptr), JsonDialect::python),
                                     msg == "process_completed" ? "complete" : "generating");
                } else {
                    append_sse_frame(out, to_json(output, JsonDialect::python), "error");
                }
                if (is_completion(m) && completed(m)) {
                    finished_ = true;
                    return Poll::done;
                }
            }
        }
        return out.empty() ? Poll::wait : Poll::ready;
    }
    std::string keepalive() override { return "event: heartbeat\ndata: null\n\n"; }

private:
    std::function<void()> on_end_;
};

// A stream that says one thing and ends: errors reported the SSE way.
class OneShotStream final : public http::StreamSource {
public:
    explicit OneShotStream(std::string text) : text_(std::move(text)) {}
    Poll poll(std::string& out) override {
        out += text_;
        return Poll::done;
    }
    void set_waker(std::function<void()>) override {}

private:
    std::string text_;
};

// GET /heartbeat/<session>: "ALIVE" now and every heartbeat interval, until shutdown.
class HeartbeatStream final : public http::StreamSource {
public:
    explicit HeartbeatStream(EventQueue& queue) : queue_(queue) {}
    Poll poll(std::string& out) override {
        if (queue_.stopped()) return Poll::done;
        if (first_) {
            first_ = false;
            out += keepalive();
            return Poll::ready;
        }
        return Poll::wait;
    }
    void set_waker(std::function<void()>) override {}
    std::string keepalive() override { return "data: ALIVE\n\n"; }

private:
    EventQueue& queue_;
    bool first_ = true;
};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

GradioApi::GradioApi(const App& app, EventQueue& queue, SessionRegistry& sessions, ApiOptions options)
    : app_(app), queue_(queue), sessions_(sessions), options_(std::move(options)), config_(app) {}

bool GradioApi::from_trusted_proxy(const http::Request& request) const {
    for (const auto& proxy : options_.trusted_proxies)
        if (proxy == request.remote_address) return true;
    return false;
}

std::string GradioApi::clean_prefix(std::string_view prefix) {
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    if (prefix.empty() || prefix.size() > 256 || prefix.front() != '/' || prefix.starts_with("//")) return {};
    for (char c : prefix)
        if (static_cast<unsigned char>(c) <= 0x20 || std::string_view("\"'\\<>?#:").find(c) != std::string_view::npos) return {};
    return std::string(prefix);
}

std::string GradioApi::path_prefix(const http::Request& request) const {
    if (from_trusted_proxy(request))
        if (std::string_view forwarded = request.header("x-forwarded-prefix"); !forwarded.empty()) return clean_prefix(forwarded);
    return options_.root_path;
}

std::string GradioApi::without_root_path(const std::string& path) const {
    const std::string& prefix = options_.root_path;
    if (prefix.empty() || !starts_with(path, prefix)) return path;
    if (path.size() == prefix.size()) return "/";
    return path[prefix.size()] == '/' ? path.substr(prefix.size()) : path;
}

std::string GradioApi::root_url(const http::Request& request) const {
    // Forwarded headers only count when the connection comes from a proxy we were told to
    // trust: anyone else could make /config and the API page point elsewhere.
    const bool proxied = from_trusted_proxy(request);
    std::string_view host = proxied ? request.header("x-forwarded-host") : std::string_view{};
    if (auto comma = host.find(','); comma != std::string_view::npos) host = host.substr(0, comma);
    if (host.empty()) host = request.header("host");
    if (host.empty()) host = "127.0.0.1";
    std::string_view proto = proxied ? request.header("x-forwarded-proto") : std::string_view{};
    const bool https = proto.empty() ? options_.tls : starts_with(proto, "https");
    return std::string(https ? "https://" : "http://") + std::string(host) + path_prefix(request);
}

std::string GradioApi::client_address(const http::Request& request) const {
    if (!from_trusted_proxy(request)) return request.remote_address;
    // The last X-Forwarded-For entry is the one our proxy appended: the address it saw.
    std::string_view forwarded = request.header("x-forwarded-for");
    if (auto comma = forwarded.rfind(','); comma != std::string_view::npos) forwarded.remove_prefix(comma + 1);
    while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
    while (!forwarded.empty() && forwarded.back() == ' ') forwarded.remove_suffix(1);
    return forwarded.empty() || forwarded.size() > 64 ? request.remote_address : std::string(forwarded);
}

std::string GradioApi::root_path(const http::Request& request) const { return path_prefix(request) + "/"; }

std::optional<http::Reply> GradioApi::login_routes(http::Request& request, std::string_view path) {
    auth::LoginGate* gate = options_.login;
    auto to_root = [&] { return http::Response{302, "text/plain; charset=utf-8", "", {{"Location", root_path(request)}}}; };
    if (path == "/login") {
        if (request.method != "POST") return error_response(405, "Method Not Allowed");
        if (!gate) return to_root();  // Gradio: no auth, nothing to log in to
        std::string client = client_address(request);
        if (!gate->needs_user_code()) return gate->login(request, client);
        // The app's check function is user code: never on an I/O thread.
        return http::Offload{[gate, request, client] { return gate->login(request, client); }, true};
    }
    if (path == "/logout") {
        if (request.method != "GET" && request.method != "HEAD") return error_response(405, "Method Not Allowed");
        if (!gate) return to_root();
        return gate->logout(request, root_path(request));
    }
    const bool check = path == "/login_check";
    const bool needs_login = path == "/config" || path == "/metrics" || starts_with(path, "/gradio_api/") || starts_with(path, "/v1/");
    if (!gate || !(check || needs_login)) return check ? std::optional<http::Reply>(json_response("null")) : std::nullopt;
    const std::string client = client_address(request);
    if (gate->user_of(request, client)) return check ? std::optional<http::Reply>(json_response("null")) : std::nullopt;
    // Bearer credentials of a client that failed too often: say so, rather than "wrong key".
    if (const long wait = gate->retry_after(client); !check && wait > 0 && !request.header("authorization").empty()) {
        const std::string why = "Too many failed login attempts; try again in " + std::to_string(wait) + " seconds.";
        http::Response r = starts_with(path, "/v1/") ? openai_error_response(429, why, "rate_limit_exceeded") : error_response(429, why);
        r.headers.emplace_back("Retry-After", std::to_string(wait));
        return r;
    }
    if (starts_with(path, "/v1/")) return openai_unauthorized();
    return gate->unauthorized();
}

http::Reply GradioApi::handle(http::Request& request) {
    request.path = without_root_path(request.path);
    if (auto refused = check_request(request)) return std::move(*refused);
    std::string_view path = request.path;
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    auto gated = login_routes(request, path);
    http::Reply reply = gated ? std::move(*gated) : route(request);
    if (request.method == "HEAD") {
        // The headers a GET would get, never a body (a stream included).
        if (auto* stream = std::get_if<http::StreamResponse>(&reply)) {
            http::Response head{stream->status, stream->content_type, {}, {{"Cache-Control", "no-cache"}}};
            reply = std::move(head);
        }
    }
    if (auto* response = std::get_if<http::Response>(&reply)) add_common_headers(request, response->headers);
    else if (auto* stream = std::get_if<http::StreamResponse>(&reply)) add_common_headers(request, stream->headers);
    else if (auto* file = std::get_if<http::FileResponse>(&reply)) add_common_headers(request, file->headers);
    return reply;
}

namespace {
// An upload's sink, whose answer gets the headers every answer of ours has.
class HeadedSink final : public http::BodySink {
public:
    HeadedSink(std::unique_ptr<http::BodySink> inner, std::vector<std::pair<std::string, std::string>> headers)
        : inner_(std::move(inner)), headers_(std::move(headers)) {}
    bool write(std::string_view bytes) override { return inner_->write(bytes); }
    http::Response finish(bool complete) override {
        http::Response r = inner_->finish(complete);
        r.headers.insert(r.headers.end(), headers_.begin(), headers_.end());
        return r;
    }
    [[nodiscard]] std::uint64_t max_body_size() const override { return inner_->max_body_size(); }

private:
    std::unique_ptr<http::BodySink> inner_;
    std::vector<std::pair<std::string, std::string>> headers_;
};
}  // namespace

http::BodyDecision GradioApi::body_route(http::Request& head) {
    // Not taken off `head` here: a request this route leaves alone goes on to handle(), which
    // does it (once).
    const std::string route_path = without_root_path(head.path);
    std::string_view path = route_path;
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path != "/gradio_api/upload" || head.method != "POST") return std::monostate{};
    head.path = route_path;
    std::vector<std::pair<std::string, std::string>> headers;
    add_common_headers(head, headers);
    auto with_headers = [&headers](http::Response r) {
        r.headers.insert(r.headers.end(), headers.begin(), headers.end());
        return r;
    };
    if (auto refused = check_request(head)) return with_headers(std::move(*refused));
    if (options_.login && !options_.login->user_of(head, client_address(head)))
        return with_headers(options_.login->unauthorized());
    if (!options_.files || !options_.uploads) return with_headers(error_response(503, "This server takes no uploads."));
    http::BodyDecision decision = files::upload_body(head, *options_.files, *options_.uploads);
    if (auto* r = std::get_if<http::Response>(&decision)) return with_headers(std::move(*r));
    if (auto* sink = std::get_if<std::unique_ptr<http::BodySink>>(&decision))
        return std::unique_ptr<http::BodySink>(std::make_unique<HeadedSink>(std::move(*sink), std::move(headers)));
    return decision;
}

// An upload whose body came whole (none, or the router was not asked): parsed the same way.
http::Reply GradioApi::upload_whole(http::Request& request) {
    if (!options_.files || !options_.uploads) return error_response(503, "This server takes no uploads.");
    http::BodyDecision decision = files::upload_body(request, *options_.files, *options_.uploads);
    if (auto* r = std::get_if<http::Response>(&decision)) return std::move(*r);
    auto& sink = std::get<std::unique_ptr<http::BodySink>>(decision);
    if (request.body.size() > sink->max_body_size()) {
        (void)sink->finish(false);
        return error_response(413, "Request body is larger than " + std::to_string(sink->max_body_size()) + " bytes.");
    }
    const bool ok = sink->write(request.body);
    return sink->finish(ok);
}

std::optional<http::Response> GradioApi::check_request(const http::Request& request) const {
    // DNS rebinding: a server on a loopback address answers only to loopback names (or the
    // extra names it was given), so a page on evil.example resolving to 127.0.0.1 gets 400.
    if (options_.loopback_only && !from_trusted_proxy(request) && !host_allowed(request.header("host")))
        return error_response(400, "Invalid Host header: this server only answers to localhost names.");
    if (request.method == "OPTIONS") {
        http::Response preflight{200, "text/plain; charset=utf-8", "OK", {}};
        preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS, POST");
        preflight.headers.emplace_back("Access-Control-Max-Age", "600");
        if (auto wanted = request.header("access-control-request-headers"); !wanted.empty())
            preflight.headers.emplace_back("Access-Control-Allow-Headers", std::string(wanted));
        return preflight;
    }
    // JSON routes read only JSON: a cross-site form or text/plain POST (no CORS preflight)
    // can never start an event (Gradio's routes behave the same way).
    // Uploads are multipart (a cross-site form can store a file, as with Gradio, but never
    // read the answer or start anything with it).
    if (request.method == "POST" && starts_with(request.path, "/gradio_api/") && !is_json_type(request.header("content-type")) &&
        request.path != "/gradio_api/upload" && request.path != "/gradio_api/upload/")
        return error_response(415, "Content-Type must be application/json.");
    return std::nullopt;
}

namespace {
// The host name of a Host header or an origin's authority, lower-case, without the port:
// "[::1]:7860" -> "[::1]", "LocalHost:7860" -> "localhost".
std::string hostname_of(std::string_view authority) {
    std::string name(authority);
    if (auto close = name.rfind(']'); !name.empty() && name.front() == '[' && close != std::string::npos) name.resize(close + 1);
    else if (auto colon = name.rfind(':'); colon != std::string::npos) name.resize(colon);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return name;
}
}  // namespace

bool GradioApi::host_allowed(std::string_view host) const {
    const std::string name = hostname_of(host);
    if (name.empty() || is_loopback_name(name)) return true;
    for (const auto& allowed : options_.allowed_hosts)
        if (allowed == name) return true;
    return false;
}

bool GradioApi::is_loopback_name(std::string_view name) {
    if (name == "localhost" || name == "[::1]" || name.ends_with(".localhost")) return true;
    // 127.0.0.0/8 written as a dotted quad.
    if (!starts_with(name, "127.")) return false;
    int dots = 0;
    for (char c : name) {
        if (c == '.') ++dots;
        else if (c < '0' || c > '9') return false;
    }
    return dots == 3;
}

bool GradioApi::is_json_type(std::string_view type) {
    auto semicolon = type.find(';');
    std::string media(type.substr(0, semicolon));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    for (auto& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return media == "application/json" || (starts_with(media, "application/") && media.ends_with("+json"));
}

void GradioApi::add_common_headers(const http::Request& request, std::vector<std::pair<std::string, std::string>>& headers) const {
    // CORS only for origins on a loopback name or our own origin (Gradio: localhost origins
    // for a local app); other sites cannot read our answers.
    if (std::string_view origin = request.header("origin"); !origin.empty()) {
        std::string_view origin_host = origin;
        if (auto scheme = origin_host.find("://"); scheme != std::string_view::npos) origin_host.remove_prefix(scheme + 3);
        const bool same = origin_host == request.header("host");
        const std::string name = hostname_of(origin_host);
        if (same || is_loopback_name(name) || name == "0.0.0.0") {
            headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
            headers.emplace_back("Access-Control-Allow-Credentials", "true");
        }
        headers.emplace_back("Vary", "Origin");
    }
    headers.emplace_back("X-Content-Type-Options", "nosniff");
}

http::Reply GradioApi::route(http::Request& request) {
    std::string_view path = request.path;
    // Gradio registers most routes with and without a trailing slash.
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    const bool get = request.method == "GET" || request.method == "HEAD";
    const bool post = request.method == "POST";

    if (path == "/config") {
        if (!get) return error_response(405, "Method Not Allowed");
        return json_response(config_.config_json(root_url(request)));
    }
    if (starts_with(path, "/gradio_api/")) {
        std::string_view route = path.substr(std::string_view("/gradio_api").size());
        if (route == "/info") {
            if (!get) return error_response(405, "Method Not Allowed");
            return json_response(config_.info_json(root_url(request), request.query_param("all_endpoints").has_value()));
        }
        if (route == "/queue/join") return post ? queue_join(request) : error_response(405, "Method Not Allowed");
        if (route == "/queue/data") return get ? queue_data(request) : error_response(405, "Method Not Allowed");
        if (route == "/queue/status" && get)
            return json_response(to_json(json::object{{"msg", "estimation"}, {"event_id", nullptr}, {"rank", nullptr},
                                                      {"queue_size", queue_.waiting()}, {"rank_eta", nullptr}}));
        if (route == "/cancel") return post ? cancel(request) : error_response(405, "Method Not Allowed");
        if (route == "/reset") return post ? http::Reply(json_response("{\"success\":true}")) : error_response(405, "Method Not Allowed");
        if (route == "/app_id" && get) return json_response("{\"app_id\":" + std::to_string(config_.app_id()) + "}");
        if (starts_with(route, "/heartbeat/") && get) return stream_of(std::make_shared<HeartbeatStream>(queue_));
        if (starts_with(route, "/call/")) {
            std::string_view rest = route.substr(6);
            bool v2 = false;
            if (starts_with(rest, "v2/")) {
                v2 = true;
                rest.remove_prefix(3);
            }
            auto slash = rest.find('/');
            std::string_view api_name = rest.substr(0, slash);
            if (slash == std::string_view::npos) {
                if (!post) return error_response(405, "Method Not Allowed");
                return call_post(request, api_name, v2);
            }
            if (!get) return error_response(405, "Method Not Allowed");
            return call_stream(rest.substr(slash + 1));
        }
        if (starts_with(route, "/file=")) {
            if (!get) return error_response(405, "Method Not Allowed");
            return files::serve_file(route.substr(6), request.header("range"), options_.file_policy);
        }
        if (route == "/upload") return post ? upload_whole(request) : error_response(405, "Method Not Allowed");
        if (route == "/upload_progress") {
            if (!get) return error_response(405, "Method Not Allowed");
            if (!options_.uploads) return error_response(404, "Upload not found");
            return files::upload_progress(request, *options_.uploads);
        }
        if (starts_with(route, "/run/") || starts_with(route, "/api/")) {
            if (!post) return error_response(405, "Method Not Allowed");
            return run(request, route.substr(5));
        }
        return error_response(404, "Not Found");
    }
    if (options_.openai_api && starts_with(path, "/v1/")) return openai_route(request, path);
    if (path == "/metrics" && options_.metrics) {
        if (!get) return error_response(405, "Method Not Allowed");
        http::Response r{200, "text/plain; version=0.0.4; charset=utf-8", options_.metrics(), {}};
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    }
    if (get) {
        if (auto r = serve_static(request, options_.web_dir)) return std::move(*r);  // HEAD: the transport drops the body
    }
    return error_response(404, "Not Found");
}

namespace {

// fn_index as the dependency it names; an error answer for anything else (wrong type, out
// of range: 4294967302 must not wrap around to 6).
const Dependency* dependency_at(const App& app, const json::value& fn, http::Response& error) {
    if (!fn.is_int64() && !fn.is_uint64()) {
        error = validation_error("fn_index", "Input should be a valid integer", fn);
        return nullptr;
    }
    const Dependency* dep = nullptr;
    if (fn.is_int64() && fn.get_int64() >= 0 && fn.get_int64() <= std::numeric_limits<int>::max())
        dep = app.dependency(static_cast<int>(fn.get_int64()));
    if (!dep || !dep->backend_fn()) {
        error = error_response(404, "No function with fn_index " + to_json(fn) + ".");
        return nullptr;
    }
    return dep;
}

// Gradio's 422 for a validator's rejections (protocol.md §5.1).
http::Response rejected(const std::vector<Rejection>& rejections) {
    json::array detail;
    std::string summary;
    for (const auto& r : rejections) {
        detail.push_back(json::object{{"__type__", "validate"}, {"is_valid", false}, {"message", r.message},
                                      {"parameter_name", r.parameter_name}});
        if (!summary.empty()) summary += "; ";
        summary += r.parameter_name + ": " + r.message;
    }
    json::object body{{"detail", std::move(detail)},
                      {"error", json::object{{"code", 422}, {"type", "validation_error"}, {"message", summary}}}};
    return http::Response{422, "application/json", to_json(body), {}};
}

}  // namespace

http::Reply GradioApi::validated(const Dependency& dep, json::array values, std::function<http::Response(json::array)> then) {
    if (!dep.validate) return then(std::move(values));
    // The validator is user code: it runs off the I/O threads, on the pool of quick steps.
    return http::Offload{[&dep, values = std::move(values), then = std::move(then)]() mutable -> http::Response {
                             std::vector<Rejection> rejections;
                             try {
                                 rejections = dep.validate(values);
                             } catch (const Error& e) {
                                 return error_response(400, e.what());  // Gradio: a validator that raises
                             } catch (const std::exception& e) {
                                 log::error("validator threw", {{"fn", dep.api_name}, {"error", e.what()}});
                                 return error_response(400, "The validator failed.");
                             }
                             if (!rejections.empty()) return rejected(rejections);
                             return then(std::move(values));
                         },
                         false};
}

std::shared_ptr<Session> GradioApi::session_for(const std::string& hash, http::Response& error) {
    SessionRegistry::Refusal why{};
    auto session = sessions_.get_or_create(hash, &why);
    if (session) return session;
    if (why == SessionRegistry::Refusal::bad_hash)
        error = error_response(400, "session_hash must be 1 to " + std::to_string(sessions_.limits().max_hash_length) + " characters.");
    else {
        error = error_response(503, "The server has too many active sessions; try again shortly.");
        error.headers.emplace_back("Retry-After", "1");
    }
    return nullptr;
}

http::Response GradioApi::enqueue(const Dependency& dep, json::array data, json::value event_data,
                                  const std::string& session_hash, bool call_api, const std::string& root_url) {
    auto event = std::make_shared<Event>();
    event->root_url = root_url;
    event->id = new_event_id();
    http::Response error;
    event->session = session_for(session_hash.empty() ? event->id : session_hash, error);
    if (!event->session) return error;
    event->dependency = &dep;
    event->data = std::move(data);
    event->event_data = std::move(event_data);
    auto result = queue_.join(event);
    // A throw-away session (no session_hash) of an event that was not queued is never used.
    if (result.status != EventQueue::JoinStatus::queued && session_hash.empty()) sessions_.erase(event->id);
    if (result.status == EventQueue::JoinStatus::stopped) return error_response(503, "Queue is stopped.");
    if (result.status == EventQueue::JoinStatus::draining) {
        http::Response r = error_response(503, "The server is shutting down; try again in a moment.");
        r.headers.emplace_back("Retry-After", "5");
        return r;
    }
    if (result.status == EventQueue::JoinStatus::full)
        return error_response(503, "Queue is full. Max size is " + std::to_string(queue_.max_size().value_or(0)) +
                                       " and size is " + std::to_string(result.waiting) + ".");
    if (result.status == EventQueue::JoinStatus::session_full)
        return error_response(429, "This session has " + std::to_string(sessions_.limits().max_events) +
                                       " events whose results were not read yet; read them (queue/data) before sending more.");
    if (session_hash.empty() || call_api) sessions_.remember_call(event->id, event->session);
    return json_response("{\"event_id\":\"" + event->id + "\"}");
}

http::Reply GradioApi::queue_join(const http::Request& request) {
    http::Response error;
    auto body = parse_object(request, error);
    if (!body) return error;
    auto data = body->find("data");
    if (data == body->end()) return validation_error("data", "Field required", nullptr);
    if (!data->value().is_array()) return validation_error("data", "Input should be a valid list", data->value());
    const std::string session_hash = string_field(*body, "session_hash");
    if (session_hash.empty()) return error_response(400, "Session hash not found.");
    auto fn = body->find("fn_index");
    if (fn == body->end() || fn->value().is_null()) return error_response(400, "No function index provided.");
    const Dependency* dep = dependency_at(app_, fn->value(), error);
    if (!dep) return error;
    json::array values = std::move(data->value().get_array());
    if (auto why = check_arity(app_, *dep, values, false); !why.empty()) return validation_error("data", why, nullptr);
    json::value event_data = body->contains("event_data") ? (*body)["event_data"] : json::value(nullptr);
    return validated(*dep, std::move(values), [this, dep, event_data = std::move(event_data), session_hash,
                                               root = root_url(request)](json::array v) mutable {
        return enqueue(*dep, std::move(v), std::move(event_data), session_hash, false, root);
    });
}

http::Reply GradioApi::queue_data(const http::Request& request) {
    const auto session_hash = request.query_param("session_hash");
    if (!session_hash || session_hash->empty()) return error_response(400, "Session hash not found.");
    auto session = sessions_.find(*session_hash);
    if (!session) {
        return stream_of(std::make_shared<OneShotStream>(
            "data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"404: Not Found\",\"session_not_found\":true,\"success\":false}\n\n"));
    }
    return stream_of(std::make_shared<SessionStream>(std::move(session), queue_));
}

http::Reply GradioApi::call_post(const http::Request& request, std::string_view api_name, bool keyword_form) {
    const Dependency* dep = app_.endpoint(api_name);
    if (!dep) return error_response(404, "There is no endpoint named \"/" + std::string(api_name) + "\". See /gradio_api/info for the endpoints.");
    http::Response error;
    auto body = parse_object(request, error);
    if (!body) return error;
    json::array values;
    if (keyword_form) {
        // {"message": "hi"} -> ["hi"], by the parameter names /info lists.
        std::size_t position = 0;
        for (int id : dep->inputs) {
            const Component* c = app_.component(id);
            const std::string name = position < dep->parameter_names.size() ? dep->parameter_names[position] : "";
            ++position;
            if (!c || c->skip_api) continue;
            auto it = body->find(name);
            if (it != body->end()) values.push_back(it->value());
            else if (c->has_default) values.push_back(c->initial);
            else return validation_error(name, "Field required", nullptr);
        }
        for (const auto& [key, value] : *body) {
            bool known = key == "session_hash" || key == "oauth_token";
            for (const auto& n : dep->parameter_names) known = known || key == n;
            if (!known) return validation_error(key, "Unknown parameter \"" + std::string(key) + "\"", value);
        }
    } else {
        auto data = body->find("data");
        if (data == body->end()) return validation_error("data", "Field required", nullptr);
        if (!data->value().is_array()) return validation_error("data", "Input should be a valid list", data->value());
        values = std::move(data->value().get_array());
    }
    if (auto why = check_arity(app_, *dep, values, true); !why.empty()) return validation_error("data", why, nullptr);
    const std::string session_hash = string_field(*body, "session_hash");
    return validated(*dep, std::move(values), [this, dep, session_hash, root = root_url(request)](json::array v) {
        return enqueue(*dep, std::move(v), nullptr, session_hash, true, root);
    });
}

http::Reply GradioApi::call_stream(std::string_view event_id) {
    std::string key(event_id);
    auto session = sessions_.find_call(key);
    if (!session || !session->is_pending(key))
        return stream_of(std::make_shared<OneShotStream>(sse_frame("\"404: Not Found\"", "error")));
    // A call without session_hash ran in a session named after its event: nobody can reach
    // it again once its stream is over.
    const bool own_session = session->hash() == key;
    auto forget = [this, key, own_session] {
        if (own_session) sessions_.erase(key);
        else sessions_.forget_call(key);
    };
    return stream_of(std::make_shared<CallStream>(std::move(session), queue_, forget));
}

http::Reply GradioApi::run(const http::Request& request, std::string_view api_name) {
    http::Response error;
    auto body = parse_object(request, error);
    if (!body) return error;
    const Dependency* dep = nullptr;
    if (auto fn = body->find("fn_index"); fn != body->end() && !fn->value().is_null()) {
        dep = dependency_at(app_, fn->value(), error);
        if (!dep) return error;
    } else {
        dep = app_.endpoint(api_name);
        if (!dep) return error_response(404, "There is no endpoint named \"/" + std::string(api_name) + "\".");
    }
    // Queued functions run only through the queue, so that concurrency_limit and max_size
    // hold for every client (Gradio's api_open=False behaviour).
    if (dep->queue)
        return error_response(404, "This API endpoint does not accept direct HTTP POST requests. Please join the queue to use this API.");
    auto data = body->find("data");
    if (data == body->end()) return validation_error("data", "Field required", nullptr);
    if (!data->value().is_array()) return validation_error("data", "Input should be a valid list", data->value());
    json::array values = std::move(data->value().get_array());
    if (auto why = check_arity(app_, *dep, values, true); !why.empty()) return validation_error("data", why, nullptr);
    std::string session_hash = string_field(*body, "session_hash");
    auto session = session_for(session_hash.empty() ? new_event_id() : session_hash, error);
    if (!session) return error;
    json::value event_data = body->contains("event_data") ? (*body)["event_data"] : json::value(nullptr);
    auto work = [this, dep, event_data = std::move(event_data), session, root = root_url(request)](json::array v) mutable {
        unsigned status = 200;
        json::object output =
            run_direct(app_, options_.execute, *dep, std::move(v), std::move(event_data), session, status, root + "/gradio_api/file=");
        return http::Response{status, "application/json", to_json(output), {}};
    };
    if (dep->validate) return validated(*dep, std::move(values), std::move(work));
    return http::Offload{[work = std::move(work), values = std::move(values)]() mutable { return work(std::move(values)); },
                         dep->runs_user_code};
}

http::Reply GradioApi::cancel(const http::Request& request) {
    http::Response error;
    auto body = parse_object(request, error);
    if (!body) return error;
    const std::string session_hash = string_field(*body, "session_hash");
    const std::string event_id = string_field(*body, "event_id");
    auto fn = body->find("fn_index");
    if (session_hash.empty()) return validation_error("session_hash", "Field required", nullptr);
    if (event_id.empty()) return validation_error("event_id", "Field required", nullptr);
    if (fn == body->end() || !fn->value().is_int64()) return validation_error("fn_index", "Field required", nullptr);
    const auto fn_index = fn->value().get_int64();
    if (fn_index < 0 || fn_index > std::numeric_limits<int>::max())
        return error_response(404, "No function with fn_index " + std::to_string(fn_index) + ".");
    if (auto session = sessions_.find(session_hash)) queue_.cancel(session, static_cast<int>(fn_index), event_id);
    return json_response("{\"success\":true}");
}

}  // namespace gradio::detail
