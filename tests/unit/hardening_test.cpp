// Unit tests for the bounds and primitives the hardening relies on: ids, UTF-8 repair,
// mailbox coalescing, State limits, session eviction and the queue's cancel/complete rule.
#include <gtest/gtest.h>

#include <condition_variable>
#include <set>

#include "http/message.hpp"
#include "http/utf8.hpp"
#include "protocol/app.hpp"
#include "queue/event_queue.hpp"
#include "queue/ids.hpp"
#include "queue/session.hpp"

using namespace gradio::detail;
using namespace std::chrono_literals;

TEST(Ids, RandomHexHasTheAskedLengthAndNeverRepeats) {
    std::set<std::string> seen;
    for (int i = 0; i < 20000; ++i) {
        auto id = new_event_id();
        ASSERT_EQ(id.size(), 32u);
        ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
        ASSERT_TRUE(seen.insert(id).second);
    }
    EXPECT_EQ(random_hex(100).size(), 200u);  // more than one getrandom() block
    // Every bit position takes both values (a PRNG stuck on some bits would not).
    int ones[128] = {};
    for (const auto& id : seen)
        for (int b = 0; b < 128; ++b) {
            const char c = id[static_cast<std::size_t>(b / 4)];
            const int nibble = c <= '9' ? c - '0' : c - 'a' + 10;
            ones[b] += (nibble >> (3 - b % 4)) & 1;
        }
    for (int b = 0; b < 128; ++b) {
        EXPECT_GT(ones[b], 9000) << b;
        EXPECT_LT(ones[b], 11000) << b;
    }
}

TEST(Utf8, RepairsLikePythonsErrorsReplace) {
    auto repaired = [](std::string s) {
        (void)http::repair_utf8(s);
        return s;
    };
    const std::string fffd = "\xEF\xBF\xBD";
    EXPECT_EQ(repaired("h\xC3"), "h" + fffd);                                   // truncated at the end
    EXPECT_EQ(repaired("a\xE2\x82" "b"), "a" + fffd + "b");                      // one U+FFFD per maximal subpart
    EXPECT_EQ(repaired("\xFF\xFE"), fffd + fffd);                                // never-valid bytes, each
    EXPECT_EQ(repaired("\xED\xA0\x80"), fffd + fffd + fffd);                     // surrogates are invalid
    EXPECT_EQ(repaired("\xC0\xAF"), fffd + fffd);                                // overlong
    EXPECT_EQ(repaired("h\xC3\xA9llo \xF0\x9F\x98\x80"), "h\xC3\xA9llo \xF0\x9F\x98\x80");  // valid stays
    std::string valid = "plain ascii";
    EXPECT_FALSE(http::repair_utf8(valid));
}

TEST(Paths, PlusIsASpaceOnlyInQueries) {
    EXPECT_EQ(http::percent_decode("/a+b%20c", false), "/a+b c");
    EXPECT_EQ(http::percent_decode("a+b", true), "a b");
}

namespace {
std::shared_ptr<Session> make_session(SessionLimits limits = {}) {
    return std::make_shared<Session>("s", std::make_shared<SessionBudget>(limits));
}
json::object generating(int i) {
    return json::object{{"msg", "process_generating"}, {"output", json::object{{"data", json::array{i}}}}};
}
}  // namespace

TEST(Mailbox, LaggingReaderCostsOneEntryPerEvent) {
    auto s = make_session();
    constexpr auto cap = Session::max_unread_frames;
    for (int i = 0; i < 10000; ++i) s->push("e1", Session::Kind::generating, generating(i));
    EXPECT_EQ(s->mailbox_size(), cap);
    json::object m;
    for (std::size_t i = 0; i + 1 < cap; ++i) {
        ASSERT_TRUE(s->pop(m));
        EXPECT_EQ(m["output"].as_object()["data"].as_array()[0], static_cast<int>(i));  // the first frames, in order
    }
    ASSERT_TRUE(s->pop(m));
    EXPECT_EQ(m["output"].as_object()["data"].as_array()[0], 9999);  // then the latest value
    EXPECT_EQ(s->mailbox_size(), 0u);
    // Frames read make room again; another event's frames are counted separately.
    for (std::size_t i = 0; i < cap + 5; ++i) s->push("e1", Session::Kind::generating, generating(1));
    for (std::size_t i = 0; i < cap + 5; ++i) s->push("e2", Session::Kind::generating, generating(2));
    EXPECT_EQ(s->mailbox_size(), 2 * cap);
    ASSERT_TRUE(s->pop(m));
    s->push("e1", Session::Kind::generating, generating(3));
    EXPECT_EQ(s->mailbox_size(), 2 * cap);
    // A completion is never merged, and nothing merges across it.
    s->push("e1", Session::Kind::other, json::object{{"msg", "process_completed"}});
    s->push("e1", Session::Kind::generating, generating(4));
    EXPECT_EQ(s->mailbox_size(), 2 * cap + 2);
}

TEST(Mailbox, ToastsBeyondTheCapAreDroppedUntilRead) {
    auto s = make_session();
    constexpr auto cap = Session::max_unread_toasts;
    for (int i = 0; i < 10000; ++i) s->push("e1", Session::Kind::toast, json::object{{"msg", "log"}, {"log", i}});
    s->push("e2", Session::Kind::toast, json::object{{"msg", "log"}, {"log", -1}});  // counted per event
    EXPECT_EQ(s->mailbox_size(), cap + 1);
    json::object m;
    ASSERT_TRUE(s->pop(m));
    EXPECT_EQ(m["log"], 0);  // the first ones are kept, in order
    s->push("e1", Session::Kind::toast, json::object{{"msg", "log"}, {"log", 10000}});  // room for one again
    s->push("e1", Session::Kind::toast, json::object{{"msg", "log"}, {"log", 10001}});
    EXPECT_EQ(s->mailbox_size(), cap + 1);
    while (s->pop(m)) {
    }
    for (int i = 0; i < 3; ++i) s->push("e1", Session::Kind::toast, json::object{{"msg", "log"}});
    EXPECT_EQ(s->mailbox_size(), 3u);
}

TEST(Mailbox, EstimationsReplaceEachOther) {
    auto s = make_session();
    for (int i = 0; i < 1000; ++i)
        for (int e = 0; e < 10; ++e) s->push("ev" + std::to_string(e), Session::Kind::estimation, json::object{{"rank", i}});
    EXPECT_EQ(s->mailbox_size(), 10u);
}

TEST(Mailbox, NewestReaderTakesOver) {
    auto s = make_session();
    int woken_first = 0;
    auto first = s->attach_reader([&] { ++woken_first; });
    auto second = s->attach_reader([] {});
    EXPECT_EQ(woken_first, 1);  // told, so that it can end
    EXPECT_FALSE(s->is_reader(first));
    EXPECT_TRUE(s->is_reader(second));
    s->detach_reader(first);  // the old one leaving changes nothing
    EXPECT_TRUE(s->is_reader(second));
    s->detach_reader(second);
    EXPECT_FALSE(s->has_reader());
}

TEST(State, AppendInPlaceOnlyWhenNothingElseHoldsIt) {
    SessionLimits limits;
    limits.max_state_bytes = 100000;
    auto s = std::make_shared<Session>("a", std::make_shared<SessionBudget>(limits));
    ASSERT_TRUE(s->set_state(1, json::value(json::array{1, 2})));
    SharedJson mine = s->state(1);
    {
        SharedJson other = s->state(1);  // another event still reads it: no
        EXPECT_FALSE(s->append_state(1, mine, 1, json::array{3}));
    }
    EXPECT_FALSE(s->append_state(1, std::make_shared<json::value>(json::array{1, 2}), 1, json::array{3}));  // not the State
    EXPECT_FALSE(s->append_state(1, mine, 1, json::array{json::string(std::string(200000, 'x'))}));  // over the limit
    EXPECT_EQ(*s->state(1), (json::array{1, 2}));
    ASSERT_TRUE(s->append_state(1, mine, 1, json::array{3, 4}));
    const SharedJson now = s->state(1);
    EXPECT_EQ(*now, (json::array{1, 2, 3, 4}));
    EXPECT_NE(now.get(), mine.get());             // a new value, so nothing mistakes it for the old one
    EXPECT_EQ(s->extends(1, now.get()), mine.get());  // made from it by appending
    EXPECT_EQ(s->extends(1, mine.get()), nullptr);
}

TEST(State, PerSessionAndTotalLimits) {
    SessionLimits limits;
    limits.max_state_bytes = 10000;
    limits.max_total_bytes = 15000;
    auto budget = std::make_shared<SessionBudget>(limits);
    auto a = std::make_shared<Session>("a", budget);
    auto b = std::make_shared<Session>("b", budget);
    EXPECT_FALSE(a->set_state(1, json::value(std::string(20000, 'x'))));
    EXPECT_EQ(a->state(1), nullptr);  // nothing stored
    EXPECT_TRUE(a->set_state(1, json::value(std::string(8000, 'x'))));
    EXPECT_FALSE(b->set_state(1, json::value(std::string(8000, 'x'))));  // over the total
    EXPECT_TRUE(a->set_state(1, json::value("small")));                   // replacing frees
    EXPECT_TRUE(b->set_state(1, json::value(std::string(8000, 'x'))));
    const auto before = budget->total_bytes.load();
    b.reset();
    EXPECT_LT(budget->total_bytes.load(), before - 8000);  // a freed session gives its bytes back
    // The footprint follows the shape, not only the text: many tiny values cost memory too.
    json::array tiny(100000, json::array{});
    EXPECT_GT(json_footprint(tiny), std::size_t{100000} * sizeof(json::value));
}

TEST(Registry, NeverEvictsASessionInUseAndRefusesBeyondTheLimit) {
    SessionLimits limits;
    limits.max_sessions = 100;
    SessionRegistry registry(limits);
    std::vector<std::shared_ptr<Session>> held;
    for (int i = 0; i < 100; ++i) held.push_back(registry.get_or_create("held" + std::to_string(i)));
    SessionRegistry::Refusal why{};
    EXPECT_EQ(registry.get_or_create("one-more", &why), nullptr);
    EXPECT_EQ(why, SessionRegistry::Refusal::too_many);
    for (auto& s : held) EXPECT_EQ(registry.find(s->hash()), s);  // all still there
    held.resize(50);
    // 12,000 new sessions, none held: the registry stays at its bound and stays consistent.
    for (int i = 0; i < 12000; ++i) {
        auto s = registry.get_or_create("new" + std::to_string(i));
        ASSERT_NE(s, nullptr) << i;
        EXPECT_EQ(s->hash(), "new" + std::to_string(i));
    }
    EXPECT_LE(registry.size(), 100u);
    for (auto& s : held) EXPECT_EQ(registry.find(s->hash()), s);
    EXPECT_EQ(registry.get_or_create(std::string(300, 'h'), &why), nullptr);
    EXPECT_EQ(why, SessionRegistry::Refusal::bad_hash);
}

TEST(Registry, IdleSessionsExpire) {
    SessionLimits limits;
    limits.idle_ttl = 1s;
    SessionRegistry registry(limits);
    (void)registry.get_or_create("old");
    std::this_thread::sleep_for(1100ms);  // the TTL is the behaviour under test
    (void)registry.get_or_create("new");
    EXPECT_EQ(registry.find("old"), nullptr);
    EXPECT_NE(registry.find("new"), nullptr);
}

namespace {
// A queue whose runner blocks until released, to look at what waiting events cost.
struct BlockedQueue {
    WorkerPool pool{1};
    std::mutex mutex;
    std::condition_variable cv;
    bool released = false;
    std::vector<std::string> ran;  // event ids in the order they ran
    Dependency dep;
    EventQueue queue{pool,
                     [this](const std::shared_ptr<Event>& e) {
                         std::unique_lock lock(mutex);
                         ran.push_back(e->id);
                         cv.wait(lock, [this] { return released; });
                     },
                     std::nullopt};
    BlockedQueue() {
        dep.id = 6;
        dep.concurrency_id = "chat";
        dep.concurrency_limit = 1;
    }
    ~BlockedQueue() {
        release();
        pool.stop();
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            released = true;
        }
        cv.notify_all();
    }
    std::shared_ptr<Event> join(const std::shared_ptr<Session>& session) {
        auto e = std::make_shared<Event>();
        e->id = new_event_id();
        e->session = session;
        e->dependency = &dep;
        EXPECT_EQ(queue.join(e).status, EventQueue::JoinStatus::queued);
        return e;
    }
};
bool wait_until_ran(BlockedQueue& q, std::size_t n) {
    for (int i = 0; i < 5000; ++i) {
        {
            std::lock_guard lock(q.mutex);
            if (q.ran.size() >= n) return true;
        }
        std::this_thread::sleep_for(1ms);
    }
    return false;
}
}  // namespace

TEST(Queue, ManyUnreadJoinsCostOneMessageEach) {
    BlockedQueue q;
    auto session = make_session();
    std::vector<std::shared_ptr<Event>> events;
    for (int i = 0; i < 5000; ++i) events.push_back(q.join(session));
    EXPECT_LE(session->mailbox_size(), 5000u + 2);  // not O(N^2) estimations
    EXPECT_EQ(q.queue.waiting(), 4999u);            // one is running
}

TEST(Queue, CancelCompletesEachEventExactlyOnce) {
    BlockedQueue q;
    auto session = make_session();
    auto other = std::make_shared<Session>("other", std::make_shared<SessionBudget>(SessionLimits{}));
    auto running = q.join(session);
    auto waiting = q.join(session);
    auto theirs = q.join(other);
    // fn_index matches; the event id matches nothing: both of this session's events end.
    q.queue.cancel(session, 6, "no-such-event");
    q.queue.cancel(session, 6, running->id);  // again: nothing more is sent
    EXPECT_TRUE(running->completed());
    EXPECT_TRUE(waiting->completed());
    EXPECT_FALSE(theirs->completed());  // another client's event is untouched
    int completions = 0;
    json::object m;
    while (session->pop(m))
        if (m["msg"] == "process_completed") ++completions;
    EXPECT_EQ(completions, 2);
    EXPECT_EQ(q.queue.waiting(), 1u);  // only the other session's event still waits
}

TEST(Queue, SessionEventLimit) {
    BlockedQueue q;
    SessionLimits limits;
    limits.max_events = 10;
    auto session = std::make_shared<Session>("s", std::make_shared<SessionBudget>(limits));
    for (int i = 0; i < 10; ++i) (void)q.join(session);
    auto e = std::make_shared<Event>();
    e->id = new_event_id();
    e->session = session;
    e->dependency = &q.dep;
    EXPECT_EQ(q.queue.join(e).status, EventQueue::JoinStatus::session_full);
}

TEST(Queue, OneSessionsBacklogDoesNotStarveAnother) {
    BlockedQueue q;
    auto heavy = std::make_shared<Session>("heavy", std::make_shared<SessionBudget>(SessionLimits{}));
    auto light = std::make_shared<Session>("light", std::make_shared<SessionBudget>(SessionLimits{}));
    std::vector<std::shared_ptr<Event>> backlog;
    for (int i = 0; i < 50; ++i) backlog.push_back(q.join(heavy));  // the first runs, 49 wait
    auto mine = q.join(light);
    // The light session's only event is next in line (rank 0), not behind 49 others.
    json::object m, last_estimation;
    while (light->pop(m))
        if (m["msg"] == "estimation") last_estimation = m;
    EXPECT_EQ(last_estimation["rank"], 0);
    q.release();
    ASSERT_TRUE(wait_until_ran(q, 51));
    std::lock_guard lock(q.mutex);
    EXPECT_EQ(q.ran[0], backlog[0]->id);
    EXPECT_EQ(q.ran[1], mine->id);
    for (std::size_t i = 2; i < q.ran.size(); ++i) EXPECT_EQ(q.ran[i], backlog[i - 1]->id) << i;  // then FIFO
}
