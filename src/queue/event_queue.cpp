#include "queue/event_queue.hpp"

#include <algorithm>
#include <random>

namespace gradio::detail {

std::string new_event_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        auto bits = rng();
        for (int i = 0; i < 16; ++i) {
            id[static_cast<std::size_t>(half * 16 + i)] = hex[bits & 0xF];
            bits >>= 4;
        }
    }
    return id;
}

bool Event::emit(json::object message) {
    std::lock_guard lock(emit_mutex_);
    if (completed_ || cancelled) return false;
    session->push(std::move(message));
    return true;
}

bool Event::complete(json::object message) {
    std::lock_guard lock(emit_mutex_);
    if (completed_) return false;
    completed_ = true;
    session->push(std::move(message));
    return true;
}

EventQueue::EventQueue(WorkerPool& pool, Runner runner, std::optional<int> max_size)
    : pool_(pool), runner_(std::move(runner)), max_size_(max_size) {}

json::object EventQueue::cancelled_message(const std::string& event_id) {
    return json::object{{"msg", "process_completed"}, {"event_id", event_id},
                        {"output", json::object{}}, {"success", true}, {"title", nullptr},
                        {"used_cache", nullptr}, {"cache_duration", nullptr}, {"avg_time", nullptr}};
}

EventQueue::JoinResult EventQueue::join(const std::shared_ptr<Event>& event) {
    std::lock_guard lock(mutex_);
    if (stopped_) return {JoinStatus::stopped, total_waiting_};
    if (max_size_ && total_waiting_ >= static_cast<std::size_t>(*max_size_))
        return {JoinStatus::full, total_waiting_};
    const Dependency& dep = *event->dependency;
    auto& group = groups_[dep.concurrency_id];
    group.limit = dep.concurrency_limit;
    group.waiting.push_back(event);
    ++total_waiting_;
    event->session->add_pending(event->id);
    event->session->push(estimation_locked(group, group.waiting.size() - 1));
    dispatch_locked(group);
    return {JoinStatus::queued, total_waiting_};
}

json::object EventQueue::estimation_locked(const Group& group, std::size_t rank) const {
    const auto& event = group.waiting[rank];
    json::value eta = nullptr;
    auto avg_of = [this](int fn) -> std::optional<double> {
        auto it = durations_.find(fn);
        if (it == durations_.end() || it->second.second == 0) return std::nullopt;
        return it->second.first / static_cast<double>(it->second.second);
    };
    if (auto avg = avg_of(event->dependency->id)) {
        // Time until a slot frees up, plus the work queued ahead of this event spread over
        // the group's slots, plus this event's own run (protocol.md §10.2).
        double until_free = 0;
        const bool saturated = group.limit && group.running.size() >= static_cast<std::size_t>(*group.limit);
        if (saturated) {
            double soonest = -1;
            for (const auto& r : group.running) {
                auto ravg = avg_of(r->dependency->id).value_or(*avg);
                double left = ravg - std::chrono::duration<double>(Clock::now() - r->started).count();
                if (soonest < 0 || left < soonest) soonest = left;
            }
            until_free = std::max(0.0, soonest);
        }
        double ahead = 0;
        for (std::size_t i = 0; i < rank; ++i)
            ahead += avg_of(group.waiting[i]->dependency->id).value_or(*avg);
        const double slots = group.limit ? static_cast<double>(*group.limit) : 1.0;
        eta = *avg + (group.limit ? ahead / slots : 0.0) + until_free;
    }
    return json::object{{"msg", "estimation"}, {"event_id", event->id},
                        {"rank", static_cast<std::int64_t>(rank)},
                        {"queue_size", static_cast<std::int64_t>(group.waiting.size())},
                        {"rank_eta", eta}};
}

void EventQueue::broadcast_estimations_locked(Group& group) {
    for (std::size_t rank = 0; rank < group.waiting.size(); ++rank)
        group.waiting[rank]->session->push(estimation_locked(group, rank));
}

void EventQueue::dispatch_locked(Group& group) {
    bool started_any = false;
    while (!group.waiting.empty() &&
           (!group.limit || group.running.size() < static_cast<std::size_t>(*group.limit))) {
        auto event = group.waiting.front();
        group.waiting.pop_front();
        --total_waiting_;
        event->started = Clock::now();
        group.running.push_back(event);
        started_any = true;
        pool_.post([this, event] {
            runner_(event);
            finished(event);
        });
    }
    // Those still waiting moved up: tell them their new rank.
    if (started_any && !group.waiting.empty()) broadcast_estimations_locked(group);
}

void EventQueue::finished(const std::shared_ptr<Event>& event) {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(event->dependency->concurrency_id);
    if (it == groups_.end()) return;
    auto& running = it->second.running;
    running.erase(std::remove(running.begin(), running.end(), event), running.end());
    if (!stopped_) dispatch_locked(it->second);
}

void EventQueue::cancel(const std::shared_ptr<Session>& session, int fn_index,
                        const std::string& event_id) {
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, group] : groups_) {
            auto matches = [&](const std::shared_ptr<Event>& e) {
                return e->session == session &&
                       (e->dependency->id == fn_index || e->id == event_id);
            };
            const auto before = group.waiting.size();
            std::erase_if(group.waiting, matches);
            total_waiting_ -= before - group.waiting.size();
            for (auto& e : group.running)
                if (matches(e)) e->cancelled = true;
        }
    }
    // Gradio answers a cancel with an empty completed output, if the client still waits.
    if (session->is_pending(event_id)) {
        // A running event may be finishing right now: whichever completes it first sends.
        std::shared_ptr<Event> running;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, group] : groups_)
                for (auto& e : group.running)
                    if (e->id == event_id) running = e;
        }
        if (running) (void)running->complete(cancelled_message(event_id));
        else session->push(cancelled_message(event_id));
    }
}

void EventQueue::abandon(const Session& session) {
    std::lock_guard lock(mutex_);
    for (auto& [id, group] : groups_) {
        auto mine = [&](const std::shared_ptr<Event>& e) { return e->session.get() == &session; };
        const auto before = group.waiting.size();
        std::erase_if(group.waiting, mine);
        total_waiting_ -= before - group.waiting.size();
        for (auto& e : group.running)
            if (mine(e)) e->cancelled = true;
    }
}

void EventQueue::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& [id, group] : groups_) {
        group.waiting.clear();
        for (auto& e : group.running) e->cancelled = true;
    }
    total_waiting_ = 0;
}

std::optional<double> EventQueue::average_duration(int fn_index) const {
    std::lock_guard lock(mutex_);
    auto it = durations_.find(fn_index);
    if (it == durations_.end() || it->second.second == 0) return std::nullopt;
    return it->second.first / static_cast<double>(it->second.second);
}

void EventQueue::record_duration(int fn_index, double seconds) {
    std::lock_guard lock(mutex_);
    auto& [sum, count] = durations_[fn_index];
    sum += seconds;
    ++count;
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
