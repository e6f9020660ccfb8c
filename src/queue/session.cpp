#include "queue/session.hpp"

#include <algorithm>
#include <vector>

namespace gradio::detail {

void Session::push(json::object message) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        mailbox_.push_back(std::move(message));
        wake = waker_;
    }
    if (wake) wake();
}

bool Session::pop(json::object& out) {
    std::lock_guard lock(mutex_);
    if (mailbox_.empty()) return false;
    out = std::move(mailbox_.front());
    mailbox_.pop_front();
    return true;
}

void Session::set_waker(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    waker_ = std::move(wake);
}

void Session::add_pending(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    pending_.insert(event_id);
}

bool Session::complete_pending(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    pending_.erase(event_id);
    return pending_.empty();
}

bool Session::is_pending(const std::string& event_id) const {
    std::lock_guard lock(mutex_);
    return pending_.contains(event_id);
}

bool Session::has_pending() const {
    std::lock_guard lock(mutex_);
    return !pending_.empty();
}

json::value Session::state(int component_id, const json::value& initial) const {
    std::lock_guard lock(mutex_);
    auto it = state_.find(component_id);
    return it == state_.end() ? initial : it->second;
}

void Session::set_state(int component_id, json::value value) {
    std::lock_guard lock(mutex_);
    state_[component_id] = std::move(value);
}

void Session::touch() noexcept {
    std::lock_guard lock(mutex_);
    last_used_ = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point Session::last_used() const noexcept {
    std::lock_guard lock(mutex_);
    return last_used_;
}

std::shared_ptr<Session> SessionRegistry::get_or_create(const std::string& hash) {
    std::lock_guard lock(mutex_);
    auto& slot = sessions_[hash];
    if (!slot) {
        slot = std::make_shared<Session>(hash);
        if (sessions_.size() > capacity_ + capacity_ / 10) evict_locked();
    }
    slot->touch();
    return slot;
}

std::shared_ptr<Session> SessionRegistry::find(const std::string& hash) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return nullptr;
    it->second->touch();
    return it->second;
}

void SessionRegistry::erase(const std::string& hash) {
    std::lock_guard lock(mutex_);
    sessions_.erase(hash);
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> out;
    out.reserve(sessions_.size());
    for (const auto& [hash, s] : sessions_) out.push_back(s);
    return out;
}

void SessionRegistry::evict_locked() {
    // Drop the least recently used idle sessions down to capacity. Sessions still referenced
    // elsewhere (an open stream, a running event) are kept.
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> idle;
    // A session whose client never came back for its results counts as idle after a while.
    const auto stale = std::chrono::steady_clock::now() - std::chrono::minutes(5);
    for (const auto& [hash, s] : sessions_)
        if (s.use_count() == 1 && (!s->has_pending() || s->last_used() < stale))
            idle.emplace_back(s->last_used(), hash);
    std::sort(idle.begin(), idle.end());
    std::size_t excess = sessions_.size() > capacity_ ? sessions_.size() - capacity_ : 0;
    for (std::size_t i = 0; i < idle.size() && i < excess; ++i) sessions_.erase(idle[i].second);
}

}  // namespace gradio::detail
