#include "files/mime_types.hpp"

#include <utility>

namespace gradio::detail::files {

namespace {

constexpr std::pair<std::string_view, std::string_view> by_extension[] = {
    {".png", "image/png"},        {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},      {".gif", "image/gif"},
    {".webp", "image/webp"},      {".avif", "image/avif"},       {".bmp", "image/bmp"},        {".ico", "image/x-icon"},
    {".svg", "image/svg+xml"},    {".tif", "image/tiff"},        {".tiff", "image/tiff"},      {".heic", "image/heic"},
    {".wav", "audio/wav"},        {".mp3", "audio/mpeg"},        {".ogg", "audio/ogg"},        {".oga", "audio/ogg"},
    {".flac", "audio/flac"},      {".m4a", "audio/x-m4a"},       {".aac", "audio/aac"},        {".weba", "audio/webm"},
    {".opus", "audio/ogg"},       {".aiff", "audio/aiff"},       {".mp4", "video/mp4"},        {".m4v", "video/mp4"},
    {".webm", "video/webm"},      {".ogv", "video/ogg"},         {".mov", "video/quicktime"},  {".mkv", "video/x-matroska"},
    {".avi", "video/x-msvideo"},  {".mpeg", "video/mpeg"},       {".mpg", "video/mpeg"},       {".txt", "text/plain"},
    {".md", "text/markdown"},     {".csv", "text/csv"},          {".tsv", "text/tab-separated-values"},
    {".json", "application/json"}, {".html", "text/html"},       {".htm", "text/html"},        {".xml", "application/xml"},
    {".js", "text/javascript"},   {".css", "text/css"},          {".pdf", "application/pdf"},  {".zip", "application/zip"},
    {".gz", "application/gzip"},  {".tar", "application/x-tar"}, {".py", "text/x-python"},     {".glb", "model/gltf-binary"},
    {".gltf", "model/gltf+json"}, {".obj", "model/obj"},         {".stl", "model/stl"},        {".ply", "model/ply"},
    {".wasm", "application/wasm"},
};

constexpr std::string_view inline_safe[] = {
    "image/jpeg", "image/png",  "image/gif",   "image/webp",   "audio/aac",   "audio/aiff",   "audio/flac",
    "audio/mp4",  "audio/mpeg", "audio/ogg",   "audio/wav",    "audio/webm",  "audio/x-aiff", "audio/x-flac",
    "audio/x-m4a", "audio/x-matroska", "audio/x-wav", "video/mp4", "video/mpeg", "video/ogg", "video/quicktime",
    "video/webm", "video/x-matroska", "video/x-msvideo", "text/plain"};

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

}  // namespace

std::string extension_of(std::string_view filename) {
    const auto slash = filename.find_last_of('/');
    if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
    const auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    std::string ext(filename.substr(dot));
    for (char& c : ext) c = lower(c);
    return ext;
}

std::string_view mime_type_of(std::string_view filename) noexcept {
    const auto slash = filename.find_last_of('/');
    if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
    const auto dot = filename.rfind('.');
    if (dot != std::string_view::npos && dot > 0)
        for (const auto& [ext, type] : by_extension)
            if (iequals(filename.substr(dot), ext)) return type;
    return "application/octet-stream";
}

bool is_inline_safe(std::string_view mime_type) noexcept {
    if (const auto semicolon = mime_type.find(';'); semicolon != std::string_view::npos) mime_type = mime_type.substr(0, semicolon);
    for (auto safe : inline_safe)
        if (iequals(mime_type, safe)) return true;
    return iequals(mime_type, "application/json");
}

bool matches_file_type(std::string_view filename, std::string_view mime_type, std::string_view file_type) noexcept {
    if (file_type.empty()) return false;
    if (iequals(file_type, "file") || file_type == "*" || file_type == "*/*") return true;
    if (file_type.front() == '.') {
        return filename.size() >= file_type.size() && iequals(filename.substr(filename.size() - file_type.size()), file_type);
    }
    if (mime_type.empty() || mime_type == "application/octet-stream") mime_type = mime_type_of(filename);
    const auto slash = file_type.find('/');
    if (slash == std::string_view::npos || file_type.substr(slash) == "/*") {  // a family: "image" or "image/*"
        const auto family = file_type.substr(0, slash);
        return mime_type.size() > family.size() && mime_type[family.size()] == '/' && iequals(mime_type.substr(0, family.size()), family);
    }
    return iequals(mime_type.substr(0, mime_type.find(';')), file_type);
}

}  // namespace gradio::detail::files
