// LoginGate's bounds and parsers without a server: cookies, form bodies, the most live logins,
// the most clients remembered for failed attempts, and the failure window.
#include <gtest/gtest.h>

#include <thread>

#include "auth/login_gate.hpp"

using namespace gradio::detail;

namespace {

http::Request form_login(const std::string& user, const std::string& password) {
    http::Request r;
    r.method = "POST";
    r.path = "/login";
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    r.body = "username=" + user + "&password=" + password;
    return r;
}

std::string token_of(const http::Response& r) {
    for (const auto& [name, value] : r.headers)
        if (name == "Set-Cookie") return value.substr(value.find('=') + 1, value.find(';') - value.find('=') - 1);
    return {};
}

http::Request with_token(const std::string& token) {
    http::Request r;
    r.headers.emplace_back("authorization", "Bearer " + token);
    return r;
}

}  // namespace

TEST(LoginGate, CookieValues) {
    EXPECT_EQ(auth::cookie_value("a=1; b=2;c=3", "b"), "2");
    EXPECT_EQ(auth::cookie_value("a=1; b=2;c=3", "c"), "3");
    EXPECT_EQ(auth::cookie_value("ab=1; b=2", "a"), "");
    EXPECT_EQ(auth::cookie_value("", "a"), "");
    EXPECT_EQ(auth::cookie_value("a", "a"), "");
}

TEST(LoginGate, FormBodies) {
    auto urlencoded = auth::form_fields("application/x-www-form-urlencoded; charset=utf-8", "username=a+b%21&password=&x");
    ASSERT_TRUE(urlencoded);
    ASSERT_EQ(urlencoded->size(), 3u);
    EXPECT_EQ((*urlencoded)[0], (std::pair<std::string, std::string>{"username", "a b!"}));
    EXPECT_EQ((*urlencoded)[1].second, "");
    auto multipart = auth::form_fields("multipart/form-data; boundary=q",
                                       "--q\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nann\r\n--q--\r\n");
    ASSERT_TRUE(multipart);
    EXPECT_EQ((*multipart)[0].second, "ann");
    EXPECT_FALSE(auth::form_fields("application/json", "{}"));
    EXPECT_FALSE(auth::form_fields("multipart/form-data; boundary=q", "--q\r\nContent-Disposition: form-data; name=\"u\"\r\n\r\nann"));
    EXPECT_FALSE(auth::form_fields("application/x-www-form-urlencoded", "v=" + std::string(5000, 'x')));
    std::string many;
    for (int i = 0; i < 65; ++i) many += "f" + std::to_string(i) + "=1&";
    EXPECT_FALSE(auth::form_fields("application/x-www-form-urlencoded", many));
}

TEST(LoginGate, TheOldestLoginIsLoggedOutBeyondTheLimit) {
    auth::LoginGate gate({.users = {{"ann", "pw"}}, .max_logins = 3});
    std::vector<std::string> tokens;
    for (int i = 0; i < 4; ++i) {
        auto r = gate.login(form_login("ann", "pw"), "10.0.0.1");
        ASSERT_EQ(r.status, 200u);
        tokens.push_back(token_of(r));
    }
    EXPECT_EQ(gate.live_logins(), 3u);
    EXPECT_FALSE(gate.user_of(with_token(tokens[0]), "10.0.0.1"));
    for (int i = 1; i < 4; ++i) EXPECT_EQ(gate.user_of(with_token(tokens[static_cast<std::size_t>(i)]), "10.0.0.1"), "ann");
}

TEST(LoginGate, FailuresAreRememberedForABoundedNumberOfClients) {
    auth::LoginGate gate({.users = {{"ann", "pw"}}, .max_failures = 2, .max_clients_tracked = 2});
    for (int i = 0; i < 2; ++i) (void)gate.login(form_login("ann", "x"), "a");
    EXPECT_GT(gate.retry_after("a"), 0);
    EXPECT_EQ(gate.login(form_login("ann", "pw"), "a").status, 429u);
    // Two more clients fail once each: "a", the oldest, is forgotten.
    (void)gate.login(form_login("ann", "x"), "b");
    (void)gate.login(form_login("ann", "x"), "c");
    EXPECT_EQ(gate.retry_after("a"), 0);
    EXPECT_EQ(gate.login(form_login("ann", "pw"), "a").status, 200u);
}

TEST(LoginGate, TheWindowEnds) {
    auth::LoginGate gate({.users = {{"ann", "pw"}}, .max_failures = 1, .failure_window = std::chrono::seconds(1)});
    (void)gate.login(form_login("ann", "x"), "a");
    EXPECT_EQ(gate.login(form_login("ann", "pw"), "a").status, 429u);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(gate.login(form_login("ann", "pw"), "a").status, 200u);
}
