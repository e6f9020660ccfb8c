// An OpenAI-compatible API for any chat fn (LaunchOptions::openai_api, env GRADIO_OPENAI_API=1):
// POST /v1/chat/completions runs a ChatInterface's /chat endpoint through the queue, with the
// request's messages as (message, history), and answers as OpenAI does, whole or streamed as
// chat.completion.chunk deltas ending in [DONE]; GET /v1/models lists the chat endpoints.
// A client that goes away mid-stream cancels the event, so fn stops.

#include <chrono>
#include <string>

#include "log/log.hpp"
#include "protocol/api.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/session_reader.hpp"
#include "queue/ids.hpp"

namespace gradio::detail {

namespace {

// OpenAI's error shape: {"error": {"message", "type", "param", "code"}}.
json::object openai_error_body(const std::string& message, const std::string& type, const json::value& param = nullptr,
                               const json::value& code = nullptr) {
    return json::object{{"error", json::object{{"message", message}, {"type", type}, {"param", param}, {"code", code}}}};
}

http::Response openai_error(unsigned status, const std::string& message, const std::string& type,
                            const json::value& param = nullptr, const json::value& code = nullptr) {
    return http::Response{status, "application/json", to_json(openai_error_body(message, type, param, code)), {}};
}

// The text of a message's content: a string, or the text parts of a list (other parts refused).
std::optional<std::string> content_text(const json::value& content, std::string& error) {
    if (content.is_null()) return std::string();
    if (content.is_string()) return std::string(content.get_string());
    if (!content.is_array()) {
        error = "content must be a string or a list of parts";
        return std::nullopt;
    }
    std::string text;
    for (const auto& part : content.get_array()) {
        const auto* o = part.if_object();
        const auto* type = o ? o->if_contains("type") : nullptr;
        const auto* t = o ? o->if_contains("text") : nullptr;
        if (!type || *type != "text" || !t || !t->is_string()) {
            error = "only text content parts are supported";
            return std::nullopt;
        }
        if (!text.empty()) text += '\n';
        text += t->get_string();
    }
    return text;
}

// The text of what the /chat endpoint returned: text, a ChatMessage dict, or a list of them.
std::string reply_text(const json::value& reply) {
    if (reply.is_string()) return std::string(reply.get_string());
    if (const auto* o = reply.if_object()) {
        if (const auto* c = o->if_contains("content")) return reply_text(*c);
        if (const auto* t = o->if_contains("text"); t && t->is_string()) return std::string(t->get_string());
        return {};
    }
    std::string out;
    if (const auto* a = reply.if_array())
        for (const auto& item : *a) {
            std::string piece = reply_text(item);
            if (piece.empty()) continue;
            if (!out.empty()) out += '\n';
            out += piece;
        }
    return out;
}

// Token counts for `usage`: an estimate (a token per 4 bytes, OpenAI's rule of thumb), since a
// chat fn has no tokenizer the server could ask.
std::int64_t estimated_tokens(std::size_t bytes) { return static_cast<std::int64_t>((bytes + 3) / 4); }

// The message of one of the API's own error answers ({"detail": ...}).
std::string detail_of(const http::Response& r) {
    std::string why;
    json::value v = parse_json(r.body, why);
    if (const auto* o = v.if_object())
        if (const auto* d = o->if_contains("detail"); d && d->is_string()) return std::string(d->get_string());
    return "The request could not be queued.";
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Reads the completion's event from its own session and answers in OpenAI's format.
class CompletionStream final : public SessionReader {
public:
    struct Settings {
        bool stream = false;
        bool include_usage = false;
        std::string id, model;
        std::int64_t created = 0;
        std::size_t prompt_bytes = 0;
    };
    CompletionStream(std::shared_ptr<Session> session, EventQueue& queue, Settings settings, std::function<void()> on_end)
        : SessionReader(std::move(session), queue), s_(std::move(settings)), on_end_(std::move(on_end)) {}
    ~CompletionStream() override {
        if (on_end_) on_end_();
    }

    std::optional<std::pair<unsigned, std::string>> head() override { return std::pair{status_, std::string("application/json")}; }
    std::string keepalive() override { return s_.stream ? ": keepalive\n\n" : std::string(); }

    Poll poll(std::string& out) override {
        if (must_end()) {
            fail(out, 503, "The server is stopping.");
            return Poll::done;
        }
        json::object m;
        while (session_->pop(m)) {
            const auto* msg = m.if_contains("msg");
            if (!msg || (*msg != "process_generating" && *msg != "process_completed")) continue;
            const bool success = !m.contains("success") || m["success"] == true;
            if (!success) {
                const auto* output = m["output"].if_object();
                const auto* error = output ? output->if_contains("error") : nullptr;
                fail(out, 500, error && error->is_string() ? std::string(error->get_string()) : "The chat function failed.");
                finished_ = true;
                (void)completed(m);
                return Poll::done;
            }
            const auto* output = m["output"].if_object();
            const auto* data = output ? output->if_contains("data") : nullptr;
            const std::string text = data && data->is_array() && !data->get_array().empty() ? reply_text(data->get_array()[0]) : text_;
            if (s_.stream) send_delta(out, text);
            text_ = text;
            if (*msg == "process_completed" && is_completion(m)) {
                finish(out);
                finished_ = true;
                (void)completed(m);
                return Poll::done;
            }
        }
        return out.empty() ? Poll::wait : Poll::ready;
    }

private:
    json::object chunk(json::object delta, const json::value& finish_reason) const {
        return json::object{{"id", s_.id},
                            {"object", "chat.completion.chunk"},
                            {"created", s_.created},
                            {"model", s_.model},
                            {"choices", json::array{json::object{{"index", 0}, {"delta", std::move(delta)},
                                                                 {"logprobs", nullptr}, {"finish_reason", finish_reason}}}}};
    }
    static void frame(std::string& out, const json::value& v) {
        out += "data: ";
        write_json(out, v);
        out += "\n\n";
    }
    json::object usage() const {
        const auto prompt = estimated_tokens(s_.prompt_bytes), completion = estimated_tokens(text_.size());
        return json::object{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
    }
    // Streams append only: the new text's part after what was sent. (A reply that rewrites
    // earlier text sends only what follows the common beginning.)
    void send_delta(std::string& out, const std::string& text) {
        if (!role_sent_) {
            frame(out, chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr));
            role_sent_ = true;
        }
        std::size_t common = 0;
        while (common < text.size() && common < text_.size() && text[common] == text_[common]) ++common;
        // Never split a UTF-8 character: back up to its first byte.
        while (common > 0 && common < text.size() && (static_cast<unsigned char>(text[common]) & 0xC0) == 0x80) --common;
        if (common < text.size()) frame(out, chunk(json::object{{"content", text.substr(common)}}, nullptr));
    }
    void finish(std::string& out) {
        if (!s_.stream) {
            out += to_json(json::object{
                {"id", s_.id},
                {"object", "chat.completion"},
                {"created", s_.created},
                {"model", s_.model},
                {"choices", json::array{json::object{{"index", 0},
                                                     {"message", json::object{{"role", "assistant"}, {"content", text_}, {"refusal", nullptr}}},
                                                     {"logprobs", nullptr},
                                                     {"finish_reason", "stop"}}}},
                {"usage", usage()}});
            return;
        }
        if (!role_sent_) send_delta(out, text_);
        frame(out, chunk(json::object{}, "stop"));
        if (s_.include_usage) {
            json::object last = chunk(json::object{}, nullptr);
            last["choices"] = json::array{};
            last["usage"] = usage();
            frame(out, last);
        }
        out += "data: [DONE]\n\n";
    }
    void fail(std::string& out, unsigned status, const std::string& message) {
        if (s_.stream) {
            frame(out, openai_error_body(message, "server_error"));
            out += "data: [DONE]\n\n";
        } else {
            status_ = status;
            out += to_json(openai_error_body(message, "server_error"));
        }
    }

    Settings s_;
    std::function<void()> on_end_;
    std::string text_;  // the reply so far
    bool role_sent_ = false;
    unsigned status_ = 200;
};

}  // namespace

http::Response GradioApi::openai_error_response(unsigned status, const std::string& message, const std::string& type) {
    return openai_error(status, message, type);
}

http::Response GradioApi::openai_unauthorized() {
    return openai_error(401, "This app needs a login: use \"<user>:<password>\" (or a token from POST /login) as the API key.",
                        "invalid_request_error", nullptr, "invalid_api_key");
}

http::Reply GradioApi::openai_route(const http::Request& request, std::string_view path) {
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/v1/models") {
        if (!get) return openai_error(405, "Method Not Allowed", "invalid_request_error");
        json::array models;
        for (const auto& chat : app_.chat_endpoints) {
            const Dependency* dep = app_.dependency(chat.dependency);
            if (!dep || dep->api_visibility == "private") continue;
            models.push_back(json::object{{"id", chat.api_name}, {"object", "model"}, {"created", 0}, {"owned_by", "gradio.cpp"}});
        }
        return http::Response{200, "application/json", to_json(json::object{{"object", "list"}, {"data", std::move(models)}}), {}};
    }
    if (path == "/v1/chat/completions") {
        if (request.method != "POST") return openai_error(405, "Method Not Allowed", "invalid_request_error");
        return openai_completions(request);
    }
    return openai_error(404, "Unknown route " + std::string(path) + ".", "invalid_request_error", nullptr, "not_found");
}

http::Reply GradioApi::openai_completions(const http::Request& request) {
    // JSON only, so that no page of another site can start a completion with a "simple" POST.
    if (!is_json_type(request.header("content-type")))
        return openai_error(415, "The body must be JSON (Content-Type: application/json).", "invalid_request_error");
    std::string why;
    json::value parsed = parse_json(request.body, why);
    if (!why.empty() || !parsed.is_object())
        return openai_error(400, why.empty() ? "The body must be a JSON object." : "Invalid JSON: " + why, "invalid_request_error");
    const json::object& body = parsed.get_object();

    // The model names a chat endpoint; none (or "") is the first.
    const App::ChatEndpoint* chat = nullptr;
    std::string model;
    if (const auto* m = body.if_contains("model"); m && m->is_string()) model = std::string(m->get_string());
    for (const auto& c : app_.chat_endpoints) {
        const Dependency* dep = app_.dependency(c.dependency);
        if (!dep || dep->api_visibility == "private") continue;
        if (model.empty() || model == c.api_name) {
            chat = &c;
            break;
        }
    }
    if (!chat)
        return openai_error(404, model.empty() ? "This app has no chat endpoint." : "The model \"" + model + "\" does not exist; GET /v1/models lists them.",
                            "invalid_request_error", "model", "model_not_found");
    if (model.empty()) model = chat->api_name;
    const Dependency& dep = *app_.dependency(chat->dependency);

    // messages -> the history before the last message, and that message (from the user).
    const auto* messages = body.if_contains("messages");
    if (!messages || !messages->is_array() || messages->get_array().empty())
        return openai_error(400, "messages must be a non-empty list.", "invalid_request_error", "messages");
    json::array history;
    std::string message;
    std::size_t prompt_bytes = 0;
    const auto& list = messages->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto* o = list[i].if_object();
        const auto* role = o ? o->if_contains("role") : nullptr;
        const std::string param = "messages[" + std::to_string(i) + "]";
        if (!role || !role->is_string())
            return openai_error(400, param + " needs a role.", "invalid_request_error", json::string(param + ".role"));
        std::string r(role->get_string());
        if (r == "developer") r = "system";
        if (r != "system" && r != "user" && r != "assistant")
            return openai_error(400, param + ": the role \"" + r + "\" is not supported (system, developer, user, assistant).",
                                "invalid_request_error", json::string(param + ".role"));
        const json::value* content = o->if_contains("content");
        std::string error;
        auto text = content_text(content ? *content : json::value(nullptr), error);
        if (!text) return openai_error(400, param + ": " + error + ".", "invalid_request_error", json::string(param + ".content"));
        prompt_bytes += text->size();
        if (i + 1 == list.size()) {
            if (r != "user")
                return openai_error(400, "The last message must be the user's.", "invalid_request_error", json::string(param + ".role"));
            message = std::move(*text);
        } else {
            history.push_back(text_message(r, *text));
        }
    }
    const auto* stream = body.if_contains("stream");
    if (stream && !stream->is_bool() && !stream->is_null())
        return openai_error(400, "stream must be true or false.", "invalid_request_error", "stream");
    bool include_usage = false;
    if (const auto* so = body.if_contains("stream_options"); so && so->is_object())
        if (const auto* u = so->get_object().if_contains("include_usage"); u && u->is_bool()) include_usage = u->get_bool();

    // The endpoint's inputs: the message, the history State (set below), the additional
    // inputs at their defaults.
    json::array data;
    for (std::size_t i = 0; i < dep.inputs.size(); ++i) {
        const Component* c = app_.component(dep.inputs[i]);
        if (i == 0) data.push_back(c && c->type == "multimodaltextbox" ? json::value(json::object{{"text", message}, {"files", json::array{}}})
                                                                       : json::value(message));
        else data.push_back(c && !c->is_state() ? c->initial : json::value(nullptr));
    }
    // Each completion runs in a session of its own, gone when its answer is.
    const std::string hash = "openai-" + new_event_id();
    http::Response error;
    auto session = session_for(hash, error);
    if (!session) return openai_error(error.status, "The server is busy; try again shortly.", "server_error");
    if (!session->set_state(chat->history, std::make_shared<json::value>(std::move(history)))) {
        sessions_.erase(hash);
        return openai_error(413, "The conversation is larger than the server keeps for one session.", "invalid_request_error",
                            "messages", "context_length_exceeded");
    }
    http::Response joined = enqueue(dep, std::move(data), nullptr, hash, false, root_url(request));
    if (joined.status != 200) {
        sessions_.erase(hash);
        return openai_error(joined.status, detail_of(joined), joined.status == 503 || joined.status == 429 ? "server_error" : "invalid_request_error");
    }
    CompletionStream::Settings settings;
    settings.stream = stream && stream->is_bool() && stream->get_bool();
    settings.include_usage = include_usage;
    settings.id = "chatcmpl-" + new_event_id();
    settings.model = model;
    settings.created = now_seconds();
    settings.prompt_bytes = prompt_bytes;
    const bool streamed = settings.stream;
    auto source = std::make_shared<CompletionStream>(session, queue_, std::move(settings), [this, hash] { sessions_.erase(hash); });
    http::StreamResponse r;
    r.source = std::move(source);
    if (!streamed) {
        r.content_type = "application/json";
        r.defer_head = true;
    }
    return r;
}

}  // namespace gradio::detail
