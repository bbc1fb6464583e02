#include "audit/canonical_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace drawbridge::audit {
namespace {

std::string Encode(const boost::json::value& value) {
  auto encoded = CanonicalJson(value);
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  return encoded.ok() ? *encoded : std::string();
}

std::string EncodeString(std::string_view text) {
  std::string out;
  AppendCanonicalString(out, text);
  return out;
}

// Test that object keys come out sorted by bytes, whatever the insertion order.
TEST(CanonicalJson, SortsKeysBytewise) {
  boost::json::object object;
  object["b"] = 1;
  object["B"] = 2;
  object["a"] = 3;
  object["aa"] = 4;
  object["_"] = 5;
  EXPECT_EQ(Encode(object), R"({"B":2,"_":5,"a":3,"aa":4,"b":1})");
}

// Test that non-ASCII keys sort by their UTF-8 bytes, after all ASCII keys.
TEST(CanonicalJson, SortsUnicodeKeysByUtf8Bytes) {
  boost::json::object object;
  object["\xC3\xA9"] = 1;  // é, C3 A9
  object["z"] = 2;
  object["\xE2\x82\xAC"] = 3;  // €, E2 82 AC
  EXPECT_EQ(Encode(object), "{\"z\":2,\"\xC3\xA9\":1,\"\xE2\x82\xAC\":3}");
}

// Test that there is no whitespace and that integers are plain decimals.
TEST(CanonicalJson, HasNoWhitespaceAndPlainIntegers) {
  boost::json::value value = boost::json::parse(R"( { "x" : [ 1 , -2 , 0 , true , null ] ,
      "big": 18446744073709551615, "min": -9223372036854775808 } )");
  EXPECT_EQ(Encode(value),
            R"({"big":18446744073709551615,"min":-9223372036854775808,"x":[1,-2,0,true,null]})");
}

// Test that nested objects inside arrays and objects are canonicalised too.
TEST(CanonicalJson, CanonicalisesNestedValues) {
  boost::json::value value =
      boost::json::parse(R"({"z":{"y":[{"b":1,"a":2}],"x":{"d":{},"c":[]}},"a":""})");
  EXPECT_EQ(Encode(value), R"({"a":"","z":{"x":{"c":[],"d":{}},"y":[{"a":2,"b":1}]}})");
}

// Test the fixed escapes for quote, backslash and the named control characters.
TEST(CanonicalJson, EscapesQuoteBackslashAndNamedControls) {
  EXPECT_EQ(EncodeString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(EncodeString("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

// Test that other control characters, DEL and C1 controls become lowercase \u00xx.
TEST(CanonicalJson, EscapesOtherControlsAsLowercaseHex) {
  EXPECT_EQ(EncodeString(std::string("\x00\x01\x1b\x1f", 4)), R"("\u0000\u0001\u001b\u001f")");
  EXPECT_EQ(EncodeString("\x7f"), R"("\u007f")");
  EXPECT_EQ(EncodeString("\xC2\x9B"), R"("\u009b")");  // U+009B, the one-byte CSI
}

// Test that slash and printable non-ASCII text are written as they are.
TEST(CanonicalJson, KeepsSlashAndUnicodeAsIs) {
  EXPECT_EQ(EncodeString("a/b"), R"("a/b")");
  EXPECT_EQ(EncodeString("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91\"");
}

// Test that every ill-formed byte becomes \ufffd, so any byte string has an encoding.
TEST(CanonicalJson, ReplacesInvalidUtf8WithEscapedReplacementCharacter) {
  EXPECT_EQ(EncodeString("a\xFF"
                         "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(EncodeString("\xC0\xAF"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(EncodeString("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");            // a surrogate
  EXPECT_EQ(EncodeString("\xE2\x82"), R"("\ufffd\ufffd")");                      // truncated
  EXPECT_EQ(EncodeString("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
}

// Test that a genuine U+FFFD is escaped like a replaced byte, so re-encoding parsed output is
// stable.
TEST(CanonicalJson, EscapesGenuineReplacementCharacter) {
  EXPECT_EQ(EncodeString("\xEF\xBF\xBD"), R"("\ufffd")");
}

// Test that parsing canonical output and encoding it again gives the same bytes.
TEST(CanonicalJson, IsIdempotentOverParse) {
  boost::json::object object;
  object["text"] = std::string("tab\there \x1b[31mred\xC2\x9B bad\xFF end\xEF\xBF\xBD");
  object["list"] = boost::json::array{1, "x", boost::json::object{{"k", nullptr}}};
  std::string once = Encode(object);
  std::string twice = Encode(boost::json::parse(once));
  EXPECT_EQ(once, twice);
}

// Test that floating-point numbers are refused with the path to them.
TEST(CanonicalJson, RejectsFloats) {
  boost::json::value value = boost::json::parse(R"({"a":{"b":[1,2.5]}})");
  auto encoded = CanonicalJson(value);
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(encoded.status().message().find("value.a.b[1]"), std::string::npos)
      << encoded.status().message();
}

// Test that nesting beyond the limit is refused instead of recursing without bound.
TEST(CanonicalJson, RejectsDeepNesting) {
  boost::json::value value = boost::json::array{};
  for (int i = 0; i < kMaxDetailsDepth + 5; ++i) value = boost::json::array{value};
  EXPECT_FALSE(CanonicalJson(value).ok());
  boost::json::value shallow = boost::json::array{boost::json::array{}};
  EXPECT_TRUE(CanonicalJson(shallow).ok());
}

// Test that two keys that collide once invalid UTF-8 is replaced are refused, not both written.
TEST(CanonicalJson, RejectsKeysThatCollideAfterReplacement) {
  boost::json::object object;
  object["\xFF"] = 1;
  object["\xFE"] = 2;
  EXPECT_FALSE(CanonicalJson(object).ok());
  EXPECT_FALSE(NormalizeJsonText(object, "details").ok());
}

// Test that normalisation makes text valid UTF-8 and encodes the same as the original.
TEST(CanonicalJson, NormalizationPreservesTheEncoding) {
  boost::json::object object;
  object["r\xFF"] = boost::json::array{"a\xC0", 5};
  auto normalized = NormalizeJsonText(object, "details");
  ASSERT_TRUE(normalized.ok()) << normalized.status().ToString();
  EXPECT_EQ(Encode(*normalized), Encode(object));
  EXPECT_TRUE(normalized->as_object().contains("r\xEF\xBF\xBD"));
}

}  // namespace
}  // namespace drawbridge::audit
