#pragma once
// The app model every protocol route reads: components, dependencies (Gradio's event
// listeners, addressed by fn_index) and the C++ handler behind each dependency.
// ChatInterface builds one of these; Blocks layouts will build them the same way.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include <gradio/error.hpp>
#include <gradio/value.hpp>

#include "http/message.hpp"

namespace gradio::detail::files {
class FileCache;
}

namespace gradio::detail {

namespace json = boost::json;

// A handler's inputs are malformed (the client's fault, not the fn's): shown to the user like
// gr::Error on the queue, answered with 422 on run/predict.
class InputError : public Error {
public:
    explicit InputError(const std::string& message) : Error(message) {}
};

// A session's State would grow beyond its limit: shown like gr::Error, 413 on run/predict.
class StateTooLarge : public Error {
public:
    explicit StateTooLarge(const std::string& message) : Error(message) {}
};

struct Component {
    int id = 0;
    std::string type;           // wire type: "textbox", "chatbot", "state", ...
    json::object props;         // config props, in Gradio's key order
    bool skip_api = true;
    json::value initial;        // initial value (State: kept server-side per session)
    json::value api_info;       // null when skip_api
    json::value example_input;
    json::object python_type;   // /info's python_type; empty = derived from the type
    std::string api_label;      // /info's label when the component has none
    std::string parameter_name; // /info's parameter_name in a Blocks event ("" = param_<i>)
    bool has_default = false;   // an API caller may leave the value out; `initial` is used
    ValueKind kind = ValueKind::any;
    // Checks and normalises a value arriving from a client; throws InputError with a message
    // naming the component. Empty = any JSON value is accepted as is.
    std::function<json::value(const json::value&)> preprocess;
    std::vector<int> children;  // layout children (layout blocks only)
    [[nodiscard]] bool is_state() const { return type == "state"; }
};

// A JSON value shared read-only by the session that keeps it and the events that read it: a
// State's value reaches a handler without a copy, whatever its size. Always made as a
// non-const json::value (std::make_shared<json::value>), so that Session::append_state may
// move it into its successor once nothing else holds it.
using SharedJson = std::shared_ptr<const json::value>;

class Session;

// A State output given as a shared value instead of a copy in the outputs, and the value it
// was made from by appending (see Session::extends), if any; `stored` when the session has it
// already.
struct SharedOutput {
    SharedJson value;
    const json::value* extends = nullptr;
    bool stored = false;
};

// What a handler sees besides its inputs.
struct EventContext {
    std::string session_hash;
    json::value event_data;
    const std::atomic<bool>* cancelled = nullptr;
    Session* session = nullptr;  // the caller's session, for the event's time (none in unit tests)
    // The server's file cache (none in unit tests), and "<root url>/gradio_api/file=" for the
    // URLs of the files an event returns.
    files::FileCache* files = nullptr;
    std::string file_url_prefix{};
    // Set by a handler, by output index: those State outputs are stored from here (shared).
    std::vector<SharedOutput> shared_outputs{};
};

// A handler's input values, by position. A State's value is shared with its session, not
// copied per event (a conversation may be long).
class Inputs {
public:
    Inputs() = default;
    explicit Inputs(json::array values) : values_(std::move(values)), shared_(values_.size()) {}
    // Input i becomes `value`, shared.
    void share(std::size_t i, SharedJson value);
    [[nodiscard]] const json::value& operator[](std::size_t i) const { return shared_[i] ? *shared_[i] : values_[i]; }
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    [[nodiscard]] bool empty() const noexcept { return values_.empty(); }
    // Input i as a shared value: a State's own, or a plain value moved into one.
    [[nodiscard]] SharedJson shared(std::size_t i);

private:
    json::array values_;
    std::vector<SharedJson> shared_;
};

// The fixed beginning of a streamed output: a shared array (the conversation so far) and what
// follows it (the user's message). The output's value at every step is this base followed by
// the step's tail, so a step costs O(reply), not O(conversation).
class StreamBase {
public:
    // `prefix_text`: the prefix's elements as append_items_text writes them, if already known.
    StreamBase(SharedJson prefix, json::array extra, std::shared_ptr<const std::string> prefix_text = nullptr);
    [[nodiscard]] std::size_t size() const noexcept;
    // The shared array the base starts with (nullptr if none).
    [[nodiscard]] const SharedJson& prefix() const noexcept { return prefix_; }
    // What follows the prefix in the whole value: the base's own elements, then `tail`.
    [[nodiscard]] json::array after_prefix(const json::array& tail) const;
    // Base and tail as one array, allocated from `storage`.
    [[nodiscard]] json::array whole(const json::array& tail, json::storage_ptr storage = {}) const;
    // Bytes of the base's elements as compact JSON (without brackets).
    [[nodiscard]] std::size_t text_size() const;
    // Writes base and tail as one compact JSON array. With `pieces`, the base's text is not
    // copied into `out` but listed there, to be sent from where it is.
    void write(std::string& out, const json::array& tail, std::vector<http::StreamSource::Piece>* pieces = nullptr) const;

private:
    SharedJson prefix_;  // an array, or null
    json::array extra_;
    // The elements as compact JSON (valid UTF-8), comma-separated, without brackets: the
    // prefix's (given, or built once) and the extra ones' (built once, starting with a comma
    // when both are non-empty). Spliced into every frame that carries the whole value.
    const std::shared_ptr<const std::string>& prefix_text() const;
    const std::shared_ptr<const std::string>& extra_text() const;
    mutable std::shared_ptr<const std::string> prefix_text_;
    mutable std::once_flag prefix_once_, extra_once_;
    mutable std::shared_ptr<const std::string> extra_text_;
};

// The bases of a stream's outputs (nullptr for an output given whole at every step).
struct StreamBases {
    std::vector<std::unique_ptr<const StreamBase>> base;
    [[nodiscard]] bool has(std::size_t output) const { return output < base.size() && base[output] != nullptr; }
    // The whole value of output i from its tail (a non-array tail, a State's null, as is).
    [[nodiscard]] json::value full(std::size_t output, const json::value& tail) const;
    // Every output of a step made whole.
    void make_whole(json::array& outputs) const;
    // Writes `message`, a frame whose output data holds tails, with whole values (spliced from
    // the bases' cached text rather than copied).
    void write_whole(std::string& out, const json::object& message,
                     std::vector<http::StreamSource::Piece>* pieces = nullptr) const;
};

// What a stream last sent whole for one of its outputs (base and tail): the page sends that
// value back in its next step (the chain's copy into State), which may then be stored as made
// from the base's prefix by appending; it is compared with base and tail only, not with any
// other history.
struct SentWhole {
    std::shared_ptr<const StreamBases> bases;
    std::size_t output = 0;
    json::value tail;
    // The base's prefix if `value` is exactly base and tail; nullptr otherwise.
    [[nodiscard]] const json::value* prefix_if_same(const json::value& value) const;
};

// Appends items[from..] as a StreamBase's text has them: compact JSON, comma-separated (after
// a comma when `text` is not empty), UTF-8 repaired.
void append_items_text(std::string& text, const json::array& items, std::size_t from);

// A streaming handler's outputs: each next() gives the output values after one more step
// (for outputs with a base, only their tail); nullopt when done. Destroying it stops the
// underlying coroutine.
class OutputStream {
public:
    virtual ~OutputStream() = default;
    virtual std::optional<json::array> next() = 0;
    // Fixed for the stream's life; nullptr when every output is given whole.
    [[nodiscard]] virtual std::shared_ptr<const StreamBases> bases() const { return nullptr; }
};

struct Handler {
    // Exactly one is set.
    std::function<json::array(Inputs& inputs, EventContext&)> call;
    std::function<std::unique_ptr<OutputStream>(Inputs& inputs, EventContext&)> stream;
};

struct Target {
    std::optional<int> component;  // nullopt for then/success chains
    std::string event;
};

// One input a validator rejected (Gradio's gr.validate(False, message)).
struct Rejection {
    std::string parameter_name;
    std::string message;
};

struct Dependency {
    int id = 0;
    std::vector<Target> targets;
    std::vector<int> inputs;
    std::vector<int> outputs;
    bool queue = true;
    std::string api_name;
    std::optional<std::string> api_description;
    std::string show_progress = "full";
    std::vector<int> cancels;
    bool cancel = false;                // client-side cancel listener (no backend)
    bool collects_event_data = false;
    std::optional<int> trigger_after;
    bool trigger_only_on_success = false;
    std::string trigger_mode = "once";
    std::string api_visibility = "undocumented";
    std::vector<std::string> parameter_names;  // for /info and /call/v2
    // Execution: dependencies with the same concurrency_id share one limit.
    std::string concurrency_id;
    std::optional<int> concurrency_limit;  // nullopt = unlimited
    Handler handler;
    // Gradio's validator: runs on the worker pool before the event is queued or run; a
    // non-empty result refuses the request with 422 and Gradio's validate list.
    std::function<std::vector<Rejection>(const json::array& inputs)> validate;
    // False for the library's own trivial steps (save state, clear the box): they run on a
    // small pool of their own so that busy user functions never delay them.
    bool runs_user_code = true;

    [[nodiscard]] bool backend_fn() const { return handler.call || handler.stream; }
    [[nodiscard]] bool generator() const { return static_cast<bool>(handler.stream); }
};

struct App {
    std::string mode = "blocks";
    std::string title = "Gradio";
    bool fill_height = false;
    bool fill_width = false;
    bool show_error = false;
    std::vector<Component> components;  // ids 1..n; id 0 is the root
    std::vector<int> root_children;
    std::vector<Dependency> dependencies;
    // Local files the app itself names (icons, avatars): GET /gradio_api/file= sends them
    // besides the file cache and allowed_paths.
    std::vector<std::string> served_files;
    // ChatInterface's delete_cache {frequency_s, age_s}: sweeps the server's file cache.
    std::optional<std::pair<int, int>> delete_cache;
    // LaunchOptions::max_file_size, advertised in /config (clients check it before uploading).
    std::optional<std::uint64_t> max_file_size;
    // Each ChatInterface's API endpoint, which the OpenAI-compatible routes run: its
    // dependency and the State its history is read from.
    struct ChatEndpoint {
        std::string api_name;
        int dependency = 0;
        int history = 0;
    };
    std::vector<ChatEndpoint> chat_endpoints;

    [[nodiscard]] const Component* component(int id) const;
    [[nodiscard]] const Dependency* dependency(int fn_index) const;
    // Public or undocumented dependency with this api_name (private ones are not callable).
    [[nodiscard]] const Dependency* endpoint(std::string_view api_name) const;
};

}  // namespace gradio::detail
