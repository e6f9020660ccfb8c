// The queue: event order, diffs, concurrency limits, max_size, cancel and disconnect.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "fixture.hpp"
#include "protocol/diff.hpp"

namespace json = boost::json;
using namespace gr_test;
using namespace std::chrono_literals;

namespace {
std::string join(std::uint16_t port, const std::string& session, const std::string& message, int fn_index = 6) {
    auto r = post_json(port, "/gradio_api/queue/join",
                       R"({"data":[)" + json::serialize(json::value(message)) + R"(,null],"event_data":null,"fn_index":)" +
                           std::to_string(fn_index) + R"(,"trigger_id":null,"session_hash":")" + session + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(r.json().at("event_id").as_string()) : "";
}

std::vector<json::object> messages(SseStream& s) {
    std::vector<json::object> out;
    for (auto& frame : s.all(5s)) {
        EXPECT_EQ(frame.rfind("data: ", 0), 0u) << "queue/data frames are data-only: " << frame;
        out.push_back(json::parse(data_of(frame)).as_object());
    }
    return out;
}
}  // namespace

TEST(Queue, EventOrderMatchesRecording) {
    TestServer s(echo_fn);
    const auto id = join(s.port, "q1", "hello");
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=q1");
    auto m = messages(stream);
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[0].at("msg"), "estimation");
    EXPECT_EQ(m[0].at("event_id").as_string(), id);
    EXPECT_EQ(m[0].at("rank"), 0);
    EXPECT_EQ(m[1].at("msg"), "process_starts");
    EXPECT_EQ(m[2].at("msg"), "process_completed");
    EXPECT_EQ(m[2].at("success"), true);
    EXPECT_EQ(json::serialize(m[2].at("output").at("data")), R"(["hello",null])");
    // Field order of echo_06_queue_data.sse.txt.
    std::vector<std::string> keys;
    for (const auto& kv : m[2]) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"msg", "event_id", "output", "success", "title", "used_cache", "cache_duration", "avg_time"}));
    std::vector<std::string> output_keys;
    for (const auto& kv : m[2].at("output").as_object()) output_keys.emplace_back(kv.key());
    EXPECT_EQ(output_keys, (std::vector<std::string>{"data", "is_generating", "duration", "average_duration", "render_config",
                                                     "changed_state_ids", "used_cache"}));
    EXPECT_EQ(json::serialize(m[3]), R"({"msg":"close_stream","event_id":null})");
}

TEST(Queue, GeneratorSendsFullThenDiffsThenFull) {
    auto fn = [](gr::Message m, gr::History) -> gr::Stream {
        for (std::size_t i = 0; i < m.text.size(); ++i) co_yield "You typed: " + m.text.substr(0, i + 1);
    };
    TestServer s(fn);
    join(s.port, "g1", "hello");
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=g1");
    auto m = messages(stream);
    ASSERT_EQ(m.size(), 9u);  // estimation, starts, 5 generating, completed, close
    EXPECT_EQ(json::serialize(m[2].at("output").at("data")), R"(["You typed: h",null])");
    EXPECT_EQ(json::serialize(m[3].at("output").at("data")), R"([[["append",[],"e"]],[]])");
    json::value value = m[2].at("output").at("data").as_array()[0];
    for (int i = 3; i < 7; ++i) value = gradio::detail::apply_diff(value, m[i].at("output").at("data").as_array()[0].as_array());
    EXPECT_EQ(value, "You typed: hello");
    EXPECT_EQ(m[7].at("msg"), "process_completed");
    EXPECT_EQ(json::serialize(m[7].at("output").at("data")), R"(["You typed: hello",null])");
}

TEST(Queue, EmptyGeneratorCompletesWithNulls) {
    TestServer s([](gr::Message, gr::History) -> gr::Stream { co_return; });
    join(s.port, "e1", "x");
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=e1");
    auto m = messages(stream);
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(json::serialize(m[2].at("output").at("data")), "[null,null]");
}

TEST(Queue, UiSubmitStreamsTheChatbotHistory) {
    auto fn = [](gr::Message m, gr::History) -> gr::Stream {
        co_yield "You typed: h";
        co_yield "You typed: " + m.text;
    };
    TestServer s(fn);
    post_json(s.port, "/gradio_api/run/predict", R"({"data":["he"],"fn_index":0,"session_hash":"ui"})");
    join(s.port, "ui", "ignored", 2);  // _submit_fn reads the saved message and history from State
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=ui");
    auto m = messages(stream);
    ASSERT_EQ(m.size(), 6u);
    EXPECT_EQ(json::serialize(m[3].at("output").at("data")), R"([[],[["append",[1,"content",0,"text"],"e"]]])");
    auto r = post_json(s.port, "/gradio_api/run/predict",
                       R"({"data":[[{"role":"user","content":"he"},{"role":"assistant","content":"You typed: he"}]],"fn_index":3,"session_hash":"ui"})");
    auto out = r.json();
    EXPECT_EQ(json::serialize(out.at("data")), "[null,null]");
    ASSERT_EQ(out.at("changed_state_ids").as_array().size(), 1u);  // chatbot_value has a .change listener
}

// A long conversation goes out whole in the event's first frame and its completion (the base
// spliced in from text serialised once), as tails in between; a reply's invalid UTF-8 stored
// in the history comes back repaired, and every frame stays valid JSON.
TEST(Queue, ALongHistoryGoesOutWholeThenAsTails) {
    auto fn = [](gr::Message m, gr::History h) -> gr::Stream {
        if (m.text == "bad") {
            co_yield std::string("bad \xff byte");
            co_return;
        }
        co_yield "n=" + std::to_string(h.size());
        co_yield "n=" + std::to_string(h.size()) + "!";
    };
    TestServer s(fn);
    json::array chat;
    for (int i = 0; i < 300; ++i)
        chat.push_back(json::object{{"role", i % 2 ? "assistant" : "user"},
                                    {"content", json::array{json::object{{"text", "m" + std::to_string(i)}, {"type", "text"}}}}});
    auto r = post_json(s.port, "/gradio_api/run/predict",
                       json::serialize(json::object{{"data", json::array{chat}}, {"fn_index", 3}, {"session_hash", "long"}}));
    ASSERT_EQ(r.status, 200) << r.body;
    // /chat through the queue (fn 6) keeps its turn in the session's history: 302 messages.
    join(s.port, "long", "bad");
    {
        SseStream stream(s.port, "/gradio_api/queue/data?session_hash=long");
        auto m = messages(stream);
        ASSERT_GE(m.size(), 2u);
        EXPECT_EQ(m[m.size() - 2].at("msg"), "process_completed");
    }
    post_json(s.port, "/gradio_api/run/predict", R"({"data":["go"],"fn_index":0,"session_hash":"long"})");
    join(s.port, "long", "ignored", 2);
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=long");
    auto m = messages(stream);
    ASSERT_EQ(m.size(), 6u);  // estimation, starts, 2 generating, completed, close
    auto text_of = [](const json::value& message) { return std::string(message.at("content").at(0).at("text").as_string()); };
    const auto& first = m[2].at("output").at("data").at(1).as_array();
    ASSERT_EQ(first.size(), 304u);  // 300 + /chat's turn + "go" + the reply
    EXPECT_EQ(text_of(first[0]), "m0");
    EXPECT_EQ(text_of(first[301]), "bad \xEF\xBF\xBD byte");  // U+FFFD for the invalid byte
    EXPECT_EQ(text_of(first[302]), "go");
    EXPECT_EQ(text_of(first[303]), "n=302");
    EXPECT_EQ(json::serialize(m[3].at("output").at("data")), R"([[],[["append",[303,"content",0,"text"],"!"]]])");
    EXPECT_EQ(m[4].at("msg"), "process_completed");
    const auto& last = m[4].at("output").at("data").at(1).as_array();
    ASSERT_EQ(last.size(), 304u);
    EXPECT_EQ(text_of(last[300]), "bad");
    EXPECT_EQ(text_of(last[303]), "n=302!");
}

namespace {
// /chat through the queue in `session`; the reply text.
std::string chat_turn(std::uint16_t port, const std::string& session, const std::string& message) {
    join(port, session, message);
    SseStream stream(port, "/gradio_api/queue/data?session_hash=" + session);
    for (const auto& m : messages(stream))
        if (m.at("msg") == "process_completed") return std::string(m.at("output").at("data").at(0).as_string());
    return "(no completion)";
}
json::array text_chat(std::initializer_list<const char*> texts) {
    json::array chat;
    bool user = true;
    for (const char* t : texts) {
        chat.push_back(json::object{{"role", user ? "user" : "assistant"}, {"content", t}});
        user = !user;
    }
    return chat;
}
void set_history(std::uint16_t port, const std::string& session, const json::array& chat) {
    auto r = post_json(port, "/gradio_api/run/predict",
                       json::serialize(json::object{{"data", json::array{chat}}, {"fn_index", 3}, {"session_hash", session}}));
    EXPECT_EQ(r.status, 200) << r.body;
}
}  // namespace

// The history is converted once per session and extended turn by turn; a fn taking
// `const gr::History&` reads that copy, and whatever replaces the conversation (another
// conversation, an extension of it) is what the next turn sees.
TEST(Queue, HistoryIsKeptConvertedAcrossTurns) {
    std::atomic<const gr::History*> seen{nullptr};
    auto fn = [&](const gr::Message& m, const gr::History& h) -> gr::Stream {
        seen = &h;
        co_yield m.text;
        // Built before co_yield: g++ 12 mishandles a ?: with temporaries inside a co_yield.
        std::string reply = m.text + " n=" + std::to_string(h.size());
        if (!h.empty()) reply += " last=" + h.back().text;
        co_yield reply;
    };
    TestServer s(fn);
    EXPECT_EQ(chat_turn(s.port, "h", "a"), "a n=0");
    EXPECT_EQ(chat_turn(s.port, "h", "b"), "b n=2 last=a n=0");
    const gr::History* first = seen;
    EXPECT_EQ(chat_turn(s.port, "h", "c"), "c n=4 last=b n=2 last=a n=0");
    EXPECT_EQ(seen.load(), first) << "the kept history is extended in place, not copied";
    set_history(s.port, "h", text_chat({"x", "y"}));  // another conversation
    EXPECT_EQ(chat_turn(s.port, "h", "d"), "d n=2 last=y");
    set_history(s.port, "h", text_chat({"x", "y", "z", "w"}));  // the same one, longer
    EXPECT_EQ(chat_turn(s.port, "h", "e"), "e n=4 last=w");
    set_history(s.port, "h", text_chat({}));
    EXPECT_EQ(chat_turn(s.port, "h", "f"), "f n=0");
    EXPECT_EQ(chat_turn(s.port, "other", "g"), "g n=0");  // sessions do not share it
}

// The page's chain: each turn's whole conversation comes back in the copy into State; that
// copy is known for what the turn sent, so the next turn converts only the new messages (the
// kept history is extended in place), and an edited copy is converted again.
TEST(Queue, ThePagesCopyOfATurnIsKnownForWhatItIs) {
    std::atomic<const gr::History*> seen{nullptr};
    auto fn = [&](const gr::Message& m, const gr::History& h) -> gr::Stream {
        seen = &h;
        std::string reply = m.text + " n=" + std::to_string(h.size());
        if (!h.empty()) reply += " last=" + h.back().text;
        co_yield reply;
    };
    TestServer s(fn);
    auto page_turn = [&](const std::string& message, json::value* sent) {
        post_json(s.port, "/gradio_api/run/predict",
                  json::serialize(json::object{{"data", json::array{json::value(message)}}, {"fn_index", 0}, {"session_hash", "p"}}));
        join(s.port, "p", "ignored", 2);
        SseStream stream(s.port, "/gradio_api/queue/data?session_hash=p");
        json::value whole;
        for (const auto& m : messages(stream))
            if (m.at("msg") == "process_completed") whole = m.at("output").at("data").at(1);
        if (sent) *sent = whole;
        set_history(s.port, "p", whole.is_array() ? whole.as_array() : json::array{});  // the chain's copy into State
        return std::string(whole.as_array().back().at("content").at(0).at("text").as_string());
    };
    json::value sent;
    EXPECT_EQ(page_turn("a", &sent), "a n=0");
    EXPECT_EQ(page_turn("b", &sent), "b n=2 last=a n=0");
    const gr::History* kept = seen;
    EXPECT_EQ(page_turn("c", &sent), "c n=4 last=b n=2 last=a n=0");
    EXPECT_EQ(seen.load(), kept) << "the copy was recognised: the kept history grew in place";
    // An edited copy (the first message changed) is not mistaken for what was sent.
    json::array edited = sent.as_array();
    edited[0].as_object()["content"] = json::array{json::object{{"text", "A"}, {"type", "text"}}};
    set_history(s.port, "p", edited);
    post_json(s.port, "/gradio_api/run/predict", R"({"data":["d"],"fn_index":0,"session_hash":"p"})");
    join(s.port, "p", "ignored", 2);
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=p");
    json::value whole;
    for (const auto& m : messages(stream))
        if (m.at("msg") == "process_completed") whole = m.at("output").at("data").at(1);
    ASSERT_TRUE(whole.is_array());
    EXPECT_EQ(whole.as_array()[0].at("content").at(0).at("text"), "A");
    EXPECT_EQ(whole.as_array().back().at("content").at(0).at("text"), "d n=6 last=c n=4 last=b n=2 last=a n=0");
}

// A fn that returns its reply at once sees the same histories (converted each turn).
TEST(Queue, AReplyFnSeesEachTurnsHistory) {
    auto fn = [](const gr::Message& m, const gr::History& h) {
        return m.text + " n=" + std::to_string(h.size()) + (h.empty() ? "" : " last=" + h.back().text);
    };
    TestServer s(fn);
    EXPECT_EQ(chat_turn(s.port, "r", "a"), "a n=0");
    EXPECT_EQ(chat_turn(s.port, "r", "b"), "b n=2 last=a n=0");
    set_history(s.port, "r", text_chat({"x", "y"}));
    EXPECT_EQ(chat_turn(s.port, "r", "c"), "c n=2 last=y");
}

// A fn taking the history by value gets its own copy: what it does to it changes nothing.
TEST(Queue, AByValueHistoryIsTheFnsOwn) {
    auto fn = [](gr::Message m, gr::History h) {
        const std::size_t n = h.size();
        h.clear();
        return m.text + " n=" + std::to_string(n);
    };
    TestServer s(fn);
    EXPECT_EQ(chat_turn(s.port, "v", "a"), "a n=0");
    EXPECT_EQ(chat_turn(s.port, "v", "b"), "b n=2");
    EXPECT_EQ(chat_turn(s.port, "v", "c"), "c n=4");
}

namespace {
// The first frame of `stream` whose msg is `msg` (skipping others), or nullopt.
std::optional<json::object> wait_for_msg(SseStream& stream, std::string_view msg, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        auto frame = stream.next(left);
        if (!frame) return std::nullopt;
        auto m = json::parse(data_of(*frame)).as_object();
        if (const auto* name = m.at("msg").if_string(); name != nullptr && *name == msg) return m;
    }
}
}  // namespace

TEST(Queue, ConcurrencyLimitIsRespected) {
    for (std::optional<int> limit : {std::optional<int>(1), std::optional<int>(std::nullopt)}) {
        SCOPED_TRACE(limit ? "concurrency_limit=1" : "concurrency_limit=None");
        std::atomic<int> running{0}, peak{0}, started{0};
        Gate gate;
        // Every call stays running until the test opens the gate.
        auto fn = [&](const gr::Message& m, const gr::History&) {
            int now = ++running;
            ++started;
            int p = peak.load();
            while (now > p && !peak.compare_exchange_weak(p, now)) {}
            (void)gate.wait();
            --running;
            return m.text;
        };
        TestServer s(fn, {.concurrency_limit = limit});
        OpenAtExit release{gate};
        const std::string prefix = limit ? "lim" : "nolim";
        // Each event's stream stays open until it completes (closing it would cancel the event).
        std::vector<std::unique_ptr<SseStream>> streams;
        for (int i = 0; i < 3; ++i) {
            join(s.port, prefix + std::to_string(i), "m" + std::to_string(i));
            streams.push_back(std::make_unique<SseStream>(s.port, "/gradio_api/queue/data?session_hash=" + prefix + std::to_string(i)));
        }
        if (limit) {
            // One runs; the last one is told it waits behind another (rank 1 of 2).
            ASSERT_TRUE(wait_until([&] { return started.load() == 1; }, 5s));
            auto estimation = wait_for_msg(*streams[2], "estimation");
            ASSERT_TRUE(estimation);
            EXPECT_EQ(estimation->at("rank"), 1);
            EXPECT_EQ(estimation->at("queue_size"), 2);
            EXPECT_EQ(running.load(), 1) << "a second call started while the first was running";
        } else {
            // All three run at the same time: none of them can finish before the gate opens.
            EXPECT_TRUE(wait_until([&] { return running.load() == 3; }, 5s)) << "only " << running.load() << " ran at once";
        }
        gate.open();
        for (int i = 0; i < 3; ++i) {
            auto completed = wait_for_msg(*streams[static_cast<std::size_t>(i)], "process_completed");
            ASSERT_TRUE(completed) << "event " << i << " never completed";
            EXPECT_EQ(json::serialize(completed->at("output").at("data")), "[\"m" + std::to_string(i) + "\",null]");
        }
        EXPECT_EQ(started.load(), 3);
        EXPECT_EQ(peak.load(), limit ? 1 : 3);
    }
}

TEST(Queue, WaitingEventsSeeTheirRank) {
    Gate gate;
    auto fn = [&gate](const gr::Message& m, const gr::History&) {
        (void)gate.wait();  // "a" runs until the test has seen the waiting line
        return m.text;
    };
    TestServer s(fn);
    OpenAtExit release{gate};
    join(s.port, "r1", "a");  // runs at once (limit 1): not in the waiting line
    join(s.port, "r2", "b");
    join(s.port, "r3", "c");
    SseStream third(s.port, "/gradio_api/queue/data?session_hash=r3");
    auto first = third.next_json();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->at("msg"), "estimation");
    EXPECT_EQ(first->at("rank"), 1);
    EXPECT_EQ(first->at("queue_size"), 2);
    // When b starts, c moves up to rank 0.
    gate.open();
    auto second = third.next_json(5s);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->at("msg"), "estimation");
    EXPECT_EQ(second->at("rank"), 0);
}

TEST(Queue, MaxSizeAnswers503) {
    Gate gate;
    auto fn = [&gate](const gr::Message& m, const gr::History&) {
        (void)gate.wait();  // "running" keeps its slot until the test is done
        return m.text;
    };
    TestServer s(fn, {}, {.max_size = 1});
    OpenAtExit release{gate};
    join(s.port, "m1", "running");
    join(s.port, "m2", "waiting");
    auto r = post_json(s.port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6,"session_hash":"m3"})");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json().at("detail").as_string(), "Queue is full. Max size is 1 and size is 1.");
    // Once the line moves, there is room again.
    gate.open();
    SseStream waiting(s.port, "/gradio_api/queue/data?session_hash=m2");
    ASSERT_TRUE(wait_for_msg(waiting, "process_completed"));
    EXPECT_EQ(post_json(s.port, "/gradio_api/queue/join", R"({"data":["x",null],"fn_index":6,"session_hash":"m3"})").status, 200);
}

namespace {
// A streaming fn that records when it last produced something.
struct Ticker {
    std::atomic<int> steps{0};
    std::atomic<std::int64_t> last_ms{0};
    std::atomic<std::int64_t> destroyed_ms{0};  // when the ticking coroutine's frame was destroyed
    static std::int64_t now_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }
    // Waits for the ticking coroutine's frame to be destroyed: from then on, it cannot step.
    bool wait_destroyed(std::chrono::milliseconds timeout = 2s) const {
        return wait_until([&] { return destroyed_ms.load() != 0; }, timeout);
    }
};

// Lives in the coroutine frame; its destructor runs when the frame is destroyed.
struct FrameGuard {
    std::shared_ptr<Ticker> ticker;
    ~FrameGuard() { ticker->destroyed_ms = Ticker::now_ms(); }
};

// Streams "x", "xx", ... every 20 ms forever, noting each step in `ticker`; "quick" answers
// "done" at once.
auto ticking_fn(std::shared_ptr<Ticker> ticker) {
    return [ticker](gr::Message m, gr::History) -> gr::Stream {
        if (m.text == "quick") {
            co_yield "done";
            co_return;
        }
        FrameGuard guard{ticker};
        std::string s;
        while (true) {
            std::this_thread::sleep_for(20ms);
            ++ticker->steps;
            ticker->last_ms = Ticker::now_ms();
            co_yield s += "x";
        }
    };
}
}  // namespace

TEST(Queue, CancelStopsTheCoroutineWithin200ms) {
    auto ticker = std::make_shared<Ticker>();
    TestServer s(ticking_fn(ticker));
    const auto id = join(s.port, "c1", "go");
    SseStream stream(s.port, "/gradio_api/queue/data?session_hash=c1");
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(stream.next());  // estimation, starts, two yields
    const auto cancelled_at = Ticker::now_ms();
    auto r = post_json(s.port, "/gradio_api/cancel", R"({"session_hash":"c1","fn_index":6,"event_id":")" + id + "\"}");
    EXPECT_EQ(r.status, 200);
    std::optional<json::object> completed;
    while (auto f = stream.next(2s)) {
        auto m = json::parse(data_of(*f)).as_object();
        if (m.at("msg") == "process_completed") completed = m;
    }
    ASSERT_TRUE(completed);
    EXPECT_EQ(json::serialize(completed->at("output")), "{}");
    ASSERT_TRUE(ticker->wait_destroyed()) << "the coroutine was not destroyed after the cancel";
    EXPECT_LE(ticker->destroyed_ms.load() - cancelled_at, 200) << "the coroutine outlived the cancel";
    EXPECT_LE(ticker->last_ms.load() - cancelled_at, 200) << "fn kept producing after the cancel";
    // Nothing of the cancelled event follows its completion, not even on the session's next
    // stream (a late frame there once rolled the browser's chat back).
    const auto next_id = join(s.port, "c1", "quick");
    SseStream next(s.port, "/gradio_api/queue/data?session_hash=c1");
    for (auto& m : messages(next)) {
        if (!m.at("event_id").is_null()) {
            EXPECT_EQ(m.at("event_id").as_string(), next_id) << json::serialize(m);
        }
    }
}

TEST(Queue, ClientDisconnectStopsTheCoroutineWithin200ms) {
    auto ticker = std::make_shared<Ticker>();
    TestServer s(ticking_fn(ticker));
    auto r = post_json(s.port, "/gradio_api/call/chat", R"({"data":["go"]})");
    SseStream stream(s.port, "/gradio_api/call/chat/" + std::string(r.json().at("event_id").as_string()));
    ASSERT_TRUE(stream.next());
    ASSERT_TRUE(stream.next());
    stream.close();
    const auto left_at = Ticker::now_ms();
    ASSERT_TRUE(ticker->wait_destroyed()) << "the coroutine was not destroyed after the client left";
    EXPECT_LE(ticker->destroyed_ms.load() - left_at, 200) << "the coroutine outlived the client";
    EXPECT_LE(ticker->last_ms.load() - left_at, 200) << "fn kept producing after the client left";
    // The only concurrency slot was freed: the next caller is served.
    auto frames = s.call("quick");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back(), "event: complete\ndata: [\"done\", null]");
}
