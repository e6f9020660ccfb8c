#include "http/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace gradio::detail::http {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i, std::size_t& bad) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    bad = 1;
    if (lead < 0x80) return 1;
    std::size_t need = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) need = 1;
    else if (lead == 0xE0) need = 2, low = 0xA0;
    else if (lead >= 0xE1 && lead <= 0xEC) need = 2;
    else if (lead == 0xED) need = 2, high = 0x9F;   // no surrogates
    else if (lead >= 0xEE && lead <= 0xEF) need = 2;
    else if (lead == 0xF0) need = 3, low = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) need = 3;
    else if (lead == 0xF4) need = 3, high = 0x8F;   // nothing above U+10FFFF
    else return 0;
    for (std::size_t k = 1; k <= need; ++k) {
        if (i + k >= text.size()) return 0;
        const unsigned char c = byte(i + k);
        const unsigned char lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
        if (c < lo || c > hi) return 0;
        bad = k + 1;
    }
    return need + 1;
}


bool is_valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0, bad = 0;
    while (i < text.size()) {
        // ASCII, the bulk of any frame, is checked eight bytes at a time.
        std::uint64_t word = 0;
        if (i + 8 <= text.size() && (std::memcpy(&word, text.data() + i, 8), (word & 0x8080808080808080ULL) == 0)) {
            i += 8;
            continue;
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence_length(text, i, bad);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

bool repair_utf8(std::string& text) {
    if (is_valid_utf8(text)) return false;
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t i = 0, bad = 0;
    while (i < text.size()) {
        const std::size_t n = utf8_sequence_length(text, i, bad);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            i += bad;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    text = std::move(out);
    return true;
}

}  // namespace gradio::detail::http
