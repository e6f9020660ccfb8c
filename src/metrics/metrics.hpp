#pragma once
// Prometheus metrics (LaunchOptions::metrics, GET /metrics): events per function by outcome,
// queue length, run-time histograms, and the transport's connections, open streams, requests
// and bytes. Lock-free counters: recording costs an atomic add on the hot path, and only a
// scrape walks them.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "http/server.hpp"

namespace gradio::detail {

class Metrics {
public:
    enum class Outcome { finished, failed, cancelled };
    // Run-time histogram bucket bounds, in seconds.
    static constexpr std::array<double, 12> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    // `functions[i]`: the label of fn_index i (its api_name, or "fn_<i>").
    explicit Metrics(std::vector<std::string> functions);

    void waiting(int fn_index, int change);
    void started(int fn_index);
    // `ran`: the event ran (it has a run time); false for one cancelled while waiting.
    void ended(int fn_index, Outcome outcome, double seconds, bool ran);

    // The text exposition format (version 0.0.4), with the transport's counters.
    [[nodiscard]] std::string render(const http::TransportCounters& transport) const;

private:
    struct PerFunction {
        std::string label;
        std::atomic<std::int64_t> waiting{0};
        std::atomic<std::uint64_t> started{0};
        std::array<std::atomic<std::uint64_t>, 3> ended{};  // by Outcome
        std::array<std::atomic<std::uint64_t>, buckets.size() + 1> histogram{};  // last: +Inf
        std::atomic<std::uint64_t> run_microseconds{0};
    };
    PerFunction* at(int fn_index);

    std::vector<PerFunction> functions_;
};

}  // namespace gradio::detail
