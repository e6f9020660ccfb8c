// libFuzzer target for the incremental multipart/form-data parser (files/multipart.hpp),
// linked directly. The input is [config byte][split count byte][split lengths...][body]:
//  * the body is parsed in one feed, in feeds of the lengths the input chose, and (when short)
//    one byte at a time: the sink events (consecutive part_data joined), the outcome and the
//    error must be the same, whatever the split;
//  * the events must be well formed (begin, data..., end; part_data never empty) and cannot
//    carry more bytes than the body has;
//  * a body that parsed completely is written again from its parts and must parse back to the
//    same parts (names, filenames and types quoted and escaped as the parser reads them).
// The config byte picks the boundary, small or default limits, and a sink callback that fails.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "files/multipart.hpp"

using gradio::detail::files::MultipartParser;
using gradio::detail::files::MultipartPart;
using gradio::detail::files::MultipartSink;

namespace {

[[noreturn]] void fail(const char* why, std::string_view detail) {
    std::fprintf(stderr, "fuzz_multipart: %s\n%.*s\n", why, static_cast<int>(std::min<std::size_t>(detail.size(), 4000)),
                 detail.data());
    __builtin_trap();
}

struct Recorder : MultipartSink {
    std::vector<MultipartPart> parts;
    std::vector<std::string> data;  // one per part, joined
    std::vector<bool> ended;
    std::size_t delivered = 0;
    std::size_t fail_begin = 0, fail_end = 0;  // 1-based: fail that call; 0 = never
    std::size_t begins = 0, ends = 0;

    std::string begin_part(const MultipartPart& part) override {
        if (!ended.empty() && !ended.back()) fail("begin_part inside a part", part.name);
        parts.push_back(part);
        data.emplace_back();
        ended.push_back(false);
        return ++begins == fail_begin ? "begin refused" : "";
    }
    std::string part_data(std::string_view bytes) override {
        if (bytes.empty()) fail("part_data with no bytes", "");
        if (ended.empty() || ended.back()) fail("part_data outside a part", bytes);
        data.back() += bytes;
        delivered += bytes.size();
        return {};
    }
    std::string end_part() override {
        if (ended.empty() || ended.back()) fail("end_part outside a part", "");
        ended.back() = true;
        return ++ends == fail_end ? "end refused" : "";
    }
};

std::string describe(const Recorder& r, const MultipartParser& p, bool fed, bool finished) {
    std::string out = "fed=" + std::to_string(fed) + " finished=" + std::to_string(finished) +
                      " done=" + std::to_string(p.done()) + " kind=" + std::to_string(static_cast<int>(p.error_kind())) +
                      " error=" + p.error() + "\n";
    for (std::size_t i = 0; i < r.parts.size(); ++i) {
        const MultipartPart& part = r.parts[i];
        out += "part name=[" + part.name + "] filename=" + (part.filename ? "[" + *part.filename + "]" : "none") +
               " type=[" + part.content_type + "] data=[" + r.data[i] + "] " + (r.ended[i] ? "ended" : "open") + "\n";
    }
    return out;
}

struct Outcome {
    std::string text;  // describe(): everything observable
    Recorder recorder;
    bool finished = false;
};

Outcome run(std::string_view body, const std::string& boundary, MultipartParser::Limits limits, std::size_t fail_begin,
            std::size_t fail_end, const std::vector<std::size_t>& lengths) {
    Outcome out;
    out.recorder.fail_begin = fail_begin;
    out.recorder.fail_end = fail_end;
    MultipartParser parser(boundary, out.recorder, limits);
    bool fed = true;
    if (lengths.empty()) {
        fed = parser.feed(body);
    } else {
        std::size_t pos = 0, i = 0;
        while (pos < body.size()) {
            const std::size_t n = std::min(lengths[i++ % lengths.size()], body.size() - pos);
            const bool ok = parser.feed(body.substr(pos, n));
            if (!ok && parser.error().empty()) fail("feed failed without an error", body);
            fed = ok && fed;
            pos += n;
        }
        fed = parser.feed({}) && fed;
    }
    out.finished = parser.finish();
    if (out.finished != parser.done()) fail("finish() disagrees with done()", body);
    if (out.finished != parser.error().empty()) fail("an error but finish() succeeded, or the reverse", body);
    if (out.recorder.delivered > body.size()) fail("more data delivered than the body has", body);
    out.text = describe(out.recorder, parser, fed, out.finished);
    return out;
}

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + '"';
}

// The parts of a complete parse written as a client would; false when a name or filename
// cannot be written in a header line (filename* may decode to a line break).
bool rebuild(const Recorder& r, const std::string& boundary, std::string& body) {
    body = "--" + boundary;
    for (std::size_t i = 0; i < r.parts.size(); ++i) {
        const MultipartPart& part = r.parts[i];
        const auto writable = [](std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; };
        if (!writable(part.name) || (part.filename && !writable(*part.filename))) return false;
        body += "\r\nContent-Disposition: form-data; name=" + quoted(part.name);
        if (part.filename) body += "; filename=" + quoted(*part.filename);
        if (!part.content_type.empty()) body += "\r\nContent-Type: " + part.content_type;
        body += "\r\n\r\n" + r.data[i] + "\r\n--" + boundary;
    }
    body += "--";
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto config = static_cast<unsigned char>(input[0]);
    const std::size_t split_count = static_cast<unsigned char>(input[1]) % 8;
    if (size < 2 + split_count) return 0;
    std::vector<std::size_t> lengths;
    for (std::size_t i = 0; i < split_count; ++i) lengths.push_back(static_cast<unsigned char>(input[2 + i]));
    // At least one non-empty feed per round, or the split run would never end.
    if (!lengths.empty() && std::all_of(lengths.begin(), lengths.end(), [](std::size_t n) { return n == 0; }))
        lengths.push_back(1);
    const std::string_view body = input.substr(2 + split_count);

    static const std::string boundaries[] = {"XyZ", "a", "----WebKitFormBoundary7MA4YWxkTrZu0gW", std::string(70, 'b')};
    const std::string& boundary = boundaries[config & 3];
    MultipartParser::Limits limits;
    if (config & 4) limits.max_part_header_bytes = 48;
    if (config & 8) limits.max_parts = 3;
    const std::size_t fail_at = (config >> 4) & 7;  // 0 = the sink never fails
    const std::size_t fail_begin = (config & 0x80) ? 0 : fail_at;
    const std::size_t fail_end = (config & 0x80) ? fail_at : 0;

    const Outcome whole = run(body, boundary, limits, fail_begin, fail_end, {});
    const Outcome split = run(body, boundary, limits, fail_begin, fail_end, lengths.empty() ? std::vector<std::size_t>{1} : lengths);
    if (split.text != whole.text) fail("a split body parsed differently", whole.text + "---\n" + split.text);
    if (body.size() <= 1024 && !lengths.empty()) {
        const Outcome bytewise = run(body, boundary, limits, fail_begin, fail_end, {1});
        if (bytewise.text != whole.text) fail("a body fed byte by byte parsed differently", whole.text + "---\n" + bytewise.text);
    }

    std::string again;
    if (whole.finished && rebuild(whole.recorder, boundary, again)) {
        const Outcome reparsed = run(again, boundary, {.max_part_header_bytes = 1 << 20, .max_parts = 1 << 20}, 0, 0, {});
        // (No limit or sink failure can have played a part in a parse that finished.)
        if (reparsed.text != whole.text) fail("a rebuilt body parses to other parts", whole.text + "---\n" + reparsed.text);
    }
    return 0;
}
