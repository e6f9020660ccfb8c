#pragma once
/// \file blocks.hpp
/// `gr::Blocks`: a page laid out from components, with events that run C++ functions (Gradio's
/// `gr.Blocks`). Layout nests with lambdas, so a scope can never be left open:
///
/// \code
/// gr::Blocks demo({.title = "Artifacts"});
/// auto code = demo.make(gr::Code{});                       // Gradio's render=False
/// demo.row([&] {
///     demo.column([&] {
///         demo.render(gr::Markdown{.value = "<center><h1>Write Python or JavaScript</h1></center>"});
///         demo.render(gr::ChatInterface(chat, {.additional_outputs = {code}}));
///     });
///     demo.column([&] { code.render(); });
/// });
/// demo.launch();
/// \endcode
///
/// Events attach to the handles `render` returns: `button.click(fn, {inputs}, {outputs})`.
/// `fn` takes one parameter per input component (its value as `std::string`, a number,
/// `bool`, `gr::Value`, `gr::History`, ...) and, anywhere in its signature, the event's payload
/// (`gr::LikeData`, `gr::SelectData`, ...); it returns nothing, one output value (see
/// `gr::Output`), a `std::tuple` of them, or streams them as a `gr::Generator`.
///
/// Thread safety: build and launch from one thread; event functions are called from worker
/// threads, concurrently up to their `concurrency_limit`.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gradio/components.hpp>
#include <gradio/detail/event_function.hpp>
#include <gradio/events.hpp>
#include <gradio/launch.hpp>

namespace gradio {

/// Settings of the whole page (Gradio's `gr.Blocks(...)`).
struct BlocksOptions {
    std::string title = "Gradio";                       ///< the browser tab's title
    bool fill_height = false;                           ///< stretch to the window's height
    bool fill_width = false;                            ///< use the window's whole width
    std::optional<std::pair<int, int>> delete_cache{};  ///< {frequency_s, age_s} for the file cache
    std::optional<bool> analytics_enabled{};            ///< accepted; gradio.cpp sends no telemetry
};

/// A horizontal row of children (Gradio's `gr.Row`).
struct Row {
    std::string variant = "default";          ///< "default", "panel" or "compact"
    bool visible = true;                      ///< false hides it and its children
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::optional<int> scale{};               ///< its share of the free height, relative to its neighbours'
    bool equal_height = false;                ///< children all as tall as the tallest
};

/// A vertical column of children (Gradio's `gr.Column`); in a row, columns share the width
/// by `scale`.
struct Column {
    int scale = 1;                            ///< its share of the row's width, relative to the other columns'
    int min_width = 320;                      ///< pixels; the row wraps rather than make it narrower
    std::string variant = "default";          ///< "default", "panel" or "compact"
    bool visible = true;                      ///< false hides it and its children
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
};

/// Children shown as one block without gaps (Gradio's `gr.Group`).
struct Group {
    bool visible = true;                      ///< false hides it and its children
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
};

/// A set of tabs (Gradio's `gr.Tabs`); its children are `Blocks::tab`s.
struct Tabs {
    std::string selected{};                   ///< the id of the tab shown first; "" = the first
    bool visible = true;                      ///< false hides it and its children
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
};

/// One tab (Gradio's `gr.Tab`).
struct Tab {
    std::string label{};                      ///< the tab's title
    bool visible = true;                      ///< false hides the tab
    bool interactive = true;                  ///< false disables the tab
    std::string id{};                         ///< the name `Tabs::selected` and updates use for it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::optional<int> scale{};               ///< its share of the free height, relative to its neighbours'
};

/// A collapsible panel at the page's side (Gradio's `gr.Sidebar`).
struct Sidebar {
    std::string label{};                      ///< names it for screen readers (not shown)
    bool open = true;                         ///< open at first
    bool visible = true;                      ///< false hides it and its children
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::string position = "left";            ///< "left" or "right"
    int width = 320;                          ///< pixels
};

class Blocks;
class ChatInterface;
class ComponentRef;
class EventRef;
namespace detail {
class BlocksBuilder;
}  // namespace detail


/// A component placed in (or made for) a `gr::Blocks`: what events attach to and what event
/// inputs and outputs name. A cheap handle; valid while its Blocks lives.
class ComponentRef {
public:
    /// A handle to no component (`valid()` is false).
    ComponentRef() = default;
    /// The handle of component `id` of the page `owner` builds; made by `gr::Blocks`.
    ComponentRef(detail::BlocksBuilder* owner, int id) noexcept : owner_(owner), id_(id) {}

    /// The component's id in `/config`.
    [[nodiscard]] int id() const noexcept { return id_; }
    /// False for a default-constructed handle.
    [[nodiscard]] bool valid() const noexcept { return owner_ != nullptr; }
    /// The page it belongs to (the library's side of `gr::Blocks`).
    [[nodiscard]] detail::BlocksBuilder* owner() const noexcept { return owner_; }

    /// Places a component made with `Blocks::make` in the scope open now (Gradio's `.render()`).
    void render() const;

    /// An event's input or output components, in the order of `fn`'s parameters or results.
    using Components = std::vector<ComponentRef>;

    /// Any event by its Gradio name ("click", "change", "like", ...).
    template <class Fn>
    EventRef on(const std::string& event, Fn fn, Components inputs = {}, Components outputs = {},
                EventOptions options = {}) const;

    /// A click on it, as on a Button (Gradio's `.click`).
    template <class Fn>
    EventRef click(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Enter pressed in a Textbox (Gradio's `.submit`).
    template <class Fn>
    EventRef submit(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// The value changed, by the user or as an event's output (Gradio's `.change`).
    template <class Fn>
    EventRef change(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// The user changed the value (Gradio's `.input`).
    template <class Fn>
    EventRef input(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// An item selected: a choice, a tab, a chat message (`gr::SelectData`; Gradio's `.select`).
    template <class Fn>
    EventRef select(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: a thumb or feedback option (`gr::LikeData`); attaching it shows the thumbs.
    template <class Fn>
    EventRef like(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: the retry button (`gr::RetryData`); attaching it shows the button.
    template <class Fn>
    EventRef retry(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: the undo button (`gr::UndoData`); attaching it shows the button.
    template <class Fn>
    EventRef undo(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: a message edited (`gr::EditData`); attaching it makes user messages editable.
    template <class Fn>
    EventRef edit(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: the trash button.
    template <class Fn>
    EventRef clear(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: an option button under a message (`gr::SelectData`).
    template <class Fn>
    EventRef option_select(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: an example card (`gr::SelectData`, value `{"text", "files"}`).
    template <class Fn>
    EventRef example_select(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Chatbot: a message's copy button (`gr::CopyData`).
    template <class Fn>
    EventRef copy(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;

private:
    detail::BlocksBuilder* owner_ = nullptr;
    int id_ = 0;
};

/// An event listener once attached: chain steps after it.
class EventRef {
public:
    /// The handle of listener `dependency` of the page `owner` builds; made by the event methods.
    EventRef(detail::BlocksBuilder* owner, int dependency) noexcept : owner_(owner), dependency_(dependency) {}
    /// The listener's index in `/config`'s dependencies (the API's fn_index).
    [[nodiscard]] int fn_index() const noexcept { return dependency_; }

    /// An event's input or output components.
    using Components = ComponentRef::Components;
    /// Runs after this listener finished, whatever the outcome (Gradio's `.then`).
    template <class Fn>
    EventRef then(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;
    /// Runs after this listener succeeded (Gradio's `.success`).
    template <class Fn>
    EventRef success(Fn fn, Components inputs = {}, Components outputs = {}, EventOptions options = {}) const;

private:
    detail::BlocksBuilder* owner_;
    int dependency_;
};


/// The components a ChatInterface placed in a Blocks, for events of your own.
struct ChatInterfaceRef {
    ComponentRef chatbot{};  ///< the Chatbot showing the conversation
    ComponentRef textbox{};  ///< the message box
    /// The conversation shown: an event output here replaces it (Gradio's `chatbot_value`).
    ComponentRef chatbot_value{};
    std::vector<ComponentRef> additional_inputs{};  ///< the additional inputs, in order
};

namespace detail {
// Registers an erased event function; the event methods above are thin wrappers over it.
// `after` is the listener a then/success step follows (-1 for a component's event).
int add_event(BlocksBuilder* owner, int component, int after, bool only_on_success, const std::string& event,
              EventFunction fn, const std::vector<ComponentRef>& inputs, const std::vector<ComponentRef>& outputs,
              EventOptions options);
}  // namespace detail

/// A page built from layouts, components and events (Gradio's `gr.Blocks`). Move-only.
/// Throws `gr::ConfigError` for a bad layout or event (wrong number of inputs or outputs, a
/// component of another Blocks, an unknown event name).
class Blocks {
public:
    /// An empty page with the given settings.
    explicit Blocks(BlocksOptions options = {});
    /// Moves the page; handles made from it stay valid.
    Blocks(Blocks&&) noexcept;
    /// Moves the page; handles made from it stay valid.
    Blocks& operator=(Blocks&&) noexcept;
    Blocks(const Blocks&) = delete;
    Blocks& operator=(const Blocks&) = delete;
    ~Blocks();

    /// A row (Gradio's `gr.Row`). In every layout, the components `body` places go inside, and
    /// the scope closes when it returns or throws.
    void row(const std::function<void()>& body) { row({}, body); }
    /// A row with settings.
    void row(const Row& options, const std::function<void()>& body);
    /// A column (Gradio's `gr.Column`).
    void column(const std::function<void()>& body) { column({}, body); }
    /// A column with settings.
    void column(const Column& options, const std::function<void()>& body);
    /// A group without gaps (Gradio's `gr.Group`).
    void group(const std::function<void()>& body) { group({}, body); }
    /// A group with settings.
    void group(const Group& options, const std::function<void()>& body);
    /// A set of tabs (Gradio's `gr.Tabs`); `body` places `tab`s.
    void tabs(const std::function<void()>& body) { tabs({}, body); }
    /// A set of tabs with settings.
    void tabs(const Tabs& options, const std::function<void()>& body);
    /// One tab; inside `tabs`, or a set of tabs of its own is opened around it.
    void tab(const Tab& options, const std::function<void()>& body);
    /// A collapsible section (Gradio's `gr.Accordion`).
    void accordion(const Accordion& options, const std::function<void()>& body);
    /// A collapsible panel at the page's side (Gradio's `gr.Sidebar`).
    void sidebar(const Sidebar& options, const std::function<void()>& body);

    /// Places a component in the scope open now.
    ComponentRef render(Component component);
    /// Makes a component without placing it (Gradio's `render=False`); `ref.render()` places it.
    [[nodiscard]] ComponentRef make(Component component);
    /// Places a ChatInterface in the scope open now, with its chatbot (a `gr::Chatbot` rendered
    /// here, if given) and its additional outputs wired to components of this Blocks.
    ChatInterfaceRef render(const ChatInterface& chat);

    /// Page-load event (Gradio's `demo.load`).
    template <class Fn>
    EventRef load(Fn fn, ComponentRef::Components inputs = {}, ComponentRef::Components outputs = {},
                  EventOptions options = {}) {
        return EventRef(builder(), detail::add_event(builder(), 0, -1, false, "load", detail::make_event_function(std::move(fn)),
                                                     inputs, outputs, std::move(options)));
    }

    /// Serves the page and blocks until SIGINT/SIGTERM (see `gr::ChatInterface::launch`).
    int launch(LaunchOptions options = {});
    /// Serves the page without blocking; the returned handle stops it when destroyed.
    [[nodiscard]] Server start(LaunchOptions options = {});

    /// The library's side of the page, which handles point to.
    [[nodiscard]] detail::BlocksBuilder* builder() const noexcept { return impl_.get(); }

private:
    std::unique_ptr<detail::BlocksBuilder> impl_;
};

// ---- event methods ------------------------------------------------------------------------

template <class Fn>
EventRef ComponentRef::on(const std::string& event, Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return EventRef(owner_, detail::add_event(owner_, id_, -1, false, event, detail::make_event_function(std::move(fn)),
                                              inputs, outputs, std::move(options)));
}

template <class Fn>
EventRef ComponentRef::click(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("click", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::submit(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("submit", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::change(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("change", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::input(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("input", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::select(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("select", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::like(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("like", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::retry(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("retry", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::undo(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("undo", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::edit(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("edit", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::clear(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("clear", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::option_select(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("option_select", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::example_select(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("example_select", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}
template <class Fn>
EventRef ComponentRef::copy(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return on("copy", std::move(fn), std::move(inputs), std::move(outputs), std::move(options));
}

template <class Fn>
EventRef EventRef::then(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return EventRef(owner_, detail::add_event(owner_, 0, dependency_, false, "then", detail::make_event_function(std::move(fn)),
                                              inputs, outputs, std::move(options)));
}
template <class Fn>
EventRef EventRef::success(Fn fn, Components inputs, Components outputs, EventOptions options) const {
    return EventRef(owner_, detail::add_event(owner_, 0, dependency_, true, "success",
                                              detail::make_event_function(std::move(fn)), inputs, outputs, std::move(options)));
}

}  // namespace gradio
