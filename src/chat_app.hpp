#pragma once
// ChatInterface as an App: the components and the chain of dependencies Gradio's
// ChatInterface registers (protocol.md §13), with C++ handlers around the user's chat fn.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gradio/chat_interface.hpp>

#include "protocol/app.hpp"
#include "protocol/app_builder.hpp"

namespace gradio::detail {

class CsvLog;
class ExampleCache;

// What the handlers share at run time: the flag log and the example cache.
struct ChatRuntime {
    ChatFunction fn;
    std::filesystem::path flagging_dir;
    std::mutex flag_mutex;             // guards the lazy creation of `flags`
    std::shared_ptr<CsvLog> flags;     // created on the first flag
    std::shared_ptr<ExampleCache> cache;  // set when examples are cached
    std::mutex cache_mutex;            // one lazy computation of an example at a time
};

// Where a ChatInterface goes in a Blocks page: the layout it is placed in, the Chatbot the
// developer rendered for it (if any), and the ids of its additional outputs.
struct ChatEmbedding {
    std::optional<int> parent;
    std::optional<int> chatbot;
    std::optional<Chatbot> chatbot_settings;
    std::vector<int> outputs;
};

// The components a placed ChatInterface exposes to the developer's own events.
struct ChatPlacement {
    int chatbot = 0, textbox = 0, chatbot_value = 0;
    std::vector<int> additional_inputs;
};

class ChatApp {
public:
    ChatApp(ChatFunction fn, ChatInterfaceOptions options);
    ~ChatApp();

    // Adds the interface's components and events to `app` (a Blocks page) at `where`.
    ChatPlacement build_into(App& app, const ChatEmbedding& where);
    // Whether it can run alone: false when it names components of a surrounding Blocks.
    [[nodiscard]] bool standalone() const noexcept { return standalone_; }

    [[nodiscard]] const ChatInterfaceOptions& options() const noexcept { return options_; }
    // The app with "default" concurrency limits resolved against the launch options.
    [[nodiscard]] std::shared_ptr<const App> app_for(const LaunchOptions& launch) const;
    // One warning line per option set to a value this release accepts but does not act on
    // yet (empty for defaults). Printed once at launch.
    [[nodiscard]] std::vector<std::string> inert_options() const;
    // Launch-time work: fills the example cache ("eager" mode). Throws gr::Error when an
    // example cannot be computed. (delete_cache sweeps the server's file cache: launch.cpp.)
    void prepare_launch();

private:
    struct Ids;
    void validate() const;
    ChatPlacement build(AppBuilder& b, const ChatEmbedding& where);
    void build_layout(AppBuilder& b, Ids& ids, const ChatEmbedding& where);
    void build_chat_events(AppBuilder& b, Ids& ids);
    void build_examples(AppBuilder& b, Ids& ids, std::vector<int>& cancels);
    void build_history_sidebar_events(AppBuilder& b, Ids& ids);
    [[nodiscard]] std::string file_url(const std::string& where);

    ChatInterfaceOptions options_;
    std::shared_ptr<ChatRuntime> runtime_;
    bool cache_examples_ = false;
    bool flagging_ = false;
    bool standalone_ = true;
    App* target_ = nullptr;  // the app being built (file_url records served files there)
    // The stored conversation of example i, computed (and stored) first if missing; set when
    // examples are cached. Eager caching calls it for each example at launch.
    std::function<json::array(std::size_t)> cached_example_;
    App app_;
};

}  // namespace gradio::detail
