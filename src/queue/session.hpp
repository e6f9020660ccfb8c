#pragma once
// Per-session server state, keyed by the client-chosen session_hash (protocol.md §10.3):
// the values of State components (chat history), the mailbox of queue messages waiting for
// the session's SSE stream, and the ids of its events that have not completed yet.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include <boost/json.hpp>

namespace gradio::detail {

namespace json = boost::json;

class Session {
public:
    explicit Session(std::string hash) : hash_(std::move(hash)) {}

    [[nodiscard]] const std::string& hash() const noexcept { return hash_; }

    // --- mailbox (any thread) ---
    void push(json::object message);
    // Takes the next message; false when the mailbox is empty.
    bool pop(json::object& out);
    // `wake` is called (from any thread) whenever a message is pushed; empty to detach.
    void set_waker(std::function<void()> wake);

    // --- pending events ---
    void add_pending(const std::string& event_id);
    // Removes it; returns true if no event of the session is pending any more.
    bool complete_pending(const std::string& event_id);
    [[nodiscard]] bool is_pending(const std::string& event_id) const;
    [[nodiscard]] bool has_pending() const;

    // --- State component values ---
    [[nodiscard]] json::value state(int component_id, const json::value& initial) const;
    void set_state(int component_id, json::value value);

    void touch() noexcept;
    [[nodiscard]] std::chrono::steady_clock::time_point last_used() const noexcept;

private:
    const std::string hash_;
    mutable std::mutex mutex_;
    std::deque<json::object> mailbox_;
    std::function<void()> waker_;
    std::set<std::string> pending_;
    std::map<int, json::value> state_;
    std::chrono::steady_clock::time_point last_used_ = std::chrono::steady_clock::now();
};

// All sessions. Idle sessions beyond `capacity` are evicted oldest first, so memory stays
// bounded however many clients come and go.
class SessionRegistry {
public:
    explicit SessionRegistry(std::size_t capacity = 10000) : capacity_(capacity) {}
    std::shared_ptr<Session> get_or_create(const std::string& hash);
    [[nodiscard]] std::shared_ptr<Session> find(const std::string& hash);
    // Forgets a session that can never be used again (a /call without session_hash).
    void erase(const std::string& hash);
    [[nodiscard]] std::size_t size() const;
    // Every session (for shutdown).
    [[nodiscard]] std::vector<std::shared_ptr<Session>> all() const;

private:
    void evict_locked();
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
    std::size_t capacity_;
};

}  // namespace gradio::detail
