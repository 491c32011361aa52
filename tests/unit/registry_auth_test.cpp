// SPDX-License-Identifier: Apache-2.0
// Unit tests of registry/auth.hpp: WWW-Authenticate parsing, token requests and answers, the token cache.
#include "catch.hpp"

#include <cosign/registry/auth.hpp>

using namespace cosign;
using registry::parse_www_authenticate;

TEST_CASE("a Bearer challenge yields realm, service and a scope with commas inside quotes", "[registry]") {
    auto c = parse_www_authenticate(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].param("realm") == "https://auth.docker.io/token");
    CHECK(c[0].param("service") == "registry.docker.io");
    CHECK(c[0].param("scope") == "repository:library/alpine:pull,push");
    CHECK(c[0].param("missing").empty());
}

TEST_CASE("a Basic challenge is recognised whatever the case of its scheme", "[registry]") {
    auto c = parse_www_authenticate(R"(basic realm="interop-registry")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].scheme == "basic");
    CHECK(c[0].param("realm") == "interop-registry");
    auto d = parse_www_authenticate("BASIC REALM=plain");
    REQUIRE(d.size() == 1);
    CHECK(d[0].scheme == "basic");
    CHECK(d[0].param("realm") == "plain");
}

TEST_CASE("several challenges in one header are split at the scheme that follows a comma", "[registry]") {
    auto c = parse_www_authenticate(
        R"(Bearer realm="https://a/token", service="x" , Basic realm="b,c", Negotiate)");
    REQUIRE(c.size() == 3);
    CHECK(c[0].scheme == "bearer");
    CHECK(c[0].param("service") == "x");
    CHECK(c[1].scheme == "basic");
    CHECK(c[1].param("realm") == "b,c");
    CHECK(c[2].scheme == "negotiate");
    CHECK(c[2].params.empty());
}

TEST_CASE("escaped quotes and spaces around '=' are handled in challenge parameters", "[registry]") {
    auto c = parse_www_authenticate(
        R"(Bearer realm = "https://x/t?a=1" ,error="invalid_token",error_description="say \"hi\"")");
    REQUIRE(c.size() == 1);
    CHECK(c[0].param("realm") == "https://x/t?a=1");
    CHECK(c[0].param("error") == "invalid_token");
    CHECK(c[0].param("error_description") == "say \"hi\"");
}

TEST_CASE("malformed challenges never crash and keep what parsed", "[registry]") {
    CHECK(parse_www_authenticate("").empty());
    CHECK(parse_www_authenticate(" , ,").empty());
    auto c = parse_www_authenticate(R"(Bearer realm="unterminated)");
    REQUIRE(c.size() == 1);
    CHECK(c[0].param("realm") == "unterminated");
    auto d = parse_www_authenticate("Bearer =oops");
    REQUIRE(d.size() == 1);
    CHECK(d[0].params.empty());
}

TEST_CASE("token answers give token or access_token and a bounded lifetime", "[registry]") {
    auto now = std::chrono::steady_clock::now();
    auto a = registry::parse_token_response(R"({"token":"abc","expires_in":300})", now);
    REQUIRE(a);
    CHECK(byte_view(a->token).to_string() == "abc");
    CHECK(a->expires == now + std::chrono::seconds(290));
    auto b = registry::parse_token_response(R"({"access_token":"xyz"})", now);
    REQUIRE(b);
    CHECK(byte_view(b->token).to_string() == "xyz");
    CHECK(b->expires == now + std::chrono::seconds(50));
    auto c = registry::parse_token_response(R"({"token":"","access_token":"z"})", now);
    REQUIRE(c);
    CHECK(byte_view(c->token).to_string() == "z");
    CHECK_FALSE(registry::parse_token_response(R"({"nothing":1})"));
    CHECK_FALSE(registry::parse_token_response("not json"));
    CHECK(registry::parse_token_response("[]").error().code() == errc::registry);
}

TEST_CASE("a token request carries service and scopes, and Basic credentials only over https", "[registry]") {
    auto ch = parse_www_authenticate(R"(Bearer realm="https://auth.example/token",service="reg.example")");
    registry::credentials cr;
    cr.username = "alice";
    std::string pw = "s3cret";
    cr.password.assign(pw.begin(), pw.end());
    auto r = registry::make_token_request(ch[0], {registry::repository_scope("a/b", true)}, &cr, "ua/1");
    REQUIRE(r);
    CHECK(r->method == "GET");
    CHECK(r->url == "https://auth.example/token?service=reg.example&scope=repository%3Aa%2Fb%3Apull%2Cpush");
    CHECK(r->header("Authorization") == "Basic YWxpY2U6czNjcmV0");
    CHECK(r->header("User-Agent") == "ua/1");

    auto plain = parse_www_authenticate(R"(Bearer realm="http://auth.example/token?x=1")");
    auto p = registry::make_token_request(plain[0], {"repository:a:pull"}, &cr, "");
    REQUIRE(p);
    CHECK(p->url == "http://auth.example/token?x=1&scope=repository%3Aa%3Apull");
    CHECK(p->header("Authorization").empty());

    auto loop = parse_www_authenticate(R"(Bearer realm="http://127.0.0.1:5001/token")");
    auto l = registry::make_token_request(loop[0], {}, &cr, "");
    REQUIRE(l);
    CHECK(l->header("Authorization") == "Basic YWxpY2U6czNjcmV0");

    CHECK_FALSE(registry::make_token_request(registry::challenge{"bearer", {}}, {}, nullptr, ""));
}

TEST_CASE("an identity token is exchanged with the OAuth2 refresh-token grant", "[registry]") {
    auto ch = parse_www_authenticate(R"(Bearer realm="https://auth.example/oauth2/token",service="svc")");
    registry::credentials cr;
    std::string t = "refresh+me";
    cr.identity_token.assign(t.begin(), t.end());
    auto r = registry::make_token_request(ch[0], {"repository:a:pull", "repository:b:pull"}, &cr, "");
    REQUIRE(r);
    CHECK(r->method == "POST");
    CHECK(r->url == "https://auth.example/oauth2/token");
    CHECK(r->header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(r->body ==
          "grant_type=refresh_token&client_id=cosign-cpp&service=svc&scope=repository%3Aa%3Apull%"
          "20repository%3Ab%3Apull"
          "&refresh_token=refresh%2Bme");
}

TEST_CASE("the token cache reuses a push token for pulls and forgets expired tokens", "[registry]") {
    registry::token_cache cache;
    auto now = std::chrono::steady_clock::now();
    registry::bearer_token t;
    t.token = {'p'};
    t.expires = now + std::chrono::seconds(30);
    cache.put("reg", registry::repository_scope("a", true), t);
    CHECK(cache.find("reg", registry::repository_scope("a", false), now) != nullptr);
    CHECK(cache.find("reg", registry::repository_scope("a", true), now) != nullptr);
    CHECK(cache.find("reg", registry::repository_scope("b", false), now) == nullptr);
    CHECK(cache.find("other", registry::repository_scope("a", false), now) == nullptr);
    CHECK(cache.find("reg", registry::repository_scope("a", false), now + std::chrono::seconds(31)) ==
          nullptr);
    registry::bearer_token pull;
    pull.token = {'q'};
    pull.expires = now + std::chrono::seconds(30);
    cache.put("reg", registry::repository_scope("c", false), pull);
    CHECK(cache.find("reg", registry::repository_scope("c", true), now) == nullptr);
    cache.erase("reg", registry::repository_scope("c", false));
    CHECK(cache.find("reg", registry::repository_scope("c", false), now) == nullptr);
}

TEST_CASE("Basic authorization is base64 of user:password", "[registry]") {
    registry::credentials c;
    c.username = "alice";
    c.password = {'s', '3', 'c', 'r', 'e', 't'};
    CHECK(registry::basic_authorization(c) == "Basic YWxpY2U6czNjcmV0");
    CHECK(c.has_basic());
    CHECK_FALSE(registry::credentials{}.has_basic());
    CHECK(registry::credentials{}.empty());
}
