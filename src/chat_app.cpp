#include "chat_app.hpp"

#include <cstdlib>
#include <set>

#include <gradio/error.hpp>

#include "components/components.hpp"
#include "files/file_cache.hpp"
#include "files/mime_types.hpp"
#include "examples/example_cache.hpp"
#include "flagging/csv_log.hpp"
#include "log/log.hpp"
#include "protocol/json_codec.hpp"
#include "queue/ids.hpp"
#include "queue/session.hpp"
#include "server_impl.hpp"

namespace gradio::detail {

// Component ids of the page, named.
struct ChatApp::Ids {
    int saved_conversations = 0, conversation_id = 0, saved_input = 0, null_component = 0;
    int chatbot = 0, textbox = 0, fake_api = 0, api_response = 0, chatbot_state = 0, chatbot_value = 0;
    std::vector<int> extras;          // additional inputs
    std::vector<int> outputs;         // additional outputs (components of the surrounding Blocks)
    int submit = 0;                   // the chain's chat run, whose handler example clicks reuse
    std::string concurrency_id;       // fn's runs share one limit; each interface of a page its own
    std::optional<int> examples_table;  // dataset of examples with input values
    std::optional<int> new_chat, history_list;  // save_history sidebar
};

namespace {


json::value translated(const char* key) {
    return json::string("__i18n__{\"__type__\": \"translation_metadata\", \"key\": \"" + std::string(key) + "\"}");
}

// The chatbot's value copied into chatbot_state and chatbot_value, after every step that
// changes it (Gradio's `lambda` steps). Both share the one value, and when it is what the last
// chat turn sent (its history with the new messages appended), chatbot_state records that, so
// the next turn converts only the new messages.
Handler sync_states(int chatbot) {
    return call_handler([chatbot](Inputs& in, EventContext& ctx) {
        SharedJson value = in.shared(0);
        const json::value* extends = nullptr;
        if (ctx.session)
            if (auto sent = std::static_pointer_cast<SentWhole>(ctx.session->take_derived(chatbot)))
                extends = sent->prefix_if_same(*value);
        ctx.shared_outputs = {SharedOutput{value, extends}, SharedOutput{value, nullptr}};
        return json::array{nullptr, nullptr};
    });
}

// The textbox updates that swap submit for stop while a reply runs, and back.
struct ButtonSwaps {
    json::value to_stop;
    json::value to_submit;
};
ButtonSwaps button_swaps(const ChatInterfaceOptions& o) {
    const bool has_stop = !(std::holds_alternative<bool>(o.stop_btn) && !std::get<bool>(o.stop_btn));
    return {has_stop ? update({{"submit_btn", false}, {"stop_btn", button_json(o.stop_btn)}}) : update({}),
            update({{"submit_btn", button_json(o.submit_btn)}, {"stop_btn", false}})};
}

json::value any_json_info(const char* description) {
    return json::object{{"type", json::object{}}, {"description", description}};
}


// The text of a message value: a string, or the "text" of a {"text","files"} object
// (multimodal messages and example cards).
std::optional<std::string> message_text(const json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_object())
        if (const auto* text = v.get_object().if_contains("text"); text && text->is_string())
            return std::string(text->get_string());
    return std::nullopt;
}

// What a multimodal message may carry: `file_types` (empty: anything).
struct FileRules {
    std::vector<std::string> file_types;
};

// The message typed by the user, as the chat fn receives it: its text and, for a multimodal
// {"text","files"} value, the files, each checked to be an upload in this server's cache (with
// `ctx`; without, as given) and of an accepted type. Content: the files, then the text.
Message incoming_message(const json::value& v, const EventContext* ctx = nullptr, const FileRules* rules = nullptr) {
    auto text = message_text(v);
    if (!text) throw InputError("The message must be a string.");
    Message m;
    m.text = std::move(*text);
    if (v.is_object())
        if (const auto* files = v.get_object().if_contains("files"); files && files->is_array())
            for (const auto& f : files->get_array()) {
                FileData file;
                try {
                    file = file_from_json(f);
                } catch (const std::invalid_argument& e) {
                    throw InputError(std::string("Invalid file in the message: ") + e.what());
                }
                if (ctx && ctx->files) {
                    try {
                        file = ctx->files->check_input(file, ctx->file_url_prefix);
                    } catch (const Error& e) {
                        throw InputError(e.what());
                    }
                }
                if (rules && !rules->file_types.empty()) {
                    const std::string name = file.orig_name.empty() ? file.path : file.orig_name;
                    bool ok = false;
                    for (const auto& type : rules->file_types) ok = ok || files::matches_file_type(name, file.mime_type, type);
                    if (!ok) {
                        std::string accepted;
                        for (const auto& type : rules->file_types) accepted += (accepted.empty() ? "" : ", ") + type;
                        throw InputError("Invalid file type: \"" + name + "\". Accepted formats: " + accepted + ".");
                    }
                }
                m.files.push_back(std::move(file));
            }
    for (const auto& f : m.files) m.content.push_back(ContentPart{ContentPart::Type::file, {}, f, {}, {}, {}});
    if (!m.text.empty() || m.files.empty()) m.content.push_back(ContentPart{ContentPart::Type::text, m.text, {}, {}, {}, {}});
    return m;
}

History history_of(const json::value& v) {
    try {
        return history_from_json(v);
    } catch (const std::invalid_argument& e) {
        throw InputError(std::string("Invalid chat history: ") + e.what());
    }
}

// The chat history converted for fn, kept with the session between turns: the same State is
// not converted again, one made by appending to it (a turn's end) only for what was appended,
// and a fn taking `const gr::History&` reads it without a copy.
struct HistoryMemo {
    // What it was converted from. Not kept alive (that would hold a second conversation in
    // memory): the address is compared only with what a State that is alive was made from.
    std::weak_ptr<const json::value> source;
    const json::value* source_address = nullptr;
    std::size_t source_size = 0;
    std::shared_ptr<History> history;
    // The source's messages as compact JSON (append_items_text's form), once a page's turn
    // needed it; null until then.
    std::shared_ptr<std::string> text;
};

std::size_t history_bytes(const History& h) {
    std::size_t bytes = h.capacity() * sizeof(Message);
    for (const auto& m : h) {
        bytes += m.text.capacity() + m.content.capacity() * sizeof(ContentPart);
        for (const auto& part : m.content) bytes += part.text.capacity() + part.component_json.capacity();
    }
    return bytes;
}

struct ConvertedHistory {
    std::shared_ptr<const History> history;
    std::shared_ptr<const std::string> text;  // only when asked for
};

ConvertedHistory converted_history(EventContext& ctx, int state_id, const SharedJson& source, bool with_text) {
    if (!source->is_array()) return {std::make_shared<const History>(), nullptr};
    if (!ctx.session) return {std::make_shared<const History>(history_of(*source)), nullptr};
    const json::array& now = source->get_array();
    auto memo = std::static_pointer_cast<HistoryMemo>(ctx.session->take_derived(state_id));
    std::shared_ptr<History> history;
    std::shared_ptr<std::string> text;
    // Extended in place when nothing else (a fn still running, a reader still sending)
    // holds it; copied otherwise.
    auto own = [](auto& kept) {
        using T = typename std::remove_reference_t<decltype(kept)>::element_type;
        return kept.use_count() == 1 ? std::move(kept) : std::make_shared<T>(*kept);
    };
    if (memo && memo->source.lock() == source) {
        history = std::move(memo->history);  // the same State as last turn
        text = std::move(memo->text);
    } else if (memo && memo->source_size <= now.size() &&
               ctx.session->extends(state_id, source.get()) == memo->source_address) {
        // This State was made by appending to the last one (a chat turn's end, or the page's
        // copy of what that turn sent): only the messages after it are new. (Comparing values
        // instead would cost more than converting.)
        const std::size_t known = memo->source_size;
        history = own(memo->history);  // grows geometrically: no reserve, which would move every message each turn
        try {
            for (std::size_t i = known; i < now.size(); ++i) history->push_back(message_from_json(now[i]));
        } catch (const std::invalid_argument& e) {
            throw InputError(std::string("Invalid chat history: ") + e.what());
        }
        if (memo->text) {
            text = own(memo->text);
            append_items_text(*text, now, known);
        }
    } else {
        history = std::make_shared<History>(history_of(*source));
    }
    if (with_text && !text) {
        text = std::make_shared<std::string>();
        append_items_text(*text, now, 0);
    }
    const std::size_t bytes = history_bytes(*history) + (text ? text->capacity() : 0);
    (void)ctx.session->put_derived(state_id, std::make_shared<HistoryMemo>(HistoryMemo{source, source.get(), now.size(), history, text}),
                                   bytes);
    return {history, text};
}

// A copy of the list in `v` (an empty list for anything else), in the default storage: a
// State's value may live in an arena of its own, which a copy must not keep alive.
json::array as_array(const json::value& v) { return v.is_array() ? json::array(v.get_array(), json::storage_ptr()) : json::array{}; }

bool has_role(const json::value& m, std::string_view role) {
    if (!m.is_object()) return false;
    const auto* r = m.get_object().if_contains("role");
    return r && r->is_string() && r->get_string() == role;
}

// Removes the last user turn: trailing assistant messages, then the user messages before
// them (features.md Appendix 3). Returns the removed message as the box takes it: its text,
// or with `multimodal` {"text", "files"} (so that retry and undo keep the files).
json::value pop_last_turn(json::array& history, bool multimodal) {
    while (!history.empty() && history.back().is_object() && !has_role(history.back(), "user")) history.pop_back();
    std::string text;
    json::array files;
    while (!history.empty() && has_role(history.back(), "user")) {
        Message m = message_from_json(history.back());
        text = text.empty() ? m.text : m.text + "\n" + text;
        json::array these;
        for (const auto& f : m.files) these.push_back(file_to_json(f));
        for (auto& f : files) these.push_back(std::move(f));
        files = std::move(these);
        history.pop_back();
    }
    if (!multimodal) return json::string(text);
    return json::object{{"text", text}, {"files", std::move(files)}};
}

// Where the files of a reply go: copied into the server's cache, served under `url_prefix`.
struct MediaContext {
    files::FileCache* files = nullptr;
    std::string url_prefix;
    static MediaContext of(const EventContext& ctx) { return {ctx.files, ctx.file_url_prefix}; }
};

FileData output_file(const std::string& path, const MediaContext& media, std::string_view orig_name = {}) {
    if (path.empty()) throw Error("A file in the reply has no path.");
    if (!media.files) throw Error("Files in replies need a running server (no file cache here).");
    return media.files->store_output(path, media.url_prefix, orig_name);
}

void put_if(json::object& o, const char* key, const std::string& v) {
    if (!v.empty()) o[key] = v;
}
void put_if(json::object& o, const char* key, const std::optional<int>& v) {
    if (v) o[key] = *v;
}
void put_if(json::object& o, const char* key, const std::optional<bool>& v) {
    if (v) o[key] = *v;
}

json::object component_part(const char* name, json::value value, json::object args) {
    return json::object{{"component", name}, {"value", std::move(value)}, {"constructor_args", args}, {"props", args},
                        {"type", "component"}};
}

// One file or component of a reply as a chatbot content part (protocol.md §13.4).
json::object media_part(const ReplyItem& item, const MediaContext& media) {
    return std::visit(
        [&media](const auto& c) -> json::object {
            using T = std::decay_t<decltype(c)>;
            json::object args;
            if constexpr (std::is_same_v<T, FileMessage>) {
                return json::object{{"file", file_to_json(output_file(c.path, media))},
                                    {"alt_text", c.alt_text.empty() ? json::value(nullptr) : json::value(c.alt_text)},
                                    {"type", "file"}};
            } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, ChatMessage>) {
                return json::object{};  // not media: handled by the callers
            } else {
                put_if(args, "label", c.label);
                put_if(args, "show_label", c.show_label);
                if constexpr (std::is_same_v<T, Image>) {
                    put_if(args, "height", c.height);
                    put_if(args, "width", c.width);
                    json::object part = component_part("image", file_to_json(output_file(c.value, media)), std::move(args));
                    part["alt_text"] = c.alt_text.empty() ? json::value(nullptr) : json::value(c.alt_text);
                    return part;
                } else if constexpr (std::is_same_v<T, Audio>) {
                    args["autoplay"] = c.autoplay;
                    return component_part("audio", file_to_json(output_file(c.value, media)), std::move(args));
                } else if constexpr (std::is_same_v<T, Video>) {
                    put_if(args, "height", c.height);
                    put_if(args, "width", c.width);
                    args["autoplay"] = c.autoplay;
                    return component_part("video", file_to_json(output_file(c.value, media)), std::move(args));
                } else if constexpr (std::is_same_v<T, File>) {
                    return component_part("file", file_to_json(output_file(c.value, media)), std::move(args));
                } else if constexpr (std::is_same_v<T, HTML>) {
                    return component_part("html", json::string(c.value), std::move(args));
                } else if constexpr (std::is_same_v<T, Code>) {
                    put_if(args, "language", c.language);
                    return component_part("code", json::string(c.value), std::move(args));
                } else {
                    static_assert(std::is_same_v<T, Markdown>);
                    return component_part("markdown", json::string(c.value), std::move(args));
                }
            }
        },
        item);
}

json::object media_message(const ReplyItem& item, const MediaContext& media) {
    return json::object{{"role", "assistant"}, {"metadata", nullptr}, {"content", json::array{media_part(item, media)}},
                        {"options", nullptr}};
}

void append_item(json::array& chat, const ReplyItem& item, const MediaContext& media) {
    if (const auto* text = std::get_if<std::string>(&item)) chat.push_back(text_message("assistant", *text));
    else if (const auto* message = std::get_if<ChatMessage>(&item)) chat.push_back(chat_message_to_json(*message));
    else chat.push_back(media_message(item, media));
}

// The reply as the chatbot shows it: assistant messages appended to `chat`; a file or
// component is a message of its own, as in Gradio.
void append_reply(json::array& chat, const Reply& reply, const MediaContext& media) {
    std::visit(
        [&chat, &media](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, std::string>) chat.push_back(text_message("assistant", r));
            else if constexpr (std::is_same_v<T, ChatMessage>) chat.push_back(chat_message_to_json(r));
            else if constexpr (std::is_same_v<T, ReplyItem>) append_item(chat, r, media);
            else if constexpr (std::is_same_v<T, Reply::Items>)
                for (const auto& item : r) append_item(chat, item, media);
            else
                for (const auto& m : r) chat.push_back(chat_message_to_json(m));
        },
        reply.value());
}

// A file or component as the API returns it: a file as its FileData (the Python client
// downloads it), a FileMessage as {"file", "alt_text"}, text components as their content part.
// (Gradio answers File components with their Python repr, a bug.)
json::value api_item(const ReplyItem& item, const MediaContext& media) {
    if (const auto* text = std::get_if<std::string>(&item)) return json::string(*text);
    if (const auto* message = std::get_if<ChatMessage>(&item)) return chat_message_to_api_json(*message);
    json::object part = media_part(item, media);
    if (part.contains("file")) {
        part.erase("type");
        return part;
    }
    const std::string_view kind = part.at("component").get_string();
    if (kind == "html" || kind == "code" || kind == "markdown") {
        part.erase("type");
        return part;
    }
    return part.at("value");
}

// The reply as the API returns it, like Gradio: text as text, a ChatMessage as its dict, a
// list as a list.
json::value api_reply(const Reply& reply, const MediaContext& media) {
    return std::visit(
        [&media](const auto& r) -> json::value {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, std::string>) return json::string(r);
            else if constexpr (std::is_same_v<T, ChatMessage>) return chat_message_to_api_json(r);
            else if constexpr (std::is_same_v<T, ReplyItem>) return api_item(r, media);
            else if constexpr (std::is_same_v<T, Reply::Items>) {
                json::array out;
                for (const auto& item : r) out.push_back(api_item(item, media));
                return out;
            } else {
                json::array out;
                for (const auto& m : r) out.push_back(chat_message_to_api_json(m));
                return out;
            }
        },
        reply.value());
}

// A saved conversation's title (features.md A9.3): the first user text cut to 40
// characters, a paperclip per file before it, "Conversation" without text.
std::string conversation_title(const json::array& conversation) {
    std::string clips;
    for (const auto& m : conversation) {
        if (!has_role(m, "user")) continue;
        Message message;
        try {
            message = message_from_json(m);
        } catch (const std::invalid_argument&) {
            continue;
        }
        if (message.text.empty()) {
            for (std::size_t i = 0; i < message.files.size(); ++i) clips += "\xF0\x9F\x93\x8E ";
            continue;
        }
        std::string text = message.text;
        std::size_t cut = 0, count = 0;
        while (cut < text.size() && count < 40) {
            const auto c = static_cast<unsigned char>(text[cut]);
            cut += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            ++count;
        }
        if (cut < text.size()) text = text.substr(0, cut) + "\xE2\x80\xA6";
        return clips + text;
    }
    return clips + "Conversation";
}

// The stream of a chat turn. Output 1 is the conversation: the history and the user's message
// (its base, fixed for the turn) followed by the reply so far (its tail); output 0 is what
// `first` makes of the reply. Each step costs O(reply), whatever the history's length.
class ChatTurnStream final : public OutputStream {
public:
    using First = std::function<json::value(const Reply&, const MediaContext&)>;
    ChatTurnStream(std::unique_ptr<ReplyStream> stream, First first, std::unique_ptr<const StreamBase> conversation, MediaContext media)
        : stream_(std::move(stream)), first_(std::move(first)), bases_(std::make_shared<StreamBases>()), media_(std::move(media)) {
        bases_->base.resize(2);
        bases_->base[1] = std::move(conversation);
    }
    std::optional<json::array> next() override {
        if (!stream_->next()) return std::nullopt;
        ChatResult result = stream_->value();
        json::array tail;
        append_reply(tail, result.reply, media_);
        json::array out{first_(result.reply, media_), std::move(tail)};
        for (const auto& o : result.outputs) out.push_back(output_json(o));  // additional outputs, whole
        return out;
    }
    [[nodiscard]] std::shared_ptr<const StreamBases> bases() const override { return bases_; }

private:
    std::unique_ptr<ReplyStream> stream_;
    First first_;
    std::shared_ptr<StreamBases> bases_;
    MediaContext media_;
};

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}


bool is_url(const std::string& s) {
    return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("data:");
}

}  // namespace

ChatApp::ChatApp(ChatFunction fn, ChatInterfaceOptions options)
    : options_(std::move(options)), runtime_(std::make_shared<ChatRuntime>()) {
    runtime_->fn = std::move(fn);
    // Environment defaults, as Gradio reads them (features.md A2 #13, #14, #17).
    auto& o = options_;
    if (!o.flagging_mode) {
        const std::string env = env_or("GRADIO_CHAT_FLAGGING_MODE", "never");
        o.flagging_mode = env;
    }
    if (!o.cache_examples) {
        const std::string env = lower(env_or("GRADIO_CACHE_EXAMPLES", "false"));
        cache_examples_ = env == "true" || env == "lazy";
        if (env == "lazy" && !o.cache_mode) o.cache_mode = "lazy";
    } else {
        cache_examples_ = *o.cache_examples;
    }
    if (!o.cache_mode) {
        const std::string env = lower(env_or("GRADIO_CACHE_MODE", "eager"));
        if (env != "eager" && env != "lazy")
            log::warn("GRADIO_CACHE_MODE is neither \"eager\" nor \"lazy\"; using eager", {{"value", env}});
        o.cache_mode = env == "lazy" ? "lazy" : "eager";
    }
    if (o.examples.empty()) cache_examples_ = false;
    validate();
    flagging_ = *o.flagging_mode == "manual";
    runtime_->flagging_dir = o.flagging_dir;
    if (cache_examples_) {
        // The key covers what changes an example's reply: the examples, the inputs and the
        // endpoint; another fn under the same settings is the developer's to reset.
        std::string fingerprint = o.api_name;
        for (const auto& e : o.examples) {
            fingerprint += '\x1f' + to_json(to_json_value(e.message));
            for (const auto& v : e.extras) fingerprint += '\x1e' + to_json(to_json_value(v));
        }
        for (const auto& input : o.additional_inputs) fingerprint += '\x1d' + to_json(component_model(input, 0).props);
        const std::filesystem::path root = env_or("GRADIO_EXAMPLES_CACHE", ".gradio/cached_examples");
        runtime_->cache = std::make_shared<ExampleCache>(root / ExampleCache::key_for(fingerprint));
    }
    standalone_ = !(o.chatbot && std::holds_alternative<ComponentRef>(*o.chatbot)) && o.additional_outputs.empty();
    if (standalone_) {
        app_.mode = "chat_interface";
        app_.title = o.title.empty() ? "Gradio" : o.title;
        app_.fill_height = o.fill_height;
        app_.fill_width = o.fill_width;
        app_.delete_cache = o.delete_cache;
        AppBuilder b(app_);
        build(b, {});
    }
}

ChatPlacement ChatApp::build_into(App& app, const ChatEmbedding& where) {
    AppBuilder b(app);
    return build(b, where);
}

ChatApp::~ChatApp() = default;

void ChatApp::validate() const {
    const auto& o = options_;
    const ChatFunction& fn = runtime_->fn;
    if (o.api_visibility != "public" && o.api_visibility != "private" && o.api_visibility != "undocumented")
        throw ConfigError("[gr.config.1] api_visibility must be \"public\", \"private\" or \"undocumented\", got \"" +
                          o.api_visibility + "\"");
    if (o.show_progress != "full" && o.show_progress != "minimal" && o.show_progress != "hidden")
        throw ConfigError("[gr.config.2] show_progress must be \"full\", \"minimal\" or \"hidden\", got \"" +
                          o.show_progress + "\"");
    if (!o.example_labels.empty() && o.example_labels.size() != o.examples.size())
        throw ConfigError("[gr.config.3] example_labels has " + std::to_string(o.example_labels.size()) +
                          " labels but there are " + std::to_string(o.examples.size()) + " examples");
    if (!o.example_icons.empty() && o.example_icons.size() != o.examples.size())
        throw ConfigError("[gr.config.4] example_icons has " + std::to_string(o.example_icons.size()) +
                          " icons but there are " + std::to_string(o.examples.size()) + " examples");
    if (o.concurrency_limit && *o.concurrency_limit < 1 && *o.concurrency_limit != default_concurrency)
        throw ConfigError("[gr.config.5] concurrency_limit must be at least 1, std::nullopt (no limit) or "
                          "gr::default_concurrency, got " + std::to_string(*o.concurrency_limit));
    if (*o.flagging_mode != "never" && *o.flagging_mode != "manual")
        throw ConfigError("[gr.config.6] flagging_mode must be \"never\" or \"manual\", got \"" + *o.flagging_mode + "\"");
    if (*o.cache_mode != "eager" && *o.cache_mode != "lazy")
        throw ConfigError("[gr.config.7] cache_mode must be \"eager\" or \"lazy\", got \"" + *o.cache_mode + "\"");
    if (!fn.reply && !fn.stream) throw ConfigError("[gr.config.8] ChatInterface needs a chat function");
    if (!o.api_name.empty() && o.api_name.find_first_of("/ ?#") != std::string::npos)
        throw ConfigError("[gr.config.9] api_name may not contain '/', ' ', '?' or '#', got \"" + o.api_name + "\"");
    // The signature against the components (gr.config.10/11 are component errors).
    if (fn.extra_kinds.size() != o.additional_inputs.size())
        throw ConfigError("[gr.config.12] fn takes " + std::to_string(fn.extra_kinds.size()) +
                          " parameter(s) after the history but additional_inputs has " +
                          std::to_string(o.additional_inputs.size()) + " component(s)");
    std::set<std::string> names{"message"};
    for (std::size_t i = 0; i < o.additional_inputs.size(); ++i) {
        const Component model = component_model(o.additional_inputs[i], i);
        const ValueKind wanted = fn.extra_kinds[i];
        const bool fits = wanted == ValueKind::any || model.kind == ValueKind::any || model.kind == wanted;
        if (!fits)
            throw ConfigError("[gr.config.13] additional_inputs[" + std::to_string(i) + "] is a " + model.type + " giving " +
                              kind_name(model.kind) + ", but fn's parameter " + std::to_string(i + 3) + " takes " +
                              kind_name(wanted));
        const std::string& name = o.additional_inputs[i].parameter_name();
        if (name.empty()) continue;
        const bool identifier = (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                                name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                                    std::string::npos;
        if (!identifier || !names.insert(name).second)
            throw ConfigError("[gr.config.14] parameter_name \"" + name + "\" of additional_inputs[" + std::to_string(i) +
                              "] must be a unique identifier other than \"message\"");
    }
    for (std::size_t i = 0; i < o.examples.size(); ++i) {
        const auto& e = o.examples[i];
        if (!message_text(to_json_value(e.message)))
            throw ConfigError("[gr.config.15] examples[" + std::to_string(i) + "] must start with the message text");
        if (e.extras.size() > o.additional_inputs.size())
            throw ConfigError("[gr.config.15] examples[" + std::to_string(i) + "] has " + std::to_string(e.extras.size()) +
                              " input value(s) but additional_inputs has " + std::to_string(o.additional_inputs.size()));
    }
    if (*o.flagging_mode == "manual" && o.flagging_options.empty())
        throw ConfigError("[gr.config.16] flagging_options may not be empty with flagging_mode \"manual\"");
    if (o.delete_cache && (o.delete_cache->first <= 0 || o.delete_cache->second < 0))
        throw ConfigError("[gr.config.17] delete_cache needs a frequency above 0 and an age of at least 0 seconds");
    if (o.textbox && o.multimodal != std::holds_alternative<MultimodalTextbox>(*o.textbox))
        throw ConfigError(o.multimodal ? "[gr.config.23] with multimodal = true, textbox must be a gr::MultimodalTextbox"
                                       : "[gr.config.23] a gr::MultimodalTextbox needs multimodal = true");
    if (o.textbox && std::holds_alternative<Textbox>(*o.textbox) && std::get<Textbox>(*o.textbox).max_length &&
        *std::get<Textbox>(*o.textbox).max_length < 1)
        throw ConfigError("[gr.config.18] textbox max_length must be at least 1");
    if (const Chatbot* c = o.chatbot ? std::get_if<Chatbot>(&*o.chatbot) : nullptr; c && c->layout != "bubble" && c->layout != "panel")
        throw ConfigError("[gr.config.19] chatbot layout must be \"bubble\" or \"panel\", got \"" + c->layout + "\"");
    if (fn.additional_outputs != o.additional_outputs.size())
        throw ConfigError("[gr.config.25] fn returns " + std::to_string(fn.additional_outputs) +
                          " value(s) after the reply but additional_outputs has " + std::to_string(o.additional_outputs.size()) +
                          " component(s); return a std::tuple of the reply and one value per output");
}

std::shared_ptr<const App> ChatApp::app_for(const LaunchOptions& launch) const {
    if (!standalone_)
        throw ConfigError("[gr.config.26] this ChatInterface names components of a gr::Blocks (chatbot = a rendered "
                          "gr::Chatbot, or additional_outputs): render it in that Blocks and launch the Blocks");
    return app_for_launch(app_, launch);
}

std::vector<std::string> ChatApp::inert_options() const {
    const auto& o = options_;
    std::vector<std::string> out;
    const Chatbot* chatbot = o.chatbot ? std::get_if<Chatbot>(&*o.chatbot) : nullptr;
    if (chatbot && chatbot->buttons && std::find(chatbot->buttons->begin(), chatbot->buttons->end(), "share") != chatbot->buttons->end())
        out.push_back("chatbot buttons \"share\" is not shown: it posts to Hugging Face Spaces, which a self-hosted server does not do");
    if (o.analytics_enabled.value_or(false))
        out.push_back("analytics_enabled=true is ignored: gradio.cpp sends no telemetry");
    return out;
}

std::string ChatApp::file_url(const std::string& where) {
    if (where.empty() || is_url(where)) return where;
    std::error_code ec;
    auto path = std::filesystem::weakly_canonical(std::filesystem::absolute(where, ec), ec);
    if (ec || !std::filesystem::is_regular_file(path, ec))
        throw ConfigError("[gr.config.20] \"" + where + "\" is neither an http(s) URL nor a readable file");
    target_->served_files.push_back(path.string());
    return "gradio_api/file=" + path.string();
}

ChatPlacement ChatApp::build(AppBuilder& b, const ChatEmbedding& where) {
    target_ = &b.app();
    target_->dependencies.reserve(target_->dependencies.size() + 64);
    Ids ids;
    ids.outputs = where.outputs;
    build_layout(b, ids, where);
    ids.concurrency_id = "chat_fn:" + std::to_string(ids.chatbot);
    build_chat_events(b, ids);
    target_ = nullptr;
    return {ids.chatbot, ids.textbox, ids.chatbot_value, ids.extras};
}

void ChatApp::build_layout(AppBuilder& b, Ids& ids, const ChatEmbedding& where) {
    const auto& o = options_;
    Component saved;
    saved.type = "browserstate";
    // The key stays the same across restarts, so saved conversations stay readable (Gradio
    // encrypts them with a per-process secret and loses them on restart).
    saved.props = {{"default_value", json::array{}}, {"storage_key", "_saved_conversations_0"},
                   {"secret", random_hex(16)}, {"name", "browserstate"}, {"_selectable", false}};
    saved.skip_api = false;
    saved.api_info = any_json_info("any json-serializable value");
    saved.example_input = "test";
    saved.initial = json::array{};
    ids.saved_conversations = b.add(std::move(saved), where.parent);
    ids.conversation_id = b.add_state(nullptr, where.parent);
    ids.saved_input = b.add_state(nullptr, where.parent);
    ids.null_component = b.add_state(nullptr, where.parent);
    const json::object column_props{{"scale", 1}, {"min_width", 320}, {"variant", "default"}, {"visible", true},
                                    {"elem_classes", json::array{}}, {"show_progress", false},
                                    {"preserved_by_key", json::array{}}};
    int chat_column = b.add_layout("column", column_props, where.parent);
    if (o.save_history) {
        // A row of the conversation list (scale 1) and the chat (scale 6); it wraps on phones.
        const int row = b.add_layout("row", {{"variant", "default"}, {"visible", true}, {"elem_classes", json::array{}},
                                             {"scale", 1}, {"equal_height", false}, {"show_progress", false},
                                             {"preserved_by_key", json::array{}}},
                                     chat_column);
        json::object side = column_props;
        side["min_width"] = 100;
        const int sidebar = b.add_layout("column", side, row);
        Component new_chat;
        new_chat.type = "button";
        new_chat.props = {{"value", translated("chat_interface.new_chat")}, {"variant", "primary"}, {"size", "md"},
                          {"link_target", "_self"}, {"visible", true}, {"interactive", true},
                          {"elem_classes", json::array{}}, {"preserved_by_key", json::array{"value"}},
                          {"name", "button"}, {"_selectable", false}};
        ids.new_chat = b.add(std::move(new_chat), sidebar);
        const int form = b.add_layout("form", {{"scale", 0}, {"min_width", 0}, {"preserved_by_key", json::array{}}}, sidebar);
        Component hidden = textbox_model(Textbox{.visible = false});
        hidden.props["name"] = "textbox";
        hidden.props["_selectable"] = false;
        hidden.skip_api = false;
        const int title_box = b.add(std::move(hidden), form);
        Component list;
        list.type = "dataset";
        list.props = {{"show_label", false}, {"component_props", json::array{json::object{{"type", "text"}, {"visible", false}}}},
                      {"samples", json::array{json::array{}}}, {"headers", json::array{}}, {"type", "index"},
                      {"layout", "table"}, {"samples_per_page", 10}, {"visible", true}, {"elem_classes", json::array{}},
                      {"preserved_by_key", json::array{"value"}}, {"container", true}, {"min_width", 160},
                      {"name", "dataset"}, {"_selectable", false},
                      {"components", json::array{json::object{{"name", "textbox"}}}}, {"component_ids", json::array{title_box}}};
        list.skip_api = false;
        list.api_info = json::object{{"type", "integer"}, {"description", "index of selected example"}};
        list.example_input = 0;
        list.preprocess = [](const json::value& v) -> json::value {
            if (!v.is_int64() && !v.is_uint64()) throw InputError("Pick a conversation by its index.");
            return v;
        };
        ids.history_list = b.add(std::move(list), sidebar);
        json::object main = column_props;
        main["scale"] = 6;
        chat_column = b.add_layout("column", main, row);
    }
    if (!o.title.empty()) {
        Component t = markdown_model(Markdown{.value = "<h1 style='text-align: center; margin-bottom: 1rem'>" + o.title + "</h1>"});
        t.props["name"] = "markdown";
        t.props["_selectable"] = false;
        t.skip_api = false;
        b.add(std::move(t), chat_column);
    }
    if (!o.description.empty()) {
        Component d = markdown_model(Markdown{.value = o.description});
        d.props["name"] = "markdown";
        d.props["_selectable"] = false;
        d.skip_api = false;
        b.add(std::move(d), chat_column);
    }

    // The chatbot: the user's settings plus ChatInterface's own props.
    const bool table_examples = !o.additional_inputs.empty() &&
                                std::any_of(o.examples.begin(), o.examples.end(), [](const Example& e) {
                                    return std::any_of(e.extras.begin(), e.extras.end(), [](const Value& v) { return !v.is_null(); });
                                });
    Chatbot chatbot_options = where.chatbot_settings.value_or(Chatbot{});
    if (const Chatbot* own = o.chatbot ? std::get_if<Chatbot>(&*o.chatbot) : nullptr) chatbot_options = *own;
    if (o.editable && chatbot_options.editable.empty()) chatbot_options.editable = "user";
    if (flagging_) chatbot_options.feedback_options = o.flagging_options;
    const std::string user_avatar = file_url(chatbot_options.avatar_images.first);
    const std::string bot_avatar = file_url(chatbot_options.avatar_images.second);
    chatbot_options.avatar_images = {user_avatar, bot_avatar};
    Component chatbot = chatbot_model(chatbot_options);
    json::object props{{"_undoable", true}, {"_retryable", true}, {"likeable", flagging_}, {"value", json::array{}}};
    for (auto& kv : chatbot.props) props[kv.key()] = kv.value();
    props["autoscroll"] = o.autoscroll;
    json::array cards;
    if (!table_examples) {
        for (std::size_t i = 0; i < o.examples.size(); ++i) {
            const json::value message = to_json_value(o.examples[i].message);
            json::array files;
            if (const json::value* list = message.is_object() ? message.get_object().if_contains("files") : nullptr; list && list->is_array())
                for (const auto& f : list->get_array()) {
                    if (!f.is_string()) throw ConfigError("[gr.config.24] an example's \"files\" must be a list of paths");
                    FileData file;
                    file.path = std::string(f.get_string());
                    file.url = file_url(file.path);
                    file.orig_name = std::filesystem::path(file.path).filename().string();
                    file.mime_type = std::string(files::mime_type_of(file.orig_name));
                    files.push_back(file_to_json(file));
                }
            json::object e{{"text", message_text(message).value_or("")}, {"files", std::move(files)}};
            if (i < o.example_labels.size()) e["display_text"] = o.example_labels[i];
            if (i < o.example_icons.size()) {
                const std::string url = file_url(o.example_icons[i]);
                e["icon"] = json::object{{"path", o.example_icons[i]}, {"url", url}};
            }
            cards.push_back(std::move(e));
        }
    }
    props["examples"] = std::move(cards);
    props["name"] = "chatbot";
    props["_selectable"] = false;
    chatbot.props = std::move(props);
    chatbot.skip_api = false;
    if (where.chatbot) {
        // The developer's chatbot moves into the interface's column, keeping what its own
        // listeners switched on (likeable, ...).
        Component& mine = b.component(*where.chatbot);
        for (const char* flag : {"likeable", "_selectable"})
            if (const auto* on = mine.props.if_contains(flag); on && on->is_bool() && on->get_bool()) chatbot.props[flag] = true;
        chatbot.id = mine.id;
        mine = std::move(chatbot);
        b.place(*where.chatbot, chat_column);
        ids.chatbot = *where.chatbot;
    } else {
        ids.chatbot = b.add(std::move(chatbot), chat_column);
    }

    // The message box inside Group > Row > Form (protocol.md §13.1).
    const int group = b.add_layout("group", {{"visible", true}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{}}},
                                   chat_column);
    const int row = b.add_layout("row", {{"variant", "default"}, {"visible", true}, {"elem_classes", json::array{}},
                                         {"equal_height", false}, {"show_progress", false}, {"preserved_by_key", json::array{}}},
                                 group);
    const int form = b.add_layout("form", {{"scale", 7}, {"min_width", 160}, {"preserved_by_key", json::array{}}}, row);
    // The interface's buttons and autofocus apply unless the custom box set its own.
    auto take_interface_settings = [&o](auto& box, bool default_submit) {
        if (std::holds_alternative<bool>(box.submit_btn) && std::get<bool>(box.submit_btn) == default_submit) box.submit_btn = o.submit_btn;
        if (!box.autofocus) box.autofocus = o.autofocus;
        box.stop_btn = false;  // the Stop swap happens through updates
        box.show_label = false;
        box.label.clear();
    };
    Component textbox;
    if (o.multimodal) {
        MultimodalTextbox box = o.textbox ? std::get<MultimodalTextbox>(*o.textbox) : MultimodalTextbox{};
        take_interface_settings(box, true);
        textbox = multimodal_textbox_model(box);
        if (box.placeholder.empty()) textbox.props["placeholder"] = translated("chat_interface.message_placeholder");
        // Gradio makes this box before its Blocks, as component 0: its API label is parameter_0.
        textbox.api_label = "parameter_0";
    } else {
        Textbox box = o.textbox ? std::get<Textbox>(*o.textbox) : Textbox{};
        take_interface_settings(box, false);
        if (!box.scale) box.scale = 7;
        textbox = textbox_model(box);
        if (box.placeholder.empty()) textbox.props["placeholder"] = translated("chat_interface.message_placeholder");
        textbox.props["label"] = "";
        textbox.preprocess = [check = textbox.preprocess](const json::value& v) -> json::value {
            if (!v.is_string() && !v.is_null()) throw InputError("The message must be a string.");
            return check(v);
        };
    }
    textbox.props["name"] = textbox.type;
    textbox.props["_selectable"] = false;
    textbox.skip_api = false;
    ids.textbox = b.add(std::move(textbox), form);
    Component fake_api;
    fake_api.type = "button";
    fake_api.props = {{"value", "Fake API"}, {"variant", "secondary"}, {"size", "lg"}, {"link_target", "_self"},
                      {"visible", false}, {"interactive", true}, {"elem_classes", json::array{}},
                      {"preserved_by_key", json::array{"value"}}, {"name", "button"}, {"_selectable", false}};
    ids.fake_api = b.add(std::move(fake_api), chat_column);
    Component response;
    response.type = "json";
    response.props = {{"label", "Response"}, {"show_label", true}, {"container", true}, {"min_width", 160},
                      {"visible", false}, {"elem_classes", json::array{}}, {"preserved_by_key", json::array{"value"}},
                      {"open", false}, {"show_indices", false}, {"max_height", 500}, {"buttons", json::array{"copy"}},
                      {"name", "json"}, {"_selectable", false}};
    response.skip_api = false;
    response.api_info = any_json_info("any valid json");
    response.python_type = {{"type", "str | float | bool | list | dict"}, {"description", "any valid json"}};
    response.example_input = json::object{{"foo", "bar"}};
    ids.api_response = b.add(std::move(response), chat_column);
    ids.chatbot_state = b.add_state(json::array{}, chat_column);
    ids.chatbot_value = b.add_state(json::array{}, chat_column);

    // Examples with input values: a table under the chat (features.md A2 #9).
    if (table_examples) {
        json::array samples, kinds, component_props, headers;
        kinds.push_back(json::object{{"name", "textbox"}});
        component_props.push_back(json::object{{"type", "text"}});
        headers.push_back("");
        for (const auto& input : o.additional_inputs) {
            const Component m = component_model(input, 0);
            kinds.push_back(json::object{{"name", m.type}});
            component_props.push_back(m.props);
            const auto* label = m.props.if_contains("label");
            headers.push_back(label ? *label : json::value(""));
        }
        for (const auto& e : o.examples) {
            json::array row_values{to_json_value(e.message)};
            for (std::size_t i = 0; i < o.additional_inputs.size(); ++i)
                row_values.push_back(i < e.extras.size() ? to_json_value(e.extras[i]) : json::value(nullptr));
            samples.push_back(std::move(row_values));
        }
        json::array sample_labels;
        for (const auto& l : o.example_labels) sample_labels.push_back(json::string(l));
        Component table;
        table.type = "dataset";
        table.props = {{"label", "Examples"}, {"show_label", true}, {"component_props", std::move(component_props)},
                       {"samples", std::move(samples)}, {"headers", std::move(headers)}, {"type", "index"},
                       {"samples_per_page", 10}, {"visible", true}, {"elem_classes", json::array{}},
                       {"preserved_by_key", json::array{"value"}}, {"container", true}, {"min_width", 160},
                       {"name", "dataset"}, {"_selectable", false}, {"components", std::move(kinds)}};
        if (!sample_labels.empty()) table.props["sample_labels"] = std::move(sample_labels);
        table.skip_api = false;
        table.api_info = json::object{{"type", "integer"}, {"description", "index of selected example"}};
        table.example_input = 0;
        const std::size_t count = o.examples.size();
        table.preprocess = [count](const json::value& v) -> json::value {
            const bool in_range = (v.is_int64() && v.get_int64() >= 0 && static_cast<std::size_t>(v.get_int64()) < count) ||
                                  (v.is_uint64() && v.get_uint64() < count);
            if (!in_range) throw InputError("There is no example " + to_json(v) + ".");
            return v;
        };
        ids.examples_table = b.add(std::move(table), chat_column);
    }

    // Additional inputs in their accordion, last (features.md A1.1).
    if (!o.additional_inputs.empty()) {
        Accordion accordion;
        if (const auto* label = std::get_if<std::string>(&o.additional_inputs_accordion)) accordion.label = *label;
        else accordion = std::get<Accordion>(o.additional_inputs_accordion);
        Component acc = accordion_model(accordion);
        acc.props["name"] = "accordion";
        const int acc_id = b.add(std::move(acc), chat_column);
        const int inputs_form = b.add_layout("form", {{"scale", 0}, {"min_width", 0}, {"preserved_by_key", json::array{}}}, acc_id);
        for (std::size_t i = 0; i < o.additional_inputs.size(); ++i)
            ids.extras.push_back(b.add(component_model(o.additional_inputs[i], i), inputs_form));
    }
}

void ChatApp::build_chat_events(AppBuilder& b, Ids& ids) {
    const auto& o = options_;
    const auto runtime = runtime_;
    const int chatbot = ids.chatbot, textbox = ids.textbox, saved_input = ids.saved_input,
              chatbot_state = ids.chatbot_state, chatbot_value = ids.chatbot_value, null_component = ids.null_component,
              conversation_id = ids.conversation_id, saved_conversations = ids.saved_conversations;
    std::vector<std::string> parameter_names;
    for (std::size_t i = 0; i < o.additional_inputs.size(); ++i) {
        const std::string& name = o.additional_inputs[i].parameter_name();
        parameter_names.push_back(name.empty() ? "parameter_" + std::to_string(i) : name);
    }
    auto with_extras = [&ids](std::vector<int> inputs) {
        inputs.insert(inputs.end(), ids.extras.begin(), ids.extras.end());
        return inputs;
    };
    auto with_outputs = [&ids](std::vector<int> outputs) {
        outputs.insert(outputs.end(), ids.outputs.begin(), ids.outputs.end());
        return outputs;
    };

    // The user's validator as Gradio's validate step: it sees the message before the event is
    // queued or run; a rejection keeps the event from ever starting.
    std::function<std::vector<Rejection>(const json::array&)> validate_message;
    if (o.validator)
        validate_message = [validator = o.validator](const json::array& in) -> std::vector<Rejection> {
            if (in.empty() || !message_text(in[0])) return {};  // not a message: the handler reports it
            if (auto why = validator(incoming_message(in[0]))) return {Rejection{"message", *why}};
            return {};
        };

    // One chat turn: in[0] the message, in[1] the history (the chatbot State, read in place and
    // converted once per session, see converted_history), in[2..] the additional inputs.
    const int state_id = ids.chatbot_state;
    // `text`: also the history's JSON text, kept with it, for a turn that sends it whole.
    const bool multimodal = o.multimodal;
    FileRules rules;
    if (o.textbox)
        if (const auto* box = std::get_if<MultimodalTextbox>(&*o.textbox)) rules.file_types = box->file_types;
    // The user's message as the chatbot shows it, with its files checked.
    auto user_message = [rules](const json::value& message, const EventContext& ctx) {
        return message_to_json(incoming_message(message, &ctx, &rules));
    };
    auto make_call = [parameter_names, state_id, rules](Inputs& in, EventContext& ctx, std::shared_ptr<const std::string>* text,
                                                        json::object& user) {
        ChatCall call;
        call.message = incoming_message(in[0], &ctx, &rules);
        user = message_to_json(call.message);
        auto converted = converted_history(ctx, state_id, in.shared(1), text != nullptr);
        call.shared_history = std::move(converted.history);
        if (text) *text = std::move(converted.text);
        for (std::size_t i = 2; i < in.size(); ++i) call.extras.push_back(from_json_value(in[i]));
        return call;
    };
    auto explain = [parameter_names](const ParameterError& e) {
        const std::string name = e.index() < parameter_names.size() ? parameter_names[e.index()] : "?";
        return InputError("Input \"" + name + "\" " + e.what() + ".");
    };
    // Runs the chat fn. Its outputs are [first(reply), the conversation after this turn: the
    // history, the user's message and the reply so far].
    using First = ChatTurnStream::First;
    // `page`: the chain's turn, whose whole conversation goes out in its first and last frames.
    auto chat_handler = [runtime, make_call, explain](First first, bool page) {
        Handler h;
        if (runtime->fn.reply) {
            h.call = [runtime, make_call, explain, first](Inputs& in, EventContext& ctx) {
                json::object user;
                ChatCall call = make_call(in, ctx, nullptr, user);
                json::array chat = as_array(in[1]);
                chat.push_back(std::move(user));
                ChatResult result;
                try {
                    result = runtime->fn.reply(std::move(call));
                } catch (const ParameterError& e) {
                    throw explain(e);
                }
                const MediaContext media = MediaContext::of(ctx);
                append_reply(chat, result.reply, media);
                json::array out{first(result.reply, media), std::move(chat)};
                for (const auto& value : result.outputs) out.push_back(output_json(value));
                return out;
            };
        } else {
            h.stream = [runtime, make_call, explain, first, page](Inputs& in, EventContext& ctx) -> std::unique_ptr<OutputStream> {
                // The history stays shared with the session: read, never copied.
                SharedJson history = in.shared(1);
                std::shared_ptr<const std::string> text;
                json::object user;
                ChatCall call = make_call(in, ctx, page ? &text : nullptr, user);
                std::unique_ptr<ReplyStream> s;
                try {
                    s = runtime->fn.stream(std::move(call));
                } catch (const ParameterError& e) {
                    throw explain(e);
                }
                auto base = std::make_unique<StreamBase>(std::move(history), json::array{std::move(user)}, std::move(text));
                return std::make_unique<ChatTurnStream>(std::move(s), first, std::move(base), MediaContext::of(ctx));
            };
        }
        return h;
    };
    // UI submit: outputs [null_component, chatbot].
    const Handler ui_submit = chat_handler([](const Reply&, const MediaContext&) -> json::value { return nullptr; }, true);
    // API /chat: outputs [the raw reply, chatbot_state].
    const Handler api_chat = chat_handler([](const Reply& r, const MediaContext& media) { return api_reply(r, media); }, false);
    const Handler append_user = call_handler([user_message](Inputs& in, EventContext& ctx) {
        json::array chat = as_array(in[1]);
        chat.push_back(user_message(in[0], ctx));
        return json::array{std::move(chat)};
    });
    // _save_conversation(index, conversation, saved) -> (index, saved) (features.md A9.2).
    const bool save_history = o.save_history;
    const Handler save_conversation = call_handler([save_history](Inputs& in, EventContext&) {
        if (!save_history) return json::array{in[0], in[2]};
        json::array saved = as_array(in[2]);
        const json::array conversation = as_array(in[1]);
        if (conversation.empty()) return json::array{in[0], std::move(saved)};
        if (in[0].is_int64() && in[0].get_int64() >= 0 && static_cast<std::size_t>(in[0].get_int64()) < saved.size()) {
            saved[static_cast<std::size_t>(in[0].get_int64())] = conversation;
            return json::array{in[0], std::move(saved)};
        }
        saved.insert(saved.begin(), conversation);
        return json::array{0, std::move(saved)};
    });
    const json::value disable_box = update({{"interactive", false}, {"placeholder", ""}});
    // The box's empty value: text, or text and files.
    const json::value empty_message =
        multimodal ? json::value(json::object{{"text", ""}, {"files", json::array{}}}) : json::value("");
    const auto [stop_swap, submit_restore] = button_swaps(o);
    auto chat_fn = [&](Dependency& d) -> Dependency& {
        d.runs_user_code = true;
        d.concurrency_id = ids.concurrency_id;
        d.concurrency_limit = o.concurrency_limit;
        d.show_progress = o.show_progress;
        return d;
    };
    // After a chat run: sync the states, give the box back, save the conversation.
    auto finish_turn = [&](int run, const std::string& sync_name, const std::string& enable_name, const std::string& save_name) {
        const int synced = b.then(run, sync_name, {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false).id;
        const int enabled = enable_name.empty()
                                ? synced
                                : b.then(synced, enable_name, {}, {textbox}, constant_handler({update({{"interactive", true}, {"value", nullptr}})}), true).id;
        b.then(enabled, save_name, {conversation_id, chatbot_state, saved_conversations}, {conversation_id, saved_conversations},
               save_conversation, false);
    };

    // Submit chain (ids 0-5).
    Dependency& clear_box = b.on({{textbox, "submit"}}, "_clear_and_save_textbox", {textbox}, {textbox, saved_input},
                                 call_handler([empty_message](Inputs& in, EventContext&) {
                                     return json::array{update({{"interactive", false}, {"placeholder", ""}, {"value", empty_message}}), in[0]};
                                 }),
                                 false);
    // With a validator the message is checked here, before the box is cleared; a rejected
    // message must not reach the chat, so the next step runs only after a success.
    clear_box.validate = validate_message;
    clear_box.runs_user_code = static_cast<bool>(validate_message);
    const int d0 = clear_box.id;
    const int d1 = (validate_message ? b.success(d0, "_append_message_to_history", {saved_input, chatbot}, {chatbot}, append_user, false)
                                     : b.then(d0, "_append_message_to_history", {saved_input, chatbot}, {chatbot}, append_user, false)).id;
    const int d2 = chat_fn(b.then(d1, "_submit_fn", with_extras({saved_input, chatbot_state}), with_outputs({null_component, chatbot}), ui_submit, true)).id;
    ids.submit = d2;
    finish_turn(d2, "lambda", "lambda_1", "_save_conversation");
    // The API endpoint (id 6).
    Dependency& api = chat_fn(b.on({{ids.fake_api, "click"}}, o.api_name.empty() ? "chat" : o.api_name,
                                   with_extras({textbox, chatbot_state}), with_outputs({ids.api_response, chatbot_state}), api_chat, true));
    api.api_visibility = o.api_visibility;
    api.api_description = o.api_description;
    api.parameter_names = {"message", "history"};
    b.app().chat_endpoints.push_back({api.api_name, api.id, chatbot_state});
    api.parameter_names.insert(api.parameter_names.end(), parameter_names.begin(), parameter_names.end());
    api.validate = validate_message;
    api.show_progress = "full";
    // Retry chain (ids 7-13).
    const Handler pop_turn = call_handler([multimodal](Inputs& in, EventContext&) {
        json::array history = as_array(in[0]);
        json::value message = pop_last_turn(history, multimodal);
        return json::array{std::move(history), std::move(message)};
    });
    const int d7 = b.on({{chatbot, "retry"}}, "_pop_last_user_message", {chatbot_state}, {chatbot_state, saved_input}, pop_turn, false).id;
    const int d8 = b.then(d7, "_append_message_to_history_1", {saved_input, chatbot_state}, {chatbot}, append_user, false).id;
    const int d9 = b.then(d8, "lambda_2", {}, {textbox}, constant_handler({disable_box}), true).id;
    const int d10 = chat_fn(b.then(d9, "_submit_fn_1", with_extras({saved_input, chatbot_state}), with_outputs({null_component, chatbot}), ui_submit, true)).id;
    finish_turn(d10, "lambda_3", "lambda_4", "_save_conversation_1");
    // Stop button swaps (ids 14-17).
    b.success(d0, "lambda_5", {}, {textbox}, constant_handler({stop_swap}), false);
    b.on({{chatbot, "retry"}}, "lambda_6", {}, {textbox}, constant_handler({stop_swap}), false);
    b.then(d2, "lambda_7", {}, {textbox}, constant_handler({submit_restore}), false);
    b.then(d10, "lambda_8", {}, {textbox}, constant_handler({submit_restore}), false);
    // Stop (ids 18-19): run by the browser; 19 lists what it cancels.
    b.on({{textbox, "stop"}}, "unnamed", {}, {}, {}, false).api_visibility = "private";
    Dependency& stopper = b.on({{textbox, "stop"}}, "unnamed_1", {}, {}, {}, false);
    stopper.api_visibility = "private";
    stopper.cancel = true;
    const int stopper_id = stopper.id;
    // Undo (ids 20-22).
    const int d20 = b.on({{chatbot, "undo"}}, "_pop_last_user_message_1", {chatbot}, {chatbot, textbox}, pop_turn, false).id;
    const int d21 = b.then(d20, "lambda_9", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false).id;
    b.then(d21, "_save_conversation_2", {conversation_id, chatbot_state, saved_conversations}, {conversation_id, saved_conversations},
           save_conversation, false);
    // Option buttons (ids 23-26).
    Dependency& option = b.on({{chatbot, "option_select"}}, "option_clicked", {chatbot}, {chatbot, saved_input},
                              call_handler([](Inputs& in, EventContext& ctx) {
                                  json::array chat = as_array(in[0]);
                                  std::string value;
                                  if (ctx.event_data.is_object())
                                      if (const auto* v = ctx.event_data.get_object().if_contains("value"); v && v->is_string())
                                          value = std::string(v->get_string());
                                  chat.push_back(text_message("user", value));
                                  return json::array{std::move(chat), json::value(value)};
                              }),
                              true);
    option.collects_event_data = true;
    const int d23 = option.id;
    const int d24 = chat_fn(b.then(d23, "_submit_fn_2", with_extras({saved_input, chatbot_state}), with_outputs({null_component, chatbot}), ui_submit, true)).id;
    finish_turn(d24, "lambda_10", "", "_save_conversation_3");
    // Clear (ids 27-28): with save_history it also deletes the conversation (A6).
    const int d27 = b.on({{chatbot, "clear"}}, "lambda_11", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false).id;
    b.then(d27, "_delete_conversation", {conversation_id, saved_conversations}, {conversation_id, saved_conversations},
           call_handler([save_history](Inputs& in, EventContext&) {
               json::array saved = as_array(in[1]);
               if (save_history && in[0].is_int64() && in[0].get_int64() >= 0 &&
                   static_cast<std::size_t>(in[0].get_int64()) < saved.size())
                   saved.erase(saved.begin() + static_cast<std::ptrdiff_t>(in[0].get_int64()));
               return json::array{nullptr, std::move(saved)};
           }),
           false);
    // Programmatic updates of chatbot_value show in the chatbot (ids 29-30).
    Dependency& show_value = b.on({{chatbot_value, "change"}}, "lambda_12", {chatbot_value}, {chatbot},
                                  call_handler([](Inputs& in, EventContext&) { return json::array{in[0]}; }), true);
    show_value.trigger_mode = "always_last";
    b.then(show_value.id, "lambda_13", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false);

    std::vector<int> cancels = {d2, d10, d24};
    // Edit (features.md A6): cut the conversation at the edited message and run fn again.
    if (o.editable) {
        Dependency& edit = b.on({{chatbot, "edit"}}, "_edit_message", {chatbot}, {chatbot, chatbot_state, saved_input},
                                call_handler([](Inputs& in, EventContext& ctx) {
                                    const json::array chat = as_array(in[0]);
                                    const auto* data = ctx.event_data.is_object() ? &ctx.event_data.get_object() : nullptr;
                                    const json::value* index = data ? data->if_contains("index") : nullptr;
                                    const json::value* value = data ? data->if_contains("value") : nullptr;
                                    if (index && index->is_array() && !index->get_array().empty()) index = &index->get_array()[0];
                                    if (!index || !(index->is_int64() || index->is_uint64()) || !value || !message_text(*value))
                                        throw InputError("An edit needs the message index and the new text.");
                                    const auto at = index->to_number<std::int64_t>();
                                    if (at < 0 || static_cast<std::size_t>(at) >= chat.size() || !has_role(chat[static_cast<std::size_t>(at)], "user"))
                                        throw InputError("Only your own messages can be edited.");
                                    const std::string text = *message_text(*value);
                                    json::array before(chat.begin(), chat.begin() + at);
                                    json::array shown = before;
                                    shown.push_back(text_message("user", text));
                                    return json::array{std::move(shown), std::move(before), json::value(text)};
                                }),
                                false);
        edit.collects_event_data = true;
        const int e0 = edit.id;
        const int e1 = b.success(e0, "lambda_edit", {}, {textbox}, constant_handler({disable_box}), true).id;
        const int e2 = chat_fn(b.then(e1, "_submit_fn_edit", with_extras({saved_input, chatbot_state}), with_outputs({null_component, chatbot}), ui_submit, true)).id;
        finish_turn(e2, "lambda_edit_1", "lambda_edit_2", "_save_conversation_edit");
        b.success(e0, "lambda_edit_3", {}, {textbox}, constant_handler({stop_swap}), false);
        b.then(e2, "lambda_edit_4", {}, {textbox}, constant_handler({submit_restore}), false);
        cancels.push_back(e2);
    }
    build_examples(b, ids, cancels);
    if (o.save_history) build_history_sidebar_events(b, ids);
    // Flagging (features.md A10): one CSV row per like, dislike or option click.
    if (flagging_) {
        Dependency& flag_step = b.on({{chatbot, "like"}}, "flag", {chatbot}, {},
                                call_handler([runtime](Inputs& in, EventContext& ctx) {
                                    const auto* data = ctx.event_data.is_object() ? &ctx.event_data.get_object() : nullptr;
                                    if (!data) throw InputError("A flag needs Gradio's LikeData.");
                                    const json::value* index = data->if_contains("index");
                                    const json::value* value = data->if_contains("value");
                                    const json::value* liked = data->if_contains("liked");
                                    std::string flag;
                                    if (liked && liked->is_bool()) flag = liked->get_bool() ? "Like" : "Dislike";
                                    else if (liked && liked->is_string()) flag = std::string(liked->get_string());
                                    else throw InputError("A flag needs \"liked\": true, false or an option.");
                                    std::shared_ptr<CsvLog> log;
                                    {
                                        std::lock_guard lock(runtime->flag_mutex);
                                        if (!runtime->flags)
                                            runtime->flags = std::make_shared<CsvLog>(
                                                runtime->flagging_dir,
                                                std::vector<std::string>{"conversation", "index", "value", "flag", "timestamp"});
                                        log = runtime->flags;
                                    }
                                    try {
                                        log->append({to_json(in[0]), index ? to_json(*index) : "", value ? to_json(*value) : "",
                                                     flag, utc_timestamp_now()});
                                    } catch (const CsvLogFull& e) {
                                        log::warn("flag not saved", {{"error", e.what()}});
                                        throw Error("The flag log is full; this flag was not saved.");
                                    }
                                    return json::array{};
                                }),
                                true);
        flag_step.collects_event_data = true;
    }
    b.dependency(stopper_id).cancels = cancels;
}

void ChatApp::build_examples(AppBuilder& b, Ids& ids, std::vector<int>& cancels) {
    const auto& o = options_;
    if (o.examples.empty()) return;
    const auto runtime = runtime_;
    const int chatbot = ids.chatbot, textbox = ids.textbox, saved_input = ids.saved_input,
              chatbot_state = ids.chatbot_state, chatbot_value = ids.chatbot_value, null_component = ids.null_component;
    const auto [stop_swap, submit_restore] = button_swaps(o);

    // The conversation an example produces: computed by running fn to its end. With caching it
    // is stored under .gradio/cached_examples and shared by every user and restart.
    std::vector<json::array> example_inputs;
    for (const auto& e : o.examples) {
        json::array in{to_json_value(e.message), json::array{}};
        for (std::size_t i = 0; i < ids.extras.size(); ++i) {
            const Component* c = b.app().component(ids.extras[i]);
            json::value v = i < e.extras.size() && !e.extras[i].is_null() ? to_json_value(e.extras[i]) : c->initial;
            in.push_back(c->preprocess ? c->preprocess(v) : v);
        }
        example_inputs.push_back(std::move(in));
    }
    auto cached_conversation = [runtime, example_inputs](std::size_t index) -> json::array {
        std::string error;
        if (auto hit = runtime->cache->get(index)) {
            json::value v = parse_json(*hit, error);
            if (v.is_array()) return v.get_array();
        }
        std::lock_guard lock(runtime->cache_mutex);
        if (auto hit = runtime->cache->get(index)) {  // another user computed it meanwhile
            json::value v = parse_json(*hit, error);
            if (v.is_array()) return v.get_array();
        }
        json::array in = example_inputs.at(index);
        ChatCall call{incoming_message(in[0]), {}, {}};
        const json::object user = message_to_json(call.message);
        for (std::size_t i = 2; i < in.size(); ++i) call.extras.push_back(from_json_value(in[i]));
        Reply reply;
        if (runtime->fn.reply) {
            reply = runtime->fn.reply(std::move(call)).reply;
        } else {
            auto stream = runtime->fn.stream(std::move(call));
            while (stream->next()) reply = stream->value().reply;  // streams are cached at their final value
        }
        json::array chat{user};
        append_reply(chat, reply, MediaContext{});  // no file cache outlives a run: media replies are not cached
        runtime->cache->put(index, to_json(chat));
        return chat;
    };
    if (cache_examples_) cached_example_ = cached_conversation;
    auto index_of = [count = o.examples.size()](const EventContext& ctx) -> std::size_t {
        const json::value* index = ctx.event_data.is_object() ? ctx.event_data.get_object().if_contains("index") : nullptr;
        if (index && index->is_array() && !index->get_array().empty()) index = &index->get_array()[0];
        if (!index || !(index->is_int64() || index->is_uint64()) || index->to_number<std::int64_t>() < 0 ||
            static_cast<std::size_t>(index->to_number<std::int64_t>()) >= count)
            throw InputError("There is no such example.");
        return static_cast<std::size_t>(index->to_number<std::int64_t>());
    };

    if (ids.examples_table) {
        // The table fills the message box and every input (A2 #9); cached, it also shows the
        // stored reply.
        const int table = *ids.examples_table;
        std::vector<int> outputs{textbox};
        outputs.insert(outputs.end(), ids.extras.begin(), ids.extras.end());
        auto rows = example_inputs;
        Dependency& load = b.on({{table, "click"}}, "load_example", {table}, outputs,
                                call_handler([rows](Inputs& in, EventContext&) {
                                    const auto& row = rows.at(static_cast<std::size_t>(in[0].to_number<std::int64_t>()));
                                    json::array out{row[0]};
                                    for (std::size_t i = 2; i < row.size(); ++i) out.push_back(row[i]);
                                    return out;
                                }),
                                false);
        load.show_progress = "hidden";
        if (cache_examples_) {
            Dependency& show = b.then(load.id, "_load_cached_example", {table}, {chatbot, textbox},
                                      call_handler([cached_conversation](Inputs& in, EventContext&) {
                                          return json::array{cached_conversation(static_cast<std::size_t>(in[0].to_number<std::int64_t>())),
                                                             update({{"value", ""}})};
                                      }),
                                      true);
            show.runs_user_code = true;
            show.concurrency_id = ids.concurrency_id;
            show.concurrency_limit = o.concurrency_limit;
            b.then(show.id, "lambda_example", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false);
        }
        return;
    }

    auto example_text = [](const EventContext& ctx) -> std::string {
        if (!ctx.event_data.is_object()) throw InputError("Missing example data.");
        const auto* v = ctx.event_data.get_object().if_contains("value");
        if (auto text = v ? message_text(*v) : std::nullopt) return *text;
        throw InputError("Missing example text.");
    };
    if (cache_examples_) {
        // A cached example shows its stored conversation at once, for every user (A2 #13).
        Dependency& cached = b.on({{chatbot, "example_select"}}, "_load_cached_example", {}, {chatbot},
                                  call_handler([cached_conversation, index_of](Inputs&, EventContext& ctx) {
                                      return json::array{cached_conversation(index_of(ctx))};
                                  }),
                                  true);
        cached.collects_event_data = true;
        cached.runs_user_code = true;  // a lazy cache runs fn on the first click
        cached.concurrency_id = ids.concurrency_id;
        cached.concurrency_limit = o.concurrency_limit;
        const int synced = b.then(cached.id, "lambda_14", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false).id;
        b.then(synced, "_save_conversation_4", {ids.conversation_id, chatbot_state, ids.saved_conversations},
               {ids.conversation_id, ids.saved_conversations},
               call_handler([save = o.save_history](Inputs& in, EventContext&) {
                   if (!save) return json::array{in[0], in[2]};
                   json::array saved = as_array(in[2]);
                   saved.insert(saved.begin(), in[1]);
                   return json::array{0, std::move(saved)};
               }),
               false);
        return;
    }
    if (!o.run_examples_on_click) {
        Dependency& fill = b.on({{chatbot, "example_select"}}, "_example_populate", {}, {textbox},
                                call_handler([example_text](Inputs&, EventContext& ctx) {
                                    return json::array{json::value(example_text(ctx))};
                                }),
                                false);
        fill.collects_event_data = true;
        return;
    }
    // A click sends the example (ids 31+), with the inputs' current values.
    // A multimodal example's files are the app's own: they are copied into the cache (by the
    // server's example list, never by paths the client names) and sent like uploads.
    auto example_files = [examples = o.examples](std::size_t index, const EventContext& ctx) {
        json::array files;
        const json::value v = to_json_value(examples.at(index).message);
        const json::value* list = v.is_object() ? v.get_object().if_contains("files") : nullptr;
        if (!list || !list->is_array()) return files;
        for (const auto& f : list->get_array()) {
            const json::value* path = f.is_string() ? &f : f.is_object() ? f.get_object().if_contains("path") : nullptr;
            if (!path || !path->is_string()) continue;
            files.push_back(file_to_json(output_file(std::string(path->get_string()), MediaContext::of(ctx))));
        }
        return files;
    };
    Dependency& clicked = b.on({{chatbot, "example_select"}}, "example_clicked", {chatbot}, {chatbot, saved_input, textbox},
                               call_handler([example_text, example_files, index_of, multimodal = o.multimodal](Inputs& in, EventContext& ctx) {
                                   std::string text = example_text(ctx);
                                   json::value message = json::string(text);
                                   if (multimodal) message = json::object{{"text", text}, {"files", example_files(index_of(ctx), ctx)}};
                                   json::array chat = as_array(in[0]);
                                   chat.push_back(message_to_json(incoming_message(message, &ctx)));
                                   const json::value empty = multimodal ? json::value(json::object{{"text", ""}, {"files", json::array{}}})
                                                                        : json::value("");
                                   return json::array{std::move(chat), std::move(message),
                                                      update({{"interactive", false}, {"placeholder", ""}, {"value", empty}})};
                               }),
                               false);
    clicked.collects_event_data = true;
    const int e0 = clicked.id;
    std::vector<int> run_outputs{null_component, chatbot};
    run_outputs.insert(run_outputs.end(), ids.outputs.begin(), ids.outputs.end());
    Dependency& run = b.then(e0, "_submit_fn_3", {saved_input, chatbot_state}, std::move(run_outputs),
                             b.dependency(ids.submit).handler, true);
    run.inputs.insert(run.inputs.end(), ids.extras.begin(), ids.extras.end());
    run.runs_user_code = true;
    run.concurrency_id = ids.concurrency_id;
    run.concurrency_limit = o.concurrency_limit;
    run.show_progress = o.show_progress;
    const int e1 = run.id;
    const int e2 = b.then(e1, "lambda_14", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false).id;
    b.then(e2, "lambda_15", {}, {textbox}, constant_handler({update({{"interactive", true}, {"value", nullptr}})}), true);
    b.success(e0, "lambda_16", {}, {textbox}, constant_handler({stop_swap}), false);
    b.then(e1, "lambda_17", {}, {textbox}, constant_handler({submit_restore}), false);
    cancels.push_back(e1);
}

void ChatApp::build_history_sidebar_events(AppBuilder& b, Ids& ids) {
    const int chatbot = ids.chatbot, chatbot_state = ids.chatbot_state, chatbot_value = ids.chatbot_value,
              conversation_id = ids.conversation_id, saved = ids.saved_conversations, list = *ids.history_list;
    // New chat: no current conversation, an empty chat.
    const int n0 = b.on({{*ids.new_chat, "click"}}, "lambda_new_chat", {}, {conversation_id, chatbot},
                        constant_handler({nullptr, json::array{}}), false).id;
    b.then(n0, "lambda_new_chat_1", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false);
    // The list of titles, whenever the saved conversations change.
    b.on({{0, "load"}, {saved, "change"}}, "_load_chat_history", {saved}, {list},
         call_handler([](Inputs& in, EventContext&) {
             json::array samples;
             for (const auto& conversation : as_array(in[0]))
                 if (conversation.is_array() && !conversation.get_array().empty())
                     samples.push_back(json::array{json::string(conversation_title(conversation.get_array()))});
             return json::array{update({{"samples", std::move(samples)}})};
         }),
         false);
    // Opening one: its index becomes the current conversation.
    Dependency& clear = b.on({{list, "click"}}, "lambda_open_chat", {}, {chatbot}, constant_handler({json::array{}}), false);
    clear.show_progress = "hidden";
    Dependency& load = b.then(clear.id, "_load_conversation", {list, saved}, {conversation_id, chatbot},
                              call_handler([](Inputs& in, EventContext&) {
                                  json::array saved_list = as_array(in[1]);
                                  // The list skips empty conversations; map the row back.
                                  std::int64_t row = in[0].to_number<std::int64_t>();
                                  for (std::size_t i = 0; i < saved_list.size(); ++i) {
                                      if (!saved_list[i].is_array() || saved_list[i].get_array().empty()) continue;
                                      if (row-- == 0) return json::array{static_cast<std::int64_t>(i), saved_list[i]};
                                  }
                                  throw InputError("That conversation is no longer saved.");
                              }),
                              false);
    load.show_progress = "hidden";
    b.then(load.id, "lambda_open_chat_1", {chatbot}, {chatbot_state, chatbot_value}, sync_states(chatbot), false);
}

void ChatApp::prepare_launch() {
    const auto& o = options_;
    if (cache_examples_) {
        const std::string reset = lower(env_or("GRADIO_RESET_EXAMPLES_CACHE", "false"));
        if (reset == "true" || reset == "1") runtime_->cache->clear();
    }
    if (cache_examples_ && *o.cache_mode == "eager") {
        // Eager: every example is computed before the server answers (A2 #14).
        for (std::size_t i = 0; i < o.examples.size(); ++i) {
            if (runtime_->cache->get(i)) continue;
            log::info("caching example", {{"index", std::to_string(i)}});
            (void)cached_example_(i);
        }
    }
}

}  // namespace gradio::detail
