#pragma once
// The browser UI bundle, embedded at build time by tools/embed_assets (the generated
// gr_assets.cpp in the build tree defines embedded_assets()).

#include <span>
#include <string_view>

namespace gradio::detail {

struct Asset {
    std::string_view path;      // "/index.html", "/assets/index-3f2a.js"
    std::string_view mime;
    std::string_view etag;      // quoted
    std::string_view identity;  // raw bytes
    std::string_view gzip;      // gzip bytes, empty when compression did not pay
    bool immutable;             // content-hashed file name: cache forever
};

[[nodiscard]] std::span<const Asset> embedded_assets() noexcept;
[[nodiscard]] const Asset* find_asset(std::string_view path) noexcept;

}  // namespace gradio::detail
