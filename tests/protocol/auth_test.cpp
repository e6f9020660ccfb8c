// Login (LaunchOptions::auth) on a live server: what is refused without it, the login as
// Python's gradio_client (urlencoded) and @gradio/client (multipart) send it, the cookie, logout,
// Gradio's errors, the per-client limit on failed attempts, a check function, and bearer
// credentials for API clients.
#include <gtest/gtest.h>

#include <atomic>

#include "fixture.hpp"

namespace json = boost::json;
using namespace gr_test;

namespace {

std::string echo(const gr::Message& message, const gr::History&) { return "You said: " + message.text; }

gr::LaunchOptions with_auth(gr::Auth auth, std::optional<std::string> message = std::nullopt) {
    gr::LaunchOptions l;
    l.auth = std::move(auth);
    l.auth_message = std::move(message);
    l.openai_api = true;
    return l;
}

const std::map<std::string, std::string> kForm{{"Content-Type", "application/x-www-form-urlencoded"}};

HttpResult login(std::uint16_t port, const std::string& user, const std::string& password,
                 std::map<std::string, std::string> headers = kForm) {
    return request(port, "POST", "/login", "username=" + user + "&password=" + password, headers);
}

// "name=value" of a Set-Cookie header.
std::string cookie_of(const HttpResult& r) {
    auto it = r.headers.find("set-cookie");
    if (it == r.headers.end()) return {};
    return it->second.substr(0, it->second.find(';'));
}

// The reply of /chat through the curl-style API, with `headers` on both requests.
std::string chat(std::uint16_t port, const std::string& message, const std::map<std::string, std::string>& headers) {
    auto posted = request(port, "POST", "/gradio_api/call/chat", R"({"data":[")" + message + R"("]})", headers);
    if (posted.status != 200) return "HTTP " + std::to_string(posted.status);
    SseStream s(port, "/gradio_api/call/chat/" + std::string(posted.json().at("event_id").as_string()), headers);
    std::string last;
    for (const auto& frame : s.all())
        if (frame.starts_with("event: complete")) last = data_of(frame);
    if (last.empty()) return "no complete event";
    return std::string(boost::json::parse(last).at(0).as_string());
}

}  // namespace

TEST(Auth, EveryRouteButThePageNeedsALogin) {
    TestServer s(echo, {.api_name = "chat"}, with_auth({{"admin", "s3cret"}}, "Ask the admin."));
    const std::vector<std::pair<std::string, std::string>> routes{
        {"GET", "/config"},
        {"GET", "/gradio_api/info"},
        {"POST", "/gradio_api/queue/join"},
        {"GET", "/gradio_api/queue/data?session_hash=abc"},
        {"POST", "/gradio_api/call/chat"},
        {"POST", "/gradio_api/run/chat"},
        {"GET", "/gradio_api/file=/etc/hostname"},
        {"GET", "/gradio_api/heartbeat/abc"},
        {"GET", "/login_check"},
    };
    for (const auto& [method, target] : routes) {
        auto r = request(s.port, method, target, method == "POST" ? R"({"data":["hi"]})" : "");
        EXPECT_EQ(r.status, 401) << method << " " << target;
        if (r.status == 401) {
            EXPECT_EQ(r.json().at("detail").at("error"), "Not authenticated") << target;
            EXPECT_EQ(r.json().at("detail").at("auth_message"), "Ask the admin.") << target;
        }
    }
    // An upload is refused before its body is read.
    auto upload = request(s.port, "POST", "/gradio_api/upload", "--b\r\n", {{"Content-Type", "multipart/form-data; boundary=b"}});
    EXPECT_EQ(upload.status, 401);
    // The OpenAI routes answer in OpenAI's format.
    auto models = request(s.port, "GET", "/v1/models");
    EXPECT_EQ(models.status, 401);
    EXPECT_EQ(models.json().at("error").at("code"), "invalid_api_key");
    // The page itself (which shows the login form) is public: 200, or 404 in a build without
    // the UI (GR_WEB=OFF), never 401.
    const int page = request(s.port, "GET", "/").status;
    EXPECT_TRUE(page == 200 || page == 404) << page;
}

TEST(Auth, AFormLoginSetsACookieThatOpensEveryRoute) {
    TestServer s(echo, {.api_name = "chat"}, with_auth({{"admin", "s3cret"}, {"guest", "g"}}));
    auto r = login(s.port, "admin", "s3cret");  // as Python's gradio_client sends it
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json::parse(R"({"success":true})"));
    const std::string set_cookie = r.headers["set-cookie"];
    EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "no Secure without TLS: " << set_cookie;
    const std::string cookie = cookie_of(r);
    ASSERT_TRUE(cookie.starts_with("access-token-")) << cookie;
    EXPECT_EQ(cookie.size() - cookie.find('=') - 1, 64u) << "a 256-bit token";
    const std::map<std::string, std::string> with_cookie{{"Cookie", "theme=dark; " + cookie}};

    EXPECT_EQ(request(s.port, "GET", "/config", "", with_cookie).status, 200);
    EXPECT_EQ(request(s.port, "GET", "/login_check", "", with_cookie).body, "null");
    EXPECT_EQ(chat(s.port, "hello", with_cookie), "You said: hello");

    // Two logins are two tokens; logging one out leaves the other.
    const std::string other = cookie_of(login(s.port, "guest", "g"));
    ASSERT_FALSE(other.empty());
    EXPECT_NE(other, cookie);
    auto out = request(s.port, "GET", "/logout", "", with_cookie);
    EXPECT_EQ(out.status, 302);
    EXPECT_EQ(out.headers["location"], "/");
    EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(request(s.port, "GET", "/config", "", with_cookie).status, 401);
    EXPECT_EQ(request(s.port, "GET", "/config", "", {{"Cookie", other}}).status, 200);
}

TEST(Auth, AMultipartLoginAsTheJsClientSendsIt) {
    TestServer s(echo, {.api_name = "chat"}, with_auth({"admin", "s3cret"}));
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\ns3cret\r\n--XyZ--\r\n";
    auto r = request(s.port, "POST", "/login", body, {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(chat(s.port, "hi", {{"Cookie", cookie_of(r)}}), "You said: hi");
}

TEST(Auth, WrongCredentialsGetGradiosErrors) {
    TestServer s(echo, {.api_name = "chat"}, with_auth({{"admin", "s3cret"}}));
    for (const auto& [user, password] : std::vector<std::pair<std::string, std::string>>{
             {"admin", "wrong"}, {"admin", "s3cre"}, {"admin", "s3cret2"}, {"nobody", "s3cret"}, {"", ""}}) {
        auto r = login(s.port, user, password);
        EXPECT_EQ(r.status, 400) << user << "/" << password;
        EXPECT_EQ(r.json(), json::parse(R"({"detail":"Incorrect credentials."})"));
        EXPECT_EQ(r.headers.count("set-cookie"), 0u);
    }
    auto missing = request(s.port, "POST", "/login", "username=admin", kForm);
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(missing.json().at("detail").at(0).at("loc").at(1), "password");
    EXPECT_EQ(request(s.port, "POST", "/login", R"({"username":"admin"})", {{"Content-Type", "application/json"}}).status, 422);
    EXPECT_EQ(request(s.port, "GET", "/login").status, 405);
    // A made-up cookie opens nothing.
    EXPECT_EQ(request(s.port, "GET", "/config", "", {{"Cookie", "access-token-0011223344556677=" + std::string(64, 'a')}}).status,
              401);
}

TEST(Auth, FailedAttemptsAreLimitedPerClient) {
    gr::LaunchOptions l = with_auth({{"admin", "s3cret"}});
    l.trusted_proxies = {"127.0.0.1"};  // so that X-Forwarded-For names the client
    TestServer s(echo, {.api_name = "chat"}, l);
    auto from = [](const std::string& ip) {
        auto h = kForm;
        h["X-Forwarded-For"] = "203.0.113.9, " + ip;  // the proxy appended the last one
        return h;
    };
    for (int i = 0; i < 10; ++i) EXPECT_EQ(login(s.port, "admin", "guess" + std::to_string(i), from("198.51.100.1")).status, 400);
    auto limited = login(s.port, "admin", "s3cret", from("198.51.100.1"));  // even the right one, for now
    EXPECT_EQ(limited.status, 429);
    EXPECT_NE(limited.json().at("detail").as_string().find("Too many failed login attempts"), std::string::npos);
    EXPECT_GE(std::stoi(limited.headers["retry-after"]), 1);
    // Bearer credentials of that client are held up too, with the same answer in OpenAI's format.
    auto bearer = request(s.port, "GET", "/v1/models", "", {{"Authorization", "Bearer admin:s3cret"}, {"X-Forwarded-For", "198.51.100.1"}});
    EXPECT_EQ(bearer.status, 429);
    EXPECT_EQ(bearer.json().at("error").at("type"), "rate_limit_exceeded");
    EXPECT_GE(std::stoi(bearer.headers["retry-after"]), 1);
    // Another client is not held up.
    EXPECT_EQ(login(s.port, "admin", "s3cret", from("198.51.100.2")).status, 200);
}

TEST(Auth, ACheckFunctionDecidesAndItsExceptionRefuses) {
    std::atomic<int> calls{0};
    auto check = [&calls](const std::string& user, const std::string& password) {
        ++calls;
        if (user == "boom") throw std::runtime_error("database down");
        return user == password;
    };
    TestServer s(echo, {.api_name = "chat"}, with_auth(check));
    EXPECT_EQ(login(s.port, "ann", "ann").status, 200);
    EXPECT_EQ(login(s.port, "ann", "bob").status, 400);
    EXPECT_EQ(login(s.port, "boom", "boom").status, 400);
    EXPECT_EQ(calls.load(), 3);
    // user:password bearer credentials are for pairs only: a check function is user code.
    EXPECT_EQ(request(s.port, "GET", "/v1/models", "", {{"Authorization", "Bearer ann:ann"}}).status, 401);
    EXPECT_EQ(calls.load(), 3);
}

TEST(Auth, ApiClientsMayUseBearerCredentials) {
    TestServer s(echo, {.api_name = "chat"}, with_auth({{"admin", "s3cret"}}));
    auto models = request(s.port, "GET", "/v1/models", "", {{"Authorization", "Bearer admin:s3cret"}});
    EXPECT_EQ(models.status, 200) << models.body;
    EXPECT_EQ(request(s.port, "GET", "/v1/models", "", {{"Authorization", "Bearer admin:nope"}}).status, 401);
    // A login token works as a bearer token too.
    const std::string cookie = cookie_of(login(s.port, "admin", "s3cret"));
    const std::string token = cookie.substr(cookie.find('=') + 1);
    EXPECT_EQ(request(s.port, "GET", "/config", "", {{"Authorization", "Bearer " + token}}).status, 200);
}

TEST(Auth, WithoutAuthLoginRedirectsAndEverythingIsOpen) {
    TestServer s(echo, {.api_name = "chat"});
    auto r = login(s.port, "admin", "s3cret");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.headers["location"], "/");
    EXPECT_EQ(request(s.port, "GET", "/login_check").body, "null");
    EXPECT_EQ(request(s.port, "GET", "/config").status, 200);
}
