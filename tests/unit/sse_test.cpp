#include <gtest/gtest.h>

#include "protocol/sse.hpp"

using gradio::detail::sse_frame;

TEST(SseFrame, DataOnly) { EXPECT_EQ(sse_frame("{\"a\":1}"), "data: {\"a\":1}\n\n"); }

TEST(SseFrame, NamedEvent) { EXPECT_EQ(sse_frame("[\"hi\", null]", "complete"), "event: complete\ndata: [\"hi\", null]\n\n"); }

TEST(SseFrame, MultiLinePayloadCannotEndTheFrameEarly) {
    EXPECT_EQ(sse_frame("a\nb\n\nc"), "data: a\ndata: b\ndata: \ndata: c\n\n");
}

TEST(SseFrame, CrLfCountsAsOneLineBreak) { EXPECT_EQ(sse_frame("a\r\nb\rc"), "data: a\ndata: b\ndata: c\n\n"); }

TEST(SseFrame, EmptyPayload) { EXPECT_EQ(sse_frame(""), "data: \n\n"); }
