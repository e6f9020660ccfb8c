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
    std::string left{};
    std::string right{};
    bool display = false;
};

/// One choice of a Dropdown or Radio: the text shown and the value the function receives
/// (the text itself unless given).
struct Choice {
    std::string name{};
    Value value{};
    Choice(const char* text) : name(text), value(text) {}
    Choice(std::string text) : name(text), value(std::move(text)) {}
    Choice(std::string display, Value v) : name(std::move(display)), value(std::move(v)) {}
};

/// A text input or output (Gradio's `gr.Textbox`).
struct Textbox {
    std::optional<std::string> value{};
    std::string type = "text";                     ///< "text", "password" or "email"
    int lines = 1;
    std::optional<int> max_lines{};                 ///< default 20
    std::string placeholder{};                      ///< for the chat box: "" = "Type a message..."
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    bool autofocus = false;
    bool autoscroll = true;
    std::vector<std::string> elem_classes{};
    std::string text_align{};                       ///< "", "left" or "right"
    bool rtl = false;
    std::optional<int> max_length{};                ///< characters; also enforced by the server
    std::variant<bool, std::string> submit_btn = false;  ///< the chat box uses ChatInterface's
    std::variant<bool, std::string> stop_btn = false;
    std::string parameter_name{};
};

/// A number picked on a range (Gradio's `gr.Slider`).
struct Slider {
    double minimum = 0;
    double maximum = 100;
    std::optional<double> value{};                  ///< default: `minimum`
    std::optional<double> step{};                   ///< default: 10^(floor(log10(max-min)) - 2)
    std::optional<int> precision{};                 ///< decimals; 0 gives integers
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::string parameter_name{};
};

/// A numeric field (Gradio's `gr.Number`).
struct Number {
    std::optional<double> value{};
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::optional<int> precision{};
    std::optional<double> minimum{};
    std::optional<double> maximum{};
    double step = 1;
    std::string parameter_name{};
};

/// A yes/no box (Gradio's `gr.Checkbox`).
struct Checkbox {
    bool value = false;
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::string parameter_name{};
};

/// A choice from a list, or several with `multiselect` (Gradio's `gr.Dropdown`).
struct Dropdown {
    std::vector<Choice> choices{};
    std::optional<Value> value{};                   ///< default: the first choice (none if multiselect)
    std::string type = "value";                   ///< "value" or "index"
    bool multiselect = false;
    bool allow_custom_value = false;
    std::optional<int> max_choices{};
    bool filterable = true;
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::string parameter_name{};
};

/// One choice from a few, shown as radio buttons (Gradio's `gr.Radio`).
struct Radio {
    std::vector<Choice> choices{};
    std::optional<Value> value{};
    std::string type = "value";                   ///< "value" or "index"
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    bool rtl = false;
    std::string parameter_name{};
};

/// Markdown or HTML text (Gradio's `gr.Markdown`).
struct Markdown {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    bool rtl = false;
    std::vector<LatexDelimiter> latex_delimiters{{"$$", "$$", true}};
    bool sanitize_html = true;
    bool line_breaks = false;
    bool header_links = false;
    std::optional<int> height{};
    std::optional<int> max_height{};
    std::optional<int> min_height{};
    bool container = false;
    std::string parameter_name{};
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
    int lines = 1;
    std::optional<int> max_lines{};                  ///< default 20
    std::string placeholder{};                       ///< "" = "Type a message..."
    std::string label{};
    std::string info{};
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    std::optional<bool> interactive{};
    bool visible = true;
    std::string elem_id{};
    bool autofocus = false;
    bool autoscroll = true;
    std::vector<std::string> elem_classes{};
    std::string text_align{};
    bool rtl = false;
    std::variant<bool, std::string> submit_btn = true;
    std::variant<bool, std::string> stop_btn = false;
    /// Pasted text longer than this becomes a "pasted_text.txt" attachment.
    int max_plain_text_length = 1000;
};

/// An image in a reply (Gradio's `gr.Image`): `value` is a local file (copied into the app's
/// file cache before it is served) or an http(s) URL (passed to the browser, never fetched).
struct Image {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
    std::optional<int> height{};
    std::optional<int> width{};
    std::string alt_text{};  ///< read aloud by screen readers
};

/// An audio player in a reply (Gradio's `gr.Audio`); `value` as for `gr::Image`.
struct Audio {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
    bool autoplay = false;
};

/// A video player in a reply (Gradio's `gr.Video`); `value` as for `gr::Image`.
struct Video {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
    std::optional<int> height{};
    std::optional<int> width{};
    bool autoplay = false;
};

/// A file to download from a reply (Gradio's `gr.File`): shown as a pill with its name.
struct File {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
};

/// HTML in a reply or a Blocks page (Gradio's `gr.HTML`); sanitised in the page (in a reply,
/// unless the chatbot's `sanitize_html` is false).
struct HTML {
    std::string value{};
    std::string label{};
    std::optional<bool> show_label{};
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    bool padding = true;
    std::optional<int> min_height{};
    std::optional<int> max_height{};
    bool container = false;
    std::string parameter_name{};
};

/// Highlighted code in a reply or a Blocks page (Gradio's `gr.Code`), with copy and download
/// buttons. Returned from an event, the members set away from their defaults update the pane
/// (`gr::Code{.value = src, .language = "python"}`).
struct Code {
    std::string value{};
    std::string language{};  ///< e.g. "python", "javascript", "cpp"; "" = plain
    std::string label{};
    std::optional<bool> show_label{};
    int lines = 5;
    std::optional<int> max_lines{};
    std::optional<bool> interactive{};  ///< default: editable only when it is an event's input
    bool show_line_numbers = true;
    bool wrap_lines = false;
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::string parameter_name{};
};

/// A button (Gradio's `gr.Button`); its `.click` event runs a function.
struct Button {
    std::string value = "Run";
    std::string variant = "secondary";  ///< "primary", "secondary" or "stop"
    std::string size = "lg";            ///< "sm", "md" or "lg"
    std::string link{};                 ///< a URL to open instead of an event
    bool visible = true;
    bool interactive = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::optional<int> scale{};
    std::optional<int> min_width{};
    std::string parameter_name{};
};

/// A value kept on the server for each browser session (Gradio's `gr.State`); never shown and
/// never sent to the page. Each new session starts from `value`.
struct State {
    Value value{};
    std::string parameter_name{};
};

/// The chat display (Gradio's `gr.Chatbot`), for `ChatInterfaceOptions::chatbot`.
struct Chatbot {
    std::string label{};                 ///< "" shows the translated "Chatbot"
    std::optional<bool> show_label{};
    bool container = true;
    std::optional<int> scale{};
    int min_width = 160;
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
    std::optional<int> height{};         ///< pixels; default 400
    bool resizable = false;
    std::optional<int> max_height{};
    std::optional<int> min_height{};
    std::string editable{};              ///< "", "user" or "all" (ChatInterface sets "user" when editable)
    std::vector<LatexDelimiter> latex_delimiters{{"$$", "$$", true}};
    bool rtl = false;
    std::optional<std::vector<std::string>> buttons{};  ///< "copy", "copy_all", "share"; default all
    std::string watermark{};             ///< appended to copied text
    std::pair<std::string, std::string> avatar_images{};  ///< {user, bot}: URL or local file; "" none
    bool sanitize_html = true;
    bool render_markdown = true;
    std::vector<std::string> feedback_options = {"Like", "Dislike"};
    bool line_breaks = true;
    std::string layout = "bubble";     ///< "bubble" or "panel"
    std::string placeholder{};           ///< Markdown shown while the chat is empty
    bool allow_file_downloads = true;
    bool group_consecutive_messages = true;
    bool allow_tags = true;
    bool like_user_message = false;
    std::string parameter_name{};
};

/// A collapsible section (Gradio's `gr.Accordion`), e.g. for
/// `ChatInterfaceOptions::additional_inputs_accordion`.
struct Accordion {
    std::string label{};
    bool open = false;
    bool visible = true;
    std::string elem_id{};
    std::vector<std::string> elem_classes{};
};

/// Any one component. Converts from each component type, and from Gradio's string shortcuts
/// ("textbox", "text", "slider", "number", "checkbox", "dropdown", "radio", "markdown"), which
/// give the component with its defaults; an unknown shortcut throws `gr::ConfigError`.
class Component {
public:
    using Kind = std::variant<Textbox, Slider, Number, Checkbox, Dropdown, Radio, Markdown, HTML, Code, Button, Chatbot,
                              State>;

    Component(Textbox c) : kind_(std::move(c)) {}
    Component(Slider c) : kind_(std::move(c)) {}
    Component(Number c) : kind_(std::move(c)) {}
    Component(Checkbox c) : kind_(std::move(c)) {}
    Component(Dropdown c) : kind_(std::move(c)) {}
    Component(Radio c) : kind_(std::move(c)) {}
    Component(Markdown c) : kind_(std::move(c)) {}
    Component(HTML c) : kind_(std::move(c)) {}
    Component(Code c) : kind_(std::move(c)) {}
    Component(Button c) : kind_(std::move(c)) {}
    Component(Chatbot c) : kind_(std::move(c)) {}
    Component(State c) : kind_(std::move(c)) {}
    Component(const char* shortcut) : Component(std::string_view(shortcut)) {}
    Component(std::string_view shortcut);

    [[nodiscard]] const Kind& kind() const noexcept { return kind_; }
    [[nodiscard]] Kind& kind() noexcept { return kind_; }
    /// The wire type, e.g. "slider".
    [[nodiscard]] std::string type() const;
    /// The API parameter name given in the component ("" = the default).
    [[nodiscard]] const std::string& parameter_name() const;

private:
    Kind kind_;
};

}  // namespace gradio
