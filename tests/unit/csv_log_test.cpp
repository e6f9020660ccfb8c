// The flagging CSV log: header/row agreement, escaping, concurrency and durability under kill -9.
#include <gtest/gtest.h>

#include "../temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "flagging/csv_log.hpp"

extern char** environ;

namespace fs = std::filesystem;
using gradio::detail::CsvLog;
using gradio::detail::CsvLogError;
using gradio::detail::CsvLogFull;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kChatHeader{"conversation", "index", "value", "flag", "timestamp"};

using Records = std::vector<std::vector<std::string>>;

// A strict RFC 4180 reader: every record ends in CRLF, quotes only around whole fields.
// Returns false on anything malformed, including an unterminated last record.
bool parse_csv(std::string_view text, Records& out) {
    out.clear();
    std::vector<std::string> record{std::string()};
    std::size_t i = 0;
    bool field_start = true;
    while (i < text.size()) {
        const char c = text[i];
        if (field_start && c == '"') {
            ++i;
            for (;;) {
                if (i >= text.size()) return false;
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        record.back() += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                record.back() += text[i++];
            }
            field_start = false;
            if (i < text.size() && text[i] != ',' && text[i] != '\r') return false;
            continue;
        }
        if (c == ',') {
            record.emplace_back();
            field_start = true;
            ++i;
        } else if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n') return false;
            out.push_back(std::move(record));
            record.assign(1, std::string());
            field_start = true;
            i += 2;
        } else if (c == '"' || c == '\n') {
            return false;  // a quote inside an unquoted field, or a bare LF
        } else {
            record.back() += c;
            field_start = false;
            ++i;
        }
    }
    return field_start && record.size() == 1 && record.front().empty();
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

Records parsed(const fs::path& path) {
    Records records;
    EXPECT_TRUE(parse_csv(read_file(path), records)) << read_file(path);
    return records;
}

// This file's temporary folders.
struct TempDir : gr_test::TempDir {
    TempDir() : gr_test::TempDir("gr_csv_log_test") {}
};

std::vector<std::string> chat_row(const std::string& conversation, int index, const std::string& flag) {
    return {conversation, std::to_string(index), "some reply", flag, gradio::detail::utc_timestamp_now()};
}

}  // namespace

// --- escaping --------------------------------------------------------------------------------

TEST(CsvLogEscape, DefusesEveryFormulaTrigger) {
    EXPECT_EQ(CsvLog::escape_cell("=1+1"), "'=1+1");
    EXPECT_EQ(CsvLog::escape_cell("+1"), "'+1");
    EXPECT_EQ(CsvLog::escape_cell("-1"), "'-1");
    EXPECT_EQ(CsvLog::escape_cell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(CsvLog::escape_cell("\tx"), "'\tx");
    EXPECT_EQ(CsvLog::escape_cell("\rx"), "\"'\rx\"");
    EXPECT_EQ(CsvLog::escape_cell("\nx"), "\"'\nx\"");
    // Leading spaces are trimmed by spreadsheets before the formula check.
    EXPECT_EQ(CsvLog::escape_cell("  =cmd|' /C calc'!A0"), "\"'  =cmd|' /C calc'!A0\"");
    // A quoted formula is still a formula once the CSV quotes are gone.
    EXPECT_EQ(CsvLog::escape_cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
}

TEST(CsvLogEscape, LeavesHarmlessCellsAlone) {
    EXPECT_EQ(CsvLog::escape_cell(""), "");
    EXPECT_EQ(CsvLog::escape_cell("hello"), "hello");
    EXPECT_EQ(CsvLog::escape_cell("a=b"), "a=b");
    EXPECT_EQ(CsvLog::escape_cell("1-2"), "1-2");
    EXPECT_EQ(CsvLog::escape_cell("Like"), "Like");
    EXPECT_EQ(CsvLog::escape_cell("héllo ✓"), "héllo ✓");
}

TEST(CsvLogEscape, QuotesPerRfc4180) {
    EXPECT_EQ(CsvLog::escape_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(CsvLog::escape_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvLog::escape_cell("a\nb"), "\"a\nb\"");
    EXPECT_EQ(CsvLog::escape_cell("a\r\nb"), "\"a\r\nb\"");
    EXPECT_EQ(CsvLog::escape_cell(" x"), "\" x\"");
    EXPECT_EQ(CsvLog::escape_cell("x "), "\"x \"");
    EXPECT_EQ(CsvLog::escape_cell("a;b"), "\"a;b\"");  // Excel's separator in many locales
    EXPECT_EQ(CsvLog::escape_cell("\""), "\"\"\"\"");
}

TEST(CsvLogEscape, EveryEscapedCellReadsBackAsItself) {
    const std::vector<std::string> cells{"", "plain", "a,b", "\"q\"", "line\nbreak", "crlf\r\nx", " pad ",
                                         "=1", "-2", "@x", "+3", "\tt", "\nn", "[{\"role\":\"user\"}]"};
    for (const auto& cell : cells) {
        Records records;
        ASSERT_TRUE(parse_csv(CsvLog::escape_cell(cell) + ",end\r\n", records)) << cell;
        ASSERT_EQ(records.size(), 1u);
        ASSERT_EQ(records[0].size(), 2u) << cell;
        const std::string& back = records[0][0];
        if (back != cell) {
            EXPECT_EQ(back, "'" + cell) << "only a defusing quote may be added";
        }
        EXPECT_EQ(records[0][1], "end");
    }
}

// --- the file --------------------------------------------------------------------------------

TEST(CsvLog, RowsHaveAsManyCellsAsTheHeader) {
    TempDir dir;
    {
        CsvLog log(dir.path() / "nested" / "flagged", kChatHeader);
        EXPECT_EQ(log.path(), dir.path() / "nested" / "flagged" / "log.csv");
        log.append(chat_row(R"([{"role":"user","content":[{"type":"text","text":"hi, \"you\""}]}])", 1, "Like"));
        log.append(chat_row("=cmd|' /C calc'!A0", 3, "Dislike"));
        log.append(chat_row("multi\nline\r\ntext", 5, ""));
        log.append(chat_row("-1", 7, "@custom option, with comma"));
    }
    const Records records = parsed(dir.path() / "nested" / "flagged" / "log.csv");
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(records[0], kChatHeader);
    for (const auto& record : records) EXPECT_EQ(record.size(), kChatHeader.size());
    EXPECT_EQ(records[1][0], R"([{"role":"user","content":[{"type":"text","text":"hi, \"you\""}]}])");
    EXPECT_EQ(records[1][1], "1");
    EXPECT_EQ(records[1][3], "Like");
    EXPECT_EQ(records[2][0], "'=cmd|' /C calc'!A0");
    EXPECT_EQ(records[3][0], "multi\nline\r\ntext");
    EXPECT_EQ(records[3][3], "");
    EXPECT_EQ(records[4][0], "'-1");
    EXPECT_EQ(records[4][3], "'@custom option, with comma");
    EXPECT_TRUE(std::regex_match(records[1][4], std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST(CsvLog, HeaderIsWrittenOnceAcrossReopens) {
    TempDir dir;
    for (int run = 0; run < 3; ++run) {
        CsvLog log(dir.path(), kChatHeader);
        log.append(chat_row("[]", run, "Like"));
    }
    const Records records = parsed(dir.path() / "log.csv");
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[0], kChatHeader);
    for (int run = 0; run < 3; ++run) EXPECT_EQ(records[static_cast<std::size_t>(run) + 1][1], std::to_string(run));
}

TEST(CsvLog, AnEmptyExistingFileGetsTheHeader) {
    TempDir dir;
    fs::create_directories(dir.path());
    write_file(dir.path() / "log.csv", "");
    CsvLog log(dir.path(), kChatHeader);
    EXPECT_EQ(read_file(dir.path() / "log.csv"), "conversation,index,value,flag,timestamp\r\n");
}

TEST(CsvLog, AcceptsTheSameHeaderWrittenByAnotherWriter) {
    TempDir dir;
    fs::create_directories(dir.path());
    // LF line ends and quoted names still name the same columns.
    write_file(dir.path() / "log.csv", "conversation,\"index\",value,flag,timestamp\n[],1,x,Like,t\n");
    CsvLog log(dir.path(), kChatHeader);
    log.append(chat_row("[]", 2, "Dislike"));
    const std::string text = read_file(dir.path() / "log.csv");
    EXPECT_TRUE(text.starts_with("conversation,\"index\",value,flag,timestamp\n[],1,x,Like,t\n[],2,"));
}

TEST(CsvLog, RefusesAFileWithAnotherHeader) {
    TempDir dir;
    fs::create_directories(dir.path());
    const std::string gradio_like = "name,age\r\nBob,3\r\n";
    write_file(dir.path() / "log.csv", gradio_like);
    try {
        CsvLog log(dir.path(), kChatHeader);
        FAIL() << "a foreign header was accepted";
    } catch (const CsvLogError& e) {
        EXPECT_NE(std::string(e.what()).find((dir.path() / "log.csv").string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("different header"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(dir.path() / "log.csv"), gradio_like);
}

TEST(CsvLog, AppendRejectsTheWrongNumberOfCells) {
    TempDir dir;
    CsvLog log(dir.path(), kChatHeader);
    const std::string before = read_file(log.path());
    // Gradio's own logger writes 4 cells under its 5 names; we do not.
    EXPECT_THROW(log.append({"[]", "1", "Like", "2026-01-01 00:00:00"}), std::invalid_argument);
    EXPECT_THROW(log.append({"a", "b", "c", "d", "e", "f"}), std::invalid_argument);
    EXPECT_EQ(read_file(log.path()), before);
    EXPECT_THROW(CsvLog(dir.path() / "other", {}), std::invalid_argument);
}

TEST(CsvLog, StopsAtItsFileSizeBound) {
    TempDir dir;
    CsvLog log(dir.path(), {"a", "b"}, 1024, 200);  // the header takes 5 bytes, each row 101
    log.append({std::string(97, 'x'), "1"});
    EXPECT_THROW(log.append({std::string(97, 'x'), "2"}), CsvLogFull);
    const std::string before = read_file(log.path());
    EXPECT_EQ(before.size(), 5u + 101u);
    log.append({"small", "3"});  // what still fits is written
    EXPECT_EQ(parsed(log.path()).size(), 3u);
}

TEST(CsvLog, RefusesRowsOverTheBound) {
    TempDir dir;
    CsvLog log(dir.path(), {"a", "b"}, 1024);
    const std::string before = read_file(log.path());
    EXPECT_THROW(log.append({std::string(2000, 'x'), "1"}), CsvLogError);
    // Under the bound raw, over it once every quote is doubled.
    EXPECT_THROW(log.append({std::string(600, '"'), "1"}), CsvLogError);
    EXPECT_EQ(read_file(log.path()), before);
    log.append({std::string(1000, 'x'), "1"});
    EXPECT_EQ(parsed(log.path()).size(), 2u);
    try {
        log.append({std::string(2000, 'x'), "1"});
    } catch (const CsvLogError& e) {
        EXPECT_NE(std::string(e.what()).find("over the limit of 1024 bytes"), std::string::npos) << e.what();
    }
}

TEST(CsvLog, ATornLastRowIsCutOffOnOpen) {
    TempDir dir;
    fs::create_directories(dir.path());
    // What a power loss during an unacknowledged append can leave: a row without its end,
    // here stopped inside a quoted field that holds a newline.
    write_file(dir.path() / "log.csv",
               "conversation,index,value,flag,timestamp\r\n[],1,x,Like,t\r\n\"[{\"\"a\"\":\r\n\"\"b");
    CsvLog log(dir.path(), kChatHeader);
    log.append(chat_row("[]", 2, "Like"));
    const Records records = parsed(log.path());
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[1][1], "1");
    EXPECT_EQ(records[2][1], "2");
}

TEST(CsvLog, ATornHeaderIsRewritten) {
    TempDir dir;
    fs::create_directories(dir.path());
    write_file(dir.path() / "log.csv", "conversation,ind");
    CsvLog log(dir.path(), kChatHeader);
    EXPECT_EQ(read_file(log.path()), "conversation,index,value,flag,timestamp\r\n");
}

TEST(CsvLog, RefusesToCutMoreThanOneRowOfGarbage) {
    TempDir dir;
    fs::create_directories(dir.path());
    const std::string text = "a,b\r\n\"" + std::string(5000, 'x');  // an unclosed quote
    write_file(dir.path() / "log.csv", text);
    EXPECT_THROW(CsvLog(dir.path(), {"a", "b"}, 1024), CsvLogError);
    EXPECT_EQ(read_file(dir.path() / "log.csv"), text);
}

TEST(CsvLog, ConcurrentAppendsNeverInterleave) {
    TempDir dir;
    constexpr int kThreads = 64;
    constexpr int kRowsPerThread = 20;
    {
        // Two objects on one file: threads share a descriptor (mutex), the objects do not (flock).
        CsvLog first(dir.path(), kChatHeader);
        CsvLog second(dir.path(), kChatHeader);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                CsvLog& log = t % 2 == 0 ? first : second;
                // Big, quote- and newline-laden cells make any interleaving visible.
                const std::string payload = std::string(3000, static_cast<char>('a' + t % 26)) + "\"\n,";
                for (int i = 0; i < kRowsPerThread; ++i)
                    log.append({payload, std::to_string(t), std::to_string(i), "Like", "ts"});
            });
        }
        for (auto& thread : threads) thread.join();
    }
    const Records records = parsed(dir.path() / "log.csv");
    ASSERT_EQ(records.size(), 1u + kThreads * kRowsPerThread);
    EXPECT_EQ(records[0], kChatHeader);
    std::set<std::pair<int, int>> seen;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& record = records[r];
        ASSERT_EQ(record.size(), kChatHeader.size());
        const int t = std::stoi(record[1]);
        EXPECT_EQ(record[0], std::string(3000, static_cast<char>('a' + t % 26)) + "\"\n,");
        EXPECT_TRUE(seen.emplace(t, std::stoi(record[2])).second) << "row appended twice";
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kRowsPerThread));
}

TEST(UtcTimestamp, IsIso8601WithMilliseconds) {
    using namespace std::chrono;
    const sys_days day = 2026y / November / 30;
    EXPECT_EQ(gradio::detail::utc_timestamp(day + 19h + 4min + 5s + 123ms), "2026-11-30T19:04:05.123Z");
    EXPECT_EQ(gradio::detail::utc_timestamp(sys_days{1970y / January / 1} - 1ms), "1969-12-31T23:59:59.999Z");
    EXPECT_TRUE(std::regex_match(gradio::detail::utc_timestamp_now(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

// --- kill -9 ---------------------------------------------------------------------------------

namespace {

// In a child started by run_appender(): append rows forever, acknowledging each on stdout once
// append() has returned. Runs from main() after every static object exists; never returns.
class AppenderChild : public ::testing::Environment {
public:
    void SetUp() override {
        const char* dir = std::getenv("GR_CSV_LOG_TEST_CHILD");
        if (dir == nullptr) return;
        const char* first_text = std::getenv("GR_CSV_LOG_TEST_FIRST");
        int next = first_text != nullptr ? std::atoi(first_text) : 0;
        CsvLog log(dir, kChatHeader);
        const std::string payload = "[{\"role\":\"user\",\"content\":\"" + std::string(5000, 'p') + "\"}]\n,\"";
        for (int limit = next + 100000; next < limit; ++next) {
            log.append({payload, std::to_string(next), "reply", "Like", gradio::detail::utc_timestamp_now()});
            const std::string ack = "ack " + std::to_string(next) + "\n";
            // A dead parent closes the pipe: SIGPIPE ends this child too.
            if (::write(1, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) std::_Exit(3);
        }
        std::_Exit(0);
    }
};
[[maybe_unused]] auto* const appender_child = ::testing::AddGlobalTestEnvironment(new AppenderChild);

// Starts an appender on `dir` numbering rows from `first`, SIGKILLs it `delay` after its first
// acknowledgement, and returns the highest row it acknowledged (-1 if none).
int run_appender(const fs::path& dir, int first, std::chrono::milliseconds delay) {
    // Prepared before fork(): between fork and exec only async-signal-safe calls.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        if (entry.starts_with("GR_CSV_LOG_TEST_")) continue;
        env_strings.emplace_back(entry);
    }
    env_strings.push_back("GR_CSV_LOG_TEST_CHILD=" + dir.string());
    env_strings.push_back("GR_CSV_LOG_TEST_FIRST=" + std::to_string(first));
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string arg0 = "csv_log_test_child", filter = "--gtest_filter=UtcTimestamp.IsIso8601WithMilliseconds";
    char* argv[] = {arg0.data(), filter.data(), nullptr};

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return -2;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 1);
        ::execve("/proc/self/exe", argv, envp.data());
        ::_exit(127);
    }
    ::close(fds[1]);

    std::string acks;
    auto read_some = [&](int timeout_ms) {
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) return false;
        acks.append(buffer, static_cast<std::size_t>(n));
        return true;
    };
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (acks.find("ack ") == std::string::npos && std::chrono::steady_clock::now() < give_up) read_some(100);
    const auto kill_at = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < kill_at) read_some(1);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    while (read_some(0)) {
    }
    ::close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended early, status " << status;

    int last = -1;
    std::istringstream lines(acks);
    for (std::string line; std::getline(lines, line);)
        // gtest's banner shares the pipe; acks are under PIPE_BUF, so never split.
        if (line.starts_with("ack ")) last = std::stoi(line.substr(4));
    return last;
}

}  // namespace

TEST(CsvLogProcess, AcknowledgedRowsSurviveKillNine) {
    TempDir dir;
    std::mt19937 random(std::random_device{}());
    int next = 0;
    for (int round = 0; round < 3; ++round) {
        const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(random));
        const int acknowledged = run_appender(dir.path(), next, delay);
        ASSERT_GE(acknowledged, next) << "round " << round << ": no row acknowledged";

        // The file parses cleanly and holds every acknowledged row, numbered without gaps; at
        // most one row after the last acknowledgement (written, killed before the ack).
        const Records records = parsed(dir.path() / "log.csv");
        ASSERT_GE(records.size(), 2u);
        EXPECT_EQ(records[0], kChatHeader);
        for (std::size_t r = 1; r < records.size(); ++r) {
            ASSERT_EQ(records[r].size(), kChatHeader.size());
            ASSERT_EQ(records[r][1], std::to_string(r - 1));
        }
        const int rows = static_cast<int>(records.size()) - 1;
        EXPECT_GE(rows, acknowledged + 1);
        EXPECT_LE(rows, acknowledged + 2);
        next = rows;
    }
}
