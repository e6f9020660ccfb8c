#pragma once
/// \file components.hpp
/// Components, with Gradio's keyword names in Gradio's documented order, so that
/// `gr.Slider(10, 100, label="Tokens")` reads as `gr::Slider{.minimum = 10, .maximum = 100,
/// .label = "Tokens"}`. Each knows its `/config` props, how its value arrives and leaves, and its
/// `/gradio_api/info` entry (src/components/). `gr::Component` holds any one of them.
///
/// Input components end with `parameter_name`, the name the API shows for the value (Gradio
/// takes it from the Python function's signature, which C++ cannot see at run time). Left
/// empty, it is `parameter_<n>`.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <gradio/value.hpp>

namespace gradio {

/// A math delimiter for KaTeX: `{"$$", "$$", true}` is display math.
struct LatexDelimiter {
    std::string left{};    ///< the opening delimiter
    std::string right{};   ///< the closing delimiter
    bool display = false;  ///< display (block) math rather than inline
};

/// One choice of a Dropdown or Radio: the text shown and the value the function receives
/// (the text itself unless given).
struct Choice {
    std::string name{};  ///< the text shown
    Value value{};       ///< what the function receives
    /// A choice whose value is its text.
    Choice(const char* text) : name(text), value(text) {}
    /// A choice whose value is its text.
    Choice(std::string text) : name(text), value(std::move(text)) {}
    /// A choice showing `display` and giving `v`.
    Choice(std::string display, Value v) : name(std::move(display)), value(std::move(v)) {}
};

/// A text input or output (Gradio's `gr.Textbox`).
struct Textbox {
    std::optional<std::string> value{};             ///< the initial text; nullopt = empty
    std::string type = "text";                     ///< "text", "password" or "email"
    int lines = 1;                                  ///< height in lines, at least
    std::optional<int> max_lines{};                 ///< default 20
    std::string placeholder{};                      ///< for the chat box: "" = "Type a message..."
    std::string label{};                            ///< shown above it, and naming it in error messages
    std::string info{};                             ///< help text under the label
    std::optional<bool> show_label{};               ///< nullopt = shown
    bool container = true;                          ///< drawn in a padded box
    std::optional<int> scale{};                     ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                            ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};              ///< nullopt = editable when an event reads it
    bool visible = true;                            ///< false hides it
    std::string elem_id{};                          ///< the HTML element's id
    bool autofocus = false;                         ///< focus it when the page loads
    bool autoscroll = true;                         ///< keep the end in view as the text grows
    std::vector<std::string> elem_classes{};        ///< extra HTML classes
    std::string text_align{};                       ///< "", "left" or "right"
    bool rtl = false;                               ///< right-to-left text
    std::optional<int> max_length{};                ///< characters; also enforced by the server
    std::variant<bool, std::string> submit_btn = false;  ///< the chat box uses ChatInterface's
    std::variant<bool, std::string> stop_btn = false;  ///< true: a Stop button, or its text
    std::string parameter_name{};                   ///< the API's name for its value; "" = `parameter_<n>`
};

/// A number picked on a range (Gradio's `gr.Slider`).
struct Slider {
    double minimum = 0;                             ///< the lowest value
    double maximum = 100;                           ///< the highest value; values outside are refused
    std::optional<double> value{};                  ///< default: `minimum`
    std::optional<double> step{};                   ///< default: 10^(floor(log10(max-min)) - 2)
    std::optional<int> precision{};                 ///< decimals; 0 gives integers
    std::string label{};                            ///< shown above it, and naming it in error messages
    std::string info{};                             ///< help text under the label
    std::optional<bool> show_label{};               ///< nullopt = shown
    bool container = true;                          ///< drawn in a padded box
    std::optional<int> scale{};                     ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                            ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};              ///< nullopt = editable when an event reads it
    bool visible = true;                            ///< false hides it
    std::string elem_id{};                          ///< the HTML element's id
    std::vector<std::string> elem_classes{};        ///< extra HTML classes
    std::string parameter_name{};                   ///< the API's name for its value; "" = `parameter_<n>`
};

/// A numeric field (Gradio's `gr.Number`).
struct Number {
    std::optional<double> value{};            ///< the initial number; nullopt = empty
    std::string label{};                      ///< shown above it, and naming it in error messages
    std::string info{};                       ///< help text under the label
    std::optional<bool> show_label{};         ///< nullopt = shown
    bool container = true;                    ///< drawn in a padded box
    std::optional<int> scale{};               ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                      ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};        ///< nullopt = editable when an event reads it
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::optional<int> precision{};           ///< decimals the value is rounded to; 0 gives integers
    std::optional<double> minimum{};          ///< nullopt = no lower bound; smaller values are refused
    std::optional<double> maximum{};          ///< nullopt = no upper bound; larger values are refused
    double step = 1;                          ///< the field's step (its arrows' increment)
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// A yes/no box (Gradio's `gr.Checkbox`).
struct Checkbox {
    bool value = false;                       ///< checked at first
    std::string label{};                      ///< shown above it, and naming it in error messages
    std::string info{};                       ///< help text under the label
    std::optional<bool> show_label{};         ///< nullopt = shown
    bool container = true;                    ///< drawn in a padded box
    std::optional<int> scale{};               ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                      ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};        ///< nullopt = editable when an event reads it
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// A choice from a list, or several with `multiselect` (Gradio's `gr.Dropdown`).
struct Dropdown {
    std::vector<Choice> choices{};                  ///< the choices, in order
    std::optional<Value> value{};                   ///< default: the first choice (none if multiselect)
    std::string type = "value";                   ///< "value" or "index"
    bool multiselect = false;                       ///< several may be picked; the value is then a list
    bool allow_custom_value = false;                ///< also accept typed values that are not a choice
    std::optional<int> max_choices{};               ///< with `multiselect`: the most that may be picked
    bool filterable = true;                         ///< typing filters the choices
    std::string label{};                            ///< shown above it, and naming it in error messages
    std::string info{};                             ///< help text under the label
    std::optional<bool> show_label{};               ///< nullopt = shown
    bool container = true;                          ///< drawn in a padded box
    std::optional<int> scale{};                     ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                            ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};              ///< nullopt = editable when an event reads it
    bool visible = true;                            ///< false hides it
    std::string elem_id{};                          ///< the HTML element's id
    std::vector<std::string> elem_classes{};        ///< extra HTML classes
    std::string parameter_name{};                   ///< the API's name for its value; "" = `parameter_<n>`
};

/// One choice from a few, shown as radio buttons (Gradio's `gr.Radio`).
struct Radio {
    std::vector<Choice> choices{};                ///< the choices, in order
    std::optional<Value> value{};                 ///< nullopt = none selected
    std::string type = "value";                   ///< "value" or "index"
    std::string label{};                          ///< shown above it, and naming it in error messages
    std::string info{};                           ///< help text under the label
    std::optional<bool> show_label{};             ///< nullopt = shown
    bool container = true;                        ///< drawn in a padded box
    std::optional<int> scale{};                   ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                          ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};            ///< nullopt = editable when an event reads it
    bool visible = true;                          ///< false hides it
    std::string elem_id{};                        ///< the HTML element's id
    std::vector<std::string> elem_classes{};      ///< extra HTML classes
    bool rtl = false;                             ///< right-to-left text
    std::string parameter_name{};                 ///< the API's name for its value; "" = `parameter_<n>`
};

/// Markdown or HTML text (Gradio's `gr.Markdown`).
struct Markdown {
    std::string value{};                      ///< Markdown (may contain HTML)
    std::string label{};                      ///< a label for it
    std::optional<bool> show_label{};         ///< nullopt = hidden
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    bool rtl = false;                         ///< right-to-left text
    std::vector<LatexDelimiter> latex_delimiters{{"$$", "$$", true}};  ///< math rendered with KaTeX
    bool sanitize_html = true;                ///< remove unsafe HTML before showing it
    bool line_breaks = false;                 ///< a single newline breaks the line
    bool header_links = false;                ///< headings get anchor links
    std::optional<int> height{};              ///< pixels; taller content scrolls
    std::optional<int> max_height{};          ///< pixels
    std::optional<int> min_height{};          ///< pixels
    bool container = false;                   ///< drawn in a padded box
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// The chat's message box with attachments (Gradio's `gr.MultimodalTextbox`), for
/// `ChatInterfaceOptions::textbox` with `multimodal = true`. Its value reaches fn as
/// `message.text` and `message.files`.
struct MultimodalTextbox {
    std::vector<std::string> sources = {"upload"};  ///< "upload" and/or "microphone"
    /// Accepted files: ".pdf" (extension), "image", "audio", "video", "text" (families), "image/png"
    /// (MIME), "file" (any); empty = any. Checked by the page and again by the server.
    std::vector<std::string> file_types{};
    std::string file_count = "single";            ///< "single", "multiple" or "directory"
    int lines = 1;                                   ///< height in lines, at least
    std::optional<int> max_lines{};                  ///< default 20
    std::string placeholder{};                       ///< "" = "Type a message..."
    std::string label{};                             ///< shown above it, and naming it in error messages
    std::string info{};                              ///< help text under the label
    std::optional<bool> show_label{};                ///< nullopt = shown
    bool container = true;                           ///< drawn in a padded box
    std::optional<int> scale{};                      ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                             ///< pixels; the least width it takes in a row
    std::optional<bool> interactive{};               ///< nullopt = editable when an event reads it
    bool visible = true;                             ///< false hides it
    std::string elem_id{};                           ///< the HTML element's id
    bool autofocus = false;                          ///< focus it when the page loads
    bool autoscroll = true;                          ///< keep the end in view as the text grows
    std::vector<std::string> elem_classes{};         ///< extra HTML classes
    std::string text_align{};                        ///< "", "left" or "right"
    bool rtl = false;                                ///< right-to-left text
    std::variant<bool, std::string> submit_btn = true;  ///< true: the send button, or its text; false: none
    std::variant<bool, std::string> stop_btn = false;  ///< true: a button that stops the reply, or its text
    /// Pasted text longer than this becomes a "pasted_text.txt" attachment.
    int max_plain_text_length = 1000;
};

/// An image in a reply (Gradio's `gr.Image`): `value` is a local file (copied into the app's
/// file cache before it is served) or an http(s) URL (passed to the browser, never fetched).
struct Image {
    std::string value{};               ///< a local file or an http(s) URL
    std::string label{};               ///< a label for it
    std::optional<bool> show_label{};  ///< nullopt = the viewer's default
    std::optional<int> height{};       ///< pixels
    std::optional<int> width{};        ///< pixels
    std::string alt_text{};            ///< read aloud by screen readers
};

/// An audio player in a reply (Gradio's `gr.Audio`); `value` as for `gr::Image`.
struct Audio {
    std::string value{};               ///< a local file or an http(s) URL
    std::string label{};               ///< a label for it
    std::optional<bool> show_label{};  ///< nullopt = the viewer's default
    bool autoplay = false;             ///< start playing when shown
};

/// A video player in a reply (Gradio's `gr.Video`); `value` as for `gr::Image`.
struct Video {
    std::string value{};               ///< a local file or an http(s) URL
    std::string label{};               ///< a label for it
    std::optional<bool> show_label{};  ///< nullopt = the viewer's default
    std::optional<int> height{};       ///< pixels
    std::optional<int> width{};        ///< pixels
    bool autoplay = false;             ///< start playing when shown
};

/// A file to download from a reply (Gradio's `gr.File`): shown as a pill with its name.
struct File {
    std::string value{};               ///< a local file or an http(s) URL
    std::string label{};               ///< a label for it
    std::optional<bool> show_label{};  ///< nullopt = the viewer's default
};

/// HTML in a reply or a Blocks page (Gradio's `gr.HTML`); sanitised in the page (in a reply,
/// unless the chatbot's `sanitize_html` is false).
struct HTML {
    std::string value{};                      ///< the HTML
    std::string label{};                      ///< a label for it
    std::optional<bool> show_label{};         ///< nullopt = hidden
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    bool padding = true;                      ///< space around the content
    std::optional<int> min_height{};          ///< pixels
    std::optional<int> max_height{};          ///< pixels
    bool container = false;                   ///< drawn in a padded box
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// Highlighted code in a reply or a Blocks page (Gradio's `gr.Code`), with copy and download
/// buttons. Returned from an event, the members set away from their defaults update the pane
/// (`gr::Code{.value = src, .language = "python"}`).
struct Code {
    std::string value{};                      ///< the code
    std::string language{};                   ///< such as "python", "javascript", "cpp"; "" = plain
    std::string label{};                      ///< a label for it
    std::optional<bool> show_label{};         ///< nullopt = shown
    int lines = 5;                            ///< height in lines, at least
    std::optional<int> max_lines{};           ///< more lines scroll; nullopt = no limit
    std::optional<bool> interactive{};        ///< default: editable only when it is an event's input
    bool show_line_numbers = true;            ///< line numbers in the gutter
    bool wrap_lines = false;                  ///< wrap long lines instead of scrolling sideways
    bool container = true;                    ///< drawn in a padded box
    std::optional<int> scale{};               ///< its share of a row's width, relative to its neighbours'
    int min_width = 160;                      ///< pixels; the least width it takes in a row
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// A button (Gradio's `gr.Button`); its `.click` event runs a function.
struct Button {
    std::string value = "Run";                ///< its text
    std::string variant = "secondary";        ///< "primary", "secondary" or "stop"
    std::string size = "lg";                  ///< "sm", "md" or "lg"
    std::string link{};                       ///< a URL to open instead of an event
    bool visible = true;                      ///< false hides it
    bool interactive = true;                  ///< false disables it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::optional<int> scale{};               ///< its share of a row's width; nullopt = only as wide as its text
    std::optional<int> min_width{};           ///< pixels
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// A value kept on the server for each browser session (Gradio's `gr.State`); never shown and
/// never sent to the page. Each new session starts from `value`.
struct State {
    Value value{};                 ///< each new session's starting value
    std::string parameter_name{};  ///< the API's name for its value; "" = `parameter_<n>`
};

/// The chat display (Gradio's `gr.Chatbot`), for `ChatInterfaceOptions::chatbot`.
struct Chatbot {
    std::string label{};                      ///< "" shows the translated "Chatbot"
    std::optional<bool> show_label{};         ///< nullopt = shown
    bool container = true;                    ///< drawn in a padded box
    std::optional<int> scale{};               ///< its share of a row's width; nullopt = 1
    int min_width = 160;                      ///< pixels; the least width it takes in a row
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
    std::optional<int> height{};              ///< pixels; default 400
    bool resizable = false;                   ///< the user may drag its height
    std::optional<int> max_height{};          ///< pixels
    std::optional<int> min_height{};          ///< pixels
    std::string editable{};                   ///< "", "user" or "all" (ChatInterface sets "user" when editable)
    std::vector<LatexDelimiter> latex_delimiters{{"$$", "$$", true}};  ///< math rendered with KaTeX
    bool rtl = false;                         ///< right-to-left text
    std::optional<std::vector<std::string>> buttons{};  ///< "copy", "copy_all" (default both); "share" is not shown
    std::string watermark{};                  ///< appended to copied text
    std::pair<std::string, std::string> avatar_images{};  ///< {user, bot}: URL or local file; "" none
    bool sanitize_html = true;                ///< remove unsafe HTML from messages
    bool render_markdown = true;              ///< render messages as Markdown
    /// Shown when feedback is on: "Like" and "Dislike" as thumbs, any other option in a menu.
    std::vector<std::string> feedback_options = {"Like", "Dislike"};
    bool line_breaks = true;                  ///< a single newline breaks the line (with `render_markdown`)
    std::string layout = "bubble";            ///< "bubble" or "panel"
    std::string placeholder{};                ///< Markdown shown while the chat is empty
    bool allow_file_downloads = true;         ///< download buttons on files
    bool group_consecutive_messages = true;   ///< consecutive messages of one role share a bubble
    bool allow_tags = true;                   ///< passed to the page, which escapes custom tags either way
    bool like_user_message = false;           ///< feedback buttons on the user's messages too
    std::string parameter_name{};             ///< the API's name for its value; "" = `parameter_<n>`
};

/// A collapsible section (Gradio's `gr.Accordion`): a `gr::Blocks` layout, or
/// `ChatInterfaceOptions::additional_inputs_accordion`.
struct Accordion {
    std::string label{};                      ///< its title
    bool open = false;                        ///< open at first
    bool visible = true;                      ///< false hides it
    std::string elem_id{};                    ///< the HTML element's id
    std::vector<std::string> elem_classes{};  ///< extra HTML classes
};

/// Any one component. Converts from each component type, and from Gradio's string shortcuts
/// ("textbox", "text", "slider", "number", "checkbox", "dropdown", "radio", "markdown"), which
/// give the component with its defaults; an unknown shortcut throws `gr::ConfigError`.
class Component {
public:
    /// The component types it can hold.
    using Kind = std::variant<Textbox, Slider, Number, Checkbox, Dropdown, Radio, Markdown, HTML, Code, Button, Chatbot,
                              State>;

    /// Holds `c`.
    Component(Textbox c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Slider c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Number c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Checkbox c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Dropdown c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Radio c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Markdown c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(HTML c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Code c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Button c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(Chatbot c) : kind_(std::move(c)) {}
    /// Holds `c`.
    Component(State c) : kind_(std::move(c)) {}
    /// The component a shortcut such as "slider" names, with its defaults.
    Component(const char* shortcut) : Component(std::string_view(shortcut)) {}
    /// The component a shortcut such as "slider" names, with its defaults; an unknown one throws
    /// `gr::ConfigError`.
    Component(std::string_view shortcut);

    /// The component held.
    [[nodiscard]] const Kind& kind() const noexcept { return kind_; }
    /// The component held, to change it.
    [[nodiscard]] Kind& kind() noexcept { return kind_; }
    /// The wire type, such as "slider".
    [[nodiscard]] std::string type() const;
    /// The API parameter name given in the component ("" = the default).
    [[nodiscard]] const std::string& parameter_name() const;

private:
    Kind kind_;
};

}  // namespace gradio
