// Gradio demo chatinterface_nested_thoughts: a tool call shown as a thought with nested
// sub-thoughts (parent_id), each growing and finishing while the reply streams.
#include <chrono>
#include <thread>
#include <vector>

#include <gradio/gradio.hpp>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

gr::Generator<std::vector<gr::ChatMessage>> generate_response(gr::Message /*message*/, gr::History /*history*/) {
    constexpr auto sleep_time = 100ms;
    constexpr auto long_sleep_time = 1s;
    const auto start = Clock::now();
    std::vector<gr::ChatMessage> responses = {
        {.content = "In order to find the current weather in San Francisco, I will need to use my weather tool."},
    };
    co_yield responses;
    std::this_thread::sleep_for(sleep_time);

    responses.push_back({.metadata = {.title = "Using Weather Tool", .id = 1, .status = "pending"}});
    const std::size_t main_thought = responses.size() - 1;
    co_yield responses;
    std::this_thread::sleep_for(long_sleep_time);
    responses[main_thought].content = "Will check: weather.com and sunny.org";
    co_yield responses;
    std::this_thread::sleep_for(sleep_time);
    responses.push_back({.content = "Received weather from weather.com.",
                         .metadata = {.title = "Checking weather.com", .id = 2, .parent_id = 1, .duration = 0.05}});
    co_yield responses;

    const auto sunny_start = Clock::now();
    std::this_thread::sleep_for(sleep_time);
    responses.push_back({.content = "API Error when connecting to sunny.org 💥",
                         .metadata = {.title = "Checking sunny.org", .id = 3, .parent_id = 1, .status = "pending"}});
    const std::size_t sunny_thought = responses.size() - 1;
    co_yield responses;

    std::this_thread::sleep_for(sleep_time);
    responses.push_back({.content = "Failed again",
                         .metadata = {.title = "I will try again", .id = 4, .parent_id = 3, .duration = 0.1}});
    responses[sunny_thought].metadata.status = "done";
    responses[sunny_thought].metadata.duration = seconds_since(sunny_start);
    responses[main_thought].metadata.status = "done";
    responses[main_thought].metadata.duration = seconds_since(start);
    co_yield responses;

    std::this_thread::sleep_for(long_sleep_time);
    responses.push_back({.content = "Based on the data only from weather.com, the current weather in San Francisco is 60 "
                                    "degrees and sunny."});
    co_yield responses;
}

int main() {
    gr::ChatInterface demo(generate_response, {
        .examples = {"What is the weather in San Francisco right now?"},
        .title = "Nested Thoughts Chat Interface",
        .api_name = "chat",
    });
    return demo.launch();
}
