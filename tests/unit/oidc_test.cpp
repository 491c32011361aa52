// SPDX-License-Identifier: Apache-2.0
// Unit tests of identity-token acquisition: PKCE (RFC 7636 appendix B), JWT claims, the
// --identity-token rule, cosign's provider order, the login URL, and the browser flow end to
// end against an in-memory issuer with a real redirect listener.
#include "catch.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cosign/core/base64.hpp>
#include <cosign/oidc/oidc.hpp>

using namespace cosign;

namespace {

std::string b64url(const std::string& s) { return oidc::detail::base64url_encode(byte_view(s.data(), s.size())); }

// A compact JWS with this payload (the signature is junk: nothing here checks it, Fulcio does).
std::string make_jwt(const std::string& payload, const std::string& alg = "RS256") {
    return b64url("{\"alg\":\"" + alg + "\",\"kid\":\"k1\",\"typ\":\"JWT\"}") + "." + b64url(payload) + "." +
           b64url("not-a-real-signature");
}

const std::int64_t now = 1800000000;

std::string good_payload(const std::string& extra = "") {
    return "{\"iss\":\"http://127.0.0.1:5556\",\"sub\":\"alice@example.com\",\"aud\":\"sigstore\",\"exp\":" +
           std::to_string(now + 600) + ",\"iat\":" + std::to_string(now - 10) +
           ",\"email\":\"alice@example.com\",\"email_verified\":true" + extra + "}";
}

// A transport policy whose answers come from a function; it records every request.
struct scripted_transport {
    std::function<transport::response(const transport::request&)> answer;
    std::vector<transport::request> log;
    result<transport::response> send(const transport::request& r) {
        log.push_back(r);
        if (!answer) return fail(errc::network, "no network in this test");
        return answer(r);
    }
};

transport::response reply(int status, std::string body) {
    transport::response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

// An environment for options::getenv.
std::function<std::optional<std::string>(const std::string&)> env_of(std::map<std::string, std::string> m) {
    return [m](const std::string& k) -> std::optional<std::string> {
        auto it = m.find(k);
        if (it == m.end()) return std::nullopt;
        return it->second;
    };
}

std::string temp_file(const std::string& name, const std::string& content) {
    std::string p = "/tmp/cosign-oidc-test-" + std::to_string(::getpid()) + "-" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

}  // namespace

TEST_CASE("PKCE S256 gives RFC 7636 appendix B's challenge", "[oidc]") {
    CHECK(oidc::pkce_s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
          "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    auto p = oidc::make_pkce();
    REQUIRE(p);
    CHECK(p->verifier.size() == 64);  // 384 bits, as sigstore's NewPKCE
    CHECK(p->challenge == oidc::pkce_s256_challenge(p->verifier));
    CHECK(p->method == "S256");
    auto q = oidc::make_pkce();
    CHECK(q->verifier != p->verifier);
    auto s = oidc::random_url_safe_string(128);
    REQUIRE(s);
    CHECK(s->size() == 22);
    CHECK(s->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
}

TEST_CASE("base64url decodes what it encodes, unpadded, and refuses other alphabets", "[oidc]") {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"}) {
        auto e = b64url(s);
        CHECK(e.find('=') == std::string::npos);
        CHECK(oidc::detail::base64url_decode(e) == s);
    }
    CHECK(oidc::detail::base64url_decode("Zm9v==") == std::string("foo"));  // padding tolerated
    CHECK_FALSE(oidc::detail::base64url_decode("a+b/"));
    CHECK_FALSE(oidc::detail::base64url_decode("abcde"));
}

TEST_CASE("JWT claims are decoded as Fulcio and sigstore read them", "[oidc]") {
    auto c = oidc::parse_claims(make_jwt(good_payload(",\"nonce\":\"n1\",\"nbf\":1.5e9")));
    REQUIRE(c);
    CHECK(c->issuer == "http://127.0.0.1:5556");
    CHECK(c->subject == "alice@example.com");
    CHECK(c->email == "alice@example.com");
    CHECK(c->email_verified);
    CHECK(c->audience == std::vector<std::string>{"sigstore"});
    CHECK(c->expiry == now + 600);
    CHECK(c->issued_at == now - 10);
    CHECK(c->not_before == 1500000000);
    CHECK(c->nonce == "n1");

    auto arr = oidc::parse_claims(make_jwt(R"({"iss":"i","sub":"s","aud":["a","sigstore"],"email_verified":"True"})"));
    REQUIRE(arr);
    CHECK(arr->has_audience("sigstore"));
    CHECK_FALSE(arr->has_audience("other"));
    CHECK(arr->email_verified);  // sigstore's stringAsBool
    CHECK(oidc::parse_claims(make_jwt(R"({"sub":"s","email_verified":"false"})"))->email_verified == false);
}

TEST_CASE("malformed tokens get an error that says what is wrong and never quotes the token", "[oidc]") {
    const std::string secretish = "eyJzZWNyZXQiOiJzM2NyM3QifQ";
    struct bad {
        std::string token, says;
    };
    std::vector<bad> cases = {
        {secretish, "three base64url parts"},
        {secretish + "." + secretish, "three base64url parts"},
        {"a.b.c.d", "three base64url parts"},
        {"!!!." + b64url("{}") + ".x", "header is not base64url"},
        {b64url("[1]") + "." + b64url("{}") + ".x", "header is not a JSON object"},
        {b64url("{\"typ\":\"JWT\"}") + "." + b64url("{}") + ".x", "no \"alg\""},
        {b64url("{\"alg\":\"RS256\"}") + "." + secretish + "!.c2ln", "payload is not base64url"},
        {b64url("{\"alg\":\"RS256\"}") + "." + b64url("not json " + std::string("s3cr3t")) + ".c2ln", "payload is not JSON"},
        {b64url("{\"alg\":\"RS256\"}") + "." + b64url("[\"s3cr3t\"]") + ".c2ln", "not a JSON object"},
        {make_jwt(R"({"aud":5})"), "\"aud\" claim"},
        {make_jwt(R"({"aud":["a",5]})"), "\"aud\" claim"},
        {make_jwt(R"({"exp":"tomorrow"})"), "\"exp\" claim"},
        {make_jwt(R"({"iss":7})"), "\"iss\" claim"},
        {make_jwt(R"({"email_verified":"yes"})"), "\"email_verified\""},
    };
    for (const auto& b : cases) {
        auto c = oidc::parse_claims(b.token);
        REQUIRE_FALSE(c);
        CHECK(c.error().code() == errc::invalid_argument);
        CHECK_THAT(c.error().message(), Catch::Contains(b.says));
        CHECK_THAT(c.error().message(), !Catch::Contains(secretish) && !Catch::Contains("s3cr3t"));
    }
}

TEST_CASE("check_token refuses expired, not-yet-valid and unverified tokens before any request", "[oidc]") {
    auto ok = oidc::check_token(make_jwt(good_payload()), now);
    REQUIRE(ok);
    CHECK(ok->principal == "alice@example.com");

    const std::string expired = make_jwt(R"({"iss":"https://issuer.test","email":"a@b.c","email_verified":true,"exp":)" +
                                         std::to_string(now - 30) + "}");
    auto e = oidc::check_token(expired, now);
    REQUIRE_FALSE(e);
    CHECK_THAT(e.error().message(), Catch::Contains("expired at 2027-01-15T07:59:30Z") && Catch::Contains("30 s ago") &&
                                        Catch::Contains("https://issuer.test"));
    CHECK_THAT(e.error().message(), !Catch::Contains(expired.substr(0, 20)));
    CHECK(oidc::check_token(expired, now, 60));  // within the leeway

    auto nbf = oidc::check_token(make_jwt(good_payload(",\"nbf\":" + std::to_string(now + 3600))), now);
    REQUIRE_FALSE(nbf);
    CHECK_THAT(nbf.error().message(), Catch::Contains("not valid before"));

    auto unverified = oidc::check_token(make_jwt(R"({"iss":"i","sub":"s","email":"a@b.c","exp":)" + std::to_string(now + 60) + "}"), now);
    REQUIRE_FALSE(unverified);
    CHECK_THAT(unverified.error().message(), Catch::Contains("\"a@b.c\" is not verified"));

    auto sub = oidc::check_token(make_jwt(R"({"iss":"i","sub":"repo:org/app:ref:refs/heads/main","exp":)" + std::to_string(now + 60) + "}"), now);
    REQUIRE(sub);
    CHECK(sub->principal == "repo:org/app:ref:refs/heads/main");

    CHECK_THAT(oidc::check_token(make_jwt(R"({"iss":"i","exp":)" + std::to_string(now + 60) + "}"), now).error().message(),
               Catch::Contains("no subject"));
    CHECK_THAT(oidc::check_token(make_jwt(R"({"sub":"s","exp":)" + std::to_string(now + 60) + "}"), now).error().message(),
               Catch::Contains("no issuer"));
    CHECK_THAT(oidc::check_token(make_jwt(R"({"iss":"i","sub":"s"})"), now).error().message(), Catch::Contains("no expiry"));
}

TEST_CASE("--identity-token is the token when it parses as a JWS, else a file holding one", "[oidc]") {
    const std::string tok = make_jwt(good_payload(), "ES256");  // cosign 2 takes any algorithm
    CHECK(oidc::looks_like_jws(tok));
    CHECK_FALSE(oidc::looks_like_jws("token.jwt"));
    CHECK_FALSE(oidc::looks_like_jws("a.b.c"));

    auto direct = oidc::read_identity_token_flag(tok);
    REQUIRE(direct);
    CHECK(direct->str() == tok);

    // A file written by `jq -r` or `echo` ends in a newline: dropped (cosign sends it on and fails).
    auto path = temp_file("tok", tok + "\n");
    auto from_file = oidc::read_identity_token_flag(path);
    REQUIRE(from_file);
    CHECK(from_file->str() == tok);

    auto junk = temp_file("junk", "s3cr3t-but-not-a-jwt\n");
    auto j = oidc::read_identity_token_flag(junk);
    REQUIRE_FALSE(j);
    CHECK_THAT(j.error().message(), Catch::Contains(junk) && Catch::Contains("does not hold a JWT"));
    CHECK_THAT(j.error().message(), !Catch::Contains("s3cr3t"));

    auto empty = temp_file("empty", "\n");
    CHECK_THAT(oidc::read_identity_token_flag(empty).error().message(), Catch::Contains("is empty"));

    auto missing = oidc::read_identity_token_flag("/nonexistent/token.jwt");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::io);
    CHECK_THAT(missing.error().message(), Catch::Contains("/nonexistent/token.jwt"));

    CHECK(oidc::read_identity_token_flag("")->empty());
    std::remove(path.c_str());
    std::remove(junk.c_str());
    std::remove(empty.c_str());
}

TEST_CASE("ambient providers come in cosign's order: GitHub Actions, then SIGSTORE_ID_TOKEN, then the token file", "[oidc]") {
    const std::string gh = make_jwt(good_payload(",\"who\":\"github\""));
    const std::string env = make_jwt(good_payload(",\"who\":\"env\""));
    scripted_transport t;
    t.answer = [&](const transport::request& r) {
        if (r.header("Authorization") != "bearer req-token") return reply(401, "{\"message\":\"bad token\"}");
        return reply(200, "{\"count\":1,\"value\":\"" + gh + "\"}");
    };
    oidc::options o;
    o.filesystem_token_path = "/nonexistent/oidc-token";
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?api-version=2.0"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "req-token"},
                       {"SIGSTORE_ID_TOKEN", env}});

    auto a = oidc::ambient_token(t, o);
    REQUIRE(a);
    REQUIRE(*a);
    CHECK((*a)->str() == gh);
    REQUIRE(t.log.size() == 1);
    CHECK(t.log[0].method == "GET");
    CHECK(t.log[0].url == "http://127.0.0.1:9/token?api-version=2.0&audience=sigstore");

    // GitHub refuses: cosign's Provide moves on to the next enabled provider.
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?api-version=2.0"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong"},
                       {"SIGSTORE_ID_TOKEN", env}});
    a = oidc::ambient_token(t, o);
    REQUIRE(a);
    CHECK((*a)->str() == env);

    // Only GitHub, and it refuses: its error, with the status, without the request token.
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?api-version=2.0"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong-s3cr3t"}});
    a = oidc::ambient_token(t, o);
    REQUIRE_FALSE(a);
    CHECK(a.error().code() == errc::unauthorized);
    CHECK_THAT(a.error().message(), Catch::Contains("HTTP 401") && Catch::Contains("http://127.0.0.1:9/token") &&
                                        !Catch::Contains("s3cr3t") && !Catch::Contains("api-version"));

    // An answer without a JWT in `value`.
    t.answer = [](const transport::request&) { return reply(200, "{\"value\":\"\"}"); };
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://x/t?a=1"}, {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "r"}});
    CHECK_THAT(oidc::ambient_token(t, o).error().message(), Catch::Contains("no \"value\""));

    // --oidc-disable-ambient-providers: nothing is read, SIGSTORE_ID_TOKEN included (as cosign).
    o.getenv = env_of({{"SIGSTORE_ID_TOKEN", env}});
    o.disable_ambient_providers = true;
    auto none = oidc::ambient_token(t, o);
    REQUIRE(none);
    CHECK_FALSE(*none);
    o.disable_ambient_providers = false;
    CHECK((*oidc::ambient_token(t, o))->str() == env);

    // The filesystem provider comes after SIGSTORE_ID_TOKEN.
    auto file = temp_file("fs-token", gh + "\n");
    o.filesystem_token_path = file;
    CHECK((*oidc::ambient_token(t, o))->str() == env);
    o.getenv = env_of({});
    CHECK((*oidc::ambient_token(t, o))->str() == gh);
    std::remove(file.c_str());
}

TEST_CASE("--oidc-provider picks one provider; unknown and unsupported ones are refused by name", "[oidc]") {
    const std::string env = make_jwt(good_payload());
    scripted_transport t;
    oidc::options o;
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/t?x"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "r"},
                       {"SIGSTORE_ID_TOKEN", env}});
    o.provider = "envvar";
    auto a = oidc::ambient_token(t, o);
    REQUIRE(a);
    CHECK((*a)->str() == env);
    CHECK(t.log.empty());  // GitHub was not asked

    o.provider = "gitlab";
    CHECK_THAT(oidc::ambient_token(t, o).error().message(), Catch::Contains("gitlab is not a valid provider"));
    o.provider = "spiffe";
    auto s = oidc::ambient_token(t, o);
    REQUIRE_FALSE(s);
    CHECK(s.error().code() == errc::unsupported);
    CHECK_THAT(s.error().message(), Catch::Contains("\"spiffe\" is not supported in this build"));
}

TEST_CASE("get_identity_token: the flag first, no request; without any token and terminal, how to pass one", "[oidc]") {
    const std::string flag_tok = make_jwt(good_payload(",\"who\":\"flag\""));
    scripted_transport t;
    oidc::options o;
    o.filesystem_token_path = "/nonexistent/oidc-token";
    o.getenv = env_of({{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/t?x"},
                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "r"},
                       {"SIGSTORE_ID_TOKEN", make_jwt(good_payload())}});
    o.identity_token = flag_tok;
    auto got = oidc::get_identity_token(t, o);
    REQUIRE(got);
    CHECK(got->str() == flag_tok);
    CHECK(t.log.empty());

    o.identity_token.clear();
    o.getenv = env_of({{"BUILDKITE_AGENT_ACCESS_TOKEN", "bk"}});
    auto none = oidc::get_identity_token(t, o);
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == errc::invalid_argument);
    CHECK_THAT(none.error().message(), Catch::Contains("--identity-token") && Catch::Contains("SIGSTORE_ID_TOKEN") &&
                                           Catch::Contains("buildkite-agent"));
    CHECK(t.log.empty());

    // A terminal, but the user declines cosign's statement: no request either.
    o.interactive = true;
    oidc::interaction ui;
    ui.confirm = []() -> result<void> { return fail(errc::cancelled, "user declined the prompt"); };
    auto declined = oidc::get_identity_token(t, o, ui);
    REQUIRE_FALSE(declined);
    CHECK(declined.error().code() == errc::cancelled);
    CHECK(t.log.empty());

    o.auth_flow = "device";
    CHECK(oidc::get_identity_token(t, o, ui).error().code() == errc::unsupported);
    o.auth_flow = "token";
    CHECK_THAT(oidc::get_identity_token(t, o, ui).error().message(), Catch::Contains("--identity-token"));
    o.auth_flow = "carrier-pigeon";
    CHECK_THAT(oidc::get_identity_token(t, o, ui).error().message(), Catch::Contains("unsupported oauth flow: carrier-pigeon"));
}

TEST_CASE("the login URL is golang.org/x/oauth2's, parameters sorted", "[oidc]") {
    oidc::provider_metadata m;
    m.authorization_endpoint = "https://issuer.test/auth";
    oidc::pkce p{"v", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"};
    CHECK(oidc::authorization_url(m, "sigstore", "http://localhost:40001/auth/callback", "st", "nn", p) ==
          "https://issuer.test/auth?access_type=online&client_id=sigstore&code_challenge="
          "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&nonce=nn&redirect_uri="
          "http%3A%2F%2Flocalhost%3A40001%2Fauth%2Fcallback&response_type=code&scope=openid+email&state=st");
    m.authorization_endpoint = "https://issuer.test/auth?tenant=x";
    CHECK(oidc::authorization_url(m, "c", "", "s", "n", p).rfind("https://issuer.test/auth?tenant=x&access_type=online", 0) == 0);
}

TEST_CASE("discovery must name the issuer asked and offer S256", "[oidc]") {
    const std::string iss = "http://127.0.0.1:5556";
    auto ok = oidc::parse_discovery(R"({"issuer":"http://127.0.0.1:5556","authorization_endpoint":"http://127.0.0.1:5556/authorize","token_endpoint":"http://127.0.0.1:5556/token","code_challenge_methods_supported":["plain","S256"]})", iss);
    REQUIRE(ok);
    CHECK(ok->token_endpoint == "http://127.0.0.1:5556/token");
    CHECK_THAT(oidc::parse_discovery(R"({"issuer":"http://evil","authorization_endpoint":"a","token_endpoint":"t","code_challenge_methods_supported":["S256"]})", iss).error().message(),
               Catch::Contains("issuer did not match"));
    CHECK_THAT(oidc::parse_discovery(R"({"issuer":"http://127.0.0.1:5556","authorization_endpoint":"a","token_endpoint":"t","code_challenge_methods_supported":["plain"]})", iss).error().message(),
               Catch::Contains("PKCE is not supported"));
    CHECK_FALSE(oidc::parse_discovery("[]", iss));
}

namespace {

// Plays the browser: GET `target` on the listener at 127.0.0.1:port; returns the status line.
std::string browser_get(int port, const std::string& target) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return "connect failed";
    }
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    (void)::send(fd, req.data(), req.size(), 0);
    std::string resp;
    char buf[1024];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) resp.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return resp.substr(0, resp.find("\r\n"));
}

std::string query_param(const std::string& url, const std::string& key) {
    auto q = oidc::detail::parse_query(url.substr(url.find('?') + 1));
    return q[key];
}

int port_of(const std::string& redirect_uri) {
    auto colon = redirect_uri.rfind(':');
    return std::stoi(redirect_uri.substr(colon + 1));
}

// An issuer in memory: discovery and a token endpoint that checks PKCE and echoes the nonce
// (or a wrong one).
struct fake_issuer {
    std::string iss = "http://127.0.0.1:5556";
    std::string challenge;  // what the browser saw in the login URL
    bool wrong_nonce = false;
    bool refuse_basic = false;
    std::vector<std::string> token_requests;

    transport::response answer(const transport::request& r) {
        if (r.url == iss + "/.well-known/openid-configuration")
            return reply(200, "{\"issuer\":\"" + iss + "\",\"authorization_endpoint\":\"" + iss +
                                  "/authorize\",\"token_endpoint\":\"" + iss +
                                  "/token\",\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}");
        if (r.url == iss + "/token" && r.method == "POST") {
            token_requests.push_back(r.header("Authorization") + "|" + r.body);
            if (refuse_basic && !r.header("Authorization").empty()) return reply(401, R"({"error":"invalid_client"})");
            auto f = oidc::detail::parse_query(r.body);
            if (f["grant_type"] != "authorization_code" || f["code"] != "the-code")
                return reply(400, R"({"error":"invalid_grant","error_description":"bad code"})");
            if (oidc::pkce_s256_challenge(f["code_verifier"]) != challenge)
                return reply(400, R"({"error":"invalid_grant","error_description":"code_verifier does not match"})");
            std::string nonce = wrong_nonce ? "someone-elses" : f["nonce"];
            std::string id = make_jwt("{\"iss\":\"" + iss + "\",\"sub\":\"alice@example.com\",\"aud\":\"sigstore\",\"exp\":" +
                                      std::to_string(std::time(nullptr) + 600) +
                                      ",\"email\":\"alice@example.com\",\"email_verified\":true,\"nonce\":\"" + nonce + "\"}");
            return reply(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + id + "\"}");
        }
        return reply(404, "");
    }
};

}  // namespace

TEST_CASE("the browser flow: login URL, redirect to the listener, code for token with PKCE, nonce checked", "[oidc]") {
    fake_issuer issuer;
    scripted_transport t;
    t.answer = [&](const transport::request& r) { return issuer.answer(r); };
    oidc::options o;
    o.issuer = issuer.iss;
    std::string printed, seen_url, browser_status;
    std::thread browser;
    oidc::interaction ui;
    ui.print = [&](const std::string& s) { printed += s; };
    ui.timeout = std::chrono::seconds(10);

    SECTION("no browser: the URL is printed, and the redirect still completes the flow") {
        ui.open_browser = [&](const std::string& url) -> result<void> {
            seen_url = url;
            issuer.challenge = query_param(url, "code_challenge");
            const std::string redirect = query_param(url, "redirect_uri"), state = query_param(url, "state");
            browser = std::thread([=, &browser_status] {
                (void)browser_get(port_of(redirect), "/favicon.ico");  // another path: 404, keep waiting
                browser_status = browser_get(port_of(redirect), "/auth/callback?code=the-code&state=" + state);
            });
            return fail(errc::unsupported, "exec: \"xdg-open\": executable file not found in $PATH");
        };
        auto tok = oidc::browser_flow(t, o, ui);
        browser.join();
        REQUIRE(tok);
        auto c = oidc::parse_claims(tok->str());
        CHECK(c->email == "alice@example.com");
        CHECK(browser_status == "HTTP/1.1 200 OK");
        CHECK(printed == "error opening browser: exec: \"xdg-open\": executable file not found in $PATH\n"
                         "Go to the following link in a browser:\n\n\t " + seen_url + "\n");
        CHECK(seen_url.rfind(issuer.iss + "/authorize?access_type=online&client_id=sigstore&code_challenge=", 0) == 0);
        CHECK(query_param(seen_url, "redirect_uri").rfind("http://localhost:", 0) == 0);
        CHECK(query_param(seen_url, "scope") == "openid email");
        CHECK(query_param(seen_url, "state").size() == 22);
        CHECK(query_param(seen_url, "nonce").size() == 22);
        // golang.org/x/oauth2's default: the client in HTTP Basic ("sigstore:" with no secret).
        REQUIRE(issuer.token_requests.size() == 1);
        CHECK(issuer.token_requests[0].rfind("Basic c2lnc3RvcmU6|", 0) == 0);
        CHECK_THAT(printed, !Catch::Contains(std::string(tok->str())));
    }
    SECTION("a browser that opens: cosign's words, then the token") {
        o.client_secret = "s3cr3t";
        issuer.refuse_basic = true;  // the form then carries client_id and client_secret
        ui.open_browser = [&](const std::string& url) -> result<void> {
            seen_url = url;
            issuer.challenge = query_param(url, "code_challenge");
            const std::string redirect = query_param(url, "redirect_uri"), state = query_param(url, "state");
            browser = std::thread([=, &browser_status] {
                browser_status = browser_get(port_of(redirect), "/auth/callback?state=" + state + "&code=the-code");
            });
            return {};
        };
        auto tok = oidc::browser_flow(t, o, ui);
        browser.join();
        REQUIRE(tok);
        CHECK(printed == "Your browser will now be opened to:\n" + seen_url + "\n");
        REQUIRE(issuer.token_requests.size() == 2);
        CHECK_THAT(issuer.token_requests[1], Catch::Contains("client_id=sigstore") && Catch::Contains("client_secret=s3cr3t"));
    }
    SECTION("an id_token with another nonce is refused") {
        issuer.wrong_nonce = true;
        ui.open_browser = [&](const std::string& url) -> result<void> {
            issuer.challenge = query_param(url, "code_challenge");
            const std::string redirect = query_param(url, "redirect_uri"), state = query_param(url, "state");
            browser = std::thread([=] { (void)browser_get(port_of(redirect), "/auth/callback?code=the-code&state=" + state); });
            return {};
        };
        auto tok = oidc::browser_flow(t, o, ui);
        browser.join();
        REQUIRE_FALSE(tok);
        CHECK(tok.error().code() == errc::verification_failed);
        CHECK_THAT(tok.error().message(), Catch::Contains("nonce does not match value sent"));
    }
    SECTION("a redirect with another state ends the flow with cosign's error") {
        ui.open_browser = [&](const std::string& url) -> result<void> {
            const std::string redirect = query_param(url, "redirect_uri");
            browser = std::thread([=, &browser_status] {
                browser_status = browser_get(port_of(redirect), "/auth/callback?code=the-code&state=forged");
            });
            return {};
        };
        auto tok = oidc::browser_flow(t, o, ui);
        browser.join();
        REQUIRE_FALSE(tok);
        CHECK_THAT(tok.error().message(), Catch::Contains("invalid state token"));
        CHECK(browser_status == "HTTP/1.1 400 Bad Request");
        CHECK(issuer.token_requests.empty());
    }
    SECTION("the issuer's refusal of the login is reported in its words") {
        ui.open_browser = [&](const std::string& url) -> result<void> {
            const std::string redirect = query_param(url, "redirect_uri"), state = query_param(url, "state");
            browser = std::thread([=] {
                (void)browser_get(port_of(redirect), "/auth/callback?error=access_denied&error_description=user+said+no&state=" + state);
            });
            return {};
        };
        auto tok = oidc::browser_flow(t, o, ui);
        browser.join();
        REQUIRE_FALSE(tok);
        CHECK(tok.error().code() == errc::unauthorized);
        CHECK_THAT(tok.error().message(), Catch::Contains("access_denied: user said no"));
    }
    SECTION("--oidc-redirect-url names the listener; a busy port is a clear error") {
        auto first = oidc::redirect_listener::open("http://127.0.0.1:0/cb");
        REQUIRE(first);
        CHECK(first->redirect_uri().rfind("http://127.0.0.1:", 0) == 0);
        CHECK(first->redirect_uri().size() > std::string("http://127.0.0.1:/cb").size());
        auto busy = oidc::redirect_listener::open(first->redirect_uri());
        REQUIRE_FALSE(busy);
        CHECK_THAT(busy.error().message(), Catch::Contains("starting redirect listener"));
        CHECK_FALSE(oidc::redirect_listener::open("https://localhost:0/cb"));
        CHECK_FALSE(oidc::redirect_listener::open("http://example.com:0/cb"));
    }
}

TEST_CASE("the id_token check: nonce, issuer, audience, expiry", "[oidc]") {
    const std::string iss = "http://127.0.0.1:5556";
    auto tok = [&](const std::string& extra) {
        return make_jwt("{\"iss\":\"" + iss + "\",\"sub\":\"s\",\"aud\":[\"sigstore\"],\"nonce\":\"n\"" + extra + "}");
    };
    CHECK(oidc::check_id_token(tok(",\"exp\":" + std::to_string(now + 5)), iss, "sigstore", "n", now));
    CHECK_THAT(oidc::check_id_token(tok(",\"exp\":" + std::to_string(now + 5)), iss, "sigstore", "m", now).error().message(),
               Catch::Contains("nonce does not match"));
    CHECK_THAT(oidc::check_id_token(tok(",\"exp\":" + std::to_string(now + 5)), "http://other", "sigstore", "n", now).error().message(),
               Catch::Contains("different provider"));
    CHECK_THAT(oidc::check_id_token(tok(",\"exp\":" + std::to_string(now + 5)), iss, "other-client", "n", now).error().message(),
               Catch::Contains("expected audience \"other-client\""));
    CHECK_THAT(oidc::check_id_token(tok(",\"exp\":" + std::to_string(now - 5)), iss, "sigstore", "n", now).error().message(),
               Catch::Contains("expired"));
}
