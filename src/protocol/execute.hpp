#pragma once
// Running one event: resolve its inputs (State values come from the session), call the
// handler on the current (worker) thread, and turn the results into Gradio's queue messages:
// process_starts, process_generating (full first, then diffs), process_completed.

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "protocol/app.hpp"
#include "queue/event_queue.hpp"

namespace gradio::detail {

struct ExecuteOptions {
    bool show_error = false;
    files::FileCache* files = nullptr;  // the server's file cache, lent to events
};

// Runs a queued event to its end, or until it is cancelled. Never throws.
void run_event(const App& app, EventQueue& queue, const ExecuteOptions& options,
               const std::shared_ptr<Event>& event);

// Runs a dependency directly (POST /run/predict) and returns Gradio's output object;
// a generator contributes its first yield. `status` is 200, or on failure 422 (malformed
// input), 413 (State too large) or 500 (the function failed), with the error payload
// (protocol.md §5.4) returned instead.
json::object run_direct(const App& app, const ExecuteOptions& options, const Dependency& dep,
                        json::array data, json::value event_data,
                        const std::shared_ptr<Session>& session, unsigned& status,
                        const std::string& file_url_prefix = {});

// Checks the number of values against the dependency's inputs. For the /call API (`pad_state`)
// a list that leaves out the State inputs gets null inserted there, as Gradio does.
// Returns an error text, or "" when `data` is usable.
[[nodiscard]] std::string check_arity(const App& app, const Dependency& dep, json::array& data,
                                      bool pad_state);

}  // namespace gradio::detail
