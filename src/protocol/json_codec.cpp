#include "protocol/json_codec.hpp"
#include <gradio/detail/chat_function.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace gradio {

const char* to_string(Role role) noexcept {
    switch (role) {
    case Role::user: return "user";
    case Role::assistant: return "assistant";
    case Role::system: return "system";
    }
    return "user";
}

}  // namespace gradio

namespace gradio::detail {

namespace {

void write_string(std::string& out, std::string_view s, JsonDialect dialect) {
    static constexpr char hex[] = "0123456789abcdef";
    auto escape_unit = [&](unsigned unit) {
        out += "\\u";
        out += hex[(unit >> 12) & 0xF];
        out += hex[(unit >> 8) & 0xF];
        out += hex[(unit >> 4) & 0xF];
        out += hex[unit & 0xF];
    };
    out += '"';
    // Bytes that go out as they are (most of any text) are appended a run at a time.
    static constexpr auto plain_table = [](bool compact) {
        std::array<bool, 256> t{};
        for (unsigned c = 0x20; c < 256; ++c) t[c] = c != '"' && c != '\\' && (c < 0x80 || compact);
        return t;
    };
    static constexpr std::array<bool, 256> plain_compact = plain_table(true), plain_python = plain_table(false);
    const auto& plain = dialect == JsonDialect::compact ? plain_compact : plain_python;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (plain[static_cast<unsigned char>(s[i])]) {
            std::size_t end = i + 1;
            while (end < s.size() && plain[static_cast<unsigned char>(s[end])]) ++end;
            out.append(s.data() + i, end - i);
            i = end - 1;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        default: break;
        }
        if (c < 0x20) {
            escape_unit(c);
        } else {  // not plain above 0x1F: a non-ASCII byte in the Python dialect
            // Decode one UTF-8 sequence and escape it as UTF-16 units, as json.dumps does.
            // Invalid bytes become U+FFFD rather than breaking the frame.
            unsigned cp = 0xFFFD;
            std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (len > 1 && i + len <= s.size()) {
                cp = c & (0x3F >> (len - 1));
                bool ok = true;
                for (std::size_t k = 1; k < len; ++k) {
                    const auto cc = static_cast<unsigned char>(s[i + k]);
                    if ((cc & 0xC0) != 0x80) ok = false;
                    cp = (cp << 6) | (cc & 0x3F);
                }
                if (!ok) {
                    cp = 0xFFFD;
                    len = 1;
                }
            } else {
                len = 1;
            }
            i += len - 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                escape_unit(0xD800 + (cp >> 10));
                escape_unit(0xDC00 + (cp & 0x3FF));
            } else {
                escape_unit(cp);
            }
        }
    }
    out += '"';
}

void write_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
    out += text;
    if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

}  // namespace

void write_json_string(std::string& out, std::string_view s, JsonDialect dialect) { write_string(out, s, dialect); }

void write_json(std::string& out, const json::value& value, JsonDialect dialect) {
    const std::string_view comma = dialect == JsonDialect::python ? ", " : ",";
    const std::string_view colon = dialect == JsonDialect::python ? ": " : ":";
    switch (value.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case json::kind::int64: out += std::to_string(value.get_int64()); break;
    case json::kind::uint64: out += std::to_string(value.get_uint64()); break;
    case json::kind::double_: write_double(out, value.get_double()); break;
    case json::kind::string: write_string(out, value.get_string(), dialect); break;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& item : value.get_array()) {
            if (!first) out += comma;
            first = false;
            write_json(out, item, dialect);
        }
        out += ']';
        break;
    }
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& [key, item] : value.get_object()) {
            if (!first) out += comma;
            first = false;
            write_string(out, key, dialect);
            out += colon;
            write_json(out, item, dialect);
        }
        out += '}';
        break;
    }
    }
}

std::string to_json(const json::value& value, JsonDialect dialect) {
    std::string out;
    write_json(out, value, dialect);
    return out;
}

json::value parse_json(std::string_view text, std::string& error) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) {
        error = "Request body is not valid JSON: " + ec.message();
        return nullptr;
    }
    return v;
}

namespace {

std::string string_or_empty(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

}  // namespace

json::object file_to_json(const FileData& f) {
    json::object o;
    o["path"] = f.path;
    o["url"] = f.url.empty() ? json::value(nullptr) : json::value(f.url);
    o["size"] = f.size ? json::value(*f.size) : json::value(nullptr);
    o["orig_name"] = f.orig_name.empty() ? json::value(nullptr) : json::value(f.orig_name);
    o["mime_type"] = f.mime_type.empty() ? json::value(nullptr) : json::value(f.mime_type);
    o["is_stream"] = false;
    o["meta"] = json::object{{"_type", "gradio.FileData"}};
    return o;
}


FileData file_from_json(const json::value& v) {
    if (!v.is_object()) throw std::invalid_argument("a file must be an object with a \"path\"");
    const auto& o = v.get_object();
    FileData f;
    f.path = string_or_empty(o, "path");
    f.url = string_or_empty(o, "url");
    f.orig_name = string_or_empty(o, "orig_name");
    f.mime_type = string_or_empty(o, "mime_type");
    if (auto it = o.find("size"); it != o.end() && it->value().is_int64())
        f.size = it->value().get_int64();
    return f;
}

namespace {

ContentPart part_from_json(const json::value& v) {
    ContentPart part;
    if (v.is_string()) {
        part.text = std::string(v.get_string());
        return part;
    }
    if (!v.is_object()) throw std::invalid_argument("a content part must be an object or a string");
    const auto& o = v.get_object();
    const std::string type = string_or_empty(o, "type");
    if (type == "text" || (type.empty() && o.contains("text"))) {
        part.text = string_or_empty(o, "text");
    } else if (type == "file" || (type.empty() && (o.contains("file") || o.contains("path")))) {
        part.type = ContentPart::Type::file;
        part.file = file_from_json(o.contains("file") ? o.at("file") : v);
        part.alt_text = string_or_empty(o, "alt_text");
    } else if (type == "component") {
        part.type = ContentPart::Type::component;
        part.component = string_or_empty(o, "component");
        part.component_json = to_json(v);
    } else {
        throw std::invalid_argument("unknown content part type \"" + type + "\"");
    }
    return part;
}

}  // namespace

json::object text_message(std::string_view role, std::string_view text) {
    json::object m;
    m["role"] = role;
    m["metadata"] = nullptr;
    m["content"] = json::array{json::object{{"text", text}, {"type", "text"}}};
    m["options"] = nullptr;
    return m;
}

json::value metadata_to_json(const Metadata& metadata) {
    if (metadata.empty()) return nullptr;
    auto id_json = [](const MessageId& id) -> json::value {
        if (const auto* n = std::get_if<std::int64_t>(&id)) return *n;
        return json::string(std::get<std::string>(id));
    };
    json::object md;
    md["title"] = metadata.title;
    if (metadata.id) md["id"] = id_json(*metadata.id);
    if (metadata.parent_id) md["parent_id"] = id_json(*metadata.parent_id);
    if (!metadata.log.empty()) md["log"] = metadata.log;
    if (metadata.duration) md["duration"] = *metadata.duration;
    if (!metadata.status.empty()) md["status"] = metadata.status;
    return md;
}

json::value options_to_json(const std::vector<Option>& options) {
    if (options.empty()) return nullptr;
    json::array out;
    for (const auto& o : options) {
        json::object item{{"value", o.value}};
        if (!o.label.empty()) item["label"] = o.label;
        out.push_back(std::move(item));
    }
    return out;
}

json::object message_to_json(const Message& message) {
    json::object m;
    m["role"] = to_string(message.role);
    m["metadata"] = metadata_to_json(message.metadata);
    json::array content;
    if (!message.content.empty()) {
        for (const auto& part : message.content) {
            switch (part.type) {
            case ContentPart::Type::text:
                content.push_back(json::object{{"text", part.text}, {"type", "text"}});
                break;
            case ContentPart::Type::file:
                content.push_back(json::object{
                    {"file", part.file ? file_to_json(*part.file) : json::object{}},
                    {"alt_text", part.alt_text.empty() ? json::value(nullptr) : json::value(part.alt_text)},
                    {"type", "file"}});
                break;
            case ContentPart::Type::component: {
                std::string ignored;
                content.push_back(parse_json(part.component_json, ignored));
                break;
            }
            }
        }
    } else {
        for (const auto& f : message.files)
            content.push_back(json::object{{"file", file_to_json(f)}, {"alt_text", nullptr}, {"type", "file"}});
        if (!message.text.empty() || message.files.empty())
            content.push_back(json::object{{"text", message.text}, {"type", "text"}});
    }
    m["content"] = std::move(content);
    m["options"] = options_to_json(message.options);
    return m;
}

json::object chat_message_to_json(const ChatMessage& message) {
    Message m;
    m.role = Role::assistant;
    m.text = message.content;
    m.metadata = message.metadata;
    m.options = message.options;
    return message_to_json(m);
}

json::object chat_message_to_api_json(const ChatMessage& message) {
    json::value metadata = metadata_to_json(message.metadata);
    json::value options = options_to_json(message.options);
    return json::object{{"content", message.content},
                        {"role", "assistant"},
                        {"metadata", metadata.is_null() ? json::value(json::object{}) : metadata},
                        {"options", options.is_null() ? json::value(json::array{}) : options}};
}

json::value to_json_value(const Value& v) {
    if (v.is_bool()) return v.as_bool();
    if (v.is_int()) return v.as_int();
    if (v.is_double()) return v.as_number();
    if (v.is_string()) return json::string(v.as_string());
    if (v.is_array()) {
        json::array a;
        a.reserve(v.as_array().size());
        for (const auto& item : v.as_array()) a.push_back(to_json_value(item));
        return a;
    }
    if (v.is_object()) {
        json::object o;
        for (const auto& [key, item] : v.as_object()) o[key] = to_json_value(item);
        return o;
    }
    return nullptr;
}

Value from_json_value(const json::value& v) {
    switch (v.kind()) {
    case json::kind::bool_: return v.get_bool();
    case json::kind::int64: return v.get_int64();
    case json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v.get_uint64());
        return static_cast<double>(v.get_uint64());
    case json::kind::double_: return v.get_double();
    case json::kind::string: return std::string(v.get_string());
    case json::kind::array: {
        Value::Array a;
        a.reserve(v.get_array().size());
        for (const auto& item : v.get_array()) a.push_back(from_json_value(item));
        return a;
    }
    case json::kind::object: {
        Value::Object o;
        o.reserve(v.get_object().size());
        for (const auto& member : v.get_object()) o.emplace_back(std::string(member.key()), from_json_value(member.value()));
        return o;
    }
    case json::kind::null: break;
    }
    return nullptr;
}

Message message_from_json(const json::value& value) {
    if (!value.is_object()) throw std::invalid_argument("each history entry must be an object");
    const auto& o = value.get_object();
    Message m;
    const std::string role = string_or_empty(o, "role");
    if (role == "user") m.role = Role::user;
    else if (role == "assistant") m.role = Role::assistant;
    else if (role == "system") m.role = Role::system;
    else throw std::invalid_argument("a message role must be \"user\", \"assistant\" or \"system\"");
    auto it = o.find("content");
    if (it == o.end()) throw std::invalid_argument("a message needs \"content\"");
    if (it->value().is_array()) {
        for (const auto& p : it->value().get_array()) m.content.push_back(part_from_json(p));
    } else {
        m.content.push_back(part_from_json(it->value()));
    }
    for (const auto& part : m.content) {
        if (part.type == ContentPart::Type::text) {
            if (!m.text.empty()) m.text += '\n';
            m.text += part.text;
        } else if (part.type == ContentPart::Type::file && part.file) {
            m.files.push_back(*part.file);
        }
    }
    if (auto md = o.find("metadata"); md != o.end() && md->value().is_object()) {
        const auto& mo = md->value().get_object();
        auto id_of = [&mo](const char* key) -> std::optional<MessageId> {
            const auto* v = mo.if_contains(key);
            if (!v) return std::nullopt;
            if (v->is_int64()) return MessageId(v->get_int64());
            if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
                return MessageId(static_cast<std::int64_t>(v->get_uint64()));
            if (v->is_string()) return MessageId(std::string(v->get_string()));
            return std::nullopt;
        };
        m.metadata.title = string_or_empty(mo, "title");
        m.metadata.id = id_of("id");
        m.metadata.parent_id = id_of("parent_id");
        m.metadata.log = string_or_empty(mo, "log");
        m.metadata.status = string_or_empty(mo, "status");
        if (auto d = mo.find("duration"); d != mo.end() && d->value().is_number())
            m.metadata.duration = d->value().to_number<double>();
    }
    if (auto opts = o.find("options"); opts != o.end() && opts->value().is_array())
        for (const auto& item : opts->value().get_array())
            if (item.is_object())
                if (const auto* v = item.get_object().if_contains("value"); v && v->is_string())
                    m.options.push_back(Option{std::string(v->get_string()), string_or_empty(item.get_object(), "label")});
    return m;
}

History history_from_json(const json::value& value) {
    History h;
    if (value.is_null()) return h;
    if (!value.is_array()) throw std::invalid_argument("history must be a list of messages");
    h.reserve(value.get_array().size());
    for (const auto& m : value.get_array()) h.push_back(message_from_json(m));
    return h;
}

}  // namespace gradio::detail

namespace gradio::detail {

History history_from_value(const Value& value) { return history_from_json(to_json_value(value)); }

}  // namespace gradio::detail
