// The structured stderr log: levels, logfmt quoting and escaping, the background writer.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include "log/log.hpp"

namespace lg = gradio::detail::log;
using namespace std::chrono_literals;

namespace {

// Everything after "time=<timestamp> " of a formatted record.
std::string after_time(const std::string& line) {
    static const std::regex time(R"(^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z )");
    std::smatch m;
    if (!std::regex_search(line, m, time)) return "<no timestamp> " + line;
    return m.suffix().str();
}

// The `value` part of ` key=value` as formatted.
std::string formatted(std::string_view value) {
    const std::string line = lg::format_record(lg::Level::info, "m", {{"k", value}});
    const auto at = line.find(" k=");
    return at == std::string::npos ? "<missing>" : line.substr(at + 3);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(text.substr(start, nl - start));
    if (start < text.size()) out.push_back(text.substr(start) + "<no newline>");
    return out;
}

// Sends fd 2 into a pipe. The pipe is read by a thread from start_reading() on, so a test can
// leave it unread for a while to make stderr block.
class StderrCapture {
public:
    explicit StderrCapture(bool read_now = true) {
        if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
        saved_ = ::dup(2);
        ::dup2(fds_[1], 2);
        ::close(fds_[1]);
        if (read_now) start_reading();
    }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;
    ~StderrCapture() { (void)finish(); }

    void start_reading() {
        if (reader_.joinable()) return;
        reader_ = std::thread([this] {
            char buffer[4096];
            for (;;) {
                const ssize_t n = ::read(fds_[0], buffer, sizeof buffer);
                if (n > 0) text_.append(buffer, static_cast<std::size_t>(n));
                else if (n == 0 || errno != EINTR) break;
            }
        });
    }
    // Flushes the log, restores stderr and returns what was written to it.
    std::string finish() {
        if (saved_ < 0) return text_;
        start_reading();
        lg::flush();
        ::dup2(saved_, 2);  // closes the pipe's last write end: the reader sees EOF
        ::close(saved_);
        saved_ = -1;
        reader_.join();
        ::close(fds_[0]);
        return text_;
    }

private:
    int fds_[2] = {-1, -1};
    int saved_ = -1;
    std::thread reader_;
    std::string text_;
};

// Each test starts at the default level and leaves it there.
class Log : public ::testing::Test {
protected:
    void SetUp() override { lg::set_level(lg::Level::info); }
    void TearDown() override { lg::set_level(lg::Level::info); }
};

}  // namespace

TEST(LogLevel, ParseLevelAcceptsTheDocumentedNames) {
    const std::pair<std::string_view, lg::Level> names[] = {
        {"debug", lg::Level::debug}, {"info", lg::Level::info},   {"warn", lg::Level::warn}, {"warning", lg::Level::warn},
        {"error", lg::Level::error}, {"off", lg::Level::off},     {"WARN", lg::Level::warn}, {"Debug", lg::Level::debug},
    };
    for (const auto& [text, expected] : names) {
        lg::Level out = lg::Level::off;
        if (expected == lg::Level::off) out = lg::Level::debug;
        EXPECT_TRUE(lg::parse_level(text, out)) << text;
        EXPECT_EQ(out, expected) << text;
    }
}

TEST(LogLevel, ParseLevelRejectsAnythingElseAndLeavesTheOutputAlone) {
    for (std::string_view text : {"", "verbose", "inf", "infos", " info", "warn ", "trace", "0", "2"}) {
        lg::Level out = lg::Level::error;
        EXPECT_FALSE(lg::parse_level(text, out)) << '"' << text << '"';
        EXPECT_EQ(out, lg::Level::error) << '"' << text << '"';
    }
}

TEST_F(Log, EnabledFollowsTheLevel) {
    lg::set_level(lg::Level::warn);
    EXPECT_FALSE(lg::enabled(lg::Level::debug));
    EXPECT_FALSE(lg::enabled(lg::Level::info));
    EXPECT_TRUE(lg::enabled(lg::Level::warn));
    EXPECT_TRUE(lg::enabled(lg::Level::error));
    EXPECT_FALSE(lg::enabled(lg::Level::off)) << "`off` is a threshold, never a record's level";
    lg::set_level(lg::Level::debug);
    EXPECT_TRUE(lg::enabled(lg::Level::debug));
    lg::set_level(lg::Level::off);
    for (auto l : {lg::Level::debug, lg::Level::info, lg::Level::warn, lg::Level::error, lg::Level::off})
        EXPECT_FALSE(lg::enabled(l)) << static_cast<int>(l);
}

TEST(LogFormat, OneLogfmtLineWithTimeLevelMessageAndFields) {
    const std::string line =
        lg::format_record(lg::Level::warn, "request failed", {{"route", "/gradio_api/queue/join"}, {"status", "500"}});
    EXPECT_TRUE(std::regex_match(line, std::regex(R"(time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z .*)"))) << line;
    EXPECT_EQ(after_time(line), R"(level=warn msg="request failed" route=/gradio_api/queue/join status=500)");
    EXPECT_EQ(after_time(lg::format_record(lg::Level::debug, "x")), R"(level=debug msg="x")");
    EXPECT_EQ(after_time(lg::format_record(lg::Level::info, "x")), R"(level=info msg="x")");
    EXPECT_EQ(after_time(lg::format_record(lg::Level::error, "x")), R"(level=error msg="x")");
}

TEST(LogFormat, TheTimestampIsNowInUtc) {
    const std::string line = lg::format_record(lg::Level::info, "x");
    std::tm tm{};
    int ms = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "time=%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                          &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms),
              7)
        << line;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::time_t logged = ::timegm(&tm);
    EXPECT_LE(std::abs(static_cast<long>(std::time(nullptr) - logged)), 2L) << line;
}

TEST(LogFormat, PlainValuesStayUnquoted) {
    EXPECT_EQ(formatted("abc"), "abc");
    EXPECT_EQ(formatted("/gradio_api/call/chat"), "/gradio_api/call/chat");
    EXPECT_EQ(formatted("1.25"), "1.25");
    EXPECT_EQ(formatted("caf\xC3\xA9"), "caf\xC3\xA9") << "valid UTF-8 is kept as is";
    EXPECT_EQ(formatted("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
}

TEST(LogFormat, ValuesThatWouldBreakTheLineAreQuotedAndEscaped) {
    EXPECT_EQ(formatted(""), R"("")");
    EXPECT_EQ(formatted("two words"), R"("two words")");
    EXPECT_EQ(formatted("a=b"), R"("a=b")");
    EXPECT_EQ(formatted(R"(say "hi")"), R"("say \"hi\"")");
    EXPECT_EQ(formatted(R"(C:\dir)"), R"("C:\\dir")");
    EXPECT_EQ(formatted("line1\nline2"), R"("line1\nline2")");
    EXPECT_EQ(formatted("a\r\tb"), R"("a\r\tb")");
    EXPECT_EQ(formatted(std::string_view("nul\0x", 5)), R"("nul\u0000x")");
    EXPECT_EQ(formatted("\x1B[31mred"), R"("\u001b[31mred")") << "no terminal escape sequences reach stderr";
    EXPECT_EQ(formatted("del\x7F"), R"("del\u007f")");
    EXPECT_EQ(formatted("c1\xC2\x9B"), R"("c1\u009b")") << "C1 controls (U+0080..U+009F) too";
    // The message is always quoted and escaped the same way.
    EXPECT_EQ(after_time(lg::format_record(lg::Level::info, "bad \"input\"\nhere")), R"(level=info msg="bad \"input\"\nhere")");
}

TEST(LogFormat, KeysCannotBreakTheLine) {
    const std::string line = lg::format_record(lg::Level::info, "m", {{"bad key=\"x\"\n", "v"}, {"", "w"}});
    EXPECT_EQ(after_time(line), R"(level=info msg="m" bad_key__x__=v _=w)");
}

TEST(LogFormat, InvalidUtf8IsReplacedWithU_FFFD) {
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(formatted("a\xFF" "b"), "a" + r + "b");
    EXPECT_EQ(formatted("\x80"), r) << "a lone continuation byte";
    EXPECT_EQ(formatted("end\xE2\x82"), "end" + r) << "a truncated sequence is one replacement";
    EXPECT_EQ(formatted("\xE2\x82x"), r + "x");
    EXPECT_EQ(formatted("\xC0\xAF"), r + r) << "overlong encodings are invalid";
    EXPECT_EQ(formatted("\xED\xA0\x80"), r + r + r) << "UTF-16 surrogates are invalid";
    EXPECT_EQ(formatted("\xF4\x90\x80\x80"), r + r + r + r) << "above U+10FFFF";
    EXPECT_EQ(formatted("\xF5"), r);
    // Inside a quoted value, and in the message.
    EXPECT_EQ(formatted("a \xFF"), "\"a " + r + "\"");
    EXPECT_EQ(after_time(lg::format_record(lg::Level::info, "x\xC3")), "level=info msg=\"x" + r + "\"");
    // The line as a whole is valid UTF-8 with no raw control characters.
    const std::string line = lg::format_record(lg::Level::info, "\xFF\n", {{"k", "\xFE\x01"}});
    for (char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20u) << line;
}

TEST_F(Log, RecordsReachStderrAndLevelsFilterThem) {
    StderrCapture capture;
    lg::set_level(lg::Level::warn);
    lg::debug("not shown", {{"n", "1"}});
    lg::info("not shown", {{"n", "2"}});
    lg::warn("shown", {{"n", "3"}});
    lg::error("shown", {{"n", "4"}});
    lg::set_level(lg::Level::off);
    lg::error("not shown", {{"n", "5"}});
    const auto lines = lines_of(capture.finish());
    ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
    EXPECT_EQ(after_time(lines[0]), R"(level=warn msg="shown" n=3)");
    EXPECT_EQ(after_time(lines[1]), R"(level=error msg="shown" n=4)");
}

TEST_F(Log, ConcurrentWritersProduceWholeLines) {
    StderrCapture capture;
    constexpr int kThreads = 4, kEach = 500;  // fewer than the queue holds: nothing is dropped
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([t] {
            for (int i = 0; i < kEach; ++i)
                lg::info("from a thread", {{"thread", std::to_string(t)}, {"i", std::to_string(i)}});
        });
    for (auto& th : threads) th.join();
    const auto lines = lines_of(capture.finish());
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kEach));
    const std::regex shape(R"(level=info msg="from a thread" thread=(\d) i=(\d+))");
    std::vector<int> next(kThreads, 0);
    for (const auto& line : lines) {
        std::smatch m;
        const std::string rest = after_time(line);
        ASSERT_TRUE(std::regex_match(rest, m, shape)) << line;
        const int t = std::stoi(m[1]);
        EXPECT_EQ(std::stoi(m[2]), next[t]++) << "each thread's records stay in order";
    }
}

TEST_F(Log, AFloodIsDroppedAndCountedWithoutBlockingTheCaller) {
    // Nobody reads stderr until the flood is over: the writer blocks on the full pipe, the
    // queue fills, and further records must be dropped rather than block the caller.
    StderrCapture capture(/*read_now=*/false);
    constexpr int kRecords = 20000;
    auto flood = std::async(std::launch::async, [] {
        for (int i = 0; i < kRecords; ++i) lg::warn("flood", {{"i", std::to_string(i)}});
    });
    const bool returned = flood.wait_for(20s) == std::future_status::ready;
    capture.start_reading();  // unblock everything, whatever happened
    flood.get();
    EXPECT_TRUE(returned) << "write() blocked while stderr was full";
    lg::flush();  // the backlog drains once stderr is read
    lg::warn("after the flood");
    const auto lines = lines_of(capture.finish());

    const std::regex record(R"(level=warn msg="flood" i=(\d+))");
    const std::regex report(R"(level=warn msg="dropped (\d+) log records" dropped=(\d+))");
    long written = 0, dropped = 0, last = -1;
    bool after_seen = false;
    for (const auto& line : lines) {
        const std::string rest = after_time(line);
        std::smatch m;
        if (std::regex_match(rest, m, record)) {
            ++written;
            const long i = std::stol(m[1]);
            EXPECT_GT(i, last) << "records are written in order";
            last = i;
        } else if (std::regex_match(rest, m, report)) {
            EXPECT_EQ(m[1].str(), m[2].str());
            dropped += std::stol(m[1]);
        } else if (rest == R"(level=warn msg="after the flood")") {
            after_seen = true;
        } else {
            ADD_FAILURE() << "unexpected line: " << line;
        }
    }
    EXPECT_GT(dropped, 0) << "a flood against a blocked stderr must drop records";
    EXPECT_GT(written, 0);
    EXPECT_EQ(written + dropped, kRecords) << "every record is either written or counted as dropped";
    EXPECT_TRUE(after_seen) << "the log works again once stderr drains";
}

TEST_F(Log, FlushReturnsWhenNothingIsLeftToWrite) {
    auto done = std::async(std::launch::async, [] {
        lg::flush();
        lg::flush();
    });
    EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
}

// --- a fresh process: the level from GRADIO_LOG_LEVEL, records queued at exit --------------

namespace {
// In a child started by run_child(), the environment names what to do; this runs in main()
// after every static object exists, then exits without returning to the tests.
class ChildMode : public ::testing::Environment {
public:
    void SetUp() override {
        const char* mode = std::getenv("GR_LOG_TEST_CHILD");
        if (mode == nullptr) return;
        for (auto l : {lg::Level::debug, lg::Level::info, lg::Level::warn, lg::Level::error})
            lg::write(l, "at level", {{"n", std::to_string(static_cast<int>(l))}});
        if (std::string_view(mode) == "flush") lg::flush();
        std::exit(0);  // "exit": no flush; what is queued must still be written at exit
    }
};
[[maybe_unused]] auto* const child_mode = ::testing::AddGlobalTestEnvironment(new ChildMode);

struct ChildResult {
    int status = -1;
    std::string err;
};

ChildResult run_child(const char* mode, const char* level) {
    // Everything the child needs is prepared before fork(): between fork and exec only
    // async-signal-safe calls (the log's writer thread may hold the allocator's lock).
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        if (entry.starts_with("GRADIO_LOG_LEVEL=") || entry.starts_with("GR_LOG_TEST_CHILD=")) continue;
        env_strings.emplace_back(entry);
    }
    env_strings.push_back(std::string("GR_LOG_TEST_CHILD=") + mode);
    if (level != nullptr) env_strings.push_back(std::string("GRADIO_LOG_LEVEL=") + level);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    // Any one test: global environments (ChildMode) are only set up when a test is to run.
    std::string arg0 = "log_test_child", filter = "--gtest_filter=LogLevel.ParseLevelAcceptsTheDocumentedNames";
    char* argv[] = {arg0.data(), filter.data(), nullptr};

    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        ::close(fds[1]);
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (devnull >= 0) ::dup2(devnull, 1);
        ::execve("/proc/self/exe", argv, envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    ChildResult result;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) != 0;) {
        if (n > 0) result.err.append(buffer, static_cast<std::size_t>(n));
        else if (errno != EINTR) break;
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

// The `n` of every "at level" record in `err` (n is the level's number), in order.
std::string levels_in(const std::string& err) {
    std::string out;
    const std::regex record(R"(level=(\w+) msg="at level" n=(\d))");
    for (const auto& line : lines_of(err)) {
        std::smatch m;
        const std::string rest = after_time(line);
        if (std::regex_match(rest, m, record)) out += m[1].str() + " ";
    }
    return out;
}
}  // namespace

TEST(LogProcess, GradioLogLevelSetsTheDefault) {
    EXPECT_EQ(levels_in(run_child("flush", nullptr).err), "info warn error ") << "info without the variable";
    EXPECT_EQ(levels_in(run_child("flush", "debug").err), "debug info warn error ");
    EXPECT_EQ(levels_in(run_child("flush", "warning").err), "warn error ");
    EXPECT_EQ(levels_in(run_child("flush", "ERROR").err), "error ");
    const auto off = run_child("flush", "off");
    EXPECT_EQ(off.status, 0);
    EXPECT_EQ(off.err, "") << "off writes nothing at all";
    const auto bad = run_child("flush", "loud");
    EXPECT_EQ(levels_in(bad.err), "info warn error ") << "an unknown value falls back to info";
    EXPECT_NE(bad.err.find("GRADIO_LOG_LEVEL"), std::string::npos) << "and says so: " << bad.err;
}

TEST(LogProcess, RecordsQueuedAtExitAreWrittenAndExitDoesNotHang) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_child("exit", "debug");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(levels_in(r.err), "debug info warn error ") << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}
