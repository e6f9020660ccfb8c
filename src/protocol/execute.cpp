#include "protocol/execute.hpp"

#include <chrono>
#include <exception>
#include <optional>

#include <gradio/error.hpp>
#include <gradio/stream.hpp>

#include "log/log.hpp"
#include "protocol/diff.hpp"

namespace gradio::detail {

namespace {

// Lets gr::stop_requested() and the toasts (gr::Info, ...) see the event running on this
// thread.
thread_local const std::atomic<bool>* current_cancel_flag = nullptr;
thread_local Event* current_event = nullptr;

struct CancelScope {
    CancelScope(const std::atomic<bool>* flag, Event* event) {
        current_cancel_flag = flag;
        current_event = event;
    }
    ~CancelScope() {
        current_cancel_flag = nullptr;
        current_event = nullptr;
    }
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;
};

// A toast goes to the client as Gradio's "log" message of the running event.
void toast(const char* level, const std::string& message, std::optional<double> duration, bool visible,
           const std::string& title) {
    Event* event = current_event;
    if (!event) return;
    event->emit(Session::Kind::toast,
                json::object{{"msg", "log"}, {"event_id", event->id}, {"log", message}, {"level", level},
                             {"duration", duration ? json::value(*duration) : json::value(nullptr)},
                             {"visible", visible}, {"title", title}});
}

// Every failure leaves a trace in the log, above all the ones whose text the user never sees.
void log_failure(std::exception_ptr error, const Dependency& dep, const std::string& event_id) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        log::info("function raised gr::Error", {{"fn", dep.api_name}, {"event", event_id}, {"error", e.what()}});
    } catch (const std::exception& e) {
        log::error("function threw", {{"fn", dep.api_name}, {"event", event_id}, {"error", e.what()}});
    } catch (...) {
        log::error("function threw a non-std exception", {{"fn", dep.api_name}, {"event", event_id}});
    }
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

Inputs resolve_inputs(const App& app, const Dependency& dep, json::array data, const Session& session) {
    Inputs inputs(std::move(data));
    for (std::size_t i = 0; i < dep.inputs.size() && i < inputs.size(); ++i) {
        const Component* c = app.component(dep.inputs[i]);
        if (!c) continue;
        if (c->is_state()) {
            SharedJson value = session.state(c->id);
            inputs.share(i, value ? std::move(value) : std::make_shared<json::value>(c->initial));
        } else if (c->preprocess) {
            inputs.share(i, std::make_shared<json::value>(c->preprocess(inputs[i])));  // throws InputError
        }
    }
    return inputs;
}

bool has_change_listener(const App& app, int component_id) {
    for (const auto& d : app.dependencies)
        for (const auto& t : d.targets)
            if (t.component == component_id && t.event == "change") return true;
    return false;
}

// Stores State outputs in the session and sends null in their place (protocol.md §5.4);
// returns the ids of changed States that have a .change listener.
// `whole[i]`, where set, is output i's value already built.
json::array store_states(const App& app, const Dependency& dep, json::array& outputs,
                         Session& session, std::vector<SharedOutput> whole = {}) {
    json::array changed;
    for (std::size_t i = 0; i < dep.outputs.size() && i < outputs.size(); ++i) {
        const Component* c = app.component(dep.outputs[i]);
        if (!c || !c->is_state()) continue;
        if (i < whole.size() && whole[i].stored) {
            outputs[i] = nullptr;
            continue;
        }
        const bool built = i < whole.size() && whole[i].value;
        SharedJson value = built ? std::move(whole[i].value) : std::make_shared<json::value>(std::move(outputs[i]));
        const json::value* extends = built ? whole[i].extends : nullptr;
        if (has_change_listener(app, c->id)) {
            const SharedJson old_value = session.state(c->id);
            if (!python_equal(old_value ? *old_value : c->initial, *value)) changed.push_back(c->id);
        }
        if (!session.set_state(c->id, std::move(value), extends))
            throw StateTooLarge("This conversation is too long for the server to keep (its limit is " +
                                std::to_string(session.limits().max_state_bytes >> 10) + " KiB); start a new chat.");
        outputs[i] = nullptr;
    }
    return changed;
}

json::object output_object(json::value data, bool generating, double duration,
                           std::optional<double> average, json::array changed) {
    return json::object{{"data", std::move(data)},
                        {"is_generating", generating},
                        {"duration", duration},
                        {"average_duration", average ? json::value(*average) : json::value(nullptr)},
                        {"render_config", nullptr},
                        {"changed_state_ids", std::move(changed)},
                        {"used_cache", nullptr}};
}

// Gradio's error payload; `title` is set to the top-level title to report.
json::object error_output(std::exception_ptr error, const ExecuteOptions& options,
                          json::value& title) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        title = e.title();
        return json::object{{"error", e.what()},
                            {"duration", e.duration() ? json::value(*e.duration()) : json::value(nullptr)},
                            {"visible", e.visible()},
                            {"title", e.title()}};
    } catch (const std::exception& e) {
        title = "Error";
        if (options.show_error) return json::object{{"error", e.what()}, {"visible", true}};
    } catch (...) {
        title = "Error";
    }
    return json::object{{"error", nullptr}};
}

json::object completed_message(const std::string& event_id, json::object output, bool success,
                               json::value title) {
    json::value duration = output.contains("duration") ? output["duration"] : json::value(nullptr);
    json::value average = output.contains("average_duration") ? output["average_duration"] : json::value(nullptr);
    return json::object{{"msg", "process_completed"}, {"event_id", event_id},
                        {"output", std::move(output)}, {"success", success},
                        {"title", std::move(title)}, {"used_cache", nullptr},
                        {"cache_duration", std::move(duration)}, {"avg_time", std::move(average)}};
}

}  // namespace

std::string check_arity(const App& app, const Dependency& dep, json::array& data, bool pad_state) {
    if (data.size() == dep.inputs.size()) return {};
    if (pad_state) {
        std::size_t visible = 0, required = 0;
        for (int id : dep.inputs)
            if (const Component* c = app.component(id); c && !c->skip_api) {
                ++visible;
                if (!c->has_default) required = visible;
            }
        // Values left out at the end take their defaults, as Gradio's clients fill them in.
        if (data.size() >= required && data.size() <= visible) {
            json::array padded;
            std::size_t next = 0;
            for (int id : dep.inputs) {
                const Component* c = app.component(id);
                if (c && !c->skip_api) padded.push_back(next < data.size() ? data[next] : c->initial), ++next;
                else padded.push_back(nullptr);
            }
            data = std::move(padded);
            return {};
        }
        if (visible != dep.inputs.size())
            return "Expected " + std::to_string(visible) + " value(s) in \"data\" for " + dep.api_name +
                   ", got " + std::to_string(data.size()) + ".";
    }
    return "Expected " + std::to_string(dep.inputs.size()) + " value(s) in \"data\" for fn_index " +
           std::to_string(dep.id) + ", got " + std::to_string(data.size()) + ".";
}

void run_event(const App& app, EventQueue& queue, const ExecuteOptions& options,
               const std::shared_ptr<Event>& event) {
    if (event->cancelled) return;
    const Dependency& dep = *event->dependency;
    Session& session = *event->session;
    const std::string& id = event->id;
    auto average = queue.average_duration(dep.id);
    event->emit(Session::Kind::other, json::object{{"msg", "process_starts"}, {"event_id", id},
                                                   {"eta", average ? json::value(*average) : json::value(nullptr)}});

    EventContext context{session.hash(), event->event_data, &event->cancelled, &session, options.files,
                         event->root_url + "/gradio_api/file="};
    CancelScope scope(&event->cancelled, event.get());
    const auto started = Clock::now();
    json::array last;        // last full outputs, State values still in place
    json::array last_sent;   // last outputs as sent, State values nulled
    bool have_output = false;
    // A stopped or failed stream keeps the State it had reached (the partial reply stays).
    std::shared_ptr<const StreamBases> bases;  // a stream's fixed beginnings (outputs come as tails)
    // Whole values from tails are built once per event, only for the States to store, in an
    // arena of their own: one allocation per block instead of one per node. At the end of a
    // turn (`final`), a State that nothing else holds any more is extended in place instead:
    // the base's prefix is that State, read by this worker only (readers see States as null),
    // held here by the inputs and the base.
    auto whole_states = [&](const json::array& values, bool final) {
        std::vector<SharedOutput> out(values.size());
        if (bases)
            for (std::size_t i = 0; i < values.size() && i < dep.outputs.size(); ++i) {
                const Component* c = app.component(dep.outputs[i]);
                if (!bases->has(i) || !c || !c->is_state() || !values[i].is_array()) continue;
                const StreamBase& base = *bases->base[i];
                if (final && base.prefix() && !has_change_listener(app, c->id) &&
                    session.append_state(c->id, base.prefix(), 2, base.after_prefix(values[i].get_array()))) {
                    out[i].stored = true;
                    continue;
                }
                out[i] = {std::make_shared<json::value>(
                              base.whole(values[i].get_array(), json::make_shared_resource<json::monotonic_resource>())),
                          base.prefix().get()};
            }
        return out;
    };
    auto keep_state = [&] {
        if (!have_output) return;
        have_output = false;
        try {
            (void)store_states(app, dep, last, session, whole_states(last, false));
        } catch (const StateTooLarge&) {
            // the previous State stays
        }
    };
    try {
        Inputs inputs = resolve_inputs(app, dep, std::move(event->data), session);
        if (dep.handler.call) {
            json::array outputs = dep.handler.call(inputs, context);
            if (event->cancelled) return;
            json::array changed = store_states(app, dep, outputs, session, std::move(context.shared_outputs));
            const double duration = seconds_since(started);
            queue.record_duration(dep.id, duration);
            (void)event->complete(completed_message(
                id, output_object(std::move(outputs), false, duration, queue.average_duration(dep.id), std::move(changed)),
                true, nullptr));
            return;
        }
        auto stream = dep.handler.stream(inputs, context);
        bases = stream->bases();  // outputs with a base arrive as tails; whole values are built at the end
        auto step_started = Clock::now();
        while (!event->cancelled) {
            auto outputs = stream->next();
            if (!outputs || event->cancelled) break;
            last = *outputs;
            have_output = true;
            json::array sent = std::move(*outputs);
            // States are stored once at the end; on the wire they are always null.
            for (std::size_t i = 0; i < dep.outputs.size() && i < sent.size(); ++i)
                if (const Component* c = app.component(dep.outputs[i]); c && c->is_state()) sent[i] = nullptr;
            // Full values (or base + tail): the reader turns them into diffs against what it
            // last delivered, so a lagging reader gets the newest value once, not every step.
            last_sent = sent;
            const double duration = seconds_since(step_started);
            event->emit(Session::Kind::generating,
                        json::object{{"msg", "process_generating"}, {"event_id", id},
                                     {"output", output_object(std::move(sent), true, duration, queue.average_duration(dep.id), {})},
                                     {"success", true}, {"time_limit", nullptr}},
                        bases);
            step_started = Clock::now();
        }
        stream.reset();  // destroys the coroutine now, on this worker, not at some later point
        if (event->cancelled) {
            keep_state();
            return;
        }
        json::array changed = have_output ? store_states(app, dep, last, session, whole_states(last, true)) : json::array{};
        have_output = false;
        if (last_sent.empty()) last_sent = json::array(dep.outputs.size(), nullptr);
        // The page will send these values back (its copy into State): remembered, so that the
        // copy can be known for what it is without comparing it with the whole history.
        if (bases)
            for (std::size_t i = 0; i < last_sent.size() && i < dep.outputs.size(); ++i)
                if (bases->has(i) && last_sent[i].is_array())
                    (void)session.put_derived(dep.outputs[i], std::make_shared<SentWhole>(SentWhole{bases, i, last_sent[i]}),
                                              json_footprint(last_sent[i]) + bases->base[i]->text_size());
        const double duration = seconds_since(step_started);
        queue.record_duration(dep.id, seconds_since(started));
        // Outputs with a base stay tails here: readers write them whole (the base's text is
        // serialised once per event, not copied per frame).
        (void)event->complete(completed_message(
            id, output_object(std::move(last_sent), false, duration, queue.average_duration(dep.id), std::move(changed)),
            true, nullptr), bases);
    } catch (...) {
        auto error = std::current_exception();
        keep_state();
        if (event->cancelled) return;
        json::value title;
        json::object payload = error_output(error, options, title);
        log_failure(error, dep, id);
        (void)event->complete(completed_message(id, std::move(payload), false, std::move(title)));
    }
}

json::object run_direct(const App& app, const ExecuteOptions& options, const Dependency& dep,
                        json::array data, json::value event_data,
                        const std::shared_ptr<Session>& session, unsigned& status, const std::string& file_url_prefix) {
    status = 200;
    std::atomic<bool> never_cancelled{false};
    EventContext context{session->hash(), std::move(event_data), &never_cancelled, session.get(), options.files, file_url_prefix};
    const auto started = Clock::now();
    try {
        Inputs inputs = resolve_inputs(app, dep, std::move(data), *session);
        json::array outputs;
        std::vector<SharedOutput> shared_outputs;
        bool generating = false;
        if (dep.handler.call) {
            outputs = dep.handler.call(inputs, context);
            shared_outputs = std::move(context.shared_outputs);
        } else {
            auto stream = dep.handler.stream(inputs, context);
            if (auto first = stream->next()) {
                outputs = std::move(*first);
                if (auto bases = stream->bases()) bases->make_whole(outputs);
                generating = true;
            } else {
                outputs = json::array(dep.outputs.size(), nullptr);
            }
        }
        json::array changed = store_states(app, dep, outputs, *session, std::move(shared_outputs));
        const double duration = seconds_since(started);
        return output_object(std::move(outputs), generating, duration, duration, std::move(changed));
    } catch (...) {
        auto error = std::current_exception();
        try {
            throw;
        } catch (const InputError&) {
            status = 422;
        } catch (const StateTooLarge&) {
            status = 413;
        } catch (const std::invalid_argument& e) {
            // A value that does not decode (a malformed message in a history): the client's
            // input, so a 422 that says what is wrong.
            status = 422;
            return json::object{{"error", e.what()}, {"visible", true}};
        } catch (...) {
            status = 500;
        }
        log_failure(error, dep, "");
        json::value title;
        return error_output(error, options, title);
    }
}

}  // namespace gradio::detail

namespace gradio {
bool stop_requested() noexcept {
    const auto* flag = detail::current_cancel_flag;
    return flag != nullptr && flag->load();
}

void Info(const std::string& message, std::optional<double> duration, bool visible, const std::string& title) {
    detail::toast("info", message, duration, visible, title);
}
void Warning(const std::string& message, std::optional<double> duration, bool visible, const std::string& title) {
    detail::toast("warning", message, duration, visible, title);
}
void Success(const std::string& message, std::optional<double> duration, bool visible, const std::string& title) {
    detail::toast("success", message, duration, visible, title);
}
}  // namespace gradio
