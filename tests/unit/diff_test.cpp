#include <gtest/gtest.h>

#include "protocol/diff.hpp"

namespace json = boost::json;
using gradio::detail::apply_diff;
using gradio::detail::diff;

namespace {
json::value J(const char* text) { return json::parse(text); }
}  // namespace

// The examples of protocol.md §5.5, checked there against gradio.utils.diff.
TEST(Diff, GrowingStringIsAnAppend) { EXPECT_EQ(diff(J("\"h\""), J("\"he\"")), J(R"([["append",[],"e"]])")); }

TEST(Diff, ShrinkingListDeletesRenumbered) {
    EXPECT_EQ(diff(J("[1,2,3]"), J("[1]")), J(R"([["delete",[1],null],["delete",[1],null]])"));
}

TEST(Diff, ObjectKeys) {
    EXPECT_EQ(diff(J(R"({"a":1,"b":2})"), J(R"({"a":1,"c":3})")), J(R"([["delete",["b"],null],["add",["c"],3]])"));
}

TEST(Diff, NestedDeletesAreNotRenumbered) {
    // Gradio emits [["delete",[0,1],null],["delete",[0],null]] here, which clients rebuild as
    // [[3]]; our edits rebuild the real value.
    EXPECT_EQ(diff(J("[[1,2],[3]]"), J("[[1]]")), J(R"([["delete",[0,1],null],["delete",[1],null]])"));
    EXPECT_EQ(apply_diff(J("[[1,2],[3]]"), diff(J("[[1,2],[3]]"), J("[[1]]"))), J("[[1]]"));
}

TEST(Diff, ChatHistoryAppendMatchesTheRecording) {
    // stream_07_ui_submit_chain.txt: the assistant text grows inside the message list.
    auto before = J(R"([{"role":"user","metadata":null,"content":[{"text":"hello","type":"text"}],"options":null},
                        {"role":"assistant","metadata":null,"content":[{"text":"You typed: h","type":"text"}],"options":null}])");
    auto after = J(R"([{"role":"user","metadata":null,"content":[{"text":"hello","type":"text"}],"options":null},
                       {"role":"assistant","metadata":null,"content":[{"text":"You typed: he","type":"text"}],"options":null}])");
    EXPECT_EQ(diff(before, after), J(R"([["append",[1,"content",0,"text"],"e"]])"));
    EXPECT_EQ(apply_diff(before, diff(before, after)), after);
}

TEST(Diff, PythonEqualityMeansNoEdit) {
    EXPECT_TRUE(diff(J("1"), J("1.0")).empty());
    EXPECT_TRUE(diff(J("[true]"), J("[1]")).empty());
    EXPECT_EQ(diff(J("1"), J("\"1\"")), J(R"([["replace",[],"1"]])"));
}

TEST(Diff, TypeChangeAndNonPrefixStringAreReplaces) {
    EXPECT_EQ(diff(J("\"abc\""), J("\"xbc\"")), J(R"([["replace",[],"xbc"]])"));
    EXPECT_EQ(diff(J("null"), J("[1]")), J(R"([["replace",[],[1]]])"));
}

TEST(Diff, RoundTripsThroughTheClientAlgorithm) {
    const char* cases[][2] = {
        {"[1,2,3]", "[1]"}, {"[1]", "[1,2,3]"}, {R"({"a":[1,{"b":"x"}]})", R"({"a":[1,{"b":"xy","c":null}]})"},
        {R"(["a","b"])", R"(["ab"])"}, {"[]", R"([{"role":"user"}])"}, {R"([[1,2],[3,4]])", R"([[1],[3]])"}};
    for (const auto& c : cases) {
        auto old_value = J(c[0]);
        auto new_value = J(c[1]);
        EXPECT_EQ(apply_diff(old_value, diff(old_value, new_value)), new_value) << c[0] << " -> " << c[1];
    }
}

TEST(Diff, ApplyRejectsBadEdits) {
    EXPECT_THROW((void)apply_diff(J("[1]"), J(R"([["teleport",[0],1]])").as_array()), std::invalid_argument);
    EXPECT_THROW((void)apply_diff(J("[1]"), J(R"([["replace",[5],1]])").as_array()), std::invalid_argument);
    EXPECT_THROW((void)apply_diff(J("[1]"), J(R"([["replace"]])").as_array()), std::invalid_argument);
}
