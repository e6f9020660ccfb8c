#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <gradio/gradio.hpp>

namespace {

gr::Stream count_to(int n) {
    std::string s;
    for (int i = 1; i <= n; ++i) {
        s += std::to_string(i);
        co_yield s;
    }
}

gr::Stream fails_after_one() {
    co_yield "partial";
    throw gr::Error("quota exceeded");
}

// Sets `destroyed` when the coroutine frame (and this local) is destroyed.
struct Guard {
    bool* destroyed;
    ~Guard() { *destroyed = true; }
};

gr::Stream endless(bool* destroyed, int* steps) {
    Guard guard{destroyed};
    while (true) {
        ++*steps;
        co_yield "tick";
    }
}

}  // namespace

TEST(Stream, YieldsInOrderThenEnds) {
    auto s = count_to(3);
    std::vector<std::string> seen;
    while (s.next()) seen.push_back(s.value());
    EXPECT_EQ(seen, (std::vector<std::string>{"1", "12", "123"}));
    EXPECT_FALSE(s.next());
}

TEST(Stream, IsLazyUntilNext) {
    bool destroyed = false;
    int steps = 0;
    auto s = endless(&destroyed, &steps);
    EXPECT_EQ(steps, 0);
    ASSERT_TRUE(s.next());
    EXPECT_EQ(steps, 1);
}

TEST(Stream, ExceptionReachesTheCaller) {
    auto s = fails_after_one();
    ASSERT_TRUE(s.next());
    EXPECT_EQ(s.value(), "partial");
    EXPECT_THROW((void)s.next(), gr::Error);
}

TEST(Stream, ResetDestroysTheFrameAtItsYield) {
    bool destroyed = false;
    int steps = 0;
    auto s = endless(&destroyed, &steps);
    ASSERT_TRUE(s.next());
    ASSERT_TRUE(s.next());
    s.reset();  // what cancellation does
    EXPECT_TRUE(destroyed);
    EXPECT_EQ(steps, 2);
    EXPECT_FALSE(s.next());
}

TEST(Stream, MoveTransfersOwnership) {
    bool destroyed = false;
    int steps = 0;
    auto a = endless(&destroyed, &steps);
    auto b = std::move(a);
    EXPECT_FALSE(a.next());
    EXPECT_TRUE(b.next());
    { auto c = std::move(b); }
    EXPECT_TRUE(destroyed);
}

TEST(Stream, StopRequestedIsFalseOutsideAChatTurn) { EXPECT_FALSE(gr::stop_requested()); }
