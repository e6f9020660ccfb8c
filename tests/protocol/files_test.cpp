// Files (protocol.md §8-9): uploads streamed into the cache, GET /gradio_api/file= with its
// refusals and Range, multimodal messages and replies with media. Real HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "../temp_dir.hpp"
#include "fixture.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using gr_test::HttpResult;
using gr_test::TestServer;

namespace {

constexpr const char* kBoundary = "----grTestBoundary7MA4YWxkTrZu0gW";

struct Part {
    std::string name;
    std::string filename;  // "" = a plain field
    std::string data;
    std::string type = "application/octet-stream";
};

std::string multipart(const std::vector<Part>& parts, bool close = true) {
    std::string body;
    for (const auto& p : parts) {
        body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"\r\nContent-Type: " + p.type;
        body += "\r\n\r\n" + p.data + "\r\n";
    }
    if (close) body += std::string("--") + kBoundary + "--\r\n";
    return body;
}

const std::map<std::string, std::string> kMultipart{{"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}};

HttpResult upload(std::uint16_t port, const std::vector<Part>& parts, const std::string& query = "") {
    return gr_test::request(port, "POST", "/gradio_api/upload" + query, multipart(parts), kMultipart);
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string binary_data(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) % 256);
    // Boundary-like bytes inside the data must not end the part.
    if (n > 64) s.replace(20, 8, "\r\n--\r\n--");
    return s;
}

// The entries (upload folders) in the cache folder that holds `uploaded`.
std::size_t cache_entries(const fs::path& uploaded) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(uploaded.parent_path().parent_path())) ++n;
    return n;
}

// POST /gradio_api/call/chat with one JSON message; the data of every SSE frame.
std::vector<json::value> call_chat(std::uint16_t port, const json::value& message) {
    auto r = gr_test::post_json(port, "/gradio_api/call/chat", json::serialize(json::object{{"data", json::array{message}}}));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    gr_test::SseStream s(port, "/gradio_api/call/chat/" + std::string(r.json().at("event_id").as_string()));
    std::vector<json::value> out;
    for (const auto& frame : s.all()) {
        const std::string data = gr_test::data_of(frame);
        out.push_back(frame.rfind("event: error", 0) == 0 ? json::value(json::string("ERROR " + data)) : json::parse(data));
    }
    return out;
}

json::value file_ref(const std::string& path, const std::string& name) {
    return json::object{{"path", path}, {"orig_name", name}, {"meta", json::object{{"_type", "gradio.FileData"}}}};
}

std::string echo_text(const gr::Message& m, const gr::History&) { return m.text; }

gr::Reply echo_files(const gr::Message& m, const gr::History&) {
    gr::Reply::Items reply{"You wrote: '" + m.text + "' and uploaded:"};
    for (const auto& f : m.files) reply.push_back(gr::File{.value = f.path});
    return reply;
}

}  // namespace

TEST(Upload, OneFileIsStoredAndServed) {
    TestServer t(echo_text);
    const std::string data = binary_data(200000);
    auto r = upload(t.port, {{"files", "photo.png", data, "image/png"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto paths = r.json().as_array();
    ASSERT_EQ(paths.size(), 1u);
    const fs::path stored(std::string(paths[0].as_string()));
    EXPECT_EQ(stored.filename(), "photo.png");
    EXPECT_EQ(read_file(stored), data);
    auto got = gr_test::request(t.port, "GET", "/gradio_api/file=" + stored.string());
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, data);
    EXPECT_EQ(got.headers["content-type"], "image/png");
    EXPECT_EQ(got.headers["content-disposition"], "inline; filename=\"photo.png\"");
    EXPECT_EQ(got.headers["accept-ranges"], "bytes");
}

TEST(Upload, ALargeFileStreamsPastTheRequestBodyLimit) {
    // 24 MiB, above max_body_size (16 MiB, for JSON bodies): an upload is streamed, not buffered.
    TestServer t(echo_text);
    const std::string data = binary_data(24u << 20);
    auto r = upload(t.port, {{"files", "big.bin", data}});
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_EQ(fs::file_size(std::string(r.json().as_array()[0].as_string())), data.size());
    EXPECT_EQ(read_file(std::string(r.json().as_array()[0].as_string())), data);
    // JSON routes keep their limit.
    EXPECT_EQ(gr_test::post_json(t.port, "/gradio_api/queue/join", "[" + std::string(17u << 20, ' ') + "]").status, 413);
}

TEST(Upload, AChunkedBodyIsDecodedOnTheWay) {
    TestServer t(echo_text);
    const std::string data = binary_data(300000);
    const std::string body = multipart({{"files", "chunked.bin", data}});
    std::string raw = "POST /gradio_api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" +
                      std::string(kBoundary) + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 70000) {
        const std::string piece = body.substr(at, 70000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        raw += size + piece + "\r\n";
    }
    raw += "0\r\n\r\n";
    auto answer = gr_test::raw_exchange(t.port, raw, std::chrono::seconds(10));
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->rfind("HTTP/1.1 200", 0), 0u) << answer->substr(0, 300);
    const auto open = answer->find("[\""), close = answer->find("\"]");
    EXPECT_EQ(read_file(answer->substr(open + 2, close - open - 2)), data);
}

TEST(Upload, SeveralFilesInOneRequestGetUniqueFolders) {
    TestServer t(echo_text);
    auto r = upload(t.port, {{"files", "a.txt", "first"}, {"other", "", "a plain field is ignored"}, {"files", "a.txt", "second"},
                             {"files", "../../etc/passwd", "third"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto paths = r.json().as_array();
    ASSERT_EQ(paths.size(), 3u);
    EXPECT_NE(paths[0], paths[1]);
    EXPECT_EQ(read_file(std::string(paths[0].as_string())), "first");
    EXPECT_EQ(read_file(std::string(paths[1].as_string())), "second");
    const fs::path third(std::string(paths[2].as_string()));
    EXPECT_EQ(third.filename(), "passwd");  // the client's folders are dropped
    EXPECT_EQ(third.parent_path().parent_path(), fs::path(std::string(paths[0].as_string())).parent_path().parent_path());
}

TEST(Upload, TooLargeIs413AndLeavesNothing) {
    TestServer t(echo_text, {}, {.max_file_size = 1000});
    auto config = gr_test::request(t.port, "GET", "/config");
    EXPECT_EQ(config.json().at("max_file_size"), json::value(1000));
    auto small = upload(t.port, {{"files", "ok.bin", std::string(1000, 'x')}});
    ASSERT_EQ(small.status, 200) << small.body;
    const fs::path kept(std::string(small.json().as_array()[0].as_string()));
    auto r = upload(t.port, {{"files", "big.bin", std::string(5000, 'x')}});
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(std::string(r.json().at("detail").as_string()), "File size exceeded maximum allowed size of 1000 bytes.");
    EXPECT_EQ(cache_entries(kept), 1u);
}

TEST(Upload, TheCacheHasATotalSize) {
    TestServer t(echo_text, {}, {.max_cache_size = 3000});
    auto first = upload(t.port, {{"files", "one.bin", std::string(2000, 'a')}});
    ASSERT_EQ(first.status, 200) << first.body;
    auto second = upload(t.port, {{"files", "two.bin", std::string(2000, 'b')}});
    EXPECT_EQ(second.status, 413);
    EXPECT_NE(second.body.find("file cache is full"), std::string::npos) << second.body;
    EXPECT_EQ(cache_entries(std::string(first.json().as_array()[0].as_string())), 1u);
}

TEST(Upload, NotMultipartOrNoBoundaryIs400) {
    TestServer t(echo_text);
    auto json_body = gr_test::post_json(t.port, "/gradio_api/upload", "{}");
    EXPECT_EQ(json_body.status, 400);
    EXPECT_EQ(std::string(json_body.json().at("detail").as_string()), "Invalid content type.");
    auto no_boundary = gr_test::request(t.port, "POST", "/gradio_api/upload", "x", {{"Content-Type", "multipart/form-data"}});
    EXPECT_EQ(no_boundary.status, 400);
    EXPECT_EQ(std::string(no_boundary.json().at("detail").as_string()), "Missing boundary in multipart.");
    auto get = gr_test::request(t.port, "GET", "/gradio_api/upload");
    EXPECT_EQ(get.status, 405);
}

TEST(Upload, TruncatedOrMalformedMultipartIs400AndLeavesNothing) {
    TestServer t(echo_text);
    auto kept = upload(t.port, {{"files", "kept.txt", "kept"}});
    ASSERT_EQ(kept.status, 200);
    const fs::path kept_path(std::string(kept.json().as_array()[0].as_string()));
    // The whole body arrived, but without the closing delimiter.
    auto unclosed = gr_test::request(t.port, "POST", "/gradio_api/upload", multipart({{"files", "cut.txt", "data"}}, false), kMultipart);
    EXPECT_EQ(unclosed.status, 400);
    EXPECT_NE(unclosed.body.find("Could not parse multipart request"), std::string::npos) << unclosed.body;
    auto garbage = gr_test::request(t.port, "POST", "/gradio_api/upload", std::string("--") + kBoundary + "\r\nno headers end", kMultipart);
    EXPECT_EQ(garbage.status, 400);
    auto no_filename = upload(t.port, {{"files", "", "a files part without a filename"}});
    EXPECT_EQ(no_filename.status, 400);
    // The connection drops in the middle of a file.
    const std::string body = multipart({{"files", "dropped.bin", std::string(100000, 'z')}});
    const std::string head = "POST /gradio_api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" +
                             std::string(kBoundary) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::socket s(ioc);
        s.connect({boost::asio::ip::make_address("127.0.0.1"), t.port});
        boost::asio::write(s, boost::asio::buffer(head + body.substr(0, 50000)));
    }
    EXPECT_TRUE(gr_test::wait_until([&] { return cache_entries(kept_path) == 1; }, std::chrono::seconds(5)));
    EXPECT_EQ(gr_test::request(t.port, "GET", "/config").status, 200);  // still serving
}

TEST(Upload, ASlowUploadThatKeepsSendingSucceeds) {
    TestServer t(echo_text);
    const std::string data = binary_data(40000);
    const std::string body = multipart({{"files", "slow.bin", data}});
    const std::string head = "POST /gradio_api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" +
                             std::string(kBoundary) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), t.port});
    boost::asio::write(s, boost::asio::buffer(head));
    const std::size_t piece = body.size() / 8 + 1;
    for (std::size_t at = 0; at < body.size(); at += piece) {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        boost::asio::write(s, boost::asio::buffer(body.data() + at, std::min(piece, body.size() - at)));
    }
    std::string answer;
    boost::system::error_code ec;
    char buf[4096];
    while (!ec) answer.append(buf, s.read_some(boost::asio::buffer(buf), ec));
    ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
    const auto open = answer.find("[\""), close = answer.find("\"]");
    ASSERT_NE(open, std::string::npos);
    EXPECT_EQ(read_file(answer.substr(open + 2, close - open - 2)), data);
}

TEST(Upload, AHundredConcurrentUploads) {
    TestServer t(echo_text);
    std::vector<std::future<HttpResult>> results;
    for (int i = 0; i < 100; ++i)
        results.push_back(std::async(std::launch::async, [&t, i] {
            return upload(t.port, {{"files", "f" + std::to_string(i) + ".txt", "content " + std::to_string(i)}});
        }));
    std::set<std::string> paths;
    for (int i = 0; i < 100; ++i) {
        auto r = results[static_cast<std::size_t>(i)].get();
        ASSERT_EQ(r.status, 200) << r.body;
        const std::string p(r.json().as_array()[0].as_string());
        EXPECT_EQ(read_file(p), "content " + std::to_string(i));
        paths.insert(p);
    }
    EXPECT_EQ(paths.size(), 100u);
}

TEST(Upload, ProgressIsStreamedForAnUploadId) {
    TestServer t(echo_text);
    gr_test::SseStream progress(t.port, "/gradio_api/upload_progress?upload_id=abc123");
    ASSERT_EQ(progress.status(), 200);
    auto r = upload(t.port, {{"files", "p.bin", std::string(300000, 'p')}}, "?upload_id=abc123");
    ASSERT_EQ(r.status, 200) << r.body;
    std::uint64_t bytes = 0;
    bool done = false;
    for (const auto& frame : progress.all()) {
        auto v = json::parse(gr_test::data_of(frame)).as_object();
        if (v.at("msg") == "update") {
            EXPECT_EQ(v.at("orig_name"), "p.bin");
            bytes += static_cast<std::uint64_t>(v.at("chunk_size").as_int64());
        }
        done = done || v.at("msg") == "done";
    }
    EXPECT_TRUE(done);
    EXPECT_EQ(bytes, 300000u);
    EXPECT_EQ(gr_test::request(t.port, "GET", "/gradio_api/upload_progress?upload_id=bad%20id").status, 404);
}

TEST(FileRoute, HostilePathsAreRefused) {
    gr_test::TempDir outside("gr_files_outside");
    fs::create_directories(outside.path() / "blocked");
    std::ofstream(outside.path() / "secret.txt") << "secret";
    std::ofstream(outside.path() / "blocked" / "b.txt") << "blocked";
    fs::create_directories(outside.path() / "allowed");
    std::ofstream(outside.path() / "allowed" / "ok.txt") << "ok";
    TestServer t(echo_text, {},
                 {.allowed_paths = {(outside.path() / "allowed").string(), (outside.path() / "blocked").string()},
                  .blocked_paths = {(outside.path() / "blocked").string()}});
    auto up = upload(t.port, {{"files", "mine.txt", "mine"}});
    ASSERT_EQ(up.status, 200);
    const fs::path mine(std::string(up.json().as_array()[0].as_string()));
    const fs::path cache = mine.parent_path().parent_path();
    fs::create_symlink("/etc/passwd", mine.parent_path() / "link_out");
    fs::create_symlink(outside.path() / "secret.txt", cache / "link_secret");
    const std::string c = cache.string(), o = outside.path().string();
    const std::vector<std::string> hostile = {
        "/etc/passwd",
        "etc/passwd",
        "../../../../etc/passwd",
        c + "/../../../etc/passwd",
        mine.parent_path().string() + "/../../../../etc/passwd",
        c + "/%2e%2e/%2e%2e/etc/passwd",  // decoded once by the route: a literal name here
        mine.parent_path().string() + "/link_out",
        c + "/link_secret",
        c,
        mine.parent_path().string(),
        mine.parent_path().string() + "/",
        o + "/secret.txt",
        o + "/blocked/b.txt",
        o + "/allowed/../secret.txt",
        o + "/allowed/../blocked/b.txt",
        o + "/BLOCKED/b.txt",
        "//127.0.0.1/share/x",
        "\\\\127.0.0.1\\share\\x",
        "\\/etc/passwd",
        "/\\etc/passwd",
        "C:\\Windows\\win.ini",
        "C:/Windows/win.ini",
        mine.string() + "\\..\\..\\x",
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://127.0.0.1/a.png",
        "",
        ".",
        "~/.ssh/id_rsa",
        "/proc/self/environ",
        "/dev/zero",
        fs::current_path().string() + "/CMakeCache.txt",
    };
    for (const auto& path : hostile) {
        // Percent-encode what the client would (the route decodes once).
        std::string target = "/gradio_api/file=";
        for (unsigned char ch : path) {
            if (std::isalnum(ch) || ch == '/' || ch == '.' || ch == '_' || ch == '-' || ch == '~') target += static_cast<char>(ch);
            else {
                char hex[4];
                std::snprintf(hex, sizeof hex, "%%%02X", ch);
                target += hex;
            }
        }
        auto r = gr_test::request(t.port, "GET", target);
        EXPECT_EQ(r.status, 403) << path << " -> " << r.status << " " << r.body.substr(0, 80);
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
    }
    EXPECT_GE(hostile.size(), 25u);
    // A NUL byte, and a traversal written with raw dots in the target.
    EXPECT_EQ(gr_test::request(t.port, "GET", "/gradio_api/file=" + mine.string() + "%00.png").status, 403);
    EXPECT_EQ(gr_test::request(t.port, "GET", "/gradio_api/file=" + c + "/../../etc/passwd").status, 403);
    // What is allowed.
    EXPECT_EQ(gr_test::request(t.port, "GET", "/gradio_api/file=" + mine.string()).body, "mine");
    auto allowed = gr_test::request(t.port, "GET", "/gradio_api/file=" + o + "/allowed/ok.txt");
    EXPECT_EQ(allowed.status, 200);
    EXPECT_EQ(allowed.body, "ok");
}

TEST(FileRoute, ActiveTypesAreDownloadsNotPages) {
    TestServer t(echo_text);
    auto r = upload(t.port, {{"files", "page.html", "<script>alert(1)</script>", "text/html"},
                             {"files", "pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "image/svg+xml"}});
    ASSERT_EQ(r.status, 200);
    const auto paths = r.json().as_array();
    for (const auto& p : paths) {
        auto got = gr_test::request(t.port, "GET", "/gradio_api/file=" + std::string(p.as_string()));
        EXPECT_EQ(got.status, 200);
        EXPECT_EQ(got.headers["content-type"], "application/octet-stream");
        EXPECT_EQ(got.headers["content-disposition"].rfind("attachment;", 0), 0u) << got.headers["content-disposition"];
        EXPECT_EQ(got.headers["x-content-type-options"], "nosniff");
    }
}

TEST(FileRoute, RangeRequestsForSeeking) {
    TestServer t(echo_text);
    const std::string data = binary_data(100000);
    auto up = upload(t.port, {{"files", "clip.webm", data, "video/webm"}});
    ASSERT_EQ(up.status, 200);
    const std::string target = "/gradio_api/file=" + std::string(up.json().as_array()[0].as_string());
    auto mid = gr_test::request(t.port, "GET", target, "", {{"Range", "bytes=1000-1999"}});
    EXPECT_EQ(mid.status, 206);
    EXPECT_EQ(mid.headers["content-range"], "bytes 1000-1999/100000");
    EXPECT_EQ(mid.body, data.substr(1000, 1000));
    auto open_end = gr_test::request(t.port, "GET", target, "", {{"Range", "bytes=99990-"}});
    EXPECT_EQ(open_end.status, 206);
    EXPECT_EQ(open_end.body, data.substr(99990));
    auto suffix = gr_test::request(t.port, "GET", target, "", {{"Range", "bytes=-5"}});
    EXPECT_EQ(suffix.status, 206);
    EXPECT_EQ(suffix.body, data.substr(99995));
    auto past = gr_test::request(t.port, "GET", target, "", {{"Range", "bytes=200000-"}});
    EXPECT_EQ(past.status, 416);
    EXPECT_EQ(past.headers["content-range"], "bytes */100000");
    auto junk = gr_test::request(t.port, "GET", target, "", {{"Range", "bytes=5-1,zz"}});
    EXPECT_EQ(junk.status, 200);
    EXPECT_EQ(junk.body.size(), data.size());
    auto head = gr_test::request(t.port, "HEAD", target);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers["content-length"], "100000");
}

TEST(Multimodal, FnGetsTheUploadedFilesAndTheReplyListsThem) {
    TestServer t(echo_files, {.multimodal = true, .textbox = gr::MultimodalTextbox{.file_count = "multiple"}, .api_name = "chat"});
    auto up = upload(t.port, {{"files", "cat.png", binary_data(500), "image/png"}, {"files", "notes.txt", "hello"}});
    ASSERT_EQ(up.status, 200);
    auto paths = up.json().as_array();
    auto frames = call_chat(t.port, json::object{{"text", "look"},
                                                 {"files", json::array{file_ref(std::string(paths[0].as_string()), "cat.png"),
                                                                       file_ref(std::string(paths[1].as_string()), "notes.txt")}}});
    ASSERT_FALSE(frames.empty());
    const auto reply = frames.back().as_array()[0].as_array();
    ASSERT_EQ(reply.size(), 3u) << json::serialize(frames.back());
    EXPECT_EQ(reply[0], "You wrote: 'look' and uploaded:");
    const auto& file = reply[1].as_object();
    EXPECT_EQ(file.at("orig_name"), "cat.png");
    EXPECT_EQ(file.at("mime_type"), "image/png");
    EXPECT_EQ(file.at("size"), json::value(500));
    EXPECT_EQ(file.at("meta").at("_type"), "gradio.FileData");
    const std::string url(file.at("url").as_string());
    const auto at = url.find("/gradio_api/file=");
    ASSERT_NE(at, std::string::npos) << url;
    EXPECT_EQ(gr_test::request(t.port, "GET", url.substr(at)).body, binary_data(500));
    // No files: the recorded call of chatinterface_echo_multimodal.
    auto none = call_chat(t.port, json::object{{"text", "no files"}, {"files", json::array{}}});
    EXPECT_EQ(json::serialize(none.back()), R"([["You wrote: 'no files' and uploaded:"],null])");
}

TEST(Multimodal, FilesThatWereNotUploadedAreRefused) {
    std::atomic<int> calls{0};
    TestServer t([&calls](const gr::Message& m, const gr::History&) {
        ++calls;
        return m.text;
    }, {.multimodal = true, .textbox = gr::MultimodalTextbox{.file_types = {".png", "audio"}}, .api_name = "chat"});
    for (const std::string& path : {std::string("/etc/passwd"), std::string("https://127.0.0.1/x.png"), std::string("")}) {
        auto frames = call_chat(t.port, json::object{{"text", "x"}, {"files", json::array{file_ref(path, "x.png")}}});
        ASSERT_FALSE(frames.empty());
        ASSERT_TRUE(frames.back().is_string()) << json::serialize(frames.back());
        EXPECT_EQ(std::string(frames.back().as_string()).rfind("ERROR", 0), 0u);
    }
    auto up = upload(t.port, {{"files", "tool.exe", "MZ"}});
    auto wrong = call_chat(t.port, json::object{{"text", "x"}, {"files", json::array{file_ref(std::string(up.json().as_array()[0].as_string()), "tool.exe")}}});
    ASSERT_TRUE(wrong.back().is_string());
    EXPECT_NE(std::string(wrong.back().as_string()).find("tool.exe"), std::string::npos) << wrong.back();
    auto two = call_chat(t.port, json::object{{"text", "x"}, {"files", json::array{file_ref("/a", "a.png"), file_ref("/b", "b.png")}}});
    ASSERT_TRUE(two.back().is_string());  // file_count "single"
    EXPECT_EQ(calls.load(), 0);
}

TEST(Multimodal, MediaRepliesAreCopiedIntoTheCache) {
    gr_test::TempDir media("gr_files_media");
    fs::create_directories(media.path());
    std::ofstream(media.path() / "sun.png", std::ios::binary) << binary_data(300);
    const std::string png = (media.path() / "sun.png").string();
    TestServer t([png](const gr::Message& m, const gr::History&) -> gr::Reply {
        if (m.text == "secret") return gr::Image{.value = "/etc/passwd"};
        if (m.text == "url") return gr::Image{.value = "https://example.invalid/a.png"};
        return gr::Reply::Items{"Here:", gr::Image{.value = png, .alt_text = "sun"}, gr::FileMessage{.path = png, .alt_text = "again"},
                                gr::HTML{.value = "<b>hi</b>"}, gr::Code{.value = "x = 1", .language = "python"}};
    }, {.api_name = "chat"}, {.allowed_paths = {media.path().string()}});
    auto frames = call_chat(t.port, json::string("show"));
    const auto reply = frames.back().as_array()[0].as_array();
    ASSERT_EQ(reply.size(), 5u) << json::serialize(frames.back());
    const auto& image = reply[1].as_object();
    const std::string cached(image.at("path").as_string());
    EXPECT_NE(cached, png);  // a copy in the cache
    EXPECT_EQ(read_file(cached), binary_data(300));
    EXPECT_EQ(reply[2].at("file").at("path"), image.at("path"));  // copied once
    EXPECT_EQ(reply[2].at("alt_text"), "again");
    EXPECT_EQ(reply[3].at("component"), "html");
    EXPECT_EQ(reply[4].at("constructor_args").at("language"), "python");
    auto secret = call_chat(t.port, json::string("secret"));
    ASSERT_TRUE(secret.back().is_string());
    auto url = call_chat(t.port, json::string("url"));
    EXPECT_EQ(url.back().as_array()[0].at("url"), "https://example.invalid/a.png");  // passed on, never fetched
}

TEST(Multimodal, InfoMatchesGradiosEchoMultimodalDemo) {
    TestServer t(echo_files, {.multimodal = true, .textbox = gr::MultimodalTextbox{.file_count = "multiple"}, .api_name = "chat"});
    auto ours = gr_test::request(t.port, "GET", "/gradio_api/info").json().at("named_endpoints").at("/chat").as_object();
    std::ifstream in(std::string(GR_RECORDED_DIR) + "/echo_multimodal_info.json");
    auto theirs = json::parse(std::string(std::istreambuf_iterator<char>(in), {})).at("named_endpoints").at("/chat").as_object();
    EXPECT_EQ(json::serialize(ours.at("parameters")), json::serialize(theirs.at("parameters")));
    EXPECT_EQ(json::serialize(ours.at("returns")), json::serialize(theirs.at("returns")));
    // The page gets Gradio's multimodal box.
    auto config = gr_test::request(t.port, "GET", "/config").json();
    bool found = false;
    for (const auto& c : config.at("components").as_array())
        if (c.at("type") == "multimodaltextbox") {
            found = true;
            EXPECT_EQ(c.at("props").at("file_count"), "multiple");
            EXPECT_EQ(c.at("props").at("sources"), (json::array{"upload"}));
            EXPECT_EQ(c.at("props").at("value"), (json::object{{"text", ""}, {"files", json::array{}}}));
        }
    EXPECT_TRUE(found);
}

TEST(Multimodal, ExamplesWithFilesShowThemAndSendThemAsUploads) {
    gr_test::TempDir media("gr_files_examples");
    fs::create_directories(media.path());
    const std::string png = (media.path() / "card.png").string();
    std::ofstream(png, std::ios::binary) << binary_data(100);
    TestServer t(echo_files, {.multimodal = true,
                              .textbox = gr::MultimodalTextbox{.file_count = "multiple"},
                              .examples = {gr::MultimodalValue{.text = "describe", .files = {png}}}});
    auto config = gr_test::request(t.port, "GET", "/config").json();
    json::object card;
    for (const auto& c : config.at("components").as_array())
        if (c.at("type") == "chatbot") card = c.at("props").at("examples").as_array().at(0).as_object();
    ASSERT_EQ(card.at("text"), "describe");
    const auto& file = card.at("files").as_array().at(0);
    EXPECT_EQ(file.at("orig_name"), "card.png");
    EXPECT_EQ(file.at("mime_type"), "image/png");
    EXPECT_EQ(gr_test::request(t.port, "GET", "/" + std::string(file.at("url").as_string())).body, binary_data(100));
    // A click sends the example's own files (copied into the cache), whatever the client says.
    int click = -1;
    for (const auto& d : config.at("dependencies").as_array())
        for (const auto& target : d.at("targets").as_array())
            if (target.as_array().at(1) == "example_select" && d.at("api_name") == "example_clicked") click = static_cast<int>(d.at("id").as_int64());
    ASSERT_GE(click, 0);
    auto r = gr_test::post_json(t.port, "/gradio_api/run/predict",
                                json::serialize(json::object{{"fn_index", click}, {"data", json::array{json::array{}}},
                                                             {"event_data", json::object{{"index", 0}, {"value", json::object{{"text", "describe"}, {"files", json::array{file_ref("/etc/passwd", "x")}}}}}},
                                                             {"session_hash", "examples1"}}));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto data = r.json().at("data").as_array();
    const auto& shown = data.at(0).as_array().at(0).at("content").as_array();  // the user's bubble: the file, then the text
    ASSERT_EQ(shown.size(), 2u) << r.body;
    const std::string cached(shown.at(0).at("file").at("path").as_string());
    EXPECT_NE(cached, png);
    EXPECT_EQ(read_file(cached), binary_data(100));
    EXPECT_EQ(shown.at(1).at("text"), "describe");
}

TEST(Upload, DeleteCacheSweepsOldFiles) {
    TestServer t(echo_text, {.delete_cache = std::pair{1, 1}});
    auto up = upload(t.port, {{"files", "old.txt", "old"}});
    ASSERT_EQ(up.status, 200);
    const fs::path stored(std::string(up.json().as_array()[0].as_string()));
    ASSERT_TRUE(fs::exists(stored));
    EXPECT_TRUE(gr_test::wait_until([&] { return !fs::exists(stored); }, std::chrono::seconds(10)));
    EXPECT_EQ(gr_test::request(t.port, "GET", "/gradio_api/file=" + stored.string()).status, 403);
}

TEST(Upload, TheCacheFolderGoesWithTheServer) {
    fs::path stored;
    {
        TestServer t(echo_text);
        auto up = upload(t.port, {{"files", "x.txt", "x"}});
        ASSERT_EQ(up.status, 200);
        stored = std::string(up.json().as_array()[0].as_string());
        ASSERT_TRUE(fs::exists(stored));
    }
    EXPECT_FALSE(fs::exists(stored.parent_path().parent_path()));
}

// What Python's gradio_client 2.x does with a file (client.py, Endpoint._upload_file and
// download_files; the package itself cannot be installed here): one httpx multipart POST per
// file, then queue/join with {"path", "orig_name", "meta"}, then a GET of every output dict
// that has a "path".
TEST(Multimodal, PythonClientFileFlow) {
    TestServer t(echo_files, {.multimodal = true, .textbox = gr::MultimodalTextbox{.file_count = "multiple"}, .api_name = "chat"});
    const std::string boundary = "3c9a2b7e0f1d4a6b8c5e7f9a1b3d5c7e";  // httpx: 32 hex digits
    const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"report.pdf\"\r\n" +
                             "Content-Type: application/pdf\r\n\r\n%PDF-1.4 tiny\r\n--" + boundary + "--\r\n";
    auto up = gr_test::request(t.port, "POST", "/gradio_api/upload", body, {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    ASSERT_EQ(up.status, 200) << up.body;
    const std::string path(up.json().as_array().at(0).as_string());
    auto config = gr_test::request(t.port, "GET", "/config").json();
    int chat = -1;
    for (const auto& d : config.at("dependencies").as_array())
        if (d.at("api_name") == "chat") chat = static_cast<int>(d.at("id").as_int64());
    ASSERT_GE(chat, 0);
    const json::value message = json::object{{"text", "read this"}, {"files", json::array{json::object{
                                                  {"path", path}, {"orig_name", "report.pdf"}, {"meta", json::object{{"_type", "gradio.FileData"}}}}}}};
    auto join = gr_test::post_json(t.port, "/gradio_api/queue/join",
                                   json::serialize(json::object{{"data", json::array{message, nullptr}}, {"fn_index", chat}, {"session_hash", "py1"}}));
    ASSERT_EQ(join.status, 200) << join.body;
    gr_test::SseStream stream(t.port, "/gradio_api/queue/data?session_hash=py1");
    json::value output;
    while (auto frame = stream.next()) {
        auto m = json::parse(gr_test::data_of(*frame));
        if (m.at("msg") == "process_completed") {
            ASSERT_EQ(m.at("success"), true) << json::serialize(m);
            output = m.at("output").at("data");
            break;
        }
    }
    const auto reply = output.as_array().at(0).as_array();
    ASSERT_EQ(reply.size(), 2u) << json::serialize(output);
    EXPECT_EQ(reply[0], "You wrote: 'read this' and uploaded:");
    const std::string out_path(reply[1].at("path").as_string());
    auto download = gr_test::request(t.port, "GET", "/gradio_api/file=" + out_path);
    EXPECT_EQ(download.status, 200);
    EXPECT_EQ(download.body, "%PDF-1.4 tiny");
    EXPECT_EQ(download.headers["content-disposition"], "attachment; filename=\"report.pdf\"");  // PDF is not inline-safe
}
