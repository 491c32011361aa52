// SPDX-License-Identifier: Apache-2.0
// Unit tests of the CLI's pieces that are plain functions: the -a flag syntax (CSV) and the
// shape of what `verify` prints (the payload re-encoded, certificate claims added).
#include "catch.hpp"

#include <cosign/cosign.hpp>

#include "../../examples/cosign-cpp/annotations.hpp"
#include "../../examples/cosign-cpp/output.hpp"

using namespace cosign;

TEST_CASE("-a flags split on commas with CSV quoting and need exactly one '='", "[cli]") {
    auto one = cli::parse_annotation_flags({"a=b"});
    REQUIRE(one);
    CHECK(*one == oci::annotation_map{{"a", "b"}});
    auto many = cli::parse_annotation_flags({"a=1,b=2", "c=3", "a=4"});
    REQUIRE(many);
    CHECK(*many == oci::annotation_map{{"a", "4"}, {"b", "2"}, {"c", "3"}});
    auto quoted = cli::parse_annotation_flags({"\"k=x,y\",\"z=\"\"q\"\"\""});
    REQUIRE(quoted);
    CHECK(*quoted == oci::annotation_map{{"k", "x,y"}, {"z", "\"q\""}});
    CHECK(cli::parse_annotation_flags({"k=\"x,y\""}).error().code() == errc::invalid_argument);  // bare quote
    CHECK(cli::parse_annotation_flags({"\"k=x"}).error().code() == errc::invalid_argument);      // unterminated
    CHECK(*cli::parse_annotation_flags({""}) == oci::annotation_map{});
    CHECK(*cli::parse_annotation_flags({"=v", "k="}) == oci::annotation_map{{"", "v"}, {"k", ""}});
    CHECK(*cli::parse_annotation_flags({"a=b\nc=d"}) == oci::annotation_map{{"a", "b"}});  // first CSV record only
    CHECK(*cli::parse_annotation_flags({"\"a=b\nc\",d=e"}) == oci::annotation_map{{"a", "b\nc"}, {"d", "e"}});
    CHECK(*cli::parse_annotation_flags({"k=<\xc3\xa9>"}) == oci::annotation_map{{"k", "<\xc3\xa9>"}});

    auto no_eq = cli::parse_annotation_flags({"novalue"});
    REQUIRE_FALSE(no_eq);
    CHECK(no_eq.error().code() == errc::invalid_argument);
    CHECK(no_eq.error().message() == "unable to parse annotation: novalue");
    auto two_eq = cli::parse_annotation_flags({"k=a=b"});
    REQUIRE_FALSE(two_eq);
    CHECK(two_eq.error().message() == "unable to parse annotation: k=a=b");
    CHECK_FALSE(cli::parse_annotation_flags({"a=b,"}));  // the empty item has no '='
}

TEST_CASE("verify prints the payload re-encoded as Go re-encodes it, with the certificate's claims", "[cli]") {
    const std::string payload =
        R"({"optional":{"b":1.0,"a":"<x>"},"critical":{"type":"cosign container image signature",)"
        R"("image":{"docker-manifest-digest":"sha256:ab"},"identity":{"docker-reference":"r/x"}}})";
    const std::string head = R"({"critical":{"identity":{"docker-reference":"r/x"},"image":{"docker-manifest-digest":"sha256:ab"},)"
                             R"("type":"cosign container image signature"},"optional":)";
    CHECK(cli::reencode_payload(payload) == head + R"({"a":"\u003cx\u003e","b":1}})");
    CHECK(cli::reencode_payload("not json") == "not json");

    verified_signature sig;
    CHECK(cli::printed_claims(sig).empty());  // no certificate: nothing added
    certificate_info info;
    info.emails = {"dev@example.com"};
    info.extensions[fulcio_oidc_issuer_oid] = "https://issuer.example";
    sig.certificate = info;
    const auto claims = cli::printed_claims(sig);
    CHECK(claims == std::map<std::string, std::string>{{"Subject", "dev@example.com"},
                                                       {"Issuer", "https://issuer.example"},
                                                       {fulcio_oidc_issuer_oid, "https://issuer.example"}});
    CHECK(cli::reencode_payload(payload, claims) ==
          head + R"({"1.3.6.1.4.1.57264.1.1":"https://issuer.example","Issuer":"https://issuer.example",)"
                 R"("Subject":"dev@example.com","a":"\u003cx\u003e","b":1}})");
}
