// SPDX-License-Identifier: Apache-2.0
// Unit tests of oci/digest and oci/reference: digests, the tag rule, and image references parsed
// as go-containerregistry v0.20.7 parses them (expectations checked against cosign binaries).
#include "catch.hpp"

#include <cosign/oci/digest.hpp>
#include <cosign/oci/media_types.hpp>
#include <cosign/oci/reference.hpp>

using namespace cosign;

namespace {
const std::string hex64 = "d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f";
const std::string dg = "sha256:" + hex64;
}  // namespace

TEST_CASE("digests parse only sha256 and sha512 in lower-case hex", "[oci]") {
    auto d = oci::digest::parse(dg);
    REQUIRE(d);
    CHECK(d->str() == dg);
    CHECK(d->algorithm() == "sha256");
    CHECK(d->hex() == hex64);
    CHECK(oci::digest::parse("sha512:" + hex64 + hex64));
    CHECK_FALSE(oci::digest::parse("sha512:" + hex64));
    CHECK_FALSE(oci::digest::parse("sha256:" + hex64.substr(1)));
    CHECK_FALSE(oci::digest::parse("sha256:D34DB33F" + hex64.substr(8)));
    CHECK_FALSE(oci::digest::parse("md5:" + hex64));
    CHECK_FALSE(oci::digest::parse(hex64));
    CHECK_FALSE(oci::digest::parse(""));
    CHECK(oci::digest::parse("x").error().code() == errc::invalid_argument);
    CHECK(oci::digest().empty());
}

TEST_CASE("digest of bytes is their sha256 and digests compare by text", "[oci]") {
    CHECK(oci::digest::of("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    auto a = *oci::digest::parse(dg);
    auto b = oci::digest::of("abc");
    CHECK(a == a);
    CHECK(a != b);
    CHECK((b < a) != (a < b));
}

TEST_CASE("the signature tag is alg-hex.suffix with an optional prefix", "[oci]") {
    auto d = *oci::digest::parse(dg);
    CHECK(oci::signature_tag(d) == "sha256-" + hex64 + ".sig");
    CHECK(oci::signature_tag(d, oci::tag_suffix::attestation) == "sha256-" + hex64 + ".att");
    CHECK(oci::signature_tag(d, oci::tag_suffix::sbom, "pre-") == "pre-sha256-" + hex64 + ".sbom");
    CHECK(oci::referrers_fallback_tag(d) == "sha256-" + hex64);
}

TEST_CASE("references normalise like go-containerregistry", "[oci]") {
    struct row {
        const char* in;
        const char* registry;
        const char* repository;
        const char* tag;
        const char* str;
    };
    const row rows[] = {
        {"ubuntu", "index.docker.io", "library/ubuntu", "", "index.docker.io/library/ubuntu:latest"},
        {"ubuntu:22.04", "index.docker.io", "library/ubuntu", "22.04", "index.docker.io/library/ubuntu:22.04"},
        {"user/demo", "index.docker.io", "user/demo", "", "index.docker.io/user/demo:latest"},
        {"docker.io/xy", "index.docker.io", "library/xy", "", "index.docker.io/library/xy:latest"},
        {"docker.io/library/xy:t", "index.docker.io", "library/xy", "t", "index.docker.io/library/xy:t"},
        {"index.docker.io/a/b", "index.docker.io", "a/b", "", "index.docker.io/a/b:latest"},
        {"localhost/foo", "index.docker.io", "localhost/foo", "", "index.docker.io/localhost/foo:latest"},
        {"localhost:5000/a/b", "localhost:5000", "a/b", "", "localhost:5000/a/b:latest"},
        {"127.0.0.1:5000/x/y:t", "127.0.0.1:5000", "x/y", "t", "127.0.0.1:5000/x/y:t"},
        {"[::1]:5000/foo", "[::1]:5000", "foo", "", "[::1]:5000/foo:latest"},
        {"[::ffff:1.2.3.4]:80/xy", "[::ffff:1.2.3.4]:80", "xy", "", "[::ffff:1.2.3.4]:80/xy:latest"},
        {"ghcr.io/org/team/app:v1.2.3", "ghcr.io", "org/team/app", "v1.2.3", "ghcr.io/org/team/app:v1.2.3"},
        {"a//b", "index.docker.io", "a//b", "", "index.docker.io/a//b:latest"},
        {"host:5000", "index.docker.io", "library/host", "5000", "index.docker.io/library/host:5000"},
        {"a.com/ab:Tag_1.0-x", "a.com", "ab", "Tag_1.0-x", "a.com/ab:Tag_1.0-x"},
        {"a.com/ab:.x", "a.com", "ab", ".x", "a.com/ab:.x"},
        {"a:b:5000/xy", "a:b:5000", "xy", "", "a:b:5000/xy:latest"},
        {"h:/xy", "h:", "xy", "", "h:/xy:latest"},
        {"\xc3\xa9.com/xy", "\xc3\xa9.com", "xy", "", "\xc3\xa9.com/xy:latest"},
        {"a<b>.com/xy", "a<b>.com", "xy", "", "a<b>.com/xy:latest"},
    };
    for (const auto& r : rows) {
        INFO(r.in);
        auto ref = oci::reference::parse(r.in);
        REQUIRE(ref);
        CHECK(ref->registry == r.registry);
        CHECK(ref->repository == r.repository);
        CHECK(ref->tag == r.tag);
        CHECK_FALSE(ref->has_digest());
        CHECK(ref->original == r.in);
        CHECK(ref->str() == r.str);
        CHECK(ref->context() == std::string(r.registry) + "/" + r.repository);
    }
}

TEST_CASE("digest references keep the repository and a tag only for display", "[oci]") {
    auto r = oci::reference::parse("example.com/test/image@" + dg);
    REQUIRE(r);
    CHECK(r->has_digest());
    CHECK(r->digest->str() == dg);
    CHECK(r->str() == "example.com/test/image@" + dg);
    CHECK(r->identifier() == dg);
    CHECK(r->context() == "example.com/test/image");

    auto both = oci::reference::parse("localhost:5000/demo:v1@" + dg);
    REQUIRE(both);
    CHECK(both->tag == "v1");
    CHECK(both->str() == "localhost:5000/demo@" + dg);
    CHECK(both->repo().str() == "localhost:5000/demo");

    auto hub = oci::reference::parse("ubuntu:22.04@" + dg);
    REQUIRE(hub);
    CHECK(hub->str() == "index.docker.io/library/ubuntu@" + dg);
}

TEST_CASE("with_digest pins a tag reference to a digest", "[oci]") {
    auto r = *oci::reference::parse("ubuntu:22.04");
    auto d = *oci::digest::parse(dg);
    auto p = r.with_digest(d);
    CHECK(p.str() == "index.docker.io/library/ubuntu@" + dg);
    CHECK(p.tag == "22.04");
    CHECK(r.repo().with_digest(d).str() == p.str());
    CHECK(r.repo().with_tag(oci::signature_tag(d)).str() ==
          "index.docker.io/library/ubuntu:sha256-" + hex64 + ".sig");
    CHECK(r.repo().scope("pull") == "repository:library/ubuntu:pull");
}

TEST_CASE("malformed references are refused with ggcr's reason", "[oci]") {
    const std::string too_long_repo = "a.com/" + std::string(256, 'a');
    const std::string too_long_tag = "a.com/xy:" + std::string(129, 'a');
    const char* bad[] = {"",
                         ":tag",
                         "x",
                         "docker.io/x",
                         "UPPER/case",
                         "a.com/UP",
                         "a.com/b c",
                         "a b.com/xy",
                         "foo:bar:baz",
                         "a.com/ab:",
                         "a.com/xy:t+t",
                         "ab:t@g",
                         "h:x/xy",
                         "a%41.com/xy",
                         "a^.com/xy",
                         "a.com#f/xy",
                         "a.com@x/yy",
                         "a.com/\xc3\xa9",
                         "a.com/x\ty",
                         "[foo]:5000/xy",
                         "[1.2.3.4]/xy",
                         "[1::2::3]/xy",
                         "[::1/xy",
                         "https://a.com/xy",
                         "http://a.com/xy:t"};
    for (const char* s : bad) {
        INFO(s);
        auto r = oci::reference::parse(s);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_reference);
    }
    CHECK_FALSE(oci::reference::parse(too_long_repo));
    CHECK(oci::reference::parse(too_long_repo.substr(0, too_long_repo.size() - 1)));
    CHECK_FALSE(oci::reference::parse(too_long_tag));
    CHECK(oci::reference::parse(too_long_tag.substr(0, too_long_tag.size() - 1)));

    auto up = oci::reference::parse("UPPER/case");
    CHECK(up.error().message() ==
          "could not parse reference: UPPER/case: repository can only contain the characters "
          "`abcdefghijklmnopqrstuvwxyz0123456789_-./`: UPPER/case");
    CHECK(oci::reference::parse("x").error().message() ==
          "could not parse reference: x: repository must be between 2 and 255 characters in length: x");
}

TEST_CASE("bad digests in references are refused", "[oci]") {
    CHECK_FALSE(oci::reference::parse("a.com/ab@sha256:abc"));
    CHECK_FALSE(oci::reference::parse("a.com/ab@sha256:D34DB33F" + hex64.substr(8)));
    CHECK_FALSE(oci::reference::parse("a.com/ab@sha512:" + hex64 + hex64));
    CHECK_FALSE(oci::reference::parse("a.com/ab@" + dg + "@" + dg));
    CHECK_FALSE(oci::reference::parse("a.com/ab:@" + dg));
    CHECK(oci::reference::parse("a.com/ab@md5:x").error().message().find("unsupported digest algorithm") !=
          std::string::npos);
    // A Docker Hub name that fits as a tag reference but not once `library/` is added.
    const std::string n248(248, 'a');
    CHECK(oci::reference::parse(n248));
    CHECK_FALSE(oci::reference::parse(n248 + "@" + dg));
}

TEST_CASE("COSIGN_REPOSITORY parses as a repository without tag or digest", "[oci]") {
    auto r = oci::parse_repository("registry.example.com/sigs");
    REQUIRE(r);
    CHECK(r->registry == "registry.example.com");
    CHECK(r->repository == "sigs");
    CHECK(r->str() == "registry.example.com/sigs");
    auto hub = oci::parse_repository("user/sigs");
    REQUIRE(hub);
    CHECK(hub->str() == "index.docker.io/user/sigs");
    CHECK(oci::parse_repository("sigs")->str() == "index.docker.io/library/sigs");
    CHECK_FALSE(oci::parse_repository("a.com/sigs:tag"));
    CHECK_FALSE(oci::parse_repository("a.com/sigs@" + dg));
    CHECK_FALSE(oci::parse_repository(""));
    CHECK(oci::parse_repository("Bad").error().code() == errc::invalid_reference);
}

TEST_CASE("the default scheme follows ggcr's Registry.Scheme", "[oci]") {
    auto scheme = [](const char* r) { return oci::reference::parse(std::string(r) + "/xy")->default_scheme(); };
    CHECK(scheme("localhost:5000") == "http");
    CHECK(scheme("localhost:") == "http");
    CHECK(scheme("127.0.0.1:5000") == "http");
    CHECK(scheme("10.1.2.3:5000") == "http");
    CHECK(scheme("172.16.0.1") == "http");
    CHECK(scheme("172.32.0.1") == "https");
    CHECK(scheme("192.168.1.1:443") == "http");
    CHECK(scheme("registry.local") == "http");
    CHECK(scheme("registry.local:5000") == "http");
    CHECK(scheme("foo.localhost:5000") == "http");
    CHECK(scheme("[::1]:5000") == "http");
    CHECK(scheme("ghcr.io") == "https");
    CHECK(scheme("127.0.0.2:5000") == "https");
    CHECK(oci::reference::parse("ubuntu")->default_scheme() == "https");
    CHECK(oci::reference::parse("ubuntu")->api_host() == "index.docker.io");
}

TEST_CASE("loopback registries are recognised", "[oci]") {
    auto loop = [](const char* r) { return oci::reference::parse(std::string(r) + "/xy")->is_loopback_registry(); };
    CHECK(loop("localhost:5000"));
    CHECK(loop("a.localhost"));
    CHECK(loop("127.0.0.1:5000"));
    CHECK(loop("127.9.8.7"));
    CHECK(loop("[::1]:5000"));
    CHECK_FALSE(loop("10.0.0.1"));
    CHECK_FALSE(loop("ghcr.io"));
    CHECK_FALSE(oci::reference::parse("localhost/xy")->is_loopback_registry());  // Docker Hub
}
