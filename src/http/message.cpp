#include "http/message.hpp"

#include <cctype>

#include "protocol/json_codec.hpp"

namespace gradio::detail::http {

std::string_view Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hexval(text[i + 1]) >= 0 && hexval(text[i + 2]) >= 0) {
            out += static_cast<char>(hexval(text[i + 1]) * 16 + hexval(text[i + 2]));
            i += 2;
        } else if (plus_is_space && text[i] == '+') {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view q = query;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto part = q.substr(0, amp);
        auto eq = part.find('=');
        if (percent_decode(part.substr(0, eq), true) == name)
            return eq == std::string_view::npos ? std::string{} : percent_decode(part.substr(eq + 1), true);
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

Response error_response(unsigned status, std::string_view message) {
    const char* type = "invalid_request";
    switch (status) {
    case 401: type = "unauthorized"; break;
    case 403: type = "forbidden"; break;
    case 404: type = "not_found"; break;
    case 405: type = "method_not_allowed"; break;
    case 413: type = "payload_too_large"; break;
    case 422: type = "validation_error"; break;
    case 429: type = "rate_limited"; break;
    case 503: type = "unavailable"; break;
    default:
        if (status >= 500) type = "server_error";
        break;
    }
    boost::json::object body{{"detail", message},
                             {"error", boost::json::object{{"code", status}, {"type", type}, {"message", message}}}};
    return Response{status, "application/json", to_json(body), {}};
}

}  // namespace gradio::detail::http
