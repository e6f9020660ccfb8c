#include "queue/session.hpp"

#include <iterator>

namespace gradio::detail {

std::size_t json_footprint(const json::value& value) noexcept {
    // Rough but proportional: a node per value, plus what strings and containers allocate.
    std::size_t bytes = sizeof(json::value);
    switch (value.kind()) {
    case json::kind::string:
        bytes += value.get_string().size() + 16;
        break;
    case json::kind::array:
        bytes += 32;
        for (const auto& v : value.get_array()) bytes += json_footprint(v);
        break;
    case json::kind::object:
        bytes += 48;
        for (const auto& kv : value.get_object()) bytes += 24 + kv.key().size() + json_footprint(kv.value());
        break;
    default:
        break;
    }
    return bytes;
}

Session::Session(std::string hash, std::shared_ptr<SessionBudget> budget)
    : hash_(std::move(hash)), budget_(std::move(budget)) {}

Session::~Session() { budget_->total_bytes -= state_bytes_; }

void Session::push(const std::string& event_id, Kind kind, json::object message,
                   std::shared_ptr<const void> attachment) {
    std::function<void()> wake;
    {
        std::lock_guard lock(mutex_);
        if (kind == Kind::toast) {
            auto& unread = unread_toasts_[event_id];
            if (unread >= max_unread_toasts) return;  // the reader lags: this toast is dropped
            ++unread;
        }
        const bool ordered = kind == Kind::other || kind == Kind::toast;  // never merged
        auto tail = ordered ? mergeable_.end() : mergeable_.find(event_id);
        const bool merge = tail != mergeable_.end() && tail->second.last->kind == kind &&
                           (kind == Kind::estimation || tail->second.unread_frames >= max_unread_frames);
        if (merge) {
            tail->second.last->message = std::move(message);  // the reader lags: the newest value wins
            tail->second.last->attachment = std::move(attachment);
        } else {
            mailbox_.push_back(Entry{event_id, kind, std::move(message), std::move(attachment)});
            if (ordered) {
                mergeable_.erase(event_id);
            } else {
                auto& t = mergeable_[event_id];
                t.last = std::prev(mailbox_.end());
                if (kind == Kind::generating) ++t.unread_frames;
            }
        }
        wake = waker_;
    }
    if (wake) wake();
}

bool Session::pop(json::object& out, std::shared_ptr<const void>* attachment) {
    std::lock_guard lock(mutex_);
    if (mailbox_.empty()) return false;
    auto& front = mailbox_.front();
    if (auto t = mergeable_.find(front.event_id); t != mergeable_.end()) {
        if (t->second.last == mailbox_.begin()) mergeable_.erase(t);
        else if (front.kind == Kind::generating && t->second.unread_frames > 0) --t->second.unread_frames;
    }
    if (front.kind == Kind::toast)
        if (auto u = unread_toasts_.find(front.event_id); u != unread_toasts_.end() && --u->second == 0) unread_toasts_.erase(u);
    out = std::move(front.message);
    if (attachment) *attachment = std::move(front.attachment);
    mailbox_.pop_front();
    return true;
}

std::size_t Session::mailbox_size() const {
    std::lock_guard lock(mutex_);
    return mailbox_.size();
}

std::uint64_t Session::attach_reader(std::function<void()> wake) {
    std::function<void()> previous;
    std::uint64_t token = 0;
    {
        std::lock_guard lock(mutex_);
        previous = std::exchange(waker_, std::move(wake));
        token = reader_ = next_token_++;
    }
    if (previous) previous();  // the replaced reader polls, sees it is no longer the reader, ends
    return token;
}

void Session::detach_reader(std::uint64_t token) {
    std::lock_guard lock(mutex_);
    if (reader_ != token) return;
    reader_ = 0;
    waker_ = {};
}

bool Session::is_reader(std::uint64_t token) const {
    std::lock_guard lock(mutex_);
    return token != 0 && reader_ == token;
}

bool Session::has_reader() const {
    std::lock_guard lock(mutex_);
    return reader_ != 0;
}

bool Session::add_pending(const std::string& event_id, std::weak_ptr<Event> event) {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= budget_->limits.max_events) return false;
    pending_.emplace(event_id, std::move(event));
    return true;
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

std::vector<std::shared_ptr<Event>> Session::pending_events() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Event>> out;
    out.reserve(pending_.size());
    for (const auto& [id, weak] : pending_)
        if (auto e = weak.lock()) out.push_back(std::move(e));
    return out;
}

bool Session::fits_locked(std::size_t old_bytes, std::size_t new_bytes) const {
    return state_bytes_ - old_bytes + new_bytes <= budget_->limits.max_state_bytes &&
           budget_->total_bytes.load() - old_bytes + new_bytes <= budget_->limits.max_total_bytes;
}

void Session::account_locked(std::size_t old_bytes, std::size_t new_bytes) {
    budget_->total_bytes += new_bytes;
    budget_->total_bytes -= old_bytes;
    state_bytes_ = state_bytes_ - old_bytes + new_bytes;
}

std::shared_ptr<const json::value> Session::state(int component_id) const {
    std::lock_guard lock(mutex_);
    auto it = state_.find(component_id);
    return it == state_.end() ? nullptr : it->second.value;
}

const json::value* Session::extends(int component_id, const json::value* value) const {
    std::lock_guard lock(mutex_);
    auto it = state_.find(component_id);
    return it != state_.end() && it->second.value.get() == value ? it->second.extends : nullptr;
}

bool Session::set_state(int component_id, std::shared_ptr<const json::value> value, const json::value* extends) {
    const std::size_t bytes = value ? json_footprint(*value) : 0;
    std::unique_lock lock(mutex_);
    auto& slot = state_[component_id];
    if (!fits_locked(slot.bytes, bytes)) {
        if (slot.bytes == 0 && !slot.value) state_.erase(component_id);
        return false;
    }
    account_locked(slot.bytes, bytes);
    std::swap(slot.value, value);
    slot.bytes = bytes;
    slot.extends = extends;
    lock.unlock();  // the old value (perhaps a long conversation) is freed outside the lock
    return true;
}

bool Session::append_state(int component_id, const std::shared_ptr<const json::value>& expected, long holders,
                           json::array more) {
    const std::size_t bytes = json_footprint(more);
    std::unique_lock lock(mutex_);
    auto it = state_.find(component_id);
    if (it == state_.end() || it->second.value != expected || !expected || !expected->is_array() ||
        expected.use_count() != holders + 1)
        return false;
    StateSlot& slot = it->second;
    if (!fits_locked(0, bytes)) return false;
    // No one else holds it and no one can get it while the lock is held: it is ours to move
    // (every SharedJson is made as a non-const value, see app.hpp).
    auto grown = std::make_shared<json::value>(std::move(const_cast<json::value&>(*expected)));
    json::array& items = grown->get_array();
    for (auto& v : more) items.push_back(std::move(v));
    account_locked(0, bytes);
    slot.bytes += bytes;
    slot.extends = expected.get();
    slot.value = std::move(grown);
    return true;
}

std::shared_ptr<void> Session::take_derived(int component_id) {
    std::unique_lock lock(mutex_);
    auto it = derived_.find(component_id);
    if (it == derived_.end()) return nullptr;
    auto [value, bytes] = std::move(it->second);
    derived_.erase(it);
    account_locked(bytes, 0);
    return value;
}

bool Session::put_derived(int component_id, std::shared_ptr<void> value, std::size_t bytes) {
    std::unique_lock lock(mutex_);
    auto& slot = derived_[component_id];
    if (!fits_locked(slot.second, bytes)) {
        account_locked(slot.second, 0);
        value = std::move(slot.first);  // freed below, outside the lock
        derived_.erase(component_id);
        lock.unlock();
        return false;
    }
    account_locked(slot.second, bytes);
    std::swap(slot.first, value);
    slot.second = bytes;
    lock.unlock();  // the value replaced is freed outside the lock
    return true;
}

SessionRegistry::SessionRegistry(SessionLimits limits) : budget_(std::make_shared<SessionBudget>(limits)) {}

SessionRegistry::~SessionRegistry() = default;

void SessionRegistry::touch_locked(Slot& slot) {
    slot.last_used = std::chrono::steady_clock::now();
    lru_.splice(lru_.begin(), lru_, slot.lru);
}

std::shared_ptr<Session> SessionRegistry::get_or_create(const std::string& hash, Refusal* why) {
    if (why) *why = Refusal::none;
    if (hash.empty() || hash.size() > budget_->limits.max_hash_length) {
        if (why) *why = Refusal::bad_hash;
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(hash); it != sessions_.end()) {
        touch_locked(it->second);
        auto session = it->second.session;  // held: eviction below can never free it
        evict_locked(hash);
        return session;
    }
    if (sessions_.size() >= budget_->limits.max_sessions) evict_locked({});
    if (sessions_.size() >= budget_->limits.max_sessions) {
        if (why) *why = Refusal::too_many;
        return nullptr;
    }
    auto session = std::make_shared<Session>(hash, budget_);
    lru_.push_front(hash);
    sessions_.emplace(hash, Slot{session, lru_.begin(), std::chrono::steady_clock::now(), {}});
    evict_locked(hash);
    return session;
}

std::shared_ptr<Session> SessionRegistry::find(const std::string& hash) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return nullptr;
    touch_locked(it->second);
    return it->second.session;
}

void SessionRegistry::erase_locked(std::unordered_map<std::string, Slot>::iterator it) {
    for (const auto& call : it->second.calls) calls_.erase(call);
    lru_.erase(it->second.lru);
    sessions_.erase(it);
}

void SessionRegistry::erase(const std::string& hash) {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(hash); it != sessions_.end()) erase_locked(it);
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::all() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> out;
    out.reserve(sessions_.size());
    for (const auto& [hash, slot] : sessions_) out.push_back(slot.session);
    return out;
}

void SessionRegistry::evict_locked(const std::string& keep) {
    const auto& limits = budget_->limits;
    const auto now = std::chrono::steady_clock::now();
    // Room for one more session when called before inserting one (keep empty).
    const std::size_t max_sessions = keep.empty() ? limits.max_sessions - 1 : limits.max_sessions;
    auto over = [&] { return sessions_.size() > max_sessions || budget_->total_bytes.load() > limits.max_total_bytes; };
    // Oldest first, a bounded number per call so that every request stays O(1) amortised.
    for (int looked = 0; looked < 64 && !lru_.empty(); ++looked) {
        const std::string& oldest = lru_.back();
        if (oldest == keep) break;  // everything else is newer than the session just used
        auto it = sessions_.find(oldest);
        Slot& slot = it->second;
        const bool expired = now - slot.last_used > limits.idle_ttl;
        if (!expired && !over()) break;
        // Only the registry holds it: no stream reads it and no event of it is queued or
        // running. Anything else is in use right now, so it counts as recently used.
        if (slot.session.use_count() == 1) erase_locked(it);
        else touch_locked(slot);
    }
}

void SessionRegistry::remember_call(const std::string& event_id, const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(session->hash());
    if (it == sessions_.end() || it->second.session != session) return;
    calls_[event_id] = session->hash();
    it->second.calls.push_back(event_id);
}

std::shared_ptr<Session> SessionRegistry::find_call(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    auto call = calls_.find(event_id);
    if (call == calls_.end()) return nullptr;
    auto it = sessions_.find(call->second);
    if (it == sessions_.end()) return nullptr;
    touch_locked(it->second);
    return it->second.session;
}

void SessionRegistry::forget_call(const std::string& event_id) {
    std::lock_guard lock(mutex_);
    auto call = calls_.find(event_id);
    if (call == calls_.end()) return;
    if (auto it = sessions_.find(call->second); it != sessions_.end()) std::erase(it->second.calls, event_id);
    calls_.erase(call);
}

}  // namespace gradio::detail
