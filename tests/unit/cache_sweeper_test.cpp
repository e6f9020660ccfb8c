// The delete_cache sweeper: ages, symbolic links, the wipe on start, a prompt stop.
#include <gtest/gtest.h>

#include "../temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "examples/cache_sweeper.hpp"

namespace fs = std::filesystem;
using gradio::detail::CacheSweeper;
using namespace std::chrono_literals;

namespace {

// This file's temporary folders.
struct TempDir : gr_test::TempDir {
    TempDir() : gr_test::TempDir("gr_cache_sweeper_test") { std::filesystem::create_directories(path()); }
};

void write_file(const fs::path& path, std::string_view text = "x") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Sets the mtime of `path` itself (a link, not its target) to `age` ago.
void make_old(const fs::path& path, std::chrono::seconds age) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const timespec times[2] = {{now.tv_sec - age.count(), 0}, {now.tv_sec - age.count(), 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

bool present(const fs::path& path) { return fs::exists(fs::symlink_status(path)); }

// Frequency long enough that only sweep_once() sweeps during a test.
constexpr auto kNever = std::chrono::hours(1);

}  // namespace

TEST(CacheSweeper, DeletesOldFilesAndKeepsNewOnes) {
    TempDir dir;
    const fs::path root = dir.path() / "cache";
    CacheSweeper sweeper(root, kNever, 60s);
    write_file(root / "old.bin");
    write_file(root / "a" / "b" / "old.txt");
    write_file(root / "new.bin");
    write_file(root / "a" / "new.txt");
    make_old(root / "old.bin", 2h);
    make_old(root / "a" / "b" / "old.txt", 61s);
    EXPECT_EQ(sweeper.sweep_once(), 2u);
    EXPECT_FALSE(present(root / "old.bin"));
    EXPECT_FALSE(present(root / "a" / "b" / "old.txt"));
    EXPECT_TRUE(present(root / "new.bin"));
    EXPECT_TRUE(present(root / "a" / "new.txt"));
    EXPECT_TRUE(present(root)) << "the folder itself stays";
    EXPECT_EQ(sweeper.sweep_once(), 0u);
}

TEST(CacheSweeper, NeverFollowsSymbolicLinksOutOfTheFolder) {
    TempDir dir;
    const fs::path root = dir.path() / "cache";
    const fs::path outside = dir.path() / "outside";
    write_file(outside / "precious.txt", "keep me");
    make_old(outside / "precious.txt", 48h);
    make_old(outside, 48h);

    CacheSweeper sweeper(root, kNever, 60s);
    fs::create_symlink(outside / "precious.txt", root / "old_file_link");
    fs::create_directory_symlink(outside, root / "old_dir_link");
    fs::create_directory_symlink(outside, root / "new_dir_link");
    make_old(root / "old_file_link", 2h);
    make_old(root / "old_dir_link", 2h);

    // Old links go as links; the new link stays and is not descended into.
    EXPECT_EQ(sweeper.sweep_once(), 2u);
    EXPECT_FALSE(present(root / "old_file_link"));
    EXPECT_FALSE(present(root / "old_dir_link"));
    EXPECT_TRUE(present(root / "new_dir_link"));
    EXPECT_TRUE(fs::exists(outside / "precious.txt"));
    std::ifstream in(outside / "precious.txt");
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "keep me");
}

TEST(CacheSweeper, RemovesEmptyOldSubfoldersOnly) {
    TempDir dir;
    const fs::path root = dir.path() / "cache";
    CacheSweeper sweeper(root, kNever, 60s);
    fs::create_directories(root / "empty_old");
    fs::create_directories(root / "empty_new");
    write_file(root / "emptied" / "f");
    make_old(root / "empty_old", 2h);
    make_old(root / "emptied" / "f", 2h);
    make_old(root / "emptied", 2h);
    EXPECT_EQ(sweeper.sweep_once(), 1u);
    EXPECT_FALSE(present(root / "empty_old"));
    EXPECT_TRUE(present(root / "empty_new"));
    // Deleting its file just changed the folder's mtime: it goes one age later.
    EXPECT_TRUE(present(root / "emptied"));
    make_old(root / "emptied", 2h);
    EXPECT_EQ(sweeper.sweep_once(), 0u);
    EXPECT_FALSE(present(root / "emptied"));
}

TEST(CacheSweeper, WipesTheFolderOnStart) {
    TempDir dir;
    const fs::path root = dir.path() / "cache";
    const fs::path outside = dir.path() / "outside";
    write_file(outside / "precious.txt");
    write_file(root / "fresh.bin");
    write_file(root / "sub" / "deeper" / "fresh.txt");
    fs::create_directory_symlink(outside, root / "link");
    {
        const CacheSweeper kept(root, kNever, 60s, /*wipe_on_start=*/false);
        EXPECT_TRUE(present(root / "fresh.bin"));
    }
    const CacheSweeper sweeper(root, kNever, 60s);
    EXPECT_TRUE(fs::is_directory(root));
    EXPECT_TRUE(fs::is_empty(root));
    EXPECT_TRUE(fs::exists(outside / "precious.txt"));

    const fs::path missing = dir.path() / "not" / "yet";
    const CacheSweeper creates(missing, kNever, 60s);
    EXPECT_TRUE(fs::is_directory(missing));
}

TEST(CacheSweeper, TheThreadSweepsEveryPeriod) {
    TempDir dir;
    const fs::path root = dir.path() / "cache";
    const CacheSweeper sweeper(root, 20ms, 0s);
    write_file(root / "soon_gone.bin");
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (present(root / "soon_gone.bin") && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(5ms);
    EXPECT_FALSE(present(root / "soon_gone.bin"));
}

TEST(CacheSweeper, DestructionIsPrompt) {
    TempDir dir;
    const auto before = std::chrono::steady_clock::now();
    {
        const CacheSweeper sweeper(dir.path() / "cache", std::chrono::hours(24 * 365 * 1000), 60s);
        std::this_thread::sleep_for(20ms);  // let the thread reach its wait
    }
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s) << "the thread waits its period unless stopped";
}

TEST(CacheSweeper, RejectsBadSettingsAndHugeAgesAreFine) {
    TempDir dir;
    EXPECT_THROW(CacheSweeper(dir.path(), 0s, 60s), std::invalid_argument);
    EXPECT_THROW(CacheSweeper(dir.path(), -1s, 60s), std::invalid_argument);
    EXPECT_THROW(CacheSweeper(dir.path(), 1s, -1s), std::invalid_argument);
    CacheSweeper sweeper(dir.path(), kNever, std::chrono::hours(24 * 365 * 10000));
    write_file(dir.path() / "f");
    make_old(dir.path() / "f", std::chrono::hours(24 * 365 * 40));
    EXPECT_EQ(sweeper.sweep_once(), 0u);
    EXPECT_TRUE(present(dir.path() / "f"));
}
