#include "queue/event_queue.hpp"

#include "metrics/metrics.hpp"

#include <algorithm>

namespace gradio::detail {

namespace {
// Rank updates for long queues are sent at most this often (each is O(waiting)); short
// queues hear of every move.
constexpr auto broadcast_interval = std::chrono::milliseconds(100);
constexpr std::size_t always_broadcast_below = 256;
}  // namespace

bool Event::emit(Session::Kind kind, json::object message, std::shared_ptr<const void> attachment) {
    std::lock_guard lock(emit_mutex_);
    if (completed_ || cancelled) return false;
    session->push(id, kind, std::move(message), std::move(attachment));
    return true;
}

bool Event::complete(json::object message, std::shared_ptr<const void> attachment) {
    std::lock_guard lock(emit_mutex_);
    if (completed_) return false;
    completed_ = true;
    if (auto success = message.if_contains("success"); success && success->is_bool() && !success->get_bool()) failed = true;
    session->push(id, Session::Kind::other, std::move(message), std::move(attachment));
    return true;
}

bool Event::completed() const {
    std::lock_guard lock(emit_mutex_);
    return completed_;
}

EventQueue::EventQueue(WorkerPool& pool, Runner runner, std::optional<int> max_size)
    : pool_(pool), runner_(std::move(runner)), max_size_(max_size) {}

json::object EventQueue::cancelled_message(const std::string& event_id) {
    return json::object{{"msg", "process_completed"}, {"event_id", event_id},
                        {"output", json::object{}}, {"success", true}, {"title", nullptr},
                        {"used_cache", nullptr}, {"cache_duration", nullptr}, {"avg_time", nullptr}};
}

std::optional<double> EventQueue::average_locked(int fn_index) const {
    auto it = durations_.find(fn_index);
    if (it == durations_.end() || it->second.second == 0) return std::nullopt;
    return it->second.first / static_cast<double>(it->second.second);
}

EventQueue::JoinResult EventQueue::join(const std::shared_ptr<Event>& event) {
    std::lock_guard lock(mutex_);
    if (stopped_) return {JoinStatus::stopped, total_waiting_};
    if (draining_) return {JoinStatus::draining, total_waiting_};
    if (max_size_ && total_waiting_ >= static_cast<std::size_t>(*max_size_))
        return {JoinStatus::full, total_waiting_};
    if (!event->session->add_pending(event->id, event)) return {JoinStatus::session_full, total_waiting_};
    const Dependency& dep = *event->dependency;
    auto& group = groups_[dep.concurrency_id];
    group.limit = dep.concurrency_limit;
    event->expected_ = average_locked(dep.id);
    event->stage_ = Event::Stage::waiting;
    // Fair between clients: a session's n-th event still waiting or running in this group goes
    // after every event of round <= n, so a session with a thousand events waiting delays another session's first
    // one by one turn, not a thousand (plain FIFO when every session waits for one event).
    event->round_ = group.active_per_session[event->session.get()]++;
    auto position = group.waiting.end();
    while (position != group.waiting.begin() && (*std::prev(position))->round_ > event->round_) --position;
    std::size_t rank = 0;
    double ahead = 0;
    if (position == group.waiting.end()) {
        rank = group.live();
        ahead = group.expected_sum;
    } else {
        for (auto it = group.waiting.begin(); it != position; ++it) {
            if ((*it)->stage_ != Event::Stage::waiting) continue;
            ++rank;
            ahead += (*it)->expected_.value_or(0);
        }
    }
    group.waiting.insert(position, event);
    group.expected_sum += event->expected_.value_or(0);
    ++total_waiting_;
    if (metrics_) metrics_->waiting(event->dependency->id, +1);
    event->session->push(event->id, Session::Kind::estimation, estimation_locked(group, *event, rank, ahead));
    dispatch_locked(group);
    return {JoinStatus::queued, total_waiting_};
}

json::object EventQueue::estimation_locked(const Group& group, const Event& event, std::size_t rank, double ahead) const {
    json::value eta = nullptr;
    if (auto avg = average_locked(event.dependency->id)) {
        // Time until a slot frees up, plus the work queued ahead of this event spread over
        // the group's slots, plus this event's own run (protocol.md §10.2). `ahead` is the
        // prefix sum of the expected run times before it.
        double until_free = 0;
        const bool saturated = group.limit && group.running.size() >= static_cast<std::size_t>(*group.limit);
        if (saturated) {
            double soonest = -1;
            for (const auto& r : group.running) {
                const double ravg = r->expected_.value_or(*avg);
                const double left = ravg - std::chrono::duration<double>(Clock::now() - r->started).count();
                if (soonest < 0 || left < soonest) soonest = left;
            }
            until_free = std::max(0.0, soonest);
        }
        const double slots = group.limit ? static_cast<double>(*group.limit) : 1.0;
        eta = *avg + (group.limit ? ahead / slots : 0.0) + until_free;
    }
    return json::object{{"msg", "estimation"}, {"event_id", event.id},
                        {"rank", static_cast<std::int64_t>(rank)},
                        {"queue_size", static_cast<std::int64_t>(group.live())},
                        {"rank_eta", eta}};
}

void EventQueue::broadcast_estimations_locked(Group& group) {
    const auto now = Clock::now();
    if (group.live() > always_broadcast_below && now - group.last_broadcast < broadcast_interval) return;
    group.last_broadcast = now;
    std::size_t rank = 0;
    double ahead = 0;
    for (const auto& e : group.waiting) {
        if (e->cancelled) continue;
        e->session->push(e->id, Session::Kind::estimation, estimation_locked(group, *e, rank, ahead));
        ++rank;
        ahead += e->expected_.value_or(0);
    }
}

void EventQueue::dispatch_locked(Group& group) {
    bool started_any = false;
    while (!group.waiting.empty() &&
           (!group.limit || group.running.size() < static_cast<std::size_t>(*group.limit))) {
        auto event = std::move(group.waiting.front());
        group.waiting.pop_front();
        if (event->stage_ != Event::Stage::waiting) {  // cancelled while waiting
            --group.dead;
            continue;
        }
        --total_waiting_;
        leave_waiting_locked(group, *event);
        event->stage_ = Event::Stage::running;
        event->started = Clock::now();
        if (metrics_) {
            metrics_->waiting(event->dependency->id, -1);
            metrics_->started(event->dependency->id);
        }
        group.running.push_back(event);
        event->running_pos_ = std::prev(group.running.end());
        started_any = true;
        pool_.post([this, event] {
            runner_(event);
            // Whatever stopped it, an event that started ends with one process_completed.
            (void)event->complete(cancelled_message(event->id));
            finished(event);
        });
    }
    if (group.waiting.empty()) group.expected_sum = 0;  // no drift from float sums
    // Those still waiting moved up: tell them their new rank.
    if (started_any && group.live() > 0) broadcast_estimations_locked(group);
}

void EventQueue::leave_waiting_locked(Group& group, const Event& event) {
    group.expected_sum = std::max(0.0, group.expected_sum - event.expected_.value_or(0));
}

void EventQueue::leave_group_locked(Group& group, const Event& event) {
    auto count = group.active_per_session.find(event.session.get());
    if (count != group.active_per_session.end() && --count->second == 0) group.active_per_session.erase(count);
}

void EventQueue::finished(const std::shared_ptr<Event>& event) {
    std::lock_guard lock(mutex_);
    if (event->stage_ != Event::Stage::running) return;
    event->stage_ = Event::Stage::finished;
    if (metrics_) {
        const auto outcome = event->cancelled ? Metrics::Outcome::cancelled
                             : event->failed  ? Metrics::Outcome::failed
                                              : Metrics::Outcome::finished;
        metrics_->ended(event->dependency->id, outcome, std::chrono::duration<double>(Clock::now() - event->started).count(), true);
    }
    auto it = groups_.find(event->dependency->concurrency_id);
    if (it == groups_.end()) return;
    it->second.running.erase(event->running_pos_);
    leave_group_locked(it->second, *event);
    if (!stopped_) dispatch_locked(it->second);
}

void EventQueue::cancel_locked(Event& event) {
    event.cancelled = true;
    if (event.stage_ != Event::Stage::waiting) return;
    auto it = groups_.find(event.dependency->concurrency_id);
    event.stage_ = Event::Stage::finished;
    if (it == groups_.end()) return;
    auto& group = it->second;
    ++group.dead;
    --total_waiting_;
    if (metrics_) {
        metrics_->waiting(event.dependency->id, -1);
        metrics_->ended(event.dependency->id, Metrics::Outcome::cancelled, 0, false);
    }
    leave_waiting_locked(group, event);
    leave_group_locked(group, event);
    // Compact once most entries are dead, so a queue of cancelled events costs nothing.
    if (group.dead > 64 && group.dead * 2 > group.waiting.size()) {
        std::erase_if(group.waiting, [](const auto& e) { return e->stage_ != Event::Stage::waiting; });
        group.dead = 0;
    }
}

void EventQueue::cancel(const std::shared_ptr<Session>& session, int fn_index, const std::string& event_id) {
    // Only this session's own events are candidates: one client can never cancel another's.
    std::vector<std::shared_ptr<Event>> matched;
    for (auto& e : session->pending_events())
        if (e->dependency->id == fn_index || e->id == event_id) matched.push_back(std::move(e));
    {
        std::lock_guard lock(mutex_);
        for (auto& e : matched) cancel_locked(*e);
    }
    // Gradio answers a cancel with an empty completed output; a runner finishing at the same
    // moment and this race through complete(), so exactly one of them is sent.
    for (auto& e : matched) (void)e->complete(cancelled_message(e->id));
}

void EventQueue::abandon(const Session& session) {
    auto events = session.pending_events();
    {
        std::lock_guard lock(mutex_);
        for (auto& e : events) cancel_locked(*e);
    }
    for (auto& e : events) (void)e->complete(cancelled_message(e->id));
}

void EventQueue::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& [id, group] : groups_) {
        for (auto& e : group.waiting) {
            if (metrics_ && e->stage_ == Event::Stage::waiting) {
                metrics_->waiting(e->dependency->id, -1);
                metrics_->ended(e->dependency->id, Metrics::Outcome::cancelled, 0, false);
            }
            e->cancelled = true;
            e->stage_ = Event::Stage::finished;
        }
        group.waiting.clear();
        group.active_per_session.clear();
        group.dead = 0;
        group.expected_sum = 0;
        for (auto& e : group.running) e->cancelled = true;
    }
    total_waiting_ = 0;
}

std::optional<double> EventQueue::average_duration(int fn_index) const {
    std::lock_guard lock(mutex_);
    return average_locked(fn_index);
}

void EventQueue::record_duration(int fn_index, double seconds) {
    std::lock_guard lock(mutex_);
    auto& [sum, count] = durations_[fn_index];
    sum += seconds;
    ++count;
}

void EventQueue::drain() {
    std::lock_guard lock(mutex_);
    draining_ = true;
}

bool EventQueue::idle() const {
    std::lock_guard lock(mutex_);
    if (total_waiting_ > 0) return false;
    for (const auto& [id, group] : groups_)
        if (!group.running.empty()) return false;
    return true;
}

std::size_t EventQueue::waiting() const {
    std::lock_guard lock(mutex_);
    return total_waiting_;
}

bool EventQueue::stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
}

}  // namespace gradio::detail
