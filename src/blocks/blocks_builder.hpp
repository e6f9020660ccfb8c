#pragma once
// The state behind a gr::Blocks while it is being built: the App it fills (components,
// layout, dependencies), the layouts open now, and the ChatInterfaces placed in it.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gradio/blocks.hpp>

#include "protocol/app.hpp"
#include "protocol/app_builder.hpp"

namespace gradio::detail {

class ChatApp;

class BlocksBuilder {
public:
    explicit BlocksBuilder(const BlocksOptions& options);

    // The layout components go into now (nullopt = the page root).
    [[nodiscard]] std::optional<int> parent() const;
    // Adds a layout block at the current place and runs `body` inside it; the scope closes
    // when `body` returns or throws.
    void scoped(std::string type, json::object props, const std::function<void()>& body);
    // Runs `body` with `layout` as the place components go; closed when it returns or throws.
    void within(int layout, const std::function<void()>& body);
    // A tab: inside the open Tabs, or in a Tabs opened around it.
    void tab(const Tab& options, const std::function<void()>& body);

    int add(const gradio::Component& component, bool place);
    void render(int id);
    ChatInterfaceRef render_chat(const std::shared_ptr<ChatApp>& chat);
    int add_event(int component, int after, bool only_on_success, const std::string& event, EventFunction fn,
                  const std::vector<ComponentRef>& inputs, const std::vector<ComponentRef>& outputs,
                  EventOptions options);

    // Checks the page is complete and returns it as launched with `options`.
    [[nodiscard]] std::shared_ptr<const App> app_for(const LaunchOptions& options) const;
    // Launch-time work of the ChatInterfaces in the page (example caches) and their warnings.
    void prepare_launch() const;
    [[nodiscard]] std::vector<std::string> inert_options() const;

private:
    [[nodiscard]] int id_of(const ComponentRef& ref, const char* role) const;

    App app_;
    AppBuilder builder_{app_};
    std::vector<int> scopes_;
    std::set<int> unplaced_;             // made with make() and not rendered yet
    std::map<int, Chatbot> chatbots_;    // settings of the Chatbots rendered, for ChatInterface(chatbot=)
    std::vector<std::shared_ptr<ChatApp>> chats_;
    std::set<const ChatApp*> rendered_chats_;
    bool analytics_ = false;
};

}  // namespace gradio::detail
