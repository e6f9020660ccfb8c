#pragma once
// Per-session server state, keyed by the client-chosen session_hash (protocol.md §10.3):
// the values of State components (chat history), the mailbox of queue messages waiting for
// the session's SSE stream, and its events whose completion no reader has seen yet.
//
// Everything here is bounded: the mailbox coalesces (a lagging reader costs O(1) per event,
// not O(tokens)), a session holds at most `max_events` pending events and `max_state_bytes`
// of State, and the registry keeps at most `max_sessions` sessions and `max_total_bytes` of
// State, evicting the least recently used idle ones, or those idle longer than `idle_ttl`.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

namespace gradio::detail {

namespace json = boost::json;

struct Event;

struct SessionLimits {
    std::size_t max_sessions = 10000;
    std::size_t max_total_bytes = std::size_t{512} << 20;  // State of all sessions together
    std::size_t max_state_bytes = std::size_t{8} << 20;    // State of one session
    std::size_t max_events = 16384;                       // pending events of one session
    std::chrono::seconds idle_ttl{3600};                  // idle sessions older than this go
    std::size_t max_hash_length = 256;
};

// The limits and the running total of State bytes, shared by the registry and every session
// (a session may outlive the registry while a stream or event still holds it).
struct SessionBudget {
    explicit SessionBudget(SessionLimits l) : limits(l) {}
    const SessionLimits limits;
    std::atomic<std::size_t> total_bytes{0};
};

// Approximate bytes a JSON value occupies in memory (nodes, strings, containers).
[[nodiscard]] std::size_t json_footprint(const json::value& value) noexcept;

class Session {
public:
    Session(std::string hash, std::shared_ptr<SessionBudget> budget);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] const std::string& hash() const noexcept { return hash_; }
    [[nodiscard]] const SessionLimits& limits() const noexcept { return budget_->limits; }

    // --- mailbox (any thread) ---
    // What a message may be merged with while it waits: a newer estimation of the same event
    // replaces the older one; process_generating frames (full output values) queue up to
    // `max_unread_frames` per event, after which each new one replaces the last (the latest
    // full value wins), so a stalled reader costs O(1) per event.
    static constexpr std::size_t max_unread_frames = 16;
    // Toasts (gr::Info, ...) a fn raises: beyond this many unread for one event, new ones are
    // dropped, so a fn that raises them in a loop cannot grow a lagging reader's mailbox.
    static constexpr std::size_t max_unread_toasts = 32;
    enum class Kind { estimation, generating, toast, other };
    // `attachment` travels with the message (a stream's bases, for its generating frames).
    void push(const std::string& event_id, Kind kind, json::object message,
              std::shared_ptr<const void> attachment = nullptr);
    // Takes the next message; false when the mailbox is empty.
    bool pop(json::object& out, std::shared_ptr<const void>* attachment = nullptr);
    [[nodiscard]] std::size_t mailbox_size() const;

    // --- the reader (one SSE stream at a time; the newest takes over) ---
    // Makes `wake` the session's reader and returns its token. A previous reader is woken so
    // that it sees it was replaced (is_reader() false) and ends cleanly.
    std::uint64_t attach_reader(std::function<void()> wake);
    // Detaches the reader with this token (nothing if another one has taken over).
    void detach_reader(std::uint64_t token);
    [[nodiscard]] bool is_reader(std::uint64_t token) const;
    [[nodiscard]] bool has_reader() const;

    // --- pending events: joined, completion not yet seen by a reader ---
    // False when the session already has `max_events` pending events.
    bool add_pending(const std::string& event_id, std::weak_ptr<Event> event);
    // Removes it; returns true if no event of the session is pending any more.
    bool complete_pending(const std::string& event_id);
    [[nodiscard]] bool is_pending(const std::string& event_id) const;
    [[nodiscard]] bool has_pending() const;
    // The pending events still alive (queued or running, or done and unread).
    [[nodiscard]] std::vector<std::shared_ptr<Event>> pending_events() const;

    // --- State component values ---
    // Shared, never copied: a State may hold a long conversation. nullptr until set.
    [[nodiscard]] std::shared_ptr<const json::value> state(int component_id) const;
    // False (and nothing stored) when the session's State would exceed max_state_bytes.
    // `extends`: the value this one was made from by appending to it (a chat turn's history),
    // if any; see extends().
    bool set_state(int component_id, std::shared_ptr<const json::value> value, const json::value* extends = nullptr);
    // Replaces the State `expected` by itself with `more` appended, without copying it: its
    // array is moved into the new value. Only while `expected` is still the component's State
    // and held by nothing but the session and the caller's `holders` references (which must
    // not read it afterwards); false, and nothing changed, otherwise or beyond the limits.
    bool append_state(int component_id, const std::shared_ptr<const json::value>& expected, long holders, json::array more);
    // The value `value` was made from by appending, if `value` is the component's State and was
    // stored so. An address only: compare it with a value you hold (then it cannot be stale).
    [[nodiscard]] const json::value* extends(int component_id, const json::value* value) const;
    bool set_state(int component_id, json::value value) {
        return set_state(component_id, std::make_shared<json::value>(std::move(value)));
    }

    // --- values derived from a State (the history converted for fn), kept between turns ---
    // Takes the one kept for `component_id` (nullptr if none): the taker may change it, then
    // put it back. `bytes` count towards the session's State limits; false (nothing kept)
    // beyond them.
    [[nodiscard]] std::shared_ptr<void> take_derived(int component_id);
    bool put_derived(int component_id, std::shared_ptr<void> value, std::size_t bytes);

private:
    // Whether replacing `old_bytes` of State by `new_bytes` stays within the limits; the
    // accounting of it. Both with mutex_ held.
    [[nodiscard]] bool fits_locked(std::size_t old_bytes, std::size_t new_bytes) const;
    void account_locked(std::size_t old_bytes, std::size_t new_bytes);

    struct Entry {
        std::string event_id;
        Kind kind;
        json::object message;
        std::shared_ptr<const void> attachment;
    };
    const std::string hash_;
    const std::shared_ptr<SessionBudget> budget_;
    mutable std::mutex mutex_;
    std::list<Entry> mailbox_;
    // The last unread entry of an event if it may still be merged (estimation or generating),
    // and how many of the event's generating frames are unread.
    struct Tail {
        std::list<Entry>::iterator last;
        std::size_t unread_frames = 0;
    };
    std::unordered_map<std::string, Tail> mergeable_;
    std::unordered_map<std::string, std::size_t> unread_toasts_;  // per event, when non-zero
    std::function<void()> waker_;
    std::uint64_t reader_ = 0;       // token of the current reader, 0 = none
    std::uint64_t next_token_ = 1;
    std::unordered_map<std::string, std::weak_ptr<Event>> pending_;
    struct StateSlot {
        std::shared_ptr<const json::value> value;
        std::size_t bytes = 0;  // footprint
        const json::value* extends = nullptr;
    };
    std::map<int, StateSlot> state_;
    std::size_t state_bytes_ = 0;  // State values and derived ones
    std::map<int, std::pair<std::shared_ptr<void>, std::size_t>> derived_;
};

// All sessions, with O(1) lookup and LRU order.
class SessionRegistry {
public:
    explicit SessionRegistry(SessionLimits limits = {});
    ~SessionRegistry();

    enum class Refusal { none, too_many, bad_hash };
    // The session for `hash`, created if needed; nullptr (and `why`) when the hash is not
    // acceptable or every slot is held by a session in use.
    std::shared_ptr<Session> get_or_create(const std::string& hash, Refusal* why = nullptr);
    [[nodiscard]] std::shared_ptr<Session> find(const std::string& hash);
    // Forgets a session that can never be used again (a /call without session_hash).
    void erase(const std::string& hash);
    [[nodiscard]] std::size_t size() const;
    // Every session (for shutdown).
    [[nodiscard]] std::vector<std::shared_ptr<Session>> all() const;
    [[nodiscard]] const SessionLimits& limits() const noexcept { return budget_->limits; }

    // /call results: which session an event id's GET stream reads. Bounded with the sessions.
    void remember_call(const std::string& event_id, const std::shared_ptr<Session>& session);
    [[nodiscard]] std::shared_ptr<Session> find_call(const std::string& event_id);
    void forget_call(const std::string& event_id);

private:
    struct Slot {
        std::shared_ptr<Session> session;
        std::list<std::string>::iterator lru;  // position in lru_ (front = most recent)
        std::chrono::steady_clock::time_point last_used;
        std::vector<std::string> calls;        // /call event ids pointing here
    };
    void touch_locked(Slot& slot);
    // Evicts idle sessions (nothing but the registry holds them) that are too old, or while
    // over a bound, oldest first. Looks at a bounded number of sessions per call.
    void evict_locked(const std::string& keep);
    void erase_locked(std::unordered_map<std::string, Slot>::iterator it);

    const std::shared_ptr<SessionBudget> budget_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Slot> sessions_;
    std::list<std::string> lru_;
    std::unordered_map<std::string, std::string> calls_;  // event id -> session hash
};

}  // namespace gradio::detail
