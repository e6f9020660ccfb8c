#include "protocol/api.hpp"

#include <chrono>

#include "assets/static_files.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/sse.hpp"

namespace gradio::detail {

namespace {

using http::error_response;

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
// pending event of the session has completed, then close_stream.
class SessionStream final : public http::StreamSource {
public:
    SessionStream(std::shared_ptr<Session> session, EventQueue& queue)
        : session_(std::move(session)), queue_(queue) {}
    ~SessionStream() override { session_->set_waker({}); }

    Poll poll(std::string& out) override {
        json::object message;
        while (session_->pop(message)) {
            write_json_frame(out, message);
            if (is_completion(message) && session_->complete_pending(std::string(message["event_id"].get_string()))) {
                out += "data: {\"msg\":\"close_stream\",\"event_id\":null}\n\n";
                finished_ = true;
                return Poll::done;
            }
        }
        if (queue_.stopped()) {
            out += "data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"Server stopped unexpectedly.\",\"session_not_found\":false,\"success\":false}\n\n";
            finished_ = true;
            return Poll::done;
        }
        return out.empty() ? Poll::wait : Poll::ready;
    }
    void set_waker(std::function<void()> wake) override { session_->set_waker(std::move(wake)); }
    void on_disconnect() override {
        if (!finished_ && session_->has_pending()) queue_.abandon(*session_);
    }
    std::string keepalive() override { return "data: {\"msg\":\"heartbeat\",\"event_id\":null}\n\n"; }

    static bool is_completion(json::object& m) {
        auto it = m.find("msg");
        return it != m.end() && it->value() == "process_completed" && m["event_id"].is_string();
    }
    static void write_json_frame(std::string& out, const json::object& m) {
        out += "data: ";
        write_json(out, m);
        out += "\n\n";
    }

private:
    std::shared_ptr<Session> session_;
    EventQueue& queue_;
    bool finished_ = false;
};

// GET /call/<api>/<event_id>: the session's messages translated into named events with
// json.dumps payloads (protocol.md §6.2).
class CallStream final : public http::StreamSource {
public:
    CallStream(std::shared_ptr<Session> session, EventQueue& queue, std::function<void()> on_end)
        : session_(std::move(session)), queue_(queue), on_end_(std::move(on_end)) {}
    ~CallStream() override {
        session_->set_waker({});
        if (on_end_) on_end_();
    }

    Poll poll(std::string& out) override {
        json::object m;
        while (session_->pop(m)) {
            const auto msg = m["msg"].is_string() ? std::string(m["msg"].get_string()) : std::string{};
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
                if (SessionStream::is_completion(m) &&
                    session_->complete_pending(std::string(m["event_id"].get_string()))) {
                    finished_ = true;
                    return Poll::done;
                }
            } else if (msg == "unexpected_error") {
                append_sse_frame(out, to_json(m["message"], JsonDialect::python), "error");
                finished_ = true;
                return Poll::done;
            }
        }
        if (queue_.stopped()) {
            append_sse_frame(out, "\"Server stopped unexpectedly.\"", "error");
            finished_ = true;
            return Poll::done;
        }
        return out.empty() ? Poll::wait : Poll::ready;
    }
    void set_waker(std::function<void()> wake) override { session_->set_waker(std::move(wake)); }
    void on_disconnect() override {
        if (!finished_ && session_->has_pending()) queue_.abandon(*session_);
    }
    std::string keepalive() override { return "event: heartbeat\ndata: null\n\n"; }

private:
    std::shared_ptr<Session> session_;
    EventQueue& queue_;
    std::function<void()> on_end_;
    bool finished_ = false;
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

std::string GradioApi::root_url(const http::Request& request) const {
    std::string_view host = request.header("x-forwarded-host");
    if (auto comma = host.find(','); comma != std::string_view::npos) host = host.substr(0, comma);
    if (host.empty()) host = request.header("host");
    if (host.empty()) host = "127.0.0.1";
    std::string_view proto = request.header("x-forwarded-proto");
    const bool https = starts_with(proto, "https");
    return std::string(https ? "https://" : "http://") + std::string(host);
}

http::Reply GradioApi::handle(http::Request& request) {
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
        if (starts_with(route, "/heartbeat/") && get) return http::StreamResponse{std::make_shared<HeartbeatStream>(queue_)};
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
        if (starts_with(route, "/run/") || starts_with(route, "/api/")) {
            if (!post) return error_response(405, "Method Not Allowed");
            return run(request, route.substr(5));
        }
        return error_response(404, "Not Found");
    }
    if (get) {
        if (auto r = serve_static(request, options_.web_dir)) {
            if (request.method == "HEAD") r->body.clear();
            return std::move(*r);
        }
    }
    return error_response(404, "Not Found");
}

http::Response GradioApi::enqueue(const Dependency& dep, json::array data, json::value event_data,
                                  const std::string& session_hash, bool simple_format, std::string* event_id_out) {
    auto event = std::make_shared<Event>();
    event->id = new_event_id();
    event->session = sessions_.get_or_create(session_hash.empty() ? event->id : session_hash);
    event->dependency = &dep;
    event->data = std::move(data);
    event->event_data = std::move(event_data);
    event->simple_format = simple_format;
    auto result = queue_.join(event);
    if (result.status == EventQueue::JoinStatus::stopped) return error_response(503, "Queue is stopped.");
    if (result.status == EventQueue::JoinStatus::full)
        return error_response(503, "Queue is full. Max size is " + std::to_string(queue_.max_size().value_or(0)) +
                                       " and size is " + std::to_string(result.waiting) + ".");
    if (event_id_out) *event_id_out = event->id;
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
    if (!fn->value().is_int64()) return validation_error("fn_index", "Input should be a valid integer", fn->value());
    const Dependency* dep = app_.dependency(static_cast<int>(fn->value().get_int64()));
    if (!dep || !dep->backend_fn())
        return error_response(404, "No function with fn_index " + std::to_string(fn->value().get_int64()) + ".");
    json::array values = std::move(data->value().get_array());
    if (auto why = check_arity(app_, *dep, values, false); !why.empty()) return validation_error("data", why, nullptr);
    json::value event_data = body->contains("event_data") ? (*body)["event_data"] : json::value(nullptr);
    return enqueue(*dep, std::move(values), std::move(event_data), session_hash, false, nullptr);
}

http::Reply GradioApi::queue_data(const http::Request& request) {
    const auto session_hash = request.query_param("session_hash");
    if (!session_hash || session_hash->empty()) return error_response(400, "Session hash not found.");
    auto session = sessions_.find(*session_hash);
    if (!session) {
        return http::StreamResponse{std::make_shared<OneShotStream>(
            "data: {\"msg\":\"unexpected_error\",\"event_id\":null,\"message\":\"404: Not Found\",\"session_not_found\":true,\"success\":false}\n\n")};
    }
    return http::StreamResponse{std::make_shared<SessionStream>(std::move(session), queue_)};
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
            if (it == body->end()) return validation_error(name, "Field required", nullptr);
            values.push_back(it->value());
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
    std::string event_id;
    http::Response answer = enqueue(*dep, std::move(values), nullptr, session_hash, true, &event_id);
    if (answer.status == 200 && !session_hash.empty()) {
        std::lock_guard lock(call_mutex_);
        if (call_sessions_.size() > 100000) call_sessions_.clear();  // forgotten GETs must not grow forever
        call_sessions_[event_id] = session_hash;
    }
    return answer;
}

http::Reply GradioApi::call_stream(std::string_view event_id) {
    std::string key(event_id);
    std::string session_hash = key;
    {
        std::lock_guard lock(call_mutex_);
        if (auto it = call_sessions_.find(key); it != call_sessions_.end()) session_hash = it->second;
    }
    auto session = sessions_.find(session_hash);
    if (!session || !session->is_pending(key))
        return http::StreamResponse{std::make_shared<OneShotStream>(sse_frame("\"404: Not Found\"", "error"))};
    // A call without session_hash ran in a session named after its event: nobody can reach
    // it again once its stream is over.
    const bool own_session = session_hash == key;
    auto forget = [this, key, own_session] {
        if (own_session) {
            sessions_.erase(key);
            return;
        }
        std::lock_guard lock(call_mutex_);
        call_sessions_.erase(key);
    };
    return http::StreamResponse{std::make_shared<CallStream>(std::move(session), queue_, forget)};
}

http::Reply GradioApi::run(const http::Request& request, std::string_view api_name) {
    http::Response error;
    auto body = parse_object(request, error);
    if (!body) return error;
    const Dependency* dep = nullptr;
    if (auto fn = body->find("fn_index"); fn != body->end() && !fn->value().is_null()) {
        if (!fn->value().is_int64()) return validation_error("fn_index", "Input should be a valid integer", fn->value());
        dep = app_.dependency(static_cast<int>(fn->value().get_int64()));
        if (!dep || !dep->backend_fn())
            return error_response(404, "No function with fn_index " + std::to_string(fn->value().get_int64()) + ".");
    } else {
        dep = app_.endpoint(api_name);
        if (!dep) return error_response(404, "There is no endpoint named \"/" + std::string(api_name) + "\".");
    }
    auto data = body->find("data");
    if (data == body->end()) return validation_error("data", "Field required", nullptr);
    if (!data->value().is_array()) return validation_error("data", "Input should be a valid list", data->value());
    json::array values = std::move(data->value().get_array());
    if (auto why = check_arity(app_, *dep, values, true); !why.empty()) return validation_error("data", why, nullptr);
    std::string session_hash = string_field(*body, "session_hash");
    auto session = sessions_.get_or_create(session_hash.empty() ? new_event_id() : session_hash);
    json::value event_data = body->contains("event_data") ? (*body)["event_data"] : json::value(nullptr);
    return http::Offload{[this, dep, values = std::move(values), event_data = std::move(event_data), session]() mutable {
        bool failed = false;
        json::object output = run_direct(app_, options_.execute, *dep, std::move(values), std::move(event_data), session, failed);
        return http::Response{failed ? 500u : 200u, "application/json", to_json(output), {}};
    }};
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
    if (auto session = sessions_.find(session_hash))
        queue_.cancel(session, static_cast<int>(fn->value().get_int64()), event_id);
    return json_response("{\"success\":true}");
}

}  // namespace gradio::detail
