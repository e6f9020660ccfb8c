#include "http/compression.hpp"

#include <zlib.h>

namespace gradio::detail::http {

bool accepts_gzip(std::string_view accept_encoding) noexcept {
    // "gzip" listed and not refused with q=0 (q=0.5 etc. still accept).
    auto pos = accept_encoding.find("gzip");
    if (pos == std::string_view::npos) return false;
    auto params = accept_encoding.substr(pos + 4);
    params = params.substr(0, params.find(','));
    auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    auto value = params.substr(q + 2);
    return !(value == "0" || value.rfind("0.0", 0) == 0 || value == "0." || value.rfind("0 ", 0) == 0);
}

std::string gzip(std::string_view data, int level) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string{};
}

}  // namespace gradio::detail::http
