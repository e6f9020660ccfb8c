#pragma once
// ChatInterface as an App: the components and the chain of dependencies Gradio's
// ChatInterface registers (protocol.md §13), with C++ handlers around the user's chat fn.

#include <memory>
#include <string>
#include <vector>

#include <gradio/chat_interface.hpp>

#include "protocol/app.hpp"

namespace gradio::detail {

class ChatApp {
public:
    ChatApp(ChatFunction fn, ChatInterfaceOptions options);

    [[nodiscard]] const ChatInterfaceOptions& options() const noexcept { return options_; }
    // The app with "default" concurrency limits resolved against the launch options.
    [[nodiscard]] std::shared_ptr<const App> app_for(const LaunchOptions& launch) const;
    // One warning line per option set to a value this release accepts but does not act on
    // yet (empty for defaults). Printed once at launch.
    [[nodiscard]] std::vector<std::string> inert_options() const;

private:
    void build();
    ChatFunction fn_;
    ChatInterfaceOptions options_;
    App app_;
};

}  // namespace gradio::detail
