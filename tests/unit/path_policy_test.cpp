// What GET /gradio_api/file= may send: a table of hostile paths against a real tree (symbolic
// links in and out, a FIFO, a socket, a blocked folder, allowed_paths outside the app's folders).
#include <gtest/gtest.h>

#include "../temp_dir.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "files/path_policy.hpp"

namespace fs = std::filesystem;
using gradio::detail::files::check_served_path;
using gradio::detail::files::FilePolicy;
using gradio::detail::files::PathDecision;
using namespace std::string_literals;

namespace {

void write_file(const fs::path& path, std::string_view text = "x") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

// base/
//   root/            a root, given to the policy as root/sub/.. (not canonical)
//     a.png b.txt sub/c.txt %2e%2e/f.txt ab/f a/f (a/ is blocked) blocked/f (blocked as "BLOCKED")
//     link_out -> /etc/passwd      link_in -> a.png           link_dir -> ../outside
//     link_to_blocked -> blocked/f link_to_allowed -> ../outside/allowed.txt
//     fifo  socket
//   rootx/f          next to root: /x/rootx is not inside /x/root
//   static/s.css     a root, given through static_link -> static
//   outside/secret.txt outside/allowed.txt (an allowed_paths file)
//   allowed_dir/x.txt  (an allowed_paths folder)
//   named.png named.png.bak x
struct Tree : gr_test::TempDir {
    fs::path base, root;
    FilePolicy policy;
    int socket_fd = -1;

    Tree() : gr_test::TempDir("gr_path_policy_test") {
        base = path();
        root = base / "root";
        for (const char* f : {"root/a.png", "root/b.txt", "root/sub/c.txt", "root/%2e%2e/f.txt", "root/ab/f", "root/a/f",
                              "root/blocked/f", "rootx/f", "static/s.css", "outside/secret.txt", "outside/allowed.txt",
                              "allowed_dir/x.txt", "named.png", "named.png.bak", "x"})
            write_file(base / f);
        fs::create_symlink("/etc/passwd", root / "link_out");
        fs::create_symlink("a.png", root / "link_in");
        fs::create_directory_symlink("../outside", root / "link_dir");
        fs::create_symlink("blocked/f", root / "link_to_blocked");
        fs::create_symlink("../outside/allowed.txt", root / "link_to_allowed");
        fs::create_directory_symlink("static", base / "static_link");
        EXPECT_EQ(::mkfifo((root / "fifo").c_str(), 0600), 0);
        socket_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const std::string socket_path = (root / "socket").string();
        EXPECT_LT(socket_path.size(), sizeof(address.sun_path));
        socket_path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        EXPECT_EQ(::bind(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);

        policy.roots = {root / "sub" / "..", base / "static_link"};
        policy.allowed_paths = {base / "outside" / "allowed.txt", base / "allowed_dir"};
        policy.blocked_paths = {root / "BLOCKED", root / "a"};
        policy.files = {base / "named.png"};
    }
    ~Tree() {
        if (socket_fd >= 0) ::close(socket_fd);
    }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    [[nodiscard]] std::string r() const { return root.string(); }
    [[nodiscard]] std::string b() const { return base.string(); }
};

struct Case {
    std::string requested;
    std::string expected;  // the file to open, relative to base; "" = refused
    bool under_allowed_paths = false;
};

void check(const Tree& tree, const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        const PathDecision d = check_served_path(c.requested, tree.policy);
        const std::string shown = "requested \"" + c.requested + "\" (reason: " + d.reason + ")";
        if (c.expected.empty()) {
            EXPECT_FALSE(d.allowed) << shown << " was allowed as " << d.file;
            EXPECT_FALSE(d.reason.empty()) << shown;
            continue;
        }
        EXPECT_TRUE(d.allowed) << shown;
        EXPECT_EQ(d.file, fs::canonical(tree.base / c.expected)) << shown;
        EXPECT_EQ(d.under_allowed_paths, c.under_allowed_paths) << shown;
        EXPECT_TRUE(d.reason.empty()) << shown;
    }
}

// `to` relative to the current directory, e.g. ../../tmp/gr_path_policy_test_1_0/root.
std::string from_cwd(const fs::path& to) { return fs::relative(to, fs::current_path()).string(); }

}  // namespace

TEST(PathPolicy, HostilePathsAreRefused) {
    const Tree t;
    const std::string R = t.r(), B = t.b();
    check(t, {
                 {R + "/../../etc/passwd", ""},
                 {"/etc/passwd", ""},
                 {"../../etc/passwd", ""},
                 {"../../../../../../../../../../etc/passwd", ""},
                 {R + "/sub/../../x", ""},
                 {R + "/link_out", ""},
                 {R, ""},
                 {R + "/", ""},
                 {R + "/.", ""},
                 {R + "/sub", ""},
                 {R + "/sub/", ""},
                 {R + "/fifo", ""},
                 {R + "/socket", ""},
                 {"//server/share/x", ""},
                 {"//" + R + "/a.png", ""},
                 {"\\\\server\\share", ""},
                 {"\\/x", ""},
                 {"/\\x", ""},
                 {"C:\\Windows\\win.ini", ""},
                 {"C:/x", ""},
                 {"c:x", ""},
                 {"file:///etc/passwd", ""},
                 {"file:" + R + "/a.png", ""},
                 {"http://127.0.0.1/", ""},
                 {"https://example.com/a.png", ""},
                 {"javascript:alert(1)", ""},
                 {R + "/a.png\\..\\..\\x", ""},
                 {R + "\\a.png", ""},
                 {R + "/a.png%00.txt", ""},
                 {R + "/a.png\0"s, ""},
                 {R + "/a.png\0.txt"s, ""},
                 {R + "/a.png\n", ""},
                 {R + "/\x1b[31ma.png", ""},
                 {R + "/a.png\x7f", ""},
                 {upper(R) + "/blocked/f", ""},
                 {upper(R) + "/a.png", ""},
                 {R + "/blocked/f", ""},
                 {R + "/BLOCKED/f", ""},
                 {R + "/blocked/../blocked/f", ""},
                 {R + "/sub/../blocked/f", ""},
                 {R + "/link_to_blocked", ""},
                 {R + "/a/f", ""},
                 {R + "/link_dir/secret.txt", ""},
                 {R + "/link_dir/allowed.txt/../secret.txt", ""},
                 {R + "/%2e%2e/%2e%2e/x", ""},
                 {R + "/nonexistent.png", ""},
                 {R + "/a.png/", ""},
                 {B + "/outside/secret.txt", ""},
                 {B + "/outside", ""},
                 {B + "/allowed_dir", ""},
                 {B + "/rootx/f", ""},
                 {B + "/named.png.bak", ""},
                 {B + "/named.png/../outside/secret.txt", ""},
                 {B + "/x", ""},
                 {from_cwd(t.root) + "/../outside/secret.txt", ""},
                 {".", ""},
                 {"..", ""},
                 {"", ""},
                 {"~", ""},
                 {"~/.ssh/id_rsa", ""},
                 {"/", ""},
                 {"/dev/null", ""},
                 {"/proc/self/environ", ""},
             });
}

TEST(PathPolicy, FilesInsideAreAllowed) {
    const Tree t;
    const std::string R = t.r(), B = t.b();
    check(t, {
                 {R + "/a.png", "root/a.png"},
                 {R + "/./a.png", "root/a.png"},
                 {R + "//a.png", "root/a.png"},
                 {R + "/sub/../a.png", "root/a.png"},
                 {R + "/sub/c.txt", "root/sub/c.txt"},
                 {R + "/sub/./../sub/c.txt", "root/sub/c.txt"},
                 {R + "/link_in", "root/a.png"},  // a link to a file inside: the target is opened
                 {R + "/%2e%2e/f.txt", "root/%2e%2e/f.txt"},  // a literal name, not ".."
                 {R + "/ab/f", "root/ab/f"},  // not inside the blocked root/a
                 {from_cwd(t.root) + "/a.png", "root/a.png"},
                 {from_cwd(t.root / "sub") + "/../b.txt", "root/b.txt"},
                 {B + "/static_link/s.css", "static/s.css"},
                 {B + "/static/s.css", "static/s.css"},  // the root's resolved folder
                 {B + "/outside/allowed.txt", "outside/allowed.txt", true},
                 {B + "/allowed_dir/x.txt", "allowed_dir/x.txt", true},
                 {B + "/allowed_dir/../allowed_dir/x.txt", "allowed_dir/x.txt", true},
                 {R + "/link_to_allowed", "outside/allowed.txt", true},
                 {B + "/named.png", "named.png"},
             });
}

TEST(PathPolicy, Reasons) {
    const Tree t;
    const auto reason = [&](const std::string& p) { return check_served_path(p, t.policy).reason; };
    EXPECT_EQ(reason(""), "the path is empty");
    EXPECT_EQ(reason("a\tb"), "the path contains a control character");
    EXPECT_EQ(reason("\\\\server\\share"), "the path contains a backslash");
    EXPECT_EQ(reason("//server/share"), "the path starts with //");
    EXPECT_EQ(reason("https://example.com/a.png"), "the path looks like a URL or a drive letter");
    EXPECT_EQ(reason("/etc/passwd"), "the path is outside the app's folders, allowed_paths and named files");
    EXPECT_EQ(reason(t.r() + "/blocked/f"), "the path is inside a blocked path");
    EXPECT_EQ(reason(t.r() + "/link_to_blocked"), "the path resolves inside a blocked path");
    EXPECT_EQ(reason(t.r() + "/link_out"),
              "the path resolves (through a symbolic link) outside the app's folders, allowed_paths and named files");
    EXPECT_EQ(reason(t.r() + "/sub"), "the path is a directory");
    EXPECT_EQ(reason(t.r() + "/fifo"), "the path is a FIFO");
    EXPECT_EQ(reason(t.r() + "/socket"), "the path is a socket");
    EXPECT_EQ(reason(t.r() + "/missing").rfind("cannot resolve the path: ", 0), 0u);
}

TEST(PathPolicy, DevicesAreRefusedEvenWhenAllowed) {
    FilePolicy policy;
    policy.allowed_paths = {"/dev/null", "/dev"};
    const PathDecision d = check_served_path("/dev/null", policy);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, "the path is a device");
}

TEST(PathPolicy, BlockedWinsOverEverything) {
    Tree t;
    t.policy.blocked_paths = {t.base / "OUTSIDE", t.base / "named.png", t.base / "static_link"};
    for (const std::string& p : {t.b() + "/outside/allowed.txt", t.r() + "/link_to_allowed", t.b() + "/named.png",
                                t.b() + "/static/s.css", t.b() + "/static_link/s.css"})
        EXPECT_FALSE(check_served_path(p, t.policy).allowed) << p;
    EXPECT_TRUE(check_served_path(t.r() + "/a.png", t.policy).allowed);
    // Blocked by a path given with ".." and through a link to it.
    t.policy.blocked_paths = {t.root / "sub" / ".." / "sub"};
    EXPECT_FALSE(check_served_path(t.r() + "/sub/c.txt", t.policy).allowed);
    fs::create_directory_symlink(t.root / "sub", t.base / "sub_link");
    t.policy.blocked_paths = {t.base / "sub_link"};
    EXPECT_FALSE(check_served_path(t.r() + "/sub/c.txt", t.policy).allowed);
    EXPECT_TRUE(check_served_path(t.r() + "/b.txt", t.policy).allowed);
}

TEST(PathPolicy, PolicyEntriesMayBeRelativeButNotEmpty) {
    Tree t;
    t.policy = {};
    t.policy.roots = {fs::path(from_cwd(t.root))};
    EXPECT_TRUE(check_served_path(t.r() + "/a.png", t.policy).allowed);
    EXPECT_FALSE(check_served_path(t.b() + "/x", t.policy).allowed);
    t.policy.roots = {fs::path()};  // not "the current directory"
    EXPECT_FALSE(check_served_path(from_cwd(t.base / "x"), t.policy).allowed);
    EXPECT_FALSE(check_served_path(t.b() + "/x", t.policy).allowed);
}

TEST(PathPolicy, EmptyPolicyAllowsNothing) {
    const Tree t;
    EXPECT_FALSE(check_served_path(t.r() + "/a.png", FilePolicy{}).allowed);
    EXPECT_FALSE(check_served_path("/etc/passwd", FilePolicy{}).allowed);
}

TEST(PathPolicy, RootIsTheWholeFileSystemIfTheDeveloperSaysSo) {
    const Tree t;
    FilePolicy policy;
    policy.roots = {"/"};
    policy.blocked_paths = {t.base / "outside"};
    EXPECT_TRUE(check_served_path(t.r() + "/a.png", policy).allowed);
    EXPECT_FALSE(check_served_path(t.b() + "/outside/secret.txt", policy).allowed);
    EXPECT_FALSE(check_served_path(t.r() + "/link_dir/secret.txt", policy).allowed);
}
