#pragma once
// The base of every stream that reads a session's mailbox (GET /queue/data, /call/<api>/<id>,
// the OpenAI-compatible completions): one reader per session at a time.

#include <functional>
#include <memory>
#include <string_view>

#include "http/message.hpp"
#include "queue/event_queue.hpp"
#include "queue/session.hpp"

namespace gradio::detail {

// Reads a session's mailbox as its one reader: a newer stream on the same session takes over
// and this one ends with a clear message; only the current reader's departure cancels the
// session's pending events (each still gets its process_completed, for a reader that returns).
class SessionReader : public http::StreamSource {
public:
    SessionReader(std::shared_ptr<Session> session, EventQueue& queue)
        : session_(std::move(session)), queue_(queue) {}
    ~SessionReader() override { session_->detach_reader(token_); }

    // Attached when the stream starts; detached only when it is destroyed, after
    // on_disconnect() has had its chance to see whether it was still the reader.
    void set_waker(std::function<void()> wake) override {
        if (wake) token_ = session_->attach_reader(std::move(wake));
    }
    void on_disconnect() override {
        if (!finished_ && session_->is_reader(token_) && session_->has_pending()) queue_.abandon(*session_);
    }

protected:
    // Common checks before reading: replaced by a newer reader, or the server stopping.
    // Returns true (and sets finished_) when the stream must end with `ended(out)` written.
    bool must_end() {
        if (token_ != 0 && !session_->is_reader(token_)) return finished_ = true;
        // Stopped: what is already in the mailbox (replies that finished during a graceful
        // shutdown) is still sent; the stream ends once it is empty.
        if (queue_.stopped() && session_->mailbox_size() == 0) return finished_ = true;
        return false;
    }
    [[nodiscard]] bool replaced() const { return token_ != 0 && !session_->is_reader(token_); }
    // The reader has seen this event's completion; true when nothing of the session is left.
    bool completed(const json::object& m) {
        const auto* id = m.if_contains("event_id");
        return id && id->is_string() && session_->complete_pending(std::string(id->get_string()));
    }
    static bool is_completion(const json::object& m) {
        const auto* msg = m.if_contains("msg");
        const auto* id = m.if_contains("event_id");
        return msg && *msg == "process_completed" && id && id->is_string();
    }

    std::shared_ptr<Session> session_;
    EventQueue& queue_;
    std::uint64_t token_ = 0;
    bool finished_ = false;
    int idle_beats_ = 0;
};

inline constexpr std::string_view replaced_text = "This session's stream was replaced by a newer connection.";

}  // namespace gradio::detail
