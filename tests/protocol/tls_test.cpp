// TLS (ssl_certfile / ssl_keyfile / ssl_keyfile_password) on a live server, against a
// certificate each test makes with Debian's openssl: HTTP/1.1 keep-alive and a streamed chat
// over https with the certificate verified, the Secure cookie, plain HTTP sent to the https port,
// and every way the files can be wrong.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "../temp_dir.hpp"
#include "fixture.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace gr_test;

namespace {

gr::Stream echo(const gr::Message& message, const gr::History&) {
    std::string reply;
    for (char c : "You said: " + message.text) {
        reply += c;
        co_yield reply;
    }
}

// A self-signed certificate for 127.0.0.1 (and its key, encrypted with `password` if given).
struct Certificate {
    TempDir dir{"gr_tls"};
    std::string cert, key;
    explicit Certificate(const std::string& password = "") {
        std::filesystem::create_directories(dir.path());
        cert = (dir.path() / "cert.pem").string();
        key = (dir.path() / "key.pem").string();
        const std::string encrypt = password.empty() ? "-noenc" : "-passout pass:" + password;
        const std::string command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 1 -subj /CN=127.0.0.1 "
                                    "-addext subjectAltName=IP:127.0.0.1 " + encrypt + " -keyout " + key + " -out " + cert +
                                    " >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate");
    }
};

gr::LaunchOptions tls(const Certificate& c, const std::string& password = "") {
    gr::LaunchOptions l;
    l.ssl_certfile = c.cert;
    l.ssl_keyfile = c.key;
    l.ssl_keyfile_password = password;
    return l;
}

// One verified TLS connection that sends requests one after another (keep-alive).
class HttpsClient {
public:
    HttpsClient(std::uint16_t port, const std::string& ca_file)
        : host_("127.0.0.1:" + std::to_string(port)), context_(asio::ssl::context::tls_client), stream_(ioc_, context_) {
        context_.load_verify_file(ca_file);
        context_.set_verify_mode(asio::ssl::verify_peer);
        stream_.set_verify_callback(asio::ssl::host_name_verification("127.0.0.1"));
        beast::get_lowest_layer(stream_).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        stream_.handshake(asio::ssl::stream_base::client);
    }
    bhttp::response<bhttp::string_body> send(bhttp::verb method, const std::string& target, const std::string& body = "",
                                             const std::string& cookie = "", const std::string& type = "application/json") {
        bhttp::request<bhttp::string_body> req{method, target, 11};
        req.set(bhttp::field::host, host_);
        if (!body.empty()) req.set(bhttp::field::content_type, type);
        if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
        req.body() = body;
        req.prepare_payload();
        bhttp::write(stream_, req);
        bhttp::response<bhttp::string_body> res;
        bhttp::read(stream_, buffer_, res);
        return res;
    }

    // Sends a GET and reads until `marker` arrived (or the response ended), leaving the rest.
    std::string start_reading(const std::string& target, const std::string& marker) {
        const std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host_ + "\r\n\r\n";
        asio::write(stream_, asio::buffer(request));
        std::string got;
        char chunk[4096];
        while (got.find(marker) == std::string::npos) {
            beast::error_code ec;
            const std::size_t n = stream_.read_some(asio::buffer(chunk), ec);
            got.append(chunk, n);
            if (ec) break;
        }
        return got;
    }
    // Leaves as a browser closing the tab does: close_notify, then the TCP close.
    void leave() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
        stream_.shutdown(ignored);
        beast::get_lowest_layer(stream_).close();
    }

private:
    std::string host_;
    asio::io_context ioc_;
    asio::ssl::context context_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
};

}  // namespace

TEST(Tls, KeepAliveAndAStreamedChatOverHttps) {
    Certificate c;
    TestServer s(echo, {.api_name = "chat"}, tls(c));
    EXPECT_TRUE(s.server.url().starts_with("https://")) << s.server.url();
    HttpsClient client(s.port, c.cert);
    auto config = client.send(bhttp::verb::get, "/config");
    ASSERT_EQ(config.result_int(), 200u);
    EXPECT_TRUE(config.keep_alive());
    EXPECT_EQ(boost::json::parse(config.body()).at("root").as_string(), s.server.url()) << "URLs handed out say https";
    auto posted = client.send(bhttp::verb::post, "/gradio_api/call/chat", R"({"data":["over tls"]})");  // same connection
    ASSERT_EQ(posted.result_int(), 200u) << posted.body();
    const std::string id(boost::json::parse(posted.body()).at("event_id").as_string());
    auto stream = client.send(bhttp::verb::get, "/gradio_api/call/chat/" + id);
    ASSERT_EQ(stream.result_int(), 200u);
    EXPECT_NE(stream.body().find("event: complete\ndata: [\"You said: over tls\""), std::string::npos) << stream.body();
    EXPECT_EQ(client.send(bhttp::verb::get, "/gradio_api/info").result_int(), 200u);  // and still open after a stream
}

TEST(Tls, AClientLeavingMidStreamStopsFn) {
    Certificate c;
    std::atomic<bool> destroyed{false};
    std::atomic<int> yields{0};
    auto endless = [&](const gr::Message&, const gr::History&) -> gr::Stream {
        struct Flag {
            std::atomic<bool>& set;
            ~Flag() { set = true; }
        } flag{destroyed};
        std::string reply;
        for (int i = 0; i < 2000; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            ++yields;
            co_yield reply += ".";
        }
    };
    TestServer s(endless, {.api_name = "chat"}, tls(c));
    HttpsClient client(s.port, c.cert);
    auto posted = client.send(bhttp::verb::post, "/gradio_api/call/chat", R"({"data":["go"]})");
    ASSERT_EQ(posted.result_int(), 200u);
    const std::string id(boost::json::parse(posted.body()).at("event_id").as_string());
    const std::string first = client.start_reading("/gradio_api/call/chat/" + id, "event: generating");
    ASSERT_NE(first.find("event: generating"), std::string::npos) << first;
    client.leave();
    EXPECT_TRUE(wait_until([&] { return destroyed.load(); }, std::chrono::seconds(3))) << "fn still ran after " << yields << " yields";
}

TEST(Tls, TheLoginCookieIsSecure) {
    Certificate c;
    gr::LaunchOptions l = tls(c);
    l.auth = {{"admin", "s3cret"}};
    TestServer s(echo, {.api_name = "chat"}, l);
    HttpsClient client(s.port, c.cert);
    EXPECT_EQ(client.send(bhttp::verb::get, "/config").result_int(), 401u);
    auto res = client.send(bhttp::verb::post, "/login", "username=admin&password=s3cret", "", "application/x-www-form-urlencoded");
    ASSERT_EQ(res.result_int(), 200u) << res.body();
    const std::string set_cookie(res[bhttp::field::set_cookie]);
    EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
    EXPECT_EQ(client.send(bhttp::verb::get, "/config", "", set_cookie.substr(0, set_cookie.find(';'))).result_int(), 200u);
}

TEST(Tls, PlainHttpToTheHttpsPortGetsAReadableAnswer) {
    Certificate c;
    TestServer s(echo, {.api_name = "chat"}, tls(c));
    auto answer = raw_exchange(s.port, "GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", std::chrono::seconds(5));
    ASSERT_TRUE(answer);
    EXPECT_TRUE(answer->starts_with("HTTP/1.1 400")) << *answer;
    EXPECT_NE(answer->find("This server speaks HTTPS only"), std::string::npos) << *answer;
}

TEST(Tls, AnEncryptedKeyNeedsItsPassword) {
    Certificate c("hunter2");
    try {
        TestServer s(echo, {.api_name = "chat"}, tls(c));
        FAIL() << "started without the key's password";
    } catch (const gr::LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("ssl_keyfile_password"), std::string::npos) << e.what();
    }
    TestServer s(echo, {.api_name = "chat"}, tls(c, "hunter2"));
    HttpsClient client(s.port, c.cert);
    EXPECT_EQ(client.send(bhttp::verb::get, "/config").result_int(), 200u);
}

TEST(Tls, WrongFilesAreClearErrors) {
    Certificate a, b;
    gr::LaunchOptions only_cert;
    only_cert.ssl_certfile = a.cert;
    EXPECT_THROW(TestServer(echo, {.api_name = "chat"}, only_cert), gr::ConfigError);
    gr::LaunchOptions mismatched = tls(a);
    mismatched.ssl_keyfile = b.key;
    try {
        TestServer s(echo, {.api_name = "chat"}, mismatched);
        FAIL() << "started with another certificate's key";
    } catch (const gr::LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("ssl_keyfile"), std::string::npos) << e.what();
    }
    gr::LaunchOptions missing = tls(a);
    missing.ssl_certfile = (a.dir.path() / "nope.pem").string();
    try {
        TestServer s(echo, {.api_name = "chat"}, missing);
        FAIL() << "started without a certificate file";
    } catch (const gr::LaunchError& e) {
        EXPECT_NE(std::string(e.what()).find("Cannot use ssl_certfile"), std::string::npos) << e.what();
    }
}
