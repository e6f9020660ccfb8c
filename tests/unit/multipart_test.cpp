// The incremental multipart/form-data parser: parts, names, data that looks like delimiters,
// every split of a body, limits, sink errors, and the boundary from the Content-Type header.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "files/multipart.hpp"

using gradio::detail::files::BoundaryError;
using gradio::detail::files::multipart_boundary;
using gradio::detail::files::MultipartParser;
using gradio::detail::files::MultipartPart;
using gradio::detail::files::MultipartSink;
using namespace std::string_literals;

namespace {

// Records the parts; consecutive part_data calls are joined (their number depends on the split).
struct Part {
    MultipartPart header;
    std::string data;
    bool ended = false;
    bool operator==(const Part& o) const {
        return header.name == o.header.name && header.filename == o.header.filename &&
               header.content_type == o.header.content_type && data == o.data && ended == o.ended;
    }
};

struct RecordingSink : MultipartSink {
    std::vector<Part> parts;
    std::size_t data_calls = 0;
    bool empty_data_call = false;
    bool out_of_order = false;
    // Fails the n-th begin_part (1-based) with this message; 0 = never.
    std::size_t fail_begin = 0;
    bool throw_instead = false;

    std::string begin_part(const MultipartPart& part) override {
        if (!parts.empty() && !parts.back().ended) out_of_order = true;
        parts.push_back({part, {}, false});
        if (parts.size() == fail_begin) {
            if (throw_instead) throw std::runtime_error("disk full");
            return "No space left on the device.";
        }
        return {};
    }
    std::string part_data(std::string_view bytes) override {
        if (bytes.empty()) empty_data_call = true;
        if (parts.empty() || parts.back().ended) out_of_order = true;
        else parts.back().data += bytes;
        ++data_calls;
        return {};
    }
    std::string end_part() override {
        if (parts.empty() || parts.back().ended) out_of_order = true;
        else parts.back().ended = true;
        return {};
    }
};

struct Result {
    std::vector<Part> parts;
    bool fed = false;
    bool finished = false;
    bool done = false;
    std::string error;
    MultipartParser::ErrorKind kind{};
    bool operator==(const Result& o) const {
        return parts == o.parts && fed == o.fed && finished == o.finished && done == o.done && error == o.error &&
               kind == o.kind;
    }
};

std::ostream& operator<<(std::ostream& os, const Result& r) {
    os << "{fed " << r.fed << " finished " << r.finished << " done " << r.done << " error '" << r.error << "' parts";
    for (const Part& p : r.parts)
        os << " [" << p.header.name << "|" << p.header.filename.value_or("<none>") << "|" << p.header.content_type << "|"
           << p.data.size() << " bytes|" << (p.ended ? "ended" : "open") << "]";
    return os << "}";
}

// Feeds `body` cut at `cuts` (increasing offsets), then finishes.
Result parse(std::string_view body, const std::vector<std::size_t>& cuts = {}, MultipartParser::Limits limits = {},
             std::string boundary = "XyZ", RecordingSink sink = {}) {
    MultipartParser parser(std::move(boundary), sink, limits);
    Result r;
    r.fed = true;
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
        r.fed = parser.feed(body.substr(from, cut - from)) && r.fed;
        from = cut;
    }
    r.fed = parser.feed(body.substr(from)) && r.fed;
    r.finished = parser.finish();
    r.done = parser.done();
    r.error = parser.error();
    r.kind = parser.error_kind();
    EXPECT_FALSE(sink.empty_data_call);
    EXPECT_FALSE(sink.out_of_order);
    r.parts = std::move(sink.parts);
    return r;
}

Result parse_bytewise(std::string_view body, MultipartParser::Limits limits = {}) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
    return parse(body, cuts, limits);
}

std::string file_part(std::string_view name, std::string_view filename, std::string_view type, std::string_view data) {
    return "--XyZ\r\nContent-Disposition: form-data; name=\""s + std::string(name) + "\"; filename=\"" +
           std::string(filename) + "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" + std::string(data) + "\r\n";
}

constexpr auto kMalformed = MultipartParser::ErrorKind::malformed;

}  // namespace

TEST(Multipart, OneFile) {
    const std::string body = file_part("files", "a.txt", "text/plain", "hello") + "--XyZ--\r\n";
    const Result r = parse(body);
    ASSERT_TRUE(r.fed && r.finished && r.done) << r;
    ASSERT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].header.name, "files");
    EXPECT_EQ(r.parts[0].header.filename, "a.txt");
    EXPECT_EQ(r.parts[0].header.content_type, "text/plain");
    EXPECT_EQ(r.parts[0].data, "hello");
    EXPECT_TRUE(r.parts[0].ended);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.kind, MultipartParser::ErrorKind::none);
}

TEST(Multipart, TwoFilesAsABrowserSendsThem) {
    const std::string body = "--XyZ\r\n"
                             "Content-Disposition: form-data; name=\"files\"; filename=\"one.png\"\r\n"
                             "Content-Type: image/png\r\n\r\n"
                             "\x89PNG\r\n\x1a\n\r\n"
                             "--XyZ\r\n"
                             "Content-Disposition: form-data; name=\"files\"; filename=\"two.csv\"\r\n"
                             "Content-Type: text/csv\r\n\r\n"
                             "a,b\r\n1,2\r\n"
                             "\r\n--XyZ--\r\n";
    const Result r = parse(body);
    ASSERT_TRUE(r.finished) << r;
    ASSERT_EQ(r.parts.size(), 2u);
    EXPECT_EQ(r.parts[0].header.filename, "one.png");
    EXPECT_EQ(r.parts[0].data, "\x89PNG\r\n\x1a\n");
    EXPECT_EQ(r.parts[1].header.filename, "two.csv");
    EXPECT_EQ(r.parts[1].header.content_type, "text/csv");
    EXPECT_EQ(r.parts[1].data, "a,b\r\n1,2\r\n");
}

TEST(Multipart, PlainFieldHasNoFilename) {
    const Result r = parse("--XyZ\r\nContent-Disposition: form-data; name=\"upload_id\"\r\n\r\nabc123\r\n--XyZ--");
    ASSERT_TRUE(r.finished) << r;
    ASSERT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].header.name, "upload_id");
    EXPECT_EQ(r.parts[0].header.filename, std::nullopt);
    EXPECT_EQ(r.parts[0].header.content_type, "");
    EXPECT_EQ(r.parts[0].data, "abc123");
}

TEST(Multipart, QuotedEscapedAndExtendedNames) {
    struct Case {
        std::string disposition;
        std::string name;
        std::optional<std::string> filename;
    };
    const Case cases[] = {
        {R"(form-data; name="a\"b"; filename="x\\y.txt")", "a\"b", "x\\y.txt"},
        // Only \" and \\ are escapes: an old browser's Windows path keeps its backslashes.
        {R"(form-data; name="f"; filename="C:\dir\a.txt")", "f", R"(C:\dir\a.txt)"},
        {"form-data; name=token_name; filename=plain.txt", "token_name", "plain.txt"},
        {"form-data;name=\"semi;colon\";filename=\"a;b.txt\"", "semi;colon", "a;b.txt"},
        {"FORM-DATA; NAME=\"n\"; FileName=\"Up.TXT\"", "n", "Up.TXT"},
        {"form-data ;  name = \"n\" ;\tfilename =\t\"sp ace.txt\"  ", "n", "sp ace.txt"},
        {"form-data; name=\"n\"; filename=\"\"", "n", ""},
        {"form-data; name=\"\"", "", std::nullopt},
        {"form-data; name=\"n\"; size=12; filename=\"a.txt\"; creation-date=\"x;y\"", "n", "a.txt"},
        // filename* (RFC 5987) wins over filename, in either order.
        {"form-data; name=\"n\"; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt", "n", "\u20ac rates.txt"},
        {"form-data; name=\"n\"; filename*=utf-8'en'%C3%A9t%C3%A9.txt; filename=\"ete.txt\"", "n", "\u00e9t\u00e9.txt"},
        {"form-data; name=\"n\"; filename*=ISO-8859-1''%E9t%E9.txt", "n", "\u00e9t\u00e9.txt"},
        {"form-data; name=\"n\"; filename*=\"UTF-8''quoted%21\"", "n", "quoted!"},
        // A filename* we cannot read leaves filename.
        {"form-data; name=\"n\"; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82", "n", "fallback.txt"},
        {"form-data; name=\"n\"; filename=\"fallback.txt\"; filename*=UTF-8''%zz", "n", "fallback.txt"},
        {"form-data; name=\"n\"; filename=\"fallback.txt\"; filename*=KOI8-R''%C1", "n", "fallback.txt"},
        {"form-data; name=\"n\"; filename=\"fallback.txt\"; filename*=no-quotes", "n", "fallback.txt"},
        {"form-data; name=\"n\"; filename*=UTF-8''only.txt", "n", "only.txt"},
    };
    for (const Case& c : cases) {
        const Result r = parse("--XyZ\r\nContent-Disposition: " + c.disposition + "\r\n\r\ndata\r\n--XyZ--");
        ASSERT_TRUE(r.finished) << c.disposition << " " << r;
        ASSERT_EQ(r.parts.size(), 1u) << c.disposition;
        EXPECT_EQ(r.parts[0].header.name, c.name) << c.disposition;
        EXPECT_EQ(r.parts[0].header.filename, c.filename) << c.disposition;
    }
}

TEST(Multipart, HeaderNamesAndWhitespaceAreTolerated) {
    const Result r = parse("--XyZ\r\n"
                           "content-TYPE :  application/octet-stream \r\n"
                           "X-Other: ignored\r\n"
                           "CONTENT-DISPOSITION:form-data;\r\n"
                           " name=\"folded\";\r\n"
                           "\tfilename=\"f.bin\"\r\n"
                           "\r\n"
                           "x\r\n--XyZ--");
    ASSERT_TRUE(r.finished) << r;
    ASSERT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].header.name, "folded");
    EXPECT_EQ(r.parts[0].header.filename, "f.bin");
    EXPECT_EQ(r.parts[0].header.content_type, "application/octet-stream");
}

TEST(Multipart, EmptyFileAndEmptyField) {
    const std::string body = file_part("files", "empty.txt", "text/plain", "") +
                             "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\r\n--XyZ--\r\n";
    const Result r = parse(body);
    ASSERT_TRUE(r.finished) << r;
    ASSERT_EQ(r.parts.size(), 2u);
    EXPECT_EQ(r.parts[0].header.filename, "empty.txt");
    EXPECT_EQ(r.parts[0].data, "");
    EXPECT_TRUE(r.parts[0].ended);
    EXPECT_EQ(r.parts[1].data, "");
    EXPECT_TRUE(r.parts[1].ended);
}

TEST(Multipart, BinaryDataThatLooksLikeDelimiters) {
    std::string data;
    for (int i = 0; i < 256; ++i) data += static_cast<char>(i);
    // Prefixes of the delimiter, a CR before a delimiter prefix, a delimiter without its CR or
    // LF, the boundary without the dashes, and a trailing prefix right before the real delimiter.
    data += "\r\n--\r\n-\r\n--X\r\r\n--Xy\n--XyZ\r--XyZ\r\nXyZ--XyZ\r\n-\r\n--Xy";
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"b.bin\"\r\n\r\n" +
                             data + "\r\n--XyZ--\r\n";
    const Result whole = parse(body);
    ASSERT_TRUE(whole.finished) << whole;
    ASSERT_EQ(whole.parts.size(), 1u);
    EXPECT_EQ(whole.parts[0].data, data);
    EXPECT_EQ(parse_bytewise(body), whole);
}

TEST(Multipart, DataEndingInCrLfKeepsIt) {
    const Result r = parse(file_part("f", "a", "text/plain", "line\r\n") + "--XyZ--");
    ASSERT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].data, "line\r\n");
}

TEST(Multipart, EverySplitGivesTheSameResult) {
    const std::string bodies[] = {
        "preamble\r\n" + file_part("files", "a.txt", "text/plain", "a\r\n--XyZ-not\r\r\n") +
            "--XyZ  \t\r\nContent-Disposition: form-data; name=\"k\"\r\n\r\nv\r\n--XyZ--epilogue\r\n--XyZ\r\n",
        file_part("f", "x", "t", "") + "--XyZ\r\nContent-Disposition: other\r\n\r\n",   // malformed
        "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ncut short\r\n--Xy",  // no close
    };
    for (const std::string& body : bodies) {
        const Result whole = parse(body);
        EXPECT_EQ(parse_bytewise(body), whole) << body;
        for (std::size_t i = 0; i <= body.size(); ++i) {
            ASSERT_EQ(parse(body, {i}), whole) << "split at " << i << " of " << body;
        }
        for (std::size_t i = 0; i <= body.size(); i += 3)
            for (std::size_t j = i; j <= body.size(); j += 2) ASSERT_EQ(parse(body, {i, j}), whole) << i << "," << j;
    }
}

TEST(Multipart, PreambleEpilogueAndPadding) {
    const Result r = parse("This preamble mentions --XyZ mid-line.\r\n-XyZ\r\n--Xy\r\n--XyZ \t \r\n"
                           "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                           "--XyZ--  \r\nThe epilogue, ignored: --XyZ\r\n garbage");
    ASSERT_TRUE(r.finished) << r;
    ASSERT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].data, "1");
}

TEST(Multipart, PreambleDelimiterLookalikeIsMalformed) {
    const Result r = parse("--XyZZ\r\n");
    EXPECT_FALSE(r.fed);
    EXPECT_EQ(r.kind, kMalformed);
    EXPECT_EQ(r.error, "A boundary line does not end with a line break.");
}

TEST(Multipart, DataIsHandedOnAsSoonAsItCannotBeADelimiter) {
    RecordingSink sink;
    MultipartParser parser("XyZ", sink);
    ASSERT_TRUE(parser.feed("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n--Xy"));
    ASSERT_EQ(sink.parts.size(), 1u);
    EXPECT_EQ(sink.parts[0].data, "abc");  // "\r\n--Xy" may be the delimiter: held back
    ASSERT_TRUE(parser.feed("Q"));
    EXPECT_EQ(sink.parts[0].data, "abc\r\n--XyQ");
    ASSERT_TRUE(parser.feed("\r"));
    EXPECT_EQ(sink.parts[0].data, "abc\r\n--XyQ");
    ASSERT_TRUE(parser.feed("\r"));
    EXPECT_EQ(sink.parts[0].data, "abc\r\n--XyQ\r");
    ASSERT_TRUE(parser.feed("\n--XyZ--"));
    EXPECT_TRUE(parser.done());
    EXPECT_TRUE(parser.finish());
    EXPECT_EQ(sink.parts[0].data, "abc\r\n--XyQ\r");
    EXPECT_TRUE(sink.parts[0].ended);
}

TEST(Multipart, MissingCloseFailsAtFinish) {
    for (const std::string& body : {file_part("f", "a", "t", "x"), file_part("f", "a", "t", "x") + "--XyZ",
                                   file_part("f", "a", "t", "x") + "--XyZ-", "--XyZ\r\nContent-Dispo"s, ""s,
                                   "no delimiter at all"s}) {
        const Result r = parse(body);
        EXPECT_TRUE(r.fed) << body;
        EXPECT_FALSE(r.finished) << body;
        EXPECT_FALSE(r.done);
        EXPECT_EQ(r.kind, kMalformed);
        EXPECT_EQ(r.error, "The body ended before the closing boundary.");
    }
}

TEST(Multipart, GarbageIsMalformed) {
    struct Case {
        std::string body;
        std::string error;
    };
    const Case cases[] = {
        {"--XyZ\r\n\r\ndata\r\n--XyZ--", "A part has no Content-Disposition header."},
        {"--XyZ\r\nContent-Type: text/plain\r\n\r\ndata\r\n--XyZ--", "A part has no Content-Disposition header."},
        {"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n\r\n--XyZ--",
         "A part's Content-Disposition is not form-data."},
        {"--XyZ\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n\r\n--XyZ--",
         "The Content-Disposition header field \"name\" must be provided."},
        {"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n\r\n--XyZ--",
         "A part's Content-Disposition header is malformed."},
        {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"x\r\n\r\n\r\n--XyZ--",
         "A part's Content-Disposition header is malformed."},
        {"--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n\r\n--XyZ--",
         "A part's Content-Disposition has the parameter \"name\" twice."},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\n--XyZ--",
         "A part has two Content-Disposition headers."},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nno colon here\r\n\r\n\r\n--XyZ--",
         "A part header line has no name and colon."},
        {"--XyZ\r\n: value\r\n\r\n\r\n--XyZ--", "A part header line has no name and colon."},
        {"--XyZ\rContent-Disposition: form-data; name=a\r\n\r\n\r\n--XyZ--",
         "A boundary line does not end with a line break."},
        {"--XyZ-x", "A boundary line does not end with a line break."},
        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--XyZ!", "A boundary line does not end with a line break."},
    };
    for (const Case& c : cases) {
        const Result r = parse(c.body);
        EXPECT_FALSE(r.fed) << c.body;
        EXPECT_FALSE(r.finished);
        EXPECT_EQ(r.kind, kMalformed) << c.body;
        EXPECT_EQ(r.error, c.error) << c.body;
        EXPECT_EQ(parse_bytewise(c.body), r) << c.body;
    }
}

TEST(Multipart, HeaderSectionLimit) {
    const MultipartParser::Limits limits{.max_part_header_bytes = 64};
    const std::string start = "--XyZ\r\n";
    const std::string disposition = "Content-Disposition: form-data; name=\"f\"\r\n";  // 42 bytes
    const auto body_with_header_bytes = [&](std::size_t n) {
        std::string padding = "X-Pad: " + std::string(n - disposition.size() - 9, 'p') + "\r\n";
        return start + disposition + padding + "\r\ndata\r\n--XyZ--";
    };
    const Result at_limit = parse(body_with_header_bytes(64), {}, limits);
    EXPECT_TRUE(at_limit.finished) << at_limit;
    EXPECT_EQ(parse_bytewise(body_with_header_bytes(64), limits), at_limit);
    for (const std::size_t n : {65u, 66u, 67u, 68u, 69u, 70u, 200u}) {
        const Result over = parse(body_with_header_bytes(n), {}, limits);
        EXPECT_FALSE(over.fed) << n;
        EXPECT_EQ(over.kind, MultipartParser::ErrorKind::header_too_large) << n;
        EXPECT_EQ(over.error, "Headers exceeded maximum allowed size of 64 bytes.");
        EXPECT_TRUE(over.parts.empty());
        EXPECT_EQ(parse_bytewise(body_with_header_bytes(n), limits), over) << n;
    }
    // A header section that never ends is cut off at the limit, not buffered.
    const Result endless = parse(start + disposition + std::string(100000, 'h'), {}, limits);
    EXPECT_EQ(endless.kind, MultipartParser::ErrorKind::header_too_large);
    // The default limit, and its message.
    const Result big = parse(start + "X-Big: " + std::string(9000, 'b') + "\r\n\r\n");
    EXPECT_EQ(big.kind, MultipartParser::ErrorKind::header_too_large);
    EXPECT_EQ(big.error, "Headers exceeded maximum allowed size of 8192 bytes.");
}

TEST(Multipart, TooManyParts) {
    std::string body;
    for (int i = 0; i < 3; ++i) body += file_part("files", "f" + std::to_string(i), "t", "d");
    body += "--XyZ--";
    const MultipartParser::Limits limits{.max_parts = 2};
    const Result r = parse(body, {}, limits);
    EXPECT_FALSE(r.fed);
    EXPECT_EQ(r.kind, MultipartParser::ErrorKind::too_many_parts);
    EXPECT_EQ(r.error, "Too many parts. Maximum number of parts is 2.");
    ASSERT_EQ(r.parts.size(), 2u);
    EXPECT_TRUE(r.parts[1].ended);
    EXPECT_EQ(parse_bytewise(body, limits), r);
    const Result three = parse(body, {}, {.max_parts = 3});
    EXPECT_TRUE(three.finished) << three;
    EXPECT_EQ(three.parts.size(), 3u);
}

TEST(Multipart, SinkErrorStopsTheParse) {
    std::string body;
    for (int i = 0; i < 3; ++i) body += file_part("files", "f" + std::to_string(i), "t", "data");
    body += "--XyZ--";
    for (const bool throws : {false, true}) {
        RecordingSink sink;
        sink.fail_begin = 2;
        sink.throw_instead = throws;
        MultipartParser parser("XyZ", sink);
        EXPECT_FALSE(parser.feed(body));
        EXPECT_EQ(parser.error_kind(), MultipartParser::ErrorKind::sink);
        EXPECT_EQ(parser.error(), throws ? "disk full" : "No space left on the device.");
        ASSERT_EQ(sink.parts.size(), 2u);
        EXPECT_EQ(sink.parts[1].data, "") << "nothing after the error";
        EXPECT_FALSE(parser.feed("more"));
        EXPECT_FALSE(parser.finish());
        EXPECT_EQ(parser.error(), throws ? "disk full" : "No space left on the device.");
        EXPECT_EQ(sink.parts.size(), 2u);
    }
}

TEST(Multipart, InvalidBoundaryGivenToTheParser) {
    for (const std::string& boundary : {""s, "a\rb"s, std::string(71, 'b'), "trailing "s}) {
        RecordingSink sink;
        MultipartParser parser(boundary, sink);
        EXPECT_FALSE(parser.feed("--" + boundary + "--"));
        EXPECT_EQ(parser.error_kind(), kMalformed);
        EXPECT_TRUE(sink.parts.empty());
    }
}

TEST(Multipart, LongestBoundary) {
    const std::string boundary(70, 'b');
    RecordingSink sink;
    MultipartParser parser(boundary, sink);
    const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--" +
                             std::string(69, 'b') + "\r\n--" + boundary + "--";
    EXPECT_TRUE(parser.feed(body));
    EXPECT_TRUE(parser.finish());
    ASSERT_EQ(sink.parts.size(), 1u);
    EXPECT_EQ(sink.parts[0].data, "\r\n--" + std::string(69, 'b'));
}

TEST(MultipartBoundary, FromContentType) {
    struct Case {
        std::string content_type;
        std::string boundary;
        BoundaryError error;
    };
    const std::string b70(70, 'x');
    const Case cases[] = {
        {"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW",
         BoundaryError::none},
        {"multipart/form-data; boundary=\"quoted value\"", "quoted value", BoundaryError::none},
        {"Multipart/Form-Data; BOUNDARY=AbC", "AbC", BoundaryError::none},
        {"multipart/form-data;boundary=abc", "abc", BoundaryError::none},
        {"  multipart/form-data ; charset=utf-8 ; boundary = abc ; x=\"y;boundary=z\"", "abc", BoundaryError::none},
        {"multipart/form-data; boundary=\"'()+_,-./:=? x\"", "'()+_,-./:=? x", BoundaryError::none},
        {"multipart/form-data; boundary=" + b70, b70, BoundaryError::none},
        {"multipart/form-data; boundary=" + b70 + "x", "", BoundaryError::missing_boundary},
        {"multipart/form-data", "", BoundaryError::missing_boundary},
        {"multipart/form-data;", "", BoundaryError::missing_boundary},
        {"multipart/form-data; charset=utf-8", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=\"\"", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=\"ends with space \"", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=\"unterminated", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=a\"b", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=a*b", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=a\rb", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=\"a\\\\b\"", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=\xc3\xa9", "", BoundaryError::missing_boundary},
        {"multipart/form-data; boundary=a; boundary=b", "", BoundaryError::missing_boundary},
        {"multipart/form-data; xboundary=abc", "", BoundaryError::missing_boundary},
        {"application/json; boundary=abc", "", BoundaryError::not_multipart},
        {"multipart/mixed; boundary=abc", "", BoundaryError::not_multipart},
        {"multipart/form-datax; boundary=abc", "", BoundaryError::not_multipart},
        {"multipart/form-data boundary=abc", "", BoundaryError::not_multipart},
        {"", "", BoundaryError::not_multipart},
        {"text/plain", "", BoundaryError::not_multipart},
    };
    for (const Case& c : cases) {
        BoundaryError error = BoundaryError::none;
        EXPECT_EQ(multipart_boundary(c.content_type, error), c.boundary) << c.content_type;
        EXPECT_EQ(error, c.error) << c.content_type;
    }
}
