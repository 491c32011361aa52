// SPDX-License-Identifier: Apache-2.0
// Unit tests of oci/simple_signing: byte-exact payloads, the strict parser, cosign's claim checks
// and `-a` flag parsing.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/oci/simple_signing.hpp>

using namespace cosign;

namespace {
std::string read_file(const std::string& rel) {
    std::ifstream f(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(f);
    return std::string(std::istreambuf_iterator<char>(f), {});
}
const oci::digest test_digest =
    *oci::digest::parse("sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f");

std::string payload_with(const std::string& critical_inner, const std::string& optional = "null") {
    return "{\"critical\":{" + critical_inner + "},\"optional\":" + optional + "}";
}
const std::string good_critical =
    "\"identity\":{\"docker-reference\":\"example.com/test/image\"},"
    "\"image\":{\"docker-manifest-digest\":\"" + test_digest.str() + "\"},"
    "\"type\":\"cosign container image signature\"";
}  // namespace

TEST_CASE("payload without annotations matches sigstore's vector byte for byte", "[oci]") {
    auto want = read_file("cosign/payloads/marshal-no-claims.json");
    CHECK(oci::make_payload("example.com/test/image", test_digest) == want);
    oci::annotation_map empty;
    CHECK(oci::make_payload("example.com/test/image", test_digest, &empty) == want);
    CHECK(oci::make_payload("example.com/test/image", test_digest, std::optional<oci::optional_map>{}) == want);
    CHECK(read_file("cosign/derived/sig-image-example/payload.json") == want);
}

TEST_CASE("payload with a claimed identity matches sigstore's vector", "[oci]") {
    CHECK(oci::make_payload("docker.io/library/test:1.2.3", test_digest) ==
          read_file("cosign/payloads/marshal-custom-identity.json"));
}

TEST_CASE("payloads with numbers, nested maps, bools and floats match sigstore's vectors", "[oci]") {
    oci::optional_map atomic{{"creator", "atomic"}, {"timestamp", oci::optional_value::integer(1458239713)}};
    CHECK(oci::make_payload("example.com/atomic/test/image", test_digest, atomic) ==
          read_file("cosign/payloads/marshal-standard-atomic.json"));

    oci::optional_map nested{{"false", oci::optional_value::boolean(true)},
                             {"foo", "bar"},
                             {"nothing", oci::optional_value::null_value()}};
    oci::optional_map arbitrary{{"CamelCase WithSpace", oci::optional_value::number(8.314)},
                                {"creator", "anyone"},
                                {"some_struct", oci::optional_value::object(nested)}};
    CHECK(oci::make_payload("example.com/cosign/test/image", test_digest, arbitrary) ==
          read_file("cosign/payloads/marshal-arbitrary-claims.json"));
}

TEST_CASE("floats are written as Go writes float64", "[oci]") {
    CHECK(oci::optional_value::number(8.314).text() == "8.314");
    CHECK(oci::optional_value::number(1).text() == "1");
    CHECK(oci::optional_value::number(0.1).text() == "0.1");
    CHECK(oci::optional_value::number(1e21).text() == "1e+21");
    CHECK(oci::optional_value::number(1e20).text() == "100000000000000000000");
    CHECK(oci::optional_value::number(1e-7).text() == "1e-7");
    CHECK(oci::optional_value::number(0.000001).text() == "0.000001");
    CHECK(oci::optional_value::number(-2.5).text() == "-2.5");
}

TEST_CASE("annotation values are escaped as Go escapes them", "[oci]") {
    oci::annotation_map a{{"k<>&", "v<b>&\"\\"}, {"ctl", std::string("\x01\n\t\x7f", 4)}, {"utf8", "\xc3\xa9\xe2\x80\xa8"},
                          {"bad", "\xff"}};
    auto p = oci::make_payload("r/x", test_digest, &a);
    CHECK(p.find(R"("optional":{"bad":"\ufffd","ctl":"\u0001\n\t)" "\x7f" R"(","k\u003c\u003e\u0026":"v\u003cb\u003e\u0026\"\\","utf8":"é\u2028"}})") !=
          std::string::npos);
    auto back = oci::parse_payload(p);
    REQUIRE(back);
    CHECK(back->annotations->at("k<>&").text() == "v<b>&\"\\");
    CHECK(back->annotations->at("ctl").text() == std::string("\x01\n\t\x7f", 4));
}

TEST_CASE("cosign's own payloads parse", "[oci]") {
    for (const char* f : {"marshal-no-claims.json", "marshal-custom-identity.json", "marshal-standard-atomic.json",
                          "marshal-arbitrary-claims.json"}) {
        INFO(f);
        auto p = oci::parse_payload(read_file(std::string("cosign/payloads/") + f));
        REQUIRE(p);
        CHECK(p->manifest_digest == test_digest);
    }
    auto atomic = *oci::parse_payload(read_file("cosign/payloads/marshal-standard-atomic.json"));
    CHECK(atomic.docker_reference == "example.com/atomic/test/image");
    REQUIRE(atomic.annotations);
    CHECK(atomic.annotations->at("creator").is_string());
    CHECK(atomic.annotations->at("creator").text() == "atomic");
    CHECK(atomic.annotations->at("timestamp").type() == oci::optional_value::kind::number);
    CHECK(atomic.annotations->at("timestamp").text() == "1458239713");
    auto arb = *oci::parse_payload(read_file("cosign/payloads/marshal-arbitrary-claims.json"));
    CHECK(arb.annotations->at("some_struct").find("false")->as_bool());
    CHECK(oci::make_payload(arb.docker_reference, arb.manifest_digest, arb.annotations) ==
          read_file("cosign/payloads/marshal-arbitrary-claims.json"));
    CHECK_FALSE(oci::parse_payload(read_file("cosign/payloads/marshal-no-claims.json"))->annotations);
}

TEST_CASE("whitespace and key order do not matter to the parser", "[oci]") {
    std::string p = " {\n \"optional\" : { } , \"critical\" : { \"type\" : \"cosign container image signature\", "
                    "\"image\":{\"docker-manifest-digest\":\"" + test_digest.str() + "\"}, "
                    "\"identity\":{\"docker-reference\":\"x\"} } }\n";
    auto r = oci::parse_payload(p);
    REQUIRE(r);
    REQUIRE(r->annotations);
    CHECK(r->annotations->empty());
}

TEST_CASE("the strict parser refuses payloads skopeo refuses", "[oci]") {
    const std::string img = "\"image\":{\"docker-manifest-digest\":\"" + test_digest.str() + "\"}";
    const std::string id = "\"identity\":{\"docker-reference\":\"x\"}";
    const std::string ty = "\"type\":\"cosign container image signature\"";
    const std::string bad[] = {
        read_file("cosign/payloads/unmarshal-unknown-type-rejected.json"),
        payload_with(good_critical + ",\"extra\":1"),
        payload_with(id + "," + img),
        payload_with(id + "," + ty),
        payload_with(img + "," + ty),
        payload_with("\"identity\":{\"docker-reference\":\"x\",\"x\":1}," + img + "," + ty),
        payload_with(id + ",\"image\":{\"docker-manifest-digest\":\"" + test_digest.str() + "\",\"x\":1}," + ty),
        payload_with("\"identity\":{\"docker-reference\":1}," + img + "," + ty),
        payload_with(id + ",\"image\":{\"docker-manifest-digest\":\"sha256:abc\"}," + ty),
        payload_with(id + ",\"image\":{\"Docker-manifest-digest\":\"" + test_digest.str() + "\"}," + ty),
        payload_with(id + "," + img + ",\"type\":1"),
        payload_with(id + "," + img + ",\"type\":\"Cosign container image signature\""),
        payload_with(id + ",\"image\":[]," + ty),
        payload_with(good_critical, "[]"),
        payload_with(good_critical, "\"x\""),
        "{\"critical\":{" + good_critical + "}}",
        "{\"critical\":{" + good_critical + "},\"optional\":null,\"extra\":null}",
        "{\"Critical\":{" + good_critical + "},\"optional\":null}",
        "{\"critical\":{" + good_critical + "},\"optional\":null,\"optional\":null}",
        "{\"critical\":{" + good_critical + "," + ty + "},\"optional\":null}",
        "{\"critical\":{" + good_critical + "},\"optional\":{\"a\":\"\xff\"}}",
        "{\"critical\":{" + good_critical + "},\"optional\":null} x",
        "[]",
        "null",
        "",
    };
    for (const auto& p : bad) {
        INFO(p);
        auto r = oci::parse_payload(p);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_payload);
    }
    auto unknown = oci::parse_payload(read_file("cosign/payloads/unmarshal-unknown-type-rejected.json"));
    CHECK(unknown.error().message().find("atomic container signature") != std::string::npos);
}

TEST_CASE("deep nesting in optional is a limit error, not a crash", "[oci]") {
    std::string deep(100000, '[');
    auto r = oci::parse_payload("{\"critical\":{" + good_critical + "},\"optional\":{\"a\":" + deep + "}}");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::limit_exceeded);
}

TEST_CASE("claims check the digest and the requested annotations as strings", "[oci]") {
    oci::annotation_map a{{"env", "prod"}, {"n", "1"}};
    auto p = *oci::parse_payload(oci::make_payload("r/x", test_digest, &a));
    CHECK(oci::check_claims(p, test_digest));
    CHECK(oci::check_claims(p, test_digest, {{"env", "prod"}}));
    CHECK(oci::check_claims(p, test_digest, {{"env", "prod"}, {"n", "1"}}));
    auto wrong = oci::check_claims(p, test_digest, {{"env", "dev"}});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::verification_failed);
    CHECK(wrong.error().message() == "missing or incorrect annotation \"env\"");
    CHECK_FALSE(oci::check_claims(p, test_digest, {{"missing", ""}}));
    auto other = oci::check_claims(p, oci::digest::of("x"));
    REQUIRE_FALSE(other);
    CHECK(other.error().code() == errc::verification_failed);
    CHECK(other.error().message().find("invalid or missing digest in claim") == 0);

    // A JSON number never equals a CLI string; a null optional has no annotations.
    auto atomic = *oci::parse_payload(read_file("cosign/payloads/marshal-standard-atomic.json"));
    CHECK(oci::check_claims(atomic, test_digest, {{"creator", "atomic"}}));
    CHECK_FALSE(oci::check_claims(atomic, test_digest, {{"timestamp", "1458239713"}}));
    auto none = *oci::parse_payload(read_file("cosign/payloads/marshal-no-claims.json"));
    CHECK(oci::check_claims(none, test_digest));
    CHECK_FALSE(oci::check_claims(none, test_digest, {{"a", "b"}}));
}
