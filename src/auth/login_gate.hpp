#pragma once
// Login (LaunchOptions::auth, protocol.md §9.4): POST /login checks a user/password and sets a
// session cookie; every route but the page's static files, /login, /logout and /login_check then
// needs it (or an `Authorization: Bearer` credential, for API clients that cannot keep cookies).
// Passwords are compared in constant time; failed attempts are limited per client; every map
// here is bounded.

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace gradio::detail::auth {

struct LoginOptions {
    std::vector<std::pair<std::string, std::string>> users{};  // user/password pairs, or
    std::function<bool(const std::string&, const std::string&)> check{};  // the app's own check (user code)
    std::optional<std::string> auth_message{};
    bool secure_cookie = false;  // served over TLS: the cookie is sent over https only
    std::string cookie_path = "/";
    std::size_t max_logins = 10000;  // live login tokens; the oldest is logged out beyond it
    int max_failures = 10;           // failed attempts per client per window, then 429
    std::chrono::seconds failure_window{60};
    std::size_t max_clients_tracked = 10000;  // clients with recent failures; the oldest forgotten
};

class LoginGate {
public:
    explicit LoginGate(LoginOptions options);

    // The user a request is logged in as: its session cookie, or `Authorization: Bearer <token>`
    // (a login token) or `Bearer <user>:<password>` (user/password pairs only: a check function
    // is user code, which never runs on the I/O threads). nullopt: not logged in.
    [[nodiscard]] std::optional<std::string> user_of(const http::Request& request, std::string_view client);
    // The request's login token, if it carries a live one.
    [[nodiscard]] std::optional<std::string> token_of(const http::Request& request) const;

    // POST /login with `username` and `password` form fields (urlencoded or multipart). 200
    // {"success":true} + cookie, 400 {"detail":"Incorrect credentials."} (Gradio's answer), 422
    // for a missing field, 429 once `client` failed too often. Runs the check function if any:
    // call it on the worker pool (`needs_user_code()`).
    [[nodiscard]] http::Response login(const http::Request& request, std::string_view client);
    [[nodiscard]] bool needs_user_code() const noexcept { return static_cast<bool>(options_.check); }
    // GET /logout: forgets the request's token, deletes the cookie, redirects to `root`.
    [[nodiscard]] http::Response logout(const http::Request& request, const std::string& root);
    // Gradio's 401 for a request that is not logged in.
    [[nodiscard]] http::Response unauthorized() const;
    [[nodiscard]] const std::optional<std::string>& auth_message() const noexcept { return options_.auth_message; }
    [[nodiscard]] const std::string& cookie_name() const noexcept { return cookie_name_; }

    // Seconds `client` must wait before its next attempt (0: it may try now).
    [[nodiscard]] long retry_after(std::string_view client);
    [[nodiscard]] std::size_t live_logins();

private:
    bool credentials_match(const std::string& user, const std::string& password) const;
    // One more failed attempt by `client` in its current window.
    void record_failure(std::string_view client);
    std::string new_login(const std::string& user);

    struct Failures {
        int count = 0;
        std::chrono::steady_clock::time_point window_start{};
        std::list<std::string>::iterator position;
    };
    struct Login {
        std::string user;
        std::list<std::string>::iterator position;
    };

    LoginOptions options_;
    std::string cookie_name_;
    std::mutex mutex_;
    std::unordered_map<std::string, Login> logins_;  // token -> user
    std::list<std::string> login_order_;             // oldest first
    std::unordered_map<std::string, Failures> failures_;
    std::list<std::string> failure_order_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
[[nodiscard]] std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

// Form fields of an application/x-www-form-urlencoded or multipart/form-data body (small forms:
// at most 64 fields, values of at most 4 KiB). nullopt for another type or a malformed body.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> form_fields(std::string_view content_type,
                                                                                         std::string_view body);

}  // namespace gradio::detail::auth
