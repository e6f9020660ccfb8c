// The on-disk example cache (cache_examples): round trips, restarts, atomic replace, bounds.
#include <gtest/gtest.h>

#include "../temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "examples/example_cache.hpp"

namespace fs = std::filesystem;
using gradio::detail::ExampleCache;
using gradio::detail::ExampleCacheError;

namespace {

// This file's temporary folders.
struct TempDir : gr_test::TempDir {
    TempDir() : gr_test::TempDir("gr_example_cache_test") {}
};

void write_file(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST(ExampleCache, PutThenGetRoundTrips) {
    TempDir dir;
    ExampleCache cache(dir.path() / ".gradio" / "cached_examples" / "0123456789abcdef");
    const std::string json = R"([{"role":"user","content":"hi"},{"role":"assistant","content":"héllo ✓"}])";
    cache.put(0, json);
    cache.put(7, "");
    cache.put(8, std::string("nul\0inside", 10));
    EXPECT_EQ(cache.get(0), json);
    EXPECT_EQ(cache.get(7), "");
    EXPECT_EQ(cache.get(8), std::string("nul\0inside", 10));
    EXPECT_EQ(names_in(cache.dir()), (std::vector<std::string>{"0.json", "7.json", "8.json"}));
}

TEST(ExampleCache, AMissingEntryIsNullopt) {
    TempDir dir;
    const ExampleCache cache(dir.path() / "never-created");
    EXPECT_EQ(cache.get(0), std::nullopt);
    EXPECT_EQ(cache.get(12345), std::nullopt);
    EXPECT_FALSE(fs::exists(dir.path() / "never-created")) << "nothing is created before the first put";
}

TEST(ExampleCache, SurvivesARestart) {
    TempDir dir;
    {
        ExampleCache cache(dir.path());
        cache.put(0, "zero");
        cache.put(2, "two");
    }
    const ExampleCache restarted(dir.path());
    EXPECT_EQ(restarted.get(0), "zero");
    EXPECT_EQ(restarted.get(1), std::nullopt);
    EXPECT_EQ(restarted.get(2), "two");
}

TEST(ExampleCache, PutReplacesTheWholeEntry) {
    TempDir dir;
    ExampleCache cache(dir.path());
    cache.put(1, std::string(10000, 'a'));
    cache.put(1, "short");  // no tail of the longer entry may remain
    EXPECT_EQ(cache.get(1), "short");
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"1.json"}) << "no temp file left behind";
}

TEST(ExampleCache, LeftoverTempFilesAreIgnored) {
    TempDir dir;
    // What a crash between create and rename leaves, and look-alikes.
    write_file(dir.path() / ".1.json.4242.0.tmp", "half a wri");
    write_file(dir.path() / "1.json.tmp", "{}");
    const ExampleCache cache(dir.path());
    EXPECT_EQ(cache.get(1), std::nullopt);
    ExampleCache writer(dir.path());
    writer.put(1, "whole");
    EXPECT_EQ(cache.get(1), "whole");
}

TEST(ExampleCache, ClearRemovesEverythingAndPutStartsOver) {
    TempDir dir;
    ExampleCache cache(dir.path() / "key");
    cache.put(0, "zero");
    write_file(dir.path() / "key" / ".0.json.1.1.tmp", "leftover");
    cache.clear();
    EXPECT_FALSE(fs::exists(dir.path() / "key"));
    EXPECT_EQ(cache.get(0), std::nullopt);
    cache.clear();  // nothing there: still fine
    cache.put(0, "again");
    EXPECT_EQ(cache.get(0), "again");
}

TEST(ExampleCache, ConcurrentPutsAndGets) {
    TempDir dir;
    ExampleCache cache(dir.path());
    constexpr std::size_t kWriters = 16;
    constexpr int kRounds = 20;
    // A reader of index 0 must only ever see whole values: each is one letter repeated.
    cache.put(0, std::string(5000, 'a'));
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    std::thread reader([&] {
        while (!done) {
            const auto value = cache.get(0);
            if (!value || value->size() != 5000 || value->find_first_not_of(value->front()) != std::string::npos)
                ++torn;
        }
    });
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < kWriters; ++w) {
        writers.emplace_back([&cache, w] {
            for (int round = 0; round < kRounds; ++round) {
                cache.put(w + 1, std::to_string(w) + ":" + std::to_string(round));
                cache.put(0, std::string(5000, static_cast<char>('a' + (w + static_cast<std::size_t>(round)) % 26)));
            }
        });
    }
    for (auto& writer : writers) writer.join();
    done = true;
    reader.join();
    EXPECT_EQ(torn.load(), 0);
    for (std::size_t w = 0; w < kWriters; ++w) EXPECT_EQ(cache.get(w + 1), std::to_string(w) + ":" + std::to_string(kRounds - 1));
    EXPECT_EQ(names_in(dir.path()).size(), kWriters + 1) << "no temp file left behind";
}

TEST(ExampleCache, EntriesOverTheBoundAreRefused) {
    TempDir dir;
    ExampleCache cache(dir.path(), 1024);
    cache.put(0, "old");
    try {
        cache.put(0, std::string(1025, 'x'));
        FAIL() << "an oversized entry was stored";
    } catch (const ExampleCacheError& e) {
        EXPECT_NE(std::string(e.what()).find("over the limit of 1024"), std::string::npos) << e.what();
    }
    EXPECT_EQ(cache.get(0), "old");
    cache.put(1, std::string(1024, 'x'));
    // A file someone else made too big is an error, not a silent miss.
    write_file(dir.path() / "2.json", std::string(2048, 'y'));
    EXPECT_THROW((void)cache.get(2), ExampleCacheError);
    EXPECT_EQ(ExampleCache::kDefaultMaxEntryBytes, std::size_t{64} << 20);
}

TEST(ExampleCache, KeyForIsAStableShortHexDigest) {
    // FNV-1a 64 reference values.
    EXPECT_EQ(ExampleCache::key_for(""), "cbf29ce484222325");
    EXPECT_EQ(ExampleCache::key_for("a"), "af63dc4c8601ec8c");
    EXPECT_EQ(ExampleCache::key_for("foobar"), "85944171f73967e8");
    EXPECT_EQ(ExampleCache::key_for("examples: hi"), ExampleCache::key_for("examples: hi"));
    std::set<std::string> keys;
    for (int i = 0; i < 10000; ++i) {
        const std::string key = ExampleCache::key_for("example " + std::to_string(i));
        ASSERT_EQ(key.size(), 16u);
        ASSERT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
        keys.insert(key);
    }
    EXPECT_EQ(keys.size(), 10000u);
}
