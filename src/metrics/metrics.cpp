#include "metrics/metrics.hpp"

#include <cstdio>

namespace gradio::detail {

namespace {

// A label value, escaped as the exposition format wants (\\, \", \n).
std::string label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> functions) : functions_(functions.size()) {
    for (std::size_t i = 0; i < functions.size(); ++i) functions_[i].label = std::move(functions[i]);
}

Metrics::PerFunction* Metrics::at(int fn_index) {
    if (fn_index < 0 || static_cast<std::size_t>(fn_index) >= functions_.size()) return nullptr;
    return &functions_[static_cast<std::size_t>(fn_index)];
}

void Metrics::waiting(int fn_index, int change) {
    if (auto* f = at(fn_index)) f->waiting.fetch_add(change, std::memory_order_relaxed);
}

void Metrics::started(int fn_index) {
    if (auto* f = at(fn_index)) f->started.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::ended(int fn_index, Outcome outcome, double seconds, bool ran) {
    auto* f = at(fn_index);
    if (!f) return;
    f->ended[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
    if (!ran) return;
    std::size_t bucket = 0;
    while (bucket < buckets.size() && seconds > buckets[bucket]) ++bucket;
    f->histogram[bucket].fetch_add(1, std::memory_order_relaxed);
    f->run_microseconds.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(const http::TransportCounters& transport) const {
    std::string out;
    auto header = [&out](const char* name, const char* type, const char* help) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    };
    header("gradio_queue_length", "gauge", "Events waiting in the queue, per function.");
    for (const auto& f : functions_)
        out += "gradio_queue_length{fn=\"" + label(f.label) + "\"} " + std::to_string(f.waiting.load(std::memory_order_relaxed)) + "\n";
    header("gradio_events_started_total", "counter", "Events that started running, per function.");
    for (const auto& f : functions_)
        out += "gradio_events_started_total{fn=\"" + label(f.label) + "\"} " + std::to_string(f.started.load()) + "\n";
    static constexpr std::array<const char*, 3> outcomes{"finished", "failed", "cancelled"};
    header("gradio_events_ended_total", "counter",
           "Events that ended, per function and outcome (cancelled includes those cancelled while waiting).");
    for (const auto& f : functions_)
        for (std::size_t o = 0; o < outcomes.size(); ++o)
            out += "gradio_events_ended_total{fn=\"" + label(f.label) + "\",outcome=\"" + outcomes[o] + "\"} " +
                   std::to_string(f.ended[o].load()) + "\n";
    header("gradio_event_run_seconds", "histogram", "How long events ran, from start to end, per function.");
    for (const auto& f : functions_) {
        std::uint64_t cumulative = 0;
        const std::string fn = "fn=\"" + label(f.label) + "\"";
        for (std::size_t b = 0; b <= buckets.size(); ++b) {
            cumulative += f.histogram[b].load();
            const std::string le = b < buckets.size() ? number(buckets[b]) : "+Inf";
            out += "gradio_event_run_seconds_bucket{" + fn + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
        }
        out += "gradio_event_run_seconds_sum{" + fn + "} " + number(static_cast<double>(f.run_microseconds.load()) / 1e6) + "\n";
        out += "gradio_event_run_seconds_count{" + fn + "} " + std::to_string(cumulative) + "\n";
    }
    header("gradio_open_connections", "gauge", "Open HTTP connections.");
    out += "gradio_open_connections " + std::to_string(transport.open_connections.load()) + "\n";
    header("gradio_open_streams", "gauge", "Open streamed responses (SSE).");
    out += "gradio_open_streams " + std::to_string(transport.open_streams.load()) + "\n";
    header("gradio_http_responses_total", "counter", "HTTP responses by status class.");
    for (std::size_t c = 1; c < transport.responses_by_class.size(); ++c)
        out += "gradio_http_responses_total{code=\"" + std::to_string(c) + "xx\"} " + std::to_string(transport.responses_by_class[c].load()) +
               "\n";
    header("gradio_http_received_bytes_total", "counter", "Bytes of requests read (heads and bodies).");
    out += "gradio_http_received_bytes_total " + std::to_string(transport.bytes_received.load()) + "\n";
    header("gradio_http_sent_bytes_total", "counter", "Bytes of responses written.");
    out += "gradio_http_sent_bytes_total " + std::to_string(transport.bytes_sent.load()) + "\n";
    return out;
}

}  // namespace gradio::detail
