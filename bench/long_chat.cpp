// gr_long_chat: server CPU per streamed chat event after a long conversation, against the same
// event in an empty chat (issue 7: "a 50-chunk reply after 1,000 earlier messages must cost the
// server within 1.5x of the same reply in an empty chat").
//
//   gr_long_chat --url http://127.0.0.1:PORT --pid SERVER_PID [--events 200] [--history 1000] [--chunks 50]
//                [--only browser|api]
//
// The server is `bench_server chunksn` (a fn that streams as many chunks as the message says).
// For each flow and each history length the tool puts the history into a fresh session's
// chatbot State (through the page's own `lambda` step), then runs --events events and adds up
// the server's CPU time (all threads, /proc/<pid>/task/*/schedstat) over each of them:
//   browser  the page's queued `_submit_fn` step: queue/join + the queue/data stream (diffs).
//            Before each event the State is set from what the last one sent, as the page's
//            chain does after every turn (a value parsed anew each time; every 25 events the
//            history is put back to its length); that step is not measured
//   api      POST /gradio_api/call/chat + GET its stream (full values); the State is put back
//            to the history length every 25 events, outside the measurement
// It does that for replies of --chunks chunks (50) and a tenth of that. Printed: CPU per turn
// for each case, and CPU per streamed chunk, (turn_many - turn_few) / (many - few): the cost of
// streaming, apart from what a turn costs once. The ratios compare long with empty.
#include <cstdio>
#include <iostream>
#include <string>

#include "bench_util.hpp"

using namespace bench;

namespace {

struct Target {
    std::string host, port;
    tcp::resolver::results_type endpoints;
};

// One request on its own connection ("Connection: close"), the whole answer read to the end.
std::string exchange(const Target& t, http::verb verb, const std::string& path, const std::string& body = "") {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(t.endpoints);
    http::request<http::string_body> req{verb, path, 11};
    req.set(http::field::host, t.host + ":" + t.port);
    req.set(http::field::connection, "close");
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    http::read(stream, buffer, parser);
    if (parser.get().result_int() != 200)
        throw std::runtime_error(path + " answered " + std::to_string(parser.get().result_int()) + ": " + parser.get().body());
    return parser.get().body();
}

json::array history_of(int messages) {
    json::array chat;
    for (int i = 0; i < messages; ++i) {
        const bool user = i % 2 == 0;
        const std::string text = user ? "Question number " + std::to_string(i / 2) + ": how does this work?"
                                      : "Answer number " + std::to_string(i / 2) + ": it works like this, in a few words.";
        chat.push_back(json::object{{"role", user ? "user" : "assistant"}, {"metadata", nullptr},
                                    {"content", json::array{json::object{{"text", text}, {"type", "text"}}}}, {"options", nullptr}});
    }
    return chat;
}

std::string predict_body(int fn, json::array data, const std::string& session) {
    return json::serialize(json::object{{"fn_index", fn}, {"data", std::move(data)}, {"event_data", nullptr}, {"session_hash", session}});
}

// The session's chatbot State := `history` (the page's sync step: chatbot -> chatbot_state).
void set_history(const Target& t, int sync_fn, const json::array& history, const std::string& session) {
    json::array data;
    data.push_back(history);
    (void)exchange(t, http::verb::post, "/gradio_api/run/predict", predict_body(sync_fn, std::move(data), session));
}

double browser_cpu_per_event(const Target& t, long pid, int events, int history, const std::string& session,
                             const std::string& message) {
    const int sync_fn = lookup_fn_index(t.endpoints, t.host, t.port, "lambda");
    const int save_fn = lookup_fn_index(t.endpoints, t.host, t.port, "_clear_and_save_textbox");
    const int submit_fn = lookup_fn_index(t.endpoints, t.host, t.port, "_submit_fn");
    const json::array chat = history_of(history);
    (void)exchange(t, http::verb::post, "/gradio_api/run/predict", predict_body(save_fn, json::array{json::value(message)}, session));
    const std::string join = predict_body(submit_fn, json::array{nullptr, nullptr}, session);
    double total = 0;
    json::array sent;  // the chatbot's value after the last turn, as the page has it
    for (int i = 0; i < events; ++i) {
        // As in the page, the State comes from the browser's chatbot before every turn (the
        // chain's copy step, not measured): what the last turn sent, parsed anew. Every 25 turns
        // the history is put back to its length.
        set_history(t, sync_fn, i % 25 == 0 ? chat : sent, session);
        const double before = cpu_seconds_precise(pid);
        (void)exchange(t, http::verb::post, "/gradio_api/queue/join", join);
        const std::string stream = exchange(t, http::verb::get, "/gradio_api/queue/data?session_hash=" + session);
        total += cpu_seconds_precise(pid) - before;
        const auto done = stream.find("{\"msg\":\"process_completed\"");
        if (done == std::string::npos) throw std::runtime_error("no completion: " + stream.substr(0, 300));
        const json::value completed = json::parse(stream.substr(done, stream.find('\n', done) - done));
        sent = completed.at("output").at("data").at(1).as_array();
    }
    return total / events;
}

double api_cpu_per_event(const Target& t, long pid, int events, int history, const std::string& session,
                         const std::string& message) {
    const int sync_fn = lookup_fn_index(t.endpoints, t.host, t.port, "lambda");
    const json::array chat = history_of(history);
    double total = 0;
    const std::string call = json::serialize(json::object{{"data", json::array{json::value(message)}}, {"session_hash", session}});
    for (int done = 0; done < events;) {
        set_history(t, sync_fn, chat, session);  // each call adds two messages: start over
        const double before = cpu_seconds_precise(pid);
        for (int i = 0; i < 25 && done < events; ++i, ++done) {
            auto id = json::parse(exchange(t, http::verb::post, "/gradio_api/call/chat", call)).at("event_id").as_string();
            const std::string stream = exchange(t, http::verb::get, "/gradio_api/call/chat/" + std::string(id));
            if (stream.find("event: complete") == std::string::npos) throw std::runtime_error("no completion: " + stream.substr(0, 300));
        }
        total += cpu_seconds_precise(pid) - before;
    }
    return total / events;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url = "http://127.0.0.1:7860";
    long pid = 0;
    int events = 200, history = 1000, few = 5, many = 50;
    std::string only;  // "browser" or "api": one flow (to profile it)
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--url") url = argv[i + 1];
        else if (flag == "--pid") pid = std::atol(argv[i + 1]);
        else if (flag == "--events") events = std::max(1, std::atoi(argv[i + 1]));
        else if (flag == "--history") history = std::max(0, std::atoi(argv[i + 1]));
        else if (flag == "--chunks") many = std::max(2, std::atoi(argv[i + 1])), few = std::max(1, many / 10);
        else if (flag == "--only") only = argv[i + 1];
        else {
            std::cerr << "usage: gr_long_chat --url URL --pid SERVER_PID [--events N] [--history MESSAGES] [--chunks N] [--only browser|api]\n";
            return 2;
        }
    }
    if (pid <= 0) {
        std::cerr << "gr_long_chat: --pid of the server is required (its CPU time is read from /proc)\n";
        return 2;
    }
    try {
        Target t;
        parse_url(url, t.host, t.port);
        asio::io_context ioc;
        t.endpoints = tcp::resolver(ioc).resolve(t.host, t.port);
        // Warm-up: caches, allocator, the server's first-run costs.
        (void)browser_cpu_per_event(t, pid, 20, history, "warmup-b", "50");
        (void)api_cpu_per_event(t, pid, 20, history, "warmup-a", "50");
        struct Case {
            const char* name;
            double (*run)(const Target&, long, int, int, const std::string&, const std::string&);
        };
        std::printf("long_chat events=%d history=%d\n", events, history);
        double chunk_ratio[2] = {0, 0};
        int k = 0;
        for (const Case& c : {Case{"browser chain (_submit_fn)", browser_cpu_per_event}, Case{"/chat API", api_cpu_per_event}}) {
            if (!only.empty() && std::string_view(c.name).find(only == "api" ? "/chat" : only) == std::string_view::npos) {
                ++k;
                continue;
            }
            double turn[2][2];  // [empty|long][5|50 chunks]
            for (int h = 0; h < 2; ++h)
                for (int n = 0; n < 2; ++n)
                    turn[h][n] = c.run(t, pid, events, h ? history : 0, std::string(c.name).substr(0, 5) + "-" + std::to_string(h) +
                                           "-" + std::to_string(n), std::to_string(n ? many : few));
            const double span = many - few;
            const double chunk_empty = (turn[0][1] - turn[0][0]) / span, chunk_long = (turn[1][1] - turn[1][0]) / span;
            chunk_ratio[k++] = chunk_long / chunk_empty;
            std::printf("  %s: per turn of %d chunks: empty %.0f us, after %d messages %.0f us (ratio %.2f)\n", c.name,
                        many, turn[0][1] * 1e6, history, turn[1][1] * 1e6, turn[1][1] / turn[0][1]);
            std::printf("  %s: per streamed chunk:   empty %.1f us, after %d messages %.1f us (ratio %.2f)\n", c.name,
                        chunk_empty * 1e6, history, chunk_long * 1e6, chunk_long / chunk_empty);
        }
        std::printf("chunk ratios browser=%.2f api=%.2f\n", chunk_ratio[0], chunk_ratio[1]);
    } catch (const std::exception& e) {
        std::cerr << "gr_long_chat: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
