#include "auth/login_gate.hpp"

#include <array>

#include <boost/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "files/multipart.hpp"
#include "log/log.hpp"
#include "queue/ids.hpp"

namespace gradio::detail::auth {

namespace {

using Digest = std::array<unsigned char, 32>;

// SHA-256, so that the comparison below looks at equal-length values whatever the lengths of
// the password and the guess (a length difference must not end it early either).
Digest sha256(std::string_view text) {
    Digest out{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr) != 1) out.fill(0);
    return out;
}

bool same_in_constant_time(std::string_view a, std::string_view b) {
    const Digest x = sha256(a);
    const Digest y = sha256(b);
    return CRYPTO_memcmp(x.data(), y.data(), x.size()) == 0;
}

// A JSON string literal (Boost.JSON escapes it).
std::string quoted(std::string_view text) { return boost::json::serialize(boost::json::value(boost::json::string(text))); }

http::Response json_answer(unsigned status, std::string body) { return http::Response{status, "application/json", std::move(body), {}}; }

// FastAPI's 422 for a missing form field, as Gradio answers it.
http::Response missing_field(std::string_view field) {
    return json_answer(422, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"," + quoted(field) +
                                "],\"msg\":\"Field required\",\"input\":null}]}");
}

constexpr std::size_t max_form_fields = 64;
constexpr std::size_t max_form_value = 4096;

// Collects a multipart form's fields in memory (bounded).
class FieldSink final : public files::MultipartSink {
public:
    std::vector<std::pair<std::string, std::string>> fields;
    std::string begin_part(const files::MultipartPart& part) override {
        if (fields.size() >= max_form_fields) return "Too many form fields.";
        fields.emplace_back(part.name, std::string());
        return {};
    }
    std::string part_data(std::string_view bytes) override {
        if (fields.back().second.size() + bytes.size() > max_form_value) return "A form field is too long.";
        fields.back().second.append(bytes);
        return {};
    }
    std::string end_part() override { return {}; }
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const std::string* field(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name) {
    for (const auto& [k, v] : fields)
        if (k == name) return &v;
    return nullptr;
}

}  // namespace

std::string_view cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto end = header.find(';');
        std::string_view pair = header.substr(0, end);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        if (auto eq = pair.find('='); eq != std::string_view::npos && pair.substr(0, eq) == name) {
            std::string_view value = pair.substr(eq + 1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            return value;
        }
        if (end == std::string_view::npos) break;
        header.remove_prefix(end + 1);
    }
    return {};
}

std::optional<std::vector<std::pair<std::string, std::string>>> form_fields(std::string_view content_type, std::string_view body) {
    const std::string media = lower(content_type.substr(0, content_type.find(';')));
    if (media == "application/x-www-form-urlencoded") {
        std::vector<std::pair<std::string, std::string>> fields;
        while (!body.empty()) {
            auto amp = body.find('&');
            std::string_view pair = body.substr(0, amp);
            if (!pair.empty()) {
                if (fields.size() >= max_form_fields) return std::nullopt;
                auto eq = pair.find('=');
                std::string key = http::percent_decode(pair.substr(0, eq), true);
                std::string value = eq == std::string_view::npos ? std::string() : http::percent_decode(pair.substr(eq + 1), true);
                if (value.size() > max_form_value) return std::nullopt;
                fields.emplace_back(std::move(key), std::move(value));
            }
            if (amp == std::string_view::npos) break;
            body.remove_prefix(amp + 1);
        }
        return fields;
    }
    files::BoundaryError error{};
    std::string boundary = files::multipart_boundary(content_type, error);
    if (error != files::BoundaryError::none) return std::nullopt;
    FieldSink sink;
    files::MultipartParser parser(std::move(boundary), sink, files::MultipartLimits{.max_part_header_bytes = 2048, .max_parts = max_form_fields});
    if (!parser.feed(body) || !parser.finish()) return std::nullopt;
    return std::move(sink.fields);
}

LoginGate::LoginGate(LoginOptions options) : options_(std::move(options)) {
    // Per process, as Gradio's cookie_id: two apps on one host never read each other's cookie.
    cookie_name_ = "access-token-" + random_hex(8);
}

bool LoginGate::credentials_match(const std::string& user, const std::string& password) const {
    if (options_.check) return options_.check(user, password);
    // Every pair is compared, and both halves of each: the time taken says nothing about which
    // user exists or how much of a password was right.
    bool match = false;
    for (const auto& [u, p] : options_.users) {
        const bool user_ok = same_in_constant_time(u, user);
        const bool password_ok = same_in_constant_time(p, password);
        match = match | (user_ok & password_ok);
    }
    return match;
}

long LoginGate::retry_after(std::string_view client) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(std::string(client));
    if (it == failures_.end() || it->second.count < options_.max_failures) return 0;
    const auto elapsed = std::chrono::steady_clock::now() - it->second.window_start;
    if (elapsed >= options_.failure_window) return 0;
    return std::max<long>(1, static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(options_.failure_window - elapsed).count()));
}

void LoginGate::record_failure(std::string_view client) {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    auto it = failures_.find(std::string(client));
    if (it == failures_.end()) {
        if (failures_.size() >= options_.max_clients_tracked) {  // forget the oldest window
            failures_.erase(failure_order_.front());
            failure_order_.pop_front();
        }
        failure_order_.emplace_back(client);
        it = failures_.emplace(std::string(client), Failures{0, now, std::prev(failure_order_.end())}).first;
    }
    auto& f = it->second;
    if (now - f.window_start >= options_.failure_window) {
        f.count = 0;
        f.window_start = now;
        failure_order_.splice(failure_order_.end(), failure_order_, f.position);  // now the newest
    }
    ++f.count;
}

std::string LoginGate::new_login(const std::string& user) {
    std::string token = random_hex(32);
    std::lock_guard lock(mutex_);
    if (logins_.size() >= std::max<std::size_t>(1, options_.max_logins)) {
        logins_.erase(login_order_.front());
        login_order_.pop_front();
    }
    login_order_.push_back(token);
    logins_.emplace(token, Login{user, std::prev(login_order_.end())});
    return token;
}

std::size_t LoginGate::live_logins() {
    std::lock_guard lock(mutex_);
    return logins_.size();
}

std::optional<std::string> LoginGate::token_of(const http::Request& request) const {
    std::string_view token = cookie_value(request.header("cookie"), cookie_name_);
    if (token.empty()) {
        std::string_view authorization = request.header("authorization");
        if (authorization.size() > 7 && lower(authorization.substr(0, 7)) == "bearer ") token = authorization.substr(7);
    }
    if (token.empty() || token.size() > 256) return std::nullopt;
    return std::string(token);
}

std::optional<std::string> LoginGate::user_of(const http::Request& request, std::string_view client) {
    auto token = token_of(request);
    if (!token) return std::nullopt;
    {
        std::lock_guard lock(mutex_);
        if (auto it = logins_.find(*token); it != logins_.end()) return it->second.user;
    }
    // "user:password" as a bearer credential (an OpenAI client's API key), for pairs only.
    const auto colon = token->find(':');
    if (options_.check || colon == std::string::npos || cookie_value(request.header("cookie"), cookie_name_) == *token) return std::nullopt;
    if (retry_after(client) > 0) return std::nullopt;
    std::string user = token->substr(0, colon);
    if (credentials_match(user, token->substr(colon + 1))) return user;
    record_failure(client);
    return std::nullopt;
}

http::Response LoginGate::login(const http::Request& request, std::string_view client) {
    if (const long wait = retry_after(client); wait > 0) {
        http::Response r = json_answer(429, "{\"detail\":\"Too many failed login attempts; try again in " + std::to_string(wait) +
                                                " seconds.\"}");
        r.headers.emplace_back("Retry-After", std::to_string(wait));
        return r;
    }
    auto fields = form_fields(request.header("content-type"), request.body);
    if (!fields) return missing_field("username");
    const std::string* user = field(*fields, "username");
    const std::string* password = field(*fields, "password");
    if (!user) return missing_field("username");
    if (!password) return missing_field("password");
    bool ok = false;
    try {
        ok = credentials_match(*user, *password);
    } catch (const std::exception& e) {
        log::error("the auth function threw; the login is refused", {{"error", e.what()}});
    } catch (...) {
        log::error("the auth function threw; the login is refused");
    }
    if (!ok) {
        record_failure(client);
        log::info("failed login", {{"client", client}});
        return json_answer(400, "{\"detail\":\"Incorrect credentials.\"}");
    }
    std::string token = new_login(*user);
    http::Response r = json_answer(200, "{\"success\":true}");
    std::string cookie = cookie_name_ + "=" + token + "; Path=" + options_.cookie_path + "; HttpOnly; SameSite=Lax";
    if (options_.secure_cookie) cookie += "; Secure";
    r.headers.emplace_back("Set-Cookie", std::move(cookie));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

http::Response LoginGate::logout(const http::Request& request, const std::string& root) {
    if (auto token = token_of(request)) {
        std::lock_guard lock(mutex_);
        if (auto it = logins_.find(*token); it != logins_.end()) {
            login_order_.erase(it->second.position);
            logins_.erase(it);
        }
    }
    http::Response r{302, "text/plain; charset=utf-8", "", {}};
    r.headers.emplace_back("Location", root);
    r.headers.emplace_back("Set-Cookie", cookie_name_ + "=; Path=" + options_.cookie_path + "; Max-Age=0; HttpOnly; SameSite=Lax" +
                                             (options_.secure_cookie ? "; Secure" : ""));
    return r;
}

http::Response LoginGate::unauthorized() const {
    const std::string message = options_.auth_message ? quoted(*options_.auth_message) : "null";
    http::Response r = json_answer(401, "{\"detail\":{\"error\":\"Not authenticated\",\"auth_message\":" + message + "}}");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

}  // namespace gradio::detail::auth
