// libFuzzer target for the file= route's policy (files/path_policy.hpp), linked directly.
// A temporary tree is built once (symbolic links out of the root and within it, a blocked
// folder, a FIFO, an allowed_paths file outside the root, a named file). Each input is checked
// as given, after "<root>/" and after a relative path from the current directory to a folder
// in the root (the current directory is not changed: libFuzzer's corpus paths are relative to
// it); an allowed decision must name an existing regular file, by its
// canonical path, inside a root or allowed path or equal to a named file, outside every blocked
// path (case-insensitively), reached by a path that is itself inside them when normalised by a
// separate, string-based normaliser, and with no character the policy refuses.

#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "files/path_policy.hpp"

namespace fs = std::filesystem;
using gradio::detail::files::check_served_path;
using gradio::detail::files::FilePolicy;
using gradio::detail::files::PathDecision;

namespace {

[[noreturn]] void fail(const char* why, std::string_view requested, const PathDecision& d) {
    std::fprintf(stderr, "fuzz_path_policy: %s\nrequested: %.*s\nfile: %s\nreason: %s\n", why,
                 static_cast<int>(std::min<std::size_t>(requested.size(), 4000)), requested.data(), d.file.c_str(),
                 d.reason.c_str());
    __builtin_trap();
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// Plain string containment on '/'-separated absolute paths without trailing slashes.
bool inside_or_equal(const std::string& path, const std::string& dir) {
    if (dir == "/") return path.starts_with('/');
    return path == dir || (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

// "/a/./b//../c" -> "/a/c", by strings only (the policy uses std::filesystem).
std::string normalise(const std::string& absolute) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos <= absolute.size()) {
        const std::size_t end = std::min(absolute.find('/', pos), absolute.size());
        const std::string part = absolute.substr(pos, end - pos);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        pos = end + 1;
    }
    std::string out;
    for (const std::string& part : parts) out += "/" + part;
    return out.empty() ? "/" : out;
}

void write_file(const fs::path& path) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << "x";
}

struct Tree {
    fs::path base;
    std::string root;  // as given in the policy (not canonical: the tree is reached through a link)
    FilePolicy policy;
    // Lexical and canonical forms, as strings, for the oracle.
    std::vector<std::string> inside_lexical, inside_canonical, allowed_canonical, named, blocked;
    std::string cwd;
    std::string relative_sub;  // the current directory -> <root>/sub

    Tree() {
        base = fs::temp_directory_path() / ("gr_fuzz_path_policy_" + std::to_string(::getpid()));
        fs::remove_all(base);
        const fs::path r = base / "root";
        for (const char* f : {"root/a.png", "root/sub/c.txt", "root/%2e%2e/f", "root/ab/f", "root/blocked/f",
                              "rootx/f", "outside/secret.txt", "outside/allowed.txt", "named.png"})
            write_file(base / f);
        fs::create_symlink("/etc/passwd", r / "link_out");
        fs::create_symlink("a.png", r / "link_in");
        fs::create_directory_symlink("../outside", r / "link_dir");
        fs::create_symlink("blocked/f", r / "link_blocked");
        fs::create_symlink("../outside/allowed.txt", r / "link_allowed");
        fs::create_symlink("../named.png", r / "link_named");
        fs::create_symlink("loop", r / "loop");
        fs::create_directory_symlink(".", r / "self");
        fs::create_directory_symlink("root", base / "root_link");
        ::mkfifo((r / "fifo").c_str(), 0600);

        root = (base / "root_link").string();
        policy.roots = {base / "root_link"};
        policy.allowed_paths = {base / "outside" / "allowed.txt"};
        policy.blocked_paths = {r / "Blocked"};
        policy.files = {base / "named.png"};
        const std::string b = fs::canonical(base).string();
        inside_lexical = {root, b + "/root", b + "/outside/allowed.txt"};
        inside_canonical = {b + "/root", b + "/outside/allowed.txt"};
        allowed_canonical = {b + "/outside/allowed.txt"};
        named = {b + "/named.png"};
        blocked = {lower(b + "/root/blocked")};
        cwd = fs::current_path().string();
        relative_sub = fs::relative(r / "sub", cwd).string();
    }
    ~Tree() {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;
};

void check(const Tree& tree, const std::string& requested) {
    const PathDecision d = check_served_path(requested, tree.policy);
    if (!d.allowed) {
        if (d.reason.empty()) fail("refused without a reason", requested, d);
        if (d.under_allowed_paths || !d.file.empty()) fail("a refusal with a file", requested, d);
        return;
    }
    if (!d.reason.empty()) fail("allowed with a reason", requested, d);
    if (requested.empty() || requested.starts_with("//") || requested.find('\\') != std::string::npos ||
        std::any_of(requested.begin(), requested.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        fail("allowed a path with a refused character or prefix", requested, d);
    // ^[A-Za-z][A-Za-z0-9+.-]*: (a scheme or a drive letter)
    static constexpr std::string_view letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const std::size_t scheme_end = requested.find_first_not_of(std::string(letters) + "0123456789+.-");
    if (letters.find(requested[0]) != std::string_view::npos && scheme_end != std::string::npos && requested[scheme_end] == ':')
        fail("allowed a URL-like path", requested, d);

    const std::string file = d.file.string();
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(d.file, ec);
    if (ec || st.type() != fs::file_type::regular) fail("allowed something that is not a regular file", requested, d);
    if (!d.file.is_absolute() || fs::canonical(d.file, ec) != d.file || ec) fail("the file is not canonical", requested, d);

    const auto any_inside = [](const std::string& p, const std::vector<std::string>& dirs) {
        return std::any_of(dirs.begin(), dirs.end(), [&](const std::string& dir) { return inside_or_equal(p, dir); });
    };
    const bool is_named = std::find(tree.named.begin(), tree.named.end(), file) != tree.named.end();
    if (!any_inside(file, tree.inside_canonical) && !is_named) fail("the file is outside the roots", requested, d);
    if (any_inside(lower(file), tree.blocked)) fail("the file is inside a blocked path", requested, d);
    if (d.under_allowed_paths != any_inside(file, tree.allowed_canonical)) fail("under_allowed_paths is wrong", requested, d);

    const std::string written = normalise(requested.starts_with('/') ? requested : tree.cwd + "/" + requested);
    const bool written_named = written == tree.named[0] || written == (tree.base / "named.png").string();
    if (!any_inside(written, tree.inside_lexical) && !written_named) fail("the written path is outside the roots", requested, d);
    if (any_inside(lower(written), tree.blocked)) fail("the written path is inside a blocked path", requested, d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Tree tree;
    const std::string input(reinterpret_cast<const char*>(data), size);
    check(tree, input);
    check(tree, tree.root + "/" + input);
    check(tree, tree.relative_sub + "/" + input);
    return 0;
}
