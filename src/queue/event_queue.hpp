#pragma once
// The queue (protocol.md §10): one line per concurrency group, each with its own limit,
// an optional cap on waiting events, and rank/ETA estimation messages for waiting clients.
// It schedules events onto the WorkerPool; what running an event means is the Runner's job.

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

#include "protocol/app.hpp"
#include "queue/ids.hpp"
#include "queue/session.hpp"
#include "queue/worker_pool.hpp"

namespace gradio::detail {

class Metrics;

using Clock = std::chrono::steady_clock;

struct Event {
    std::string id;
    std::shared_ptr<Session> session;
    const Dependency* dependency = nullptr;
    json::array data;
    json::value event_data;
    std::string root_url;  // the root URL the client reached us by (for file URLs)
    std::atomic<bool> cancelled{false};
    std::atomic<bool> failed{false};  // its process_completed said success: false
    Clock::time_point joined = Clock::now();
    Clock::time_point started{};

    // Messages of an event go through these two, so that nothing follows its
    // process_completed, whoever sends that: the runner, a cancel or a disconnect racing
    // with it. emit() drops the message once the event is completed or cancelled.
    bool emit(Session::Kind kind, json::object message, std::shared_ptr<const void> attachment = nullptr);
    // Sends the final message unless one was sent already; returns whether it did.
    bool complete(json::object message, std::shared_ptr<const void> attachment = nullptr);
    [[nodiscard]] bool completed() const;

private:
    friend class EventQueue;
    enum class Stage { created, waiting, running, finished };
    Stage stage_ = Stage::created;                  // guarded by the queue's mutex
    std::optional<double> expected_;                // average run time when it joined
    std::size_t round_ = 0;                         // its session's active events when it joined
    std::list<std::shared_ptr<Event>>::iterator running_pos_;
    mutable std::mutex emit_mutex_;
    bool completed_ = false;
};

class EventQueue {
public:
    using Runner = std::function<void(const std::shared_ptr<Event>&)>;

    EventQueue(WorkerPool& pool, Runner runner, std::optional<int> max_size);

    enum class JoinStatus { queued, full, stopped, draining, session_full };
    struct JoinResult {
        JoinStatus status;
        std::size_t waiting;  // events waiting when it was refused (for the 503 text)
    };
    // Queues the event and puts its first `estimation` message in the session's mailbox.
    JoinResult join(const std::shared_ptr<Event>& event);

    // POST /cancel: cancels the session's events of `fn_index` and the one named `event_id`,
    // waiting or running. Each gets exactly one process_completed (empty output).
    void cancel(const std::shared_ptr<Session>& session, int fn_index, const std::string& event_id);
    // The session's reader went away with events pending: cancel all of them (each still
    // gets its process_completed, for a reader that comes back).
    void abandon(const Session& session);
    // Server shutdown: refuse new events, cancel every waiting and running one.
    void stop();
    // Graceful shutdown, first step: refuse new events; those queued or running go on.
    void drain();
    // Nothing waiting or running.
    [[nodiscard]] bool idle() const;

    [[nodiscard]] std::optional<double> average_duration(int fn_index) const;
    void record_duration(int fn_index, double seconds);
    [[nodiscard]] std::size_t waiting() const;
    [[nodiscard]] std::optional<int> max_size() const noexcept { return max_size_; }
    [[nodiscard]] bool stopped() const;
    // Counts events per function and outcome from now on (LaunchOptions::metrics).
    void set_metrics(Metrics* metrics) noexcept { metrics_ = metrics; }

    // The `process_completed` sent for a cancelled event.
    static json::object cancelled_message(const std::string& event_id);

private:
    struct Group {
        std::optional<int> limit;
        // In dispatch order: by round, then arrival (fair between sessions, see join()).
        std::deque<std::shared_ptr<Event>> waiting;   // cancelled ones stay until dispatch
        std::size_t dead = 0;                         // cancelled entries in `waiting`
        std::unordered_map<const Session*, std::size_t> active_per_session;  // waiting or running
        double expected_sum = 0;                      // expected run time of the live ones
        std::list<std::shared_ptr<Event>> running;
        Clock::time_point last_broadcast{};
        [[nodiscard]] std::size_t live() const { return waiting.size() - dead; }
    };
    void dispatch_locked(Group& group);
    void broadcast_estimations_locked(Group& group);
    json::object estimation_locked(const Group& group, const Event& event, std::size_t rank, double ahead) const;
    std::optional<double> average_locked(int fn_index) const;
    // Flags the event cancelled and takes it out of its group's waiting count.
    void cancel_locked(Event& event);
    // Bookkeeping when an event stops waiting (started or cancelled), and when it leaves the
    // group (finished, or cancelled before it started).
    void leave_waiting_locked(Group& group, const Event& event);
    void leave_group_locked(Group& group, const Event& event);
    void finished(const std::shared_ptr<Event>& event);

    WorkerPool& pool_;
    Runner runner_;
    std::optional<int> max_size_;
    mutable std::mutex mutex_;
    std::map<std::string, Group> groups_;
    std::map<int, std::pair<double, long>> durations_;  // fn_index -> (sum, count)
    std::size_t total_waiting_ = 0;
    bool stopped_ = false;
    bool draining_ = false;
    Metrics* metrics_ = nullptr;
};


}  // namespace gradio::detail
