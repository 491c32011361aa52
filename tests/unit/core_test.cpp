// SPDX-License-Identifier: Apache-2.0
// Unit tests of core/: result, base64, hex, SHA-256, PEM, the Go-exact JSON writer and the
// hardened JSON reader.
#include "catch.hpp"

#include <cosign/cosign.hpp>

using namespace cosign;

TEST_CASE("result carries a value or an error, never both", "[core]") {
    result<int> ok = 7;
    REQUIRE(ok);
    CHECK(*ok == 7);
    result<int> bad = fail(errc::verification_failed, "signature does not verify");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::verification_failed);
    CHECK(bad.error().error_code() == errc::verification_failed);
    CHECK(bad.error().error_code().message() == "verification failed");
    CHECK(bad.value_or(3) == 3);
    result<void> v;
    CHECK(v);
}

TEST_CASE("error kinds keep 'does not verify' apart from 'could not reach'", "[core]") {
    CHECK(make_error_code(errc::verification_failed) != make_error_code(errc::network));
    CHECK(std::string(error_category().name()) == "cosign");
}

static result<int> twice(result<int> in) {
    COSIGN_TRY(int v, std::move(in));
    return v * 2;
}

TEST_CASE("COSIGN_TRY propagates errors", "[core]") {
    CHECK(*twice(21) == 42);
    auto r = twice(fail(errc::io, "x"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::io);
}

TEST_CASE("base64 follows RFC 4648 test vectors and rejects malformed input", "[core]") {
    CHECK(base64::encode("") == "");
    CHECK(base64::encode("f") == "Zg==");
    CHECK(base64::encode("fo") == "Zm8=");
    CHECK(base64::encode("foo") == "Zm9v");
    CHECK(base64::encode("foobar") == "Zm9vYmFy");
    CHECK(byte_view(*base64::decode("Zm9vYmE=")).to_string() == "fooba");
    CHECK_FALSE(base64::decode("Zm9"));
    CHECK_FALSE(base64::decode("Zm=v"));
    CHECK_FALSE(base64::decode("Zm9v\n"));
    CHECK(*base64::decode("Zh==") == *base64::decode("Zg=="));  // Go ignores the unused bits
    CHECK(base64::decode<secure_bytes>("AAEC")->size() == 3);
}

TEST_CASE("base64url (RFC 4648 section 5) is unpadded and keeps to its alphabet", "[core]") {
    CHECK(base64::url_encode("") == "");
    CHECK(base64::url_encode("f") == "Zg");
    CHECK(base64::url_encode("fo") == "Zm8");
    CHECK(base64::url_encode("foobar") == "Zm9vYmFy");
    CHECK(base64::url_encode(bytes{0xfb, 0xff}) == "-_8");
    CHECK(*base64::url_decode("-_8") == bytes{0xfb, 0xff});
    CHECK(*base64::url_decode("Zm8=") == *base64::url_decode("Zm8"));
    CHECK_FALSE(base64::url_decode("+/8"));
    CHECK_FALSE(base64::url_decode("Zm9vY"));
}

TEST_CASE("hex round-trips and rejects bad digits", "[core]") {
    CHECK(hex::encode(bytes{0x00, 0xab, 0xff}) == "00abff");
    CHECK(*hex::decode("00ABff") == bytes{0x00, 0xab, 0xff});
    CHECK_FALSE(hex::decode("0g"));
    CHECK_FALSE(hex::decode("abc"));
}

TEST_CASE("SHA-256 matches FIPS 180-4 vectors", "[core]") {
    CHECK(sha256("").hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256("abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex() ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    std::string million(1000000, 'a');
    CHECK(sha256(million).hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha256_hasher h;  // incremental in odd-sized pieces
    for (std::size_t i = 0; i < million.size(); i += 7) h.update(byte_view(million).subview(i, 7));
    CHECK(h.finish() == sha256(million));
}

TEST_CASE("PEM encodes with 64 columns and decodes every block", "[core]") {
    bytes der(100, 0x41);
    std::string text = pem::encode("PUBLIC KEY", der);
    CHECK(text.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
    CHECK(text.find('\n', 27) - 27 == 64);
    auto blk = pem::decode(text + pem::encode("X", bytes{1}));
    REQUIRE(blk);
    CHECK(blk->label == "PUBLIC KEY");
    CHECK(blk->der == der);
    CHECK(pem::decode_all(text + pem::encode("X", bytes{1}))->size() == 2);
    CHECK_FALSE(pem::decode(text.substr(0, text.size() - 10)));  // truncated
    CHECK_FALSE(pem::decode("no pem here"));
}

TEST_CASE("JSON writer escapes exactly as Go's encoding/json", "[core][json]") {
    using json::go_quote;
    CHECK(go_quote("plain") == "\"plain\"");
    CHECK(go_quote("<a>&b") == "\"\\u003ca\\u003e\\u0026b\"");
    CHECK(go_quote("q\"b\\s") == "\"q\\\"b\\\\s\"");
    CHECK(go_quote("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
    CHECK(go_quote(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\x7f\"");
    CHECK(go_quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91\"");
    CHECK(go_quote("\xe2\x80\xa8\xe2\x80\xa9") == "\"\\u2028\\u2029\"");
    CHECK(go_quote("a\xffz") == "\"a\\ufffdz\"");
    CHECK(go_quote("\xc3") == "\"\\ufffd\"");                  // truncated sequence
    CHECK(go_quote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate: each byte replaced
    CHECK(go_quote("\xc0\xaf") == "\"\\ufffd\\ufffd\"");        // overlong
    CHECK(go_quote(std::string("\0", 1)) == "\"\\u0000\"");

    json::writer w;
    w.begin_object().key("a").begin_array().integer(-1).boolean(true).null().end_array();
    w.key("b").begin_object().end_object().key("c").string("x").end_object();
    CHECK(w.str() == R"({"a":[-1,true,null],"b":{},"c":"x"})");
}

TEST_CASE("JSON reader refuses duplicates, deep nesting, bad UTF-8 and trailing data", "[core][json]") {
    auto ok = json::parse(R"({"a":{"b":[1,2,"x"]}})");
    REQUIRE(ok);
    CHECK(json::as_string((*json::member(*ok, "a"))["b"][2]) == std::string_view("x"));
    CHECK_FALSE(json::string_member(*ok, "missing"));
    auto dup = json::parse(R"({"a":1,"a":2})");
    REQUIRE_FALSE(dup);
    CHECK(dup.error().message().find("duplicate key") != std::string::npos);
    CHECK(json::parse(R"({"a":{"a":1},"b":{"a":2}})"));  // same key in different objects is fine
    std::string deep(100, '[');
    deep += std::string(100, ']');
    auto d = json::parse(deep);
    REQUIRE_FALSE(d);
    CHECK(d.error().code() == errc::limit_exceeded);
    CHECK(json::parse(deep, 200));
    CHECK_FALSE(json::parse("\"\xff\""));
    CHECK_FALSE(json::parse("{} x"));
    CHECK_FALSE(json::parse("{\"a\":NaN}"));
}

TEST_CASE("Go re-encoding sorts keys and prints numbers as float64", "[core][json]") {
    auto doc = json::parse(R"({"b":1458239713,"a":{"z":null,"y":[true,1.5,1e-7,1e21,123456789012]},"c":"<x>"})");
    REQUIRE(doc);
    json::writer w;
    json::write_go(w, *doc);
    CHECK(w.str() == R"({"a":{"y":[true,1.5,1e-7,1e+21,123456789012],"z":null},"b":1458239713,"c":"\u003cx\u003e"})");
    CHECK(json::go_float(0) == "0");
    CHECK(json::go_float(-2.5) == "-2.5");
    CHECK(json::go_float(0.000001) == "0.000001");
}
