#include <gtest/gtest.h>

#include "protocol/json_codec.hpp"

namespace json = boost::json;
using namespace gradio::detail;

TEST(JsonCodec, CompactKeepsOrderAndRawUtf8) {
    json::object o{{"z", 1}, {"a", "héllo"}, {"m", nullptr}};
    EXPECT_EQ(to_json(o), "{\"z\":1,\"a\":\"héllo\",\"m\":null}");
}

TEST(JsonCodec, PythonDialectSpacesAndEscapes) {
    // Python: json.dumps(["hello", None]) and json.dumps("é😀") -> "\u00e9\ud83d\ude00"
    EXPECT_EQ(to_json(json::array{"hello", nullptr}, JsonDialect::python), "[\"hello\", null]");
    EXPECT_EQ(to_json(json::object{{"a", 1}, {"b", true}}, JsonDialect::python), "{\"a\": 1, \"b\": true}");
    EXPECT_EQ(to_json(json::string("é😀"), JsonDialect::python), "\"\\u00e9\\ud83d\\ude00\"");
}

TEST(JsonCodec, ControlCharactersAreEscaped) {
    EXPECT_EQ(to_json(json::string("a\"b\\c\n\x01")), "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(JsonCodec, DoublesLikePython) {
    EXPECT_EQ(to_json(json::value(10.0)), "10.0");
    EXPECT_EQ(to_json(json::value(0.5)), "0.5");
    EXPECT_EQ(to_json(json::value(std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonCodec, ParseErrorIsReported) {
    std::string error;
    (void)parse_json("{\"data\": [", error);
    EXPECT_NE(error.find("not valid JSON"), std::string::npos);
}

TEST(JsonCodec, MessagesRoundTrip) {
    gradio::Message m;
    m.role = gradio::Role::assistant;
    m.text = "hi";
    auto j = message_to_json(m);
    EXPECT_EQ(to_json(j), R"({"role":"assistant","metadata":null,"content":[{"text":"hi","type":"text"}],"options":null})");
    auto back = message_from_json(j);
    EXPECT_EQ(back.role, gradio::Role::assistant);
    EXPECT_EQ(back.text, "hi");
    ASSERT_EQ(back.content.size(), 1u);
}

TEST(JsonCodec, HistoryAcceptsOpenAiShorthandAndFiles) {
    auto h = history_from_json(json::parse(R"([{"role":"user","content":"a"},
        {"role":"assistant","content":[{"type":"text","text":"b"},{"type":"file","file":{"path":"/tmp/x.png","mime_type":"image/png"}}]}])"));
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].text, "a");
    EXPECT_EQ(h[1].text, "b");
    ASSERT_EQ(h[1].files.size(), 1u);
    EXPECT_EQ(h[1].files[0].mime_type, "image/png");
}

TEST(JsonCodec, BadHistoryGivesAReason) {
    EXPECT_THROW((void)history_from_json(json::parse("{}")), std::invalid_argument);
    EXPECT_THROW((void)history_from_json(json::parse(R"([{"role":"robot","content":"x"}])")), std::invalid_argument);
    EXPECT_THROW((void)history_from_json(json::parse(R"([{"role":"user"}])")), std::invalid_argument);
}
