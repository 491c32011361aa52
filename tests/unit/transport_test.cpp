// SPDX-License-Identifier: Apache-2.0
// Unit tests of transport/: the requirement trait, URL handling, the redirect policy and the fake registry.
#include "catch.hpp"

#include <cosign/transport/concepts.hpp>
#include <cosign/testing/fake_registry.hpp>
#include <cosign/transport/url.hpp>

using namespace cosign;
using namespace cosign::transport;

namespace {
struct good_transport {
    result<response> send(const request&) { return response{}; }
};
struct const_request_missing {
    result<response> send(request&) { return response{}; }
};
struct wrong_return {
    response send(const request&) { return {}; }
};
struct not_movable {
    not_movable() = default;
    not_movable(const not_movable&) = delete;
    not_movable(not_movable&&) = delete;
    result<response> send(const request&) { return response{}; }
};
}  // namespace

TEST_CASE("the transport trait accepts exactly the documented send signature", "[transport]") {
    STATIC_REQUIRE(is_transport_v<good_transport>);
    STATIC_REQUIRE(is_transport_v<fake_transport>);
    STATIC_REQUIRE_FALSE(is_transport_v<const_request_missing>);
    STATIC_REQUIRE_FALSE(is_transport_v<wrong_return>);
    STATIC_REQUIRE_FALSE(is_transport_v<not_movable>);
    STATIC_REQUIRE_FALSE(is_transport_v<int>);
    STATIC_REQUIRE(check_transport<good_transport>());
}

TEST_CASE("header lookups ignore case and header_values keeps every value", "[transport]") {
    response r;
    r.headers = {{"www-authenticate", "Basic a"}, {"Content-Type", "x"}, {"WWW-Authenticate", "Bearer b"}};
    CHECK(r.header("Www-Authenticate") == "Basic a");
    CHECK(r.header_values("WWW-AUTHENTICATE") == std::vector<std::string>{"Basic a", "Bearer b"});
    CHECK(r.header("missing").empty());
    request q;
    q.set_header("Authorization", "x");
    q.set_header("authorization", "y");
    CHECK(q.headers.size() == 1);
    CHECK(q.header("AUTHORIZATION") == "y");
    q.remove_header("Authorization");
    CHECK(q.headers.empty());
}

TEST_CASE("absolute URLs split into scheme, host, port and target", "[transport]") {
    auto u = parse_url("HTTPS://Registry.Example:5000/v2/a/b/manifests/latest?x=%2B#frag");
    REQUIRE(u);
    CHECK(u->scheme == "https");
    CHECK(u->host == "registry.example");
    CHECK(u->port == 5000);
    CHECK(u->target == "/v2/a/b/manifests/latest?x=%2B");
    CHECK(u->path() == "/v2/a/b/manifests/latest");
    CHECK(u->origin() == "https://registry.example:5000");
    auto v6 = parse_url("http://[::1]:8080");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->target == "/");
    CHECK(v6->origin() == "http://[::1]:8080");
    CHECK(parse_url("http://h?q=1")->target == "/?q=1");
    CHECK(parse_url("https://h")->port == 443);
    CHECK(parse_url("http://h")->port == 80);
    CHECK(parse_url("ftp://h/x").error().code() == errc::unsupported);
    CHECK_FALSE(parse_url("/relative"));
    CHECK_FALSE(parse_url("https://user:pw@h/"));
    CHECK_FALSE(parse_url("https://h:99999/"));
    CHECK_FALSE(parse_url("https://h:12a/"));
    CHECK_FALSE(parse_url("https:///x"));
    CHECK_FALSE(parse_url("https://h/a b"));
    CHECK_FALSE(parse_url("https://h/a\r\nX: y"));
}

TEST_CASE("Location values resolve against the request URL and keep their encoding", "[transport]") {
    auto base = *parse_url("https://reg.example:5000/v2/demo/blobs/uploads/?digest=x");
    CHECK(resolve_location(base, "https://s3.example/b?sig=a%2Bb%3D") == "https://s3.example/b?sig=a%2Bb%3D");
    CHECK(resolve_location(base, "/v2/demo/blobs/uploads/u1?_state=a%3D") ==
          "https://reg.example:5000/v2/demo/blobs/uploads/u1?_state=a%3D");
    CHECK(resolve_location(base, "//cdn.example/x") == "https://cdn.example/x");
    CHECK(resolve_location(base, "u2?s=1") == "https://reg.example:5000/v2/demo/blobs/uploads/u2?s=1");
    CHECK(resolve_location(base, "../x") == "https://reg.example:5000/v2/demo/blobs/x");
    CHECK(resolve_location(base, "./y/../z") == "https://reg.example:5000/v2/demo/blobs/uploads/z");
    CHECK(resolve_location(base, "?only=query") ==
          "https://reg.example:5000/v2/demo/blobs/uploads/?only=query");
    auto plain = *parse_url("http://h/a/b");
    CHECK(resolve_location(plain, "/c") == "http://h/c");
}

TEST_CASE("loopback means localhost, 127.0.0.0/8 and ::1, with or without a port", "[transport]") {
    for (const char* h : {"localhost", "LOCALHOST:5000", "127.0.0.1", "127.0.0.1:5000", "127.1.2.3", "::1",
                          "[::1]:5000", "reg.localhost:80"})
        CHECK(is_loopback_host(h));
    for (const char* h : {"128.0.0.1", "127.0.0", "127.0.0.256", "localhost.example", "10.0.0.1:5000",
                          "example.com", "127.0.0.1.evil.com", "[::2]:5000", ""})
        CHECK_FALSE(is_loopback_host(h));
}

namespace {
// A scripted one-hop sender for follow_redirects.
struct script {
    std::vector<response> answers;
    std::vector<request> seen;
    result<response> operator()(const request& r) {
        seen.push_back(r);
        response a = answers.at(seen.size() - 1);
        return a;
    }
};
response redirect(int status, std::string loc) {
    response r;
    r.status = status;
    r.headers.emplace_back("Location", std::move(loc));
    return r;
}
response ok() {
    response r;
    r.status = 200;
    return r;
}
}  // namespace

TEST_CASE("redirects keep Authorization on the same origin and drop it on another", "[transport]") {
    script s{{redirect(307, "/v2/other"), redirect(302, "https://storage.example/o?sig=a%2Bb"), ok()}, {}};
    request r;
    r.method = "GET";
    r.url = "https://reg.example/v2/x";
    r.headers = {{"Authorization", "Bearer t"}, {"Accept", "a"}};
    auto res = transport::follow_redirects(r, std::ref(s));
    REQUIRE(res);
    CHECK(res->status == 200);
    REQUIRE(s.seen.size() == 3);
    CHECK(s.seen[1].url == "https://reg.example/v2/other");
    CHECK(s.seen[1].header("Authorization") == "Bearer t");
    CHECK(s.seen[2].url == "https://storage.example/o?sig=a%2Bb");
    CHECK(s.seen[2].header("Authorization").empty());
    CHECK(s.seen[2].header("Accept") == "a");
}

TEST_CASE("a different port or scheme is another origin for credentials", "[transport]") {
    script s{{redirect(307, "https://reg.example:444/x"), ok()}, {}};
    request r{"GET", "https://reg.example/v2/x", {{"Authorization", "Basic x"}}, "", 100, {}};
    REQUIRE(transport::follow_redirects(r, std::ref(s)));
    CHECK(s.seen[1].header("Authorization").empty());
    script up{{redirect(301, "https://reg.example/x"), ok()}, {}};
    request p{"GET", "http://reg.example/v2/x", {{"Authorization", "Basic x"}}, "", 100, {}};
    REQUIRE(transport::follow_redirects(p, std::ref(up)));
    CHECK(up.seen[1].header("Authorization").empty());
}

TEST_CASE("redirects from https to http are refused, and the number of hops is bounded", "[transport]") {
    script s{{redirect(302, "http://storage.example/o"), ok()}, {}};
    request r{"GET", "https://reg.example/v2/x", {}, "", 100, {}};
    auto res = transport::follow_redirects(r, std::ref(s));
    REQUIRE_FALSE(res);
    CHECK(res.error().code() == errc::registry);
    CHECK(res.error().message().find("https to plain http") != std::string::npos);

    script loop;
    for (int i = 0; i < 20; ++i) loop.answers.push_back(redirect(302, "/again"));
    auto many = transport::follow_redirects(r, std::ref(loop), 10);
    REQUIRE_FALSE(many);
    CHECK(loop.seen.size() == 11);
}

TEST_CASE("303 turns a PUT into a GET without body, while 307 keeps method and body", "[transport]") {
    script s{{redirect(303, "/done"), ok()}, {}};
    request r{"PUT", "https://reg.example/v2/x", {{"Content-Type", "a/b"}}, "body", 100, {}};
    REQUIRE(transport::follow_redirects(r, std::ref(s)));
    CHECK(s.seen[1].method == "GET");
    CHECK(s.seen[1].body.empty());
    CHECK(s.seen[1].header("Content-Type").empty());
    script k{{redirect(307, "/again"), ok()}, {}};
    REQUIRE(transport::follow_redirects(r, std::ref(k)));
    CHECK(k.seen[1].method == "PUT");
    CHECK(k.seen[1].body == "body");
    script noloc{{response{302, {}, ""}}, {}};
    auto res = transport::follow_redirects(r, std::ref(noloc));
    REQUIRE(res);
    CHECK(res->status == 302);
}

TEST_CASE("the fake registry serves manifests, blobs and uploads and records each hop", "[transport]") {
    fake_transport fake;
    std::string d = fake.put_manifest("reg.test", "demo", "v1", "{\"schemaVersion\":2}",
                                      "application/vnd.oci.image.manifest.v1+json");
    auto r = fake.send(request{"HEAD", "https://reg.test/v2/demo/manifests/v1", {}, "", 100, {}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("Docker-Content-Digest") == d);
    CHECK(r->body.empty());
    CHECK(fake.request_count() == 1);
    fake_transport copy = fake;  // copies share the registry and the log
    auto missing = copy.send(request{"GET", "https://reg.test/v2/demo/manifests/nope", {}, "", 1000, {}});
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->body.find("MANIFEST_UNKNOWN") != std::string::npos);
    CHECK(fake.request_count() == 2);
    auto big = fake.send(request{"GET", "https://reg.test/v2/demo/manifests/v1", {}, "", 3, {}});
    REQUIRE_FALSE(big);
    CHECK(big.error().code() == errc::limit_exceeded);
}

TEST_CASE("the fake storage redirect refuses leaked credentials and altered signed URLs", "[transport]") {
    fake_transport::options o;
    o.redirect_blobs_to = "https://storage.fake.test";
    fake_transport fake(o);
    std::string d = fake.put_blob("reg.test", "demo", "hello");
    auto r = fake.send(
        request{"GET", "https://reg.test/v2/demo/blobs/" + d, {{"Authorization", "Bearer x"}}, "", 100, {}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hello");
    REQUIRE(fake.requests().size() == 2);
    CHECK(fake.requests()[1].url.find(fake_transport::signed_query) != std::string::npos);
    CHECK(fake.requests()[1].header("Authorization").empty());
    auto direct = fake.send(request{
        "GET", "https://storage.fake.test/reg.test:443/demo/" + d + "?X-Sig=a+b/c==&X-Exp=1", {}, "", 100, {}});
    REQUIRE(direct);
    CHECK(direct->status == 403);
}

TEST_CASE("unreachable origins fail as network errors in the fake", "[transport]") {
    fake_transport::options o;
    o.unreachable = {"https://reg.test:443"};
    fake_transport fake(o);
    auto r = fake.send(request{"GET", "https://reg.test/v2/", {}, "", 100, {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
    auto h = fake.send(request{"GET", "http://reg.test/v2/", {}, "", 100, {}});
    REQUIRE(h);
    CHECK(h->status == 200);
}
