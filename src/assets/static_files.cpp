#include "assets/static_files.hpp"

#include <fstream>
#include <sstream>

#include "assets/asset_table.hpp"
#include "assets/mime.hpp"
#include "http/compression.hpp"

namespace gradio::detail {

const Asset* find_asset(std::string_view path) noexcept {
    for (const auto& a : embedded_assets())
        if (a.path == path) return &a;
    return nullptr;
}

namespace {

std::optional<http::Response> from_disk(const std::string& dir, std::string_view path) {
    if (path.find("..") != std::string_view::npos || path.find('\\') != std::string_view::npos) return std::nullopt;
    std::ifstream file(dir + std::string(path), std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream bytes;
    bytes << file.rdbuf();
    http::Response r{200, std::string(mime_for(path)), bytes.str(), {}};
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
}


// The page loads only its own scripts; other sites may not frame it (clickjacking).
// Markdown may show images and media from https: URLs; styles may be inline (KaTeX, Svelte).
void add_page_headers(http::Response& r) {
    if (r.content_type.rfind("text/html", 0) != 0) return;
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob: https:; media-src 'self' data: blob: https:; font-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'");
    r.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
    r.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
}

}  // namespace

std::optional<http::Response> serve_static(const http::Request& request, const std::string& web_dir) {
    std::string_view path = request.path;
    if (path == "/" || path.empty()) path = "/index.html";
    if (!web_dir.empty()) {
        auto r = from_disk(web_dir, path);
        if (r) add_page_headers(*r);
        return r;
    }
    const Asset* asset = find_asset(path);
    if (!asset) return std::nullopt;
    http::Response r;
    r.content_type = std::string(asset->mime);
    r.headers.emplace_back("ETag", std::string(asset->etag));
    r.headers.emplace_back("Cache-Control", asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    r.headers.emplace_back("Vary", "Accept-Encoding");
    add_page_headers(r);
    if (request.header("if-none-match") == asset->etag) {
        r.status = 304;
        return r;
    }
    if (!asset->gzip.empty() && http::accepts_gzip(request.header("accept-encoding"))) {
        r.headers.emplace_back("Content-Encoding", "gzip");
        r.body.assign(asset->gzip);
    } else {
        r.body.assign(asset->identity);
    }
    return r;
}

}  // namespace gradio::detail
