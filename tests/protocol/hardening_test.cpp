// A hostile or careless client against a live server: each test is the regression test of one
// numbered point of the hardening issue (docs/security.md lists the limits they check).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <set>

#include <boost/asio.hpp>

#include "fixture.hpp"
#include "http/utf8.hpp"
#include "protocol/diff.hpp"
#include "log/log.hpp"

namespace json = boost::json;
using namespace gr_test;
using namespace std::chrono_literals;

namespace {

constexpr int chat_api = 6;  // fn_index of the /chat endpoint (inputs: message, history state)

std::string join(std::uint16_t port, const std::string& session, const std::string& message, int fn = chat_api) {
    auto r = post_json(port, "/gradio_api/queue/join",
                       R"({"data":[)" + json::serialize(json::value(message)) + R"(,null],"fn_index":)" + std::to_string(fn) +
                           R"(,"session_hash":")" + session + "\"}");
    if (r.status != 200) return "HTTP " + std::to_string(r.status) + " " + r.body;
    return std::string(r.json().at("event_id").as_string());
}

bool is(const json::value& v, std::string_view text) { return v.is_string() && v.get_string() == text; }

// Reads frames until one whose "msg" is `msg` (for `event_id` if given); the frames read on
// the way are appended to `seen`.
std::optional<json::object> until(SseStream& s, std::string_view msg, const std::string& event_id = "",
                                  std::vector<std::string>* seen = nullptr, std::chrono::milliseconds timeout = 10s) {
    while (auto frame = s.next(timeout)) {
        if (seen) seen->push_back(*frame);
        auto v = json::parse(data_of(*frame));
        if (!v.is_object()) continue;
        auto& o = v.as_object();
        if (is(o["msg"], msg) && (event_id.empty() || is(o["event_id"], event_id))) return o;
    }
    return std::nullopt;
}

int count_msg(const std::vector<std::string>& frames, std::string_view msg, const std::string& event_id) {
    int n = 0;
    for (const auto& f : frames) {
        auto v = json::parse(data_of(f));
        if (v.is_object() && is(v.as_object()["msg"], msg) && is(v.as_object()["event_id"], event_id)) ++n;
    }
    return n;
}

// A chat fn that holds until the gate opens, and counts how often it ran.
struct Held {
    Gate& gate;
    std::atomic<int>* runs;
    std::string operator()(const gr::Message& m, const gr::History&) const {
        if (runs) ++*runs;
        gate.wait();
        return m.text;
    }
};

}  // namespace

// 1. Sessions beyond the limit: eviction never frees a session in use (ASan saw a
// use-after-free); with every session busy, new ones get a clear 503.
TEST(Hardening, SessionsBeyondTheLimitAreRefusedNotFreed) {
    Gate gate;
    TestServer s(Held{gate, nullptr}, {}, {.max_sessions = 50});
    OpenAtExit release{gate};
    int accepted = 0, refused = 0;
    for (int i = 0; i < 200; ++i) {
        auto id = join(s.port, "busy" + std::to_string(i), "x");
        if (id.rfind("HTTP 503", 0) == 0) {
            ++refused;
            EXPECT_NE(id.find("too many active sessions"), std::string::npos) << id;
        } else {
            ++accepted;
            EXPECT_EQ(id.size(), 32u) << id;
        }
    }
    EXPECT_EQ(accepted, 50);
    EXPECT_EQ(refused, 150);
    gate.open();
    // Once their events are done nothing holds those sessions: new clients get in again, and
    // thousands of distinct sessions come and go without growing anything.
    ASSERT_TRUE(wait_until([&] { return join(s.port, "fresh0", "y").size() == 32; }, 10s));
    int later_accepted = 0;
    for (int i = 1; i < 3000; ++i) {
        auto id = join(s.port, "fresh" + std::to_string(i), "y");
        if (id.size() == 32) ++later_accepted;
        else EXPECT_NE(id.find("too many active sessions"), std::string::npos) << id;  // busy, never broken
    }
    EXPECT_GT(later_accepted, 50);
    ASSERT_TRUE(wait_until([&] { return join(s.port, "last", "y").size() == 32; }, 10s));
    EXPECT_EQ(request(s.port, "GET", "/config").status, 200);
}

// 2. A 64 KiB trailer field made Beast throw inside a detached coroutine: std::terminate.
TEST(Hardening, HugeChunkedTrailerIsRefusedAndTheServerLives) {
    TestServer s(echo_fn);
    std::string raw = "POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Big: " +
                      std::string(70 * 1024, 'a') + "\r\n\r\n";
    auto answer = raw_exchange(s.port, raw, 5s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_NE(answer->find("HTTP/1.1 431"), std::string::npos) << answer->substr(0, 200);
    EXPECT_EQ(request(s.port, "GET", "/config").status, 200);
}

// 3. Event ids: 32 hex digits, all distinct, every digit value used at every position.
TEST(Hardening, EventIdsAreRandomHex) {
    TestServer s(echo_fn);
    std::set<std::string> ids;
    std::array<std::array<int, 16>, 32> seen{};
    for (int i = 0; i < 400; ++i) {
        auto r = post_json(s.port, "/gradio_api/call/chat", R"({"data":["x"]})");
        ASSERT_EQ(r.status, 200);
        std::string id(r.json().at("event_id").as_string());
        ASSERT_EQ(id.size(), 32u);
        for (std::size_t k = 0; k < id.size(); ++k) {
            const char c = id[k];
            ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
            ++seen[k][static_cast<std::size_t>(c <= '9' ? c - '0' : c - 'a' + 10)];
        }
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 400u);
    for (const auto& position : seen)
        for (int count : position) EXPECT_GT(count, 5);  // 25 expected; a stuck digit would be 0
}

// 4. Two readers of one session: the newest takes over, the older ends cleanly, and the
// event completes on the new one.
TEST(Hardening, NewerReaderTakesOverTheSession) {
    Gate gate;
    TestServer s(Held{gate, nullptr});
    OpenAtExit release{gate};
    auto id = join(s.port, "two", "hello");
    ASSERT_EQ(id.size(), 32u) << id;
    SseStream first(s.port, "/gradio_api/queue/data?session_hash=two");
    ASSERT_TRUE(until(first, "process_starts", id));
    SseStream second(s.port, "/gradio_api/queue/data?session_hash=two");
    auto ended = until(first, "unexpected_error");
    ASSERT_TRUE(ended);
    EXPECT_NE(std::string((*ended)["message"].as_string()).find("replaced"), std::string::npos);
    EXPECT_TRUE(first.all(5s).empty());
    EXPECT_TRUE(first.complete());  // a clean end of the response, not a reset
    gate.open();
    std::vector<std::string> frames;
    auto done = until(second, "process_completed", id, &frames);
    ASSERT_TRUE(done);
    EXPECT_EQ((*done)["success"], true);
    EXPECT_EQ((*done)["output"].as_object()["data"].as_array()[0], "hello");
    EXPECT_TRUE(until(second, "close_stream"));
}

// 4b. The reader leaving cancels the session's events, and each still completes exactly once,
// for a reader that comes back.
TEST(Hardening, ReaderLeavingCompletesEveryEventOnce) {
    std::atomic<bool> saw_stop{false};
    auto fn = [&saw_stop](const gr::Message& m, const gr::History&) {
        // Runs until the server cancels it (gr::stop_requested() is how it learns of that).
        while (!gr::stop_requested()) std::this_thread::sleep_for(1ms);
        saw_stop = true;
        return m.text;
    };
    TestServer s(fn, {.concurrency_limit = 1});
    auto running = join(s.port, "gone", "a");
    auto waiting = join(s.port, "gone", "b");
    {
        SseStream reader(s.port, "/gradio_api/queue/data?session_hash=gone");
        ASSERT_TRUE(until(reader, "process_starts", running));
        reader.close();
    }
    ASSERT_TRUE(wait_until([&] { return saw_stop.load(); }, 5s)) << "the reader left but its event kept running";
    SseStream back(s.port, "/gradio_api/queue/data?session_hash=gone");
    std::vector<std::string> frames;
    ASSERT_TRUE(until(back, "close_stream", "", &frames)) << ::testing::PrintToString(frames);
    for (const auto& frame : frames) EXPECT_EQ(frame.find("process_generating"), std::string::npos);
    EXPECT_EQ(count_msg(frames, "process_completed", running), 1);
    EXPECT_EQ(count_msg(frames, "process_completed", waiting), 1);
}

// 5. Cancel by fn_index with an event_id that matches nothing still completes the events it
// stopped, so the client never hangs; another session's events are untouched.
TEST(Hardening, CancelByFnIndexCompletesTheRunningEvent) {
    Gate gate;
    std::atomic<int> runs{0};
    TestServer s(Held{gate, &runs}, {.concurrency_limit = std::nullopt});
    OpenAtExit release{gate};
    auto mine = join(s.port, "canceller", "a");
    auto theirs = join(s.port, "bystander", "b");
    SseStream reader(s.port, "/gradio_api/queue/data?session_hash=canceller");
    SseStream other(s.port, "/gradio_api/queue/data?session_hash=bystander");
    ASSERT_TRUE(until(reader, "process_starts", mine));
    ASSERT_TRUE(until(other, "process_starts", theirs));
    auto r = post_json(s.port, "/gradio_api/cancel",
                       R"({"session_hash":"canceller","fn_index":6,"event_id":"0123456789abcdef0123456789abcdef"})");
    EXPECT_EQ(r.status, 200);
    std::vector<std::string> frames;
    ASSERT_TRUE(until(reader, "process_completed", mine, &frames, 5s));
    EXPECT_TRUE(until(reader, "close_stream"));
    gate.open();
    auto done = until(other, "process_completed", theirs);
    ASSERT_TRUE(done);
    EXPECT_EQ((*done)["output"].as_object()["data"].as_array()[0], "b");  // not cancelled
}

// 6. A reader that lags behind a long stream gets the latest value, not every step, and the
// diffs it gets still rebuild the exact reply.
TEST(Hardening, LaggingReaderGetsCoalescedFrames) {
    Gate gate;
    std::atomic<bool> produced{false};
    auto fn = [&gate, &produced](gr::Message m, gr::History) -> gr::Stream {
        std::string reply;
        for (int i = 0; i < 2000; ++i) {
            reply += "x";
            co_yield reply;
        }
        produced = true;
        gate.wait();
        co_yield reply + m.text;
    };
    TestServer s(fn);
    OpenAtExit release{gate};
    auto id = join(s.port, "lag", "!");
    // Nobody reads while 2000 steps are produced; then read everything.
    ASSERT_TRUE(wait_until([&] { return produced.load(); }, 20s));
    SseStream reader(s.port, "/gradio_api/queue/data?session_hash=lag");
    gate.open();
    std::vector<std::string> frames;
    auto done = until(reader, "process_completed", id, &frames);
    ASSERT_TRUE(done);
    const int generating = count_msg(frames, "process_generating", id);
    EXPECT_GE(generating, 1);
    EXPECT_LE(generating, 20) << "a stalled reader must not cost O(tokens)";
    EXPECT_EQ((*done)["output"].as_object()["data"].as_array()[0].as_string(), std::string(2000, 'x') + "!");
    // The first frame is full, the others diffs against it: together they rebuild the reply.
    json::value value;
    bool first = true;
    for (const auto& f : frames) {
        auto m = json::parse(data_of(f)).as_object();
        if (!is(m["msg"], "process_generating")) continue;
        const auto& data = m["output"].as_object()["data"].as_array()[0];
        value = first ? data : gradio::detail::apply_diff(value, data.as_array());
        first = false;
    }
    EXPECT_EQ(value.as_string(), std::string(2000, 'x') + "!");
}

// 7. State is bounded: a run/predict that would store a huge history gets 413, and the
// session keeps working.
TEST(Hardening, OversizedStateIsRefusedWith413) {
    TestServer s(echo_fn, {}, {.max_state_size = 64 * 1024});
    json::array history;
    for (int i = 0; i < 2000; ++i) history.push_back(json::object{{"role", "user"}, {"content", std::string(100, 'a')}});
    // fn_index 3 copies the chatbot value into the history State.
    auto r = post_json(s.port, "/gradio_api/run/predict",
                       json::serialize(json::object{{"data", json::array{history}}, {"fn_index", 3}, {"session_hash", "big"}}));
    EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("too long"), std::string::npos);
    auto small = post_json(s.port, "/gradio_api/run/predict", R"({"data":[[]],"fn_index":3,"session_hash":"big"})");
    EXPECT_EQ(small.status, 200);
}

// 8. A client that keeps sending bytes into an open stream is disconnected, not buffered.
TEST(Hardening, BytesSentIntoAStreamAreBounded) {
    Gate gate;
    TestServer s(Held{gate, nullptr});
    OpenAtExit release{gate};
    ASSERT_EQ(join(s.port, "chatty", "x").size(), 32u);
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), s.port});
    std::string get = "GET /gradio_api/queue/data?session_hash=chatty HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(get));
    std::string junk(8192, 'j');
    boost::system::error_code ec;
    std::size_t sent = 0;
    // The server closes the connection after 64 KiB; writing then fails (reset / broken pipe).
    for (int i = 0; i < 4096 && !ec; ++i) {
        boost::asio::write(socket, boost::asio::buffer(junk), ec);
        if (!ec) sent += junk.size();
        pollfd pfd{socket.native_handle(), POLLIN, 0};
        if (::poll(&pfd, 1, 1) > 0) {
            char buf[4096];
            while (!ec) {
                socket.read_some(boost::asio::buffer(buf), ec);
                if (::poll(&pfd, 1, 0) <= 0) break;
            }
        }
    }
    EXPECT_TRUE(ec) << "still connected after " << sent << " bytes";
    EXPECT_LT(sent, std::size_t{8} << 20);
}

// 10. The library's own quick steps never wait behind busy user functions.
TEST(Hardening, InternalStepsDoNotWaitForBusyWorkers) {
    Gate gate;
    TestServer s(Held{gate, nullptr}, {.concurrency_limit = std::nullopt}, {.max_threads = 2});
    OpenAtExit release{gate};
    auto a = join(s.port, "busy", "a");
    auto b = join(s.port, "busy", "b");
    SseStream reader(s.port, "/gradio_api/queue/data?session_hash=busy");
    ASSERT_TRUE(until(reader, "process_starts", a));
    ASSERT_TRUE(until(reader, "process_starts", b));  // both workers are now held
    auto clear = std::async(std::launch::async, [&] {
        return post_json(s.port, "/gradio_api/run/predict", R"({"data":["typed"],"fn_index":0,"session_hash":"busy"})");
    });
    ASSERT_EQ(clear.wait_for(5s), std::future_status::ready) << "the textbox step waited for the worker pool";
    EXPECT_EQ(clear.get().status, 200);
}

// 11. Queued functions are reachable only through the queue.
TEST(Hardening, RunPredictRefusesQueuedFunctions) {
    std::atomic<int> runs{0};
    Gate gate;
    gate.open();
    TestServer s(Held{gate, &runs});
    for (int fn : {2, 6}) {
        auto r = post_json(s.port, "/gradio_api/run/predict",
                           R"({"data":["x",null],"fn_index":)" + std::to_string(fn) + R"(,"session_hash":"s"})");
        EXPECT_EQ(r.status, 404) << fn;
        EXPECT_NE(r.body.find("join the queue"), std::string::npos);
    }
    EXPECT_EQ(post_json(s.port, "/gradio_api/run/chat", R"({"data":["x",null]})").status, 404);
    EXPECT_EQ(runs.load(), 0);
}

// 13. The validator refuses before anything is queued, with Gradio's 422 validate list.
TEST(Hardening, ValidatorRejectsBeforeQueueing) {
    std::atomic<int> runs{0};
    Gate gate;
    gate.open();
    gr::ChatInterfaceOptions options;
    options.validator = [](const gr::Message& m) -> std::optional<std::string> {
        if (m.text.size() < 3) return "Too short";
        return std::nullopt;
    };
    TestServer s(Held{gate, &runs}, options);
    auto r = post_json(s.port, "/gradio_api/call/chat", R"({"data":["hi"]})");
    ASSERT_EQ(r.status, 422) << r.body;
    const auto answer = r.json();
    const auto& first = answer.at("detail").as_array().at(0).as_object();
    EXPECT_EQ(first.at("__type__"), "validate");
    EXPECT_EQ(first.at("is_valid"), false);
    EXPECT_EQ(first.at("message"), "Too short");
    EXPECT_EQ(join(s.port, "v", "hi").substr(0, 8), "HTTP 422");
    EXPECT_EQ(runs.load(), 0);
    auto ok = s.call("hello");
    ASSERT_FALSE(ok.empty());
    EXPECT_NE(ok.back().find("hello"), std::string::npos);
}

// 14. HTTP details.
TEST(Hardening, TransferEncodingOtherThanChunkedIs501AndNothingIsSmuggled) {
    TestServer s(echo_fn);
    std::string smuggled = "GET /gradio_api/app_id HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    std::string raw = "POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: gzip\r\n\r\n" + smuggled;
    auto answer = raw_exchange(s.port, raw, 5s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->rfind("HTTP/1.1 501", 0), 0u) << *answer;
    EXPECT_EQ(answer->find("app_id"), std::string::npos) << "the body was read as a second request";
}

TEST(Hardening, FnIndexOutOfRangeIsNotTruncated) {
    TestServer s(echo_fn);
    auto join_big = post_json(s.port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":4294967302,"session_hash":"s"})");
    EXPECT_EQ(join_big.status, 404);
    auto run_big = post_json(s.port, "/gradio_api/run/predict", R"({"data":["x"],"fn_index":4294967296,"session_hash":"s"})");
    EXPECT_EQ(run_big.status, 404);
    auto negative = post_json(s.port, "/gradio_api/run/predict", R"({"data":["x"],"fn_index":-1,"session_hash":"s"})");
    EXPECT_EQ(negative.status, 404);
    auto cancel_big = post_json(s.port, "/gradio_api/cancel", R"({"session_hash":"s","fn_index":4294967302,"event_id":"e"})");
    EXPECT_EQ(cancel_big.status, 404);
}

TEST(Hardening, HeadOnAStreamingRouteHasNoBody) {
    TestServer s(echo_fn);
    auto answer = raw_exchange(s.port,
                               "HEAD /gradio_api/heartbeat/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->rfind("HTTP/1.1 200", 0), 0u);
    EXPECT_EQ(answer->find("ALIVE"), std::string::npos) << *answer;
    const auto end_of_head = answer->find("\r\n\r\n");
    ASSERT_NE(end_of_head, std::string::npos);
    EXPECT_EQ(answer->size(), end_of_head + 4) << "bytes after the head";
}

TEST(Hardening, HeadHasTheLengthOfGetAndNoBody) {
    TestServer s(echo_fn);
    auto get = request(s.port, "GET", "/config");
    auto head = request(s.port, "HEAD", "/config");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size()));
    auto raw = raw_exchange(s.port, "HEAD /config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5s);
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(raw->size(), raw->find("\r\n\r\n") + 4) << "bytes after the head";
}

TEST(Hardening, BadInputOnRunIs4xx) {
    TestServer s(echo_fn);
    // fn_index 7 pops the last turn of the history State; 20 of the chatbot value it is sent.
    auto r = post_json(s.port, "/gradio_api/run/predict",
                       R"({"data":[[{"role":"user","content":5}]],"fn_index":20,"session_hash":"s"})");
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.status, 500) << r.body;
    auto long_hash = post_json(s.port, "/gradio_api/queue/join",
                               R"({"data":["x",null],"fn_index":6,"session_hash":")" + std::string(300, 'h') + "\"}");
    EXPECT_EQ(long_hash.status, 400);
    EXPECT_NE(long_hash.body.find("session_hash"), std::string::npos);
}

// 15. Cross-site requests and DNS rebinding.
TEST(Hardening, OnlyJsonBodiesStartEvents) {
    std::atomic<int> runs{0};
    Gate gate;
    gate.open();
    TestServer s(Held{gate, &runs});
    for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
        auto r = request(s.port, "POST", "/gradio_api/call/chat", R"({"data":["x"]})", {{"Content-Type", type}});
        EXPECT_EQ(r.status, 415) << type;
    }
    auto ok = request(s.port, "POST", "/gradio_api/call/chat", R"({"data":["x"]})",
                      {{"Content-Type", "application/json; charset=utf-8"}});
    EXPECT_EQ(ok.status, 200);
}

TEST(Hardening, ForeignHostAndOriginAreRefused) {
    TestServer s(echo_fn);
    auto rebound = request(s.port, "GET", "/config", "", {{"Host", "evil.example:7860"}});
    EXPECT_EQ(rebound.status, 400);
    EXPECT_EQ(request(s.port, "GET", "/config", "", {{"Host", "localhost:7860"}}).status, 200);
    auto foreign = request(s.port, "GET", "/config", "", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(foreign.status, 200);
    EXPECT_EQ(foreign.headers.count("access-control-allow-origin"), 0u);
    auto local = request(s.port, "GET", "/config", "", {{"Origin", "http://localhost:5173"}});
    EXPECT_EQ(local.headers["access-control-allow-origin"], "http://localhost:5173");
    // Forwarded headers from a peer nobody said to trust are ignored.
    auto forwarded = request(s.port, "GET", "/config", "", {{"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(forwarded.json().at("root").as_string().find("evil"), json::string::npos);
}

TEST(Hardening, TrustedProxyAndAllowedHosts) {
    TestServer s(echo_fn, {}, {.allowed_hosts = {"chat.example"}, .trusted_proxies = {"127.0.0.1"}});
    EXPECT_EQ(request(s.port, "GET", "/config", "", {{"Host", "chat.example"}}).status, 200);
    auto forwarded = request(s.port, "GET", "/config", "", {{"X-Forwarded-Host", "chat.example"}, {"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(forwarded.json().at("root"), "https://chat.example");
}

TEST(Hardening, PageHasFramingAndScriptPolicy) {
    TestServer s(echo_fn);
    auto page = request(s.port, "GET", "/");
    if (page.status == 404) GTEST_SKIP() << "built with GR_WEB=OFF";
    EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors 'self'"), std::string::npos);
    EXPECT_NE(page.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(page.headers["x-frame-options"], "SAMEORIGIN");
}

// 16. Invalid UTF-8 from a chat fn never reaches the wire.
TEST(Hardening, InvalidUtf8IsReplacedOnTheWay) {
    auto fn = [](gr::Message, gr::History) -> gr::Stream {
        co_yield "h\xC3";                 // half of "é"
        co_yield "h\xC3\xA9llo \xFF end";  // a byte that is never valid
    };
    TestServer s(fn);
    auto frames = s.call("x");
    ASSERT_FALSE(frames.empty());
    for (const auto& f : frames) EXPECT_TRUE(gradio::detail::http::is_valid_utf8(f)) << f;
    EXPECT_NE(frames.back().find("\\ufffd"), std::string::npos) << frames.back();

    auto id = join(s.port, "utf", "x");
    SseStream reader(s.port, "/gradio_api/queue/data?session_hash=utf");
    std::vector<std::string> queue_frames;
    ASSERT_TRUE(until(reader, "process_completed", id, &queue_frames));
    for (const auto& f : queue_frames) EXPECT_TRUE(gradio::detail::http::is_valid_utf8(f)) << f;
}

// 19. A failure hidden from the user leaves a trace in the log.
TEST(Hardening, HiddenExceptionsAreLogged) {
    auto fn = [](gr::Message, gr::History) -> std::string { throw std::runtime_error("disk on fire"); };
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    ::fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    const int saved = ::dup(2);
    ::dup2(pipe_fds[1], 2);
    std::vector<std::string> frames;
    {
        TestServer s(fn);
        frames = s.call("x");
        gradio::detail::log::flush();
    }
    ::dup2(saved, 2);
    ::close(saved);
    ::close(pipe_fds[1]);
    std::string logged;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) logged.append(buf, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back().find("disk on fire"), std::string::npos) << "shown to the user";
    EXPECT_NE(logged.find("disk on fire"), std::string::npos) << logged;
    EXPECT_NE(logged.find("level=error"), std::string::npos) << logged;
}

// 9. A queue stream with nothing pending ends after one heartbeat instead of idling forever.
TEST(Hardening, IdleQueueStreamEnds) {
    TestServer s(echo_fn, {}, {.heartbeat_interval_s = 0.2});
    ASSERT_FALSE(s.call("x", "chat", "idle").empty());  // the session exists; nothing is pending
    SseStream idle(s.port, "/gradio_api/queue/data?session_hash=idle");
    auto frames = idle.all(5s);
    EXPECT_TRUE(idle.complete());
    ASSERT_FALSE(frames.empty());
    EXPECT_NE(frames.back().find("close_stream"), std::string::npos);
}

// Run only as the child of the test below (through /proc/self/exe): a server under a
// descriptor limit of 200 that prints its port and serves until its stdin closes.
TEST(DISABLED_HardeningChild, ServeUnderALowDescriptorLimit) {
    rlimit files{200, 200};
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &files), 0);
    gr::ChatInterface demo(echo_fn);
    auto server = demo.start({.server_name = "127.0.0.1", .server_port = 0, .quiet = true});
    std::printf("PORT %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    char c;
    while (::read(0, &c, 1) > 0) {
    }
}

// 9. The connection limit fits the descriptor limit: beyond it clients get 503 at once, never
// a hang on a server that can no longer accept().
TEST(Hardening, ConnectionLimitFitsTheDescriptorLimit) {
    int to_child[2], from_child[2];
    ASSERT_EQ(::pipe(to_child), 0);
    ASSERT_EQ(::pipe(from_child), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::dup2(to_child[0], 0);
        ::dup2(from_child[1], 1);
        ::close(to_child[1]);
        ::close(from_child[0]);
        ::execl("/proc/self/exe", "gr_protocol_tests", "--gtest_filter=DISABLED_HardeningChild.*",
                "--gtest_also_run_disabled_tests", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    std::string out;
    char buf[256];
    unsigned port = 0;
    while (port == 0) {
        const ssize_t n = ::read(from_child[0], buf, sizeof buf);
        ASSERT_GT(n, 0) << "the child server did not start: " << out;
        out.append(buf, static_cast<std::size_t>(n));
        if (auto at = out.find("PORT "); at != std::string::npos && out.find('\n', at) != std::string::npos)
            port = static_cast<unsigned>(std::stoul(out.substr(at + 5)));
    }
    {
        // 150 idle connections: more than the server can hold under 200 descriptors.
        boost::asio::io_context ioc;
        std::vector<boost::asio::ip::tcp::socket> idle;
        for (int i = 0; i < 150; ++i) {
            idle.emplace_back(ioc);
            idle.back().connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
        }
        auto answer = raw_exchange(static_cast<std::uint16_t>(port), "GET /config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 5s);
        ASSERT_TRUE(answer.has_value()) << "no answer: the server hung";
        EXPECT_EQ(answer->rfind("HTTP/1.1 503", 0), 0u) << "[" << *answer << "]";
        EXPECT_NE(answer->find("Retry-After"), std::string::npos);
    }
    // With the idle ones gone, it serves again.
    EXPECT_TRUE(wait_until([&] { return request(static_cast<std::uint16_t>(port), "GET", "/config").status == 200; }, 10s));
    ::close(to_child[1]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(from_child[0]);
    EXPECT_TRUE(WIFEXITED(status)) << status;
}
