// SPDX-License-Identifier: Apache-2.0
// Unit tests of registry/client.hpp against the in-memory registry: flows, errors, auth and round trips.
#include "catch.hpp"

#include <cosign/registry/client.hpp>
#include <cosign/registry/signature_writer.hpp>
#include <cosign/testing/fake_registry.hpp>

#include <unistd.h>
#include <fstream>

using namespace cosign;
using transport::fake_transport;
using fake_client = registry::basic_client<fake_transport>;

namespace {
const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
const std::string host = "registry.test";

std::string image_manifest(const std::string& tag) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
           std::string(64, '0') + R"(","size":2},"layers":[],"annotations":{"tag":")" + tag + R"("}})";
}

fake_client::options no_docker_config() {
    fake_client::options o;
    o.use_docker_config = false;
    return o;
}

registry::credentials creds(const std::string& user, const std::string& pass) {
    registry::credentials c;
    c.username = user;
    c.password.assign(pass.begin(), pass.end());
    return c;
}

// The sign sequence: resolve the image, look for its .sig, upload config and payload, write the .sig.
result<void> sign_like(fake_client& c, const std::string& repo) {
    COSIGN_TRY(registry::manifest_info img, c.head_manifest(host, repo, "latest"));
    std::string tag = "sha256-" + img.digest.substr(7) + ".sig";
    auto existing = c.get_manifest(host, repo, tag);
    if (!existing && existing.error().code() != errc::not_found) return existing.error();
    std::string payload =
        R"({"critical":{"image":{"docker-manifest-digest":")" + img.digest + R"("}},"optional":null})";
    std::string config = R"({"architecture":"","os":""})";
    COSIGN_TRY_VOID(c.put_blob(host, repo, registry::sha256_digest(config), config));
    COSIGN_TRY_VOID(c.put_blob(host, repo, registry::sha256_digest(payload), payload));
    COSIGN_TRY(std::string d, c.put_manifest(host, repo, tag, image_manifest(tag), oci_manifest));
    (void)d;
    return {};
}
}  // namespace

TEST_CASE("head_manifest resolves a tag to digest, media type and size in one request", "[registry]") {
    fake_transport fake;
    std::string body = image_manifest("v1");
    std::string d = fake.put_manifest(host, "team/app", "v1", body, oci_manifest + "; charset=utf-8");
    fake_client c(fake, no_docker_config());
    auto info = c.head_manifest(host, "team/app", "v1");
    REQUIRE(info);
    CHECK(info->digest == d);
    CHECK(info->media_type == oci_manifest);
    CHECK(info->size == body.size());
    CHECK(fake.request_count() == 1);
    CHECK(c.request_count() == 1);
    CHECK(fake.requests()[0].method == "HEAD");
    CHECK(fake.requests()[0].url == "https://registry.test/v2/team/app/manifests/v1");
    CHECK(fake.requests()[0].header("Accept").find("application/vnd.oci.image.index.v1+json") !=
          std::string::npos);
}

TEST_CASE("head_manifest falls back to GET when the registry sends no digest", "[registry]") {
    fake_transport fake;
    std::string body = image_manifest("v1");
    std::string d = fake.put_manifest(host, "app", "v1", body, oci_manifest);
    fake.set_handler([](const transport::request& r) -> std::optional<transport::response> {
        if (r.method != "HEAD") return std::nullopt;
        transport::response out;
        out.status = 200;
        out.headers.emplace_back("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        return out;
    });
    fake_client c(fake, no_docker_config());
    auto info = c.head_manifest(host, "app", "v1");
    REQUIRE(info);
    CHECK(info->digest == d);
    CHECK(info->size == body.size());
    CHECK(fake.request_count() == 2);
}

TEST_CASE("get_manifest returns the exact bytes, their digest and media type, by tag and by digest",
          "[registry]") {
    fake_transport fake;
    std::string body = image_manifest("v1");
    std::string d = fake.put_manifest(host, "app", "v1", body, "application/vnd.oci.image.index.v1+json");
    fake_client c(fake, no_docker_config());
    auto by_tag = c.get_manifest(host, "app", "v1");
    REQUIRE(by_tag);
    CHECK(by_tag->body == body);
    CHECK(by_tag->digest == d);
    CHECK(by_tag->media_type == "application/vnd.oci.image.index.v1+json");
    auto by_digest = c.get_manifest(host, "app", d);
    REQUIRE(by_digest);
    CHECK(by_digest->body == body);
}

TEST_CASE("a manifest whose bytes do not hash to the requested digest is refused", "[registry]") {
    fake_transport fake;
    std::string d = fake.put_manifest(host, "app", "v1", image_manifest("v1"), oci_manifest);
    fake.set_handler([](const transport::request& r) -> std::optional<transport::response> {
        if (r.method != "GET") return std::nullopt;
        transport::response out;
        out.status = 200;
        out.body = image_manifest("tampered");
        out.headers.emplace_back("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        return out;
    });
    fake_client c(fake, no_docker_config());
    auto m = c.get_manifest(host, "app", d);
    REQUIRE_FALSE(m);
    CHECK(m.error().code() == errc::registry);
    CHECK(m.error().message().find("digest mismatch") != std::string::npos);
}

TEST_CASE("a Docker-Content-Digest header that names another digest is an error naming both", "[registry]") {
    fake_transport fake;
    std::string body = image_manifest("v1");
    std::string d = fake.put_manifest(host, "app", "v1", body, oci_manifest);
    std::string other = fake.put_manifest(host, "app", "other", image_manifest("other"), oci_manifest);
    std::string named = other;
    fake.set_handler([&](const transport::request& r) -> std::optional<transport::response> {
        if (r.url.find("/manifests/v1") == std::string::npos) return std::nullopt;
        transport::response out;
        out.status = 200;
        out.body = body;
        out.headers.emplace_back("Content-Type", oci_manifest);
        if (!named.empty()) out.headers.emplace_back("Docker-Content-Digest", named);
        return out;
    });
    fake_client c(fake, no_docker_config());
    auto m = c.get_manifest(host, "app", "v1");
    REQUIRE_FALSE(m);
    CHECK(m.error().code() == errc::registry);
    CHECK(m.error().message() == "manifest digest mismatch: the registry names app:v1 " + other +
                                     " (Docker-Content-Digest), but its content hashes to " + d);
    CHECK(fake.request_count() == 1);
    named = d;  // an honest header
    auto honest = c.get_manifest(host, "app", "v1");
    REQUIRE(honest);
    CHECK(honest->digest == d);
    named.clear();  // no header at all: the bytes decide
    auto none = c.get_manifest(host, "app", "v1");
    REQUIRE(none);
    CHECK(none->digest == d);
}

TEST_CASE("a registry's error code is kept apart from its message", "[registry]") {
    transport::response r;
    r.status = 400;
    r.body = R"({"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"},{"code":"DIGEST_INVALID"}]})";
    auto e = registry::detail::status_error(r, "PUT manifest app:v1");
    CHECK(e.code() == errc::registry);
    CHECK(e.backend_code() == 400);
    CHECK(e.remote_code() == registry::error_code::manifest_blob_unknown);
    CHECK(e.message() == "PUT manifest app:v1: HTTP 400 MANIFEST_BLOB_UNKNOWN: blob unknown to registry");
    CHECK(registry::is_racing_put_error(e));
    // The message never decides: a code that is not a race is not one, whatever the text says.
    r.body = R"({"errors":[{"code":"MANIFEST_INVALID","message":"DIGEST_INVALID BLOB_UNKNOWN"}]})";
    auto invalid = registry::detail::status_error(r, "PUT manifest app:v1");
    CHECK(invalid.remote_code() == registry::error_code::manifest_invalid);
    CHECK_FALSE(registry::is_racing_put_error(invalid));
    r.body = "<html>bad gateway</html>";
    CHECK(registry::detail::status_error(r, "PUT").remote_code().empty());
}

TEST_CASE("a manifest larger than the limit is refused without reading it all", "[registry]") {
    fake_transport fake;
    std::string huge = "{\"pad\":\"" + std::string(COSIGN_MAX_MANIFEST_SIZE, 'x') + "\"}";
    fake.put_manifest(host, "app", "big", huge, oci_manifest);
    fake_client c(fake, no_docker_config());
    auto m = c.get_manifest(host, "app", "big");
    REQUIRE_FALSE(m);
    CHECK(m.error().code() == errc::limit_exceeded);
}

TEST_CASE("a missing manifest is not_found and a failing registry keeps its status and message",
          "[registry]") {
    fake_transport fake;
    fake_client c(fake, no_docker_config());
    auto m = c.get_manifest(host, "app", "nope");
    REQUIRE_FALSE(m);
    CHECK(m.error().code() == errc::not_found);
    CHECK(m.error().backend_code() == 404);
    CHECK(m.error().message().find("manifest unknown") != std::string::npos);
    auto h = c.head_manifest(host, "app", "nope");
    REQUIRE_FALSE(h);
    CHECK(h.error().code() == errc::not_found);

    fake.set_handler([](const transport::request&) -> std::optional<transport::response> {
        transport::response out;
        out.status = 500;
        out.body = R"({"errors":[{"code":"UNKNOWN","message":"storage is on fire","detail":null}]})";
        return out;
    });
    auto e = c.get_manifest(host, "app", "v1");
    REQUIRE_FALSE(e);
    CHECK(e.error().code() == errc::registry);
    CHECK(e.error().backend_code() == 500);
    CHECK(e.error().message().find("storage is on fire") != std::string::npos);
    fake.set_handler([](const transport::request&) -> std::optional<transport::response> {
        transport::response out;
        out.status = 403;
        return out;
    });
    auto denied = c.get_manifest(host, "app", "v1");
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code() == errc::unauthorized);
}

TEST_CASE("put_manifest stores the bytes under the tag and returns their digest", "[registry]") {
    fake_transport fake;
    fake_client c(fake, no_docker_config());
    std::string body = image_manifest("x");
    auto d = c.put_manifest(host, "app", "x", body, oci_manifest);
    REQUIRE(d);
    CHECK(*d == registry::sha256_digest(body));
    CHECK(fake.manifest(host, "app", "x") == body);
    CHECK(fake.requests().back().header("Content-Type") == oci_manifest);
    auto wrong = c.put_manifest(host, "app", registry::sha256_digest("other"), body, oci_manifest);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::invalid_argument);
    CHECK(fake.request_count() == 1);
}

TEST_CASE("blobs upload with POST then PUT, keeping the Location's query, and read back verified",
          "[registry]") {
    fake_transport fake;
    fake_client c(fake, no_docker_config());
    std::string content = "payload bytes";
    std::string d = registry::sha256_digest(content);
    auto before = c.blob_exists(host, "app", d);
    REQUIRE(before);
    CHECK_FALSE(*before);
    fake.clear_requests();
    REQUIRE(c.put_blob(host, "app", d, content));
    REQUIRE(fake.requests().size() == 2);
    CHECK(fake.requests()[0].method == "POST");
    CHECK(fake.requests()[1].method == "PUT");
    CHECK(fake.requests()[1].url.find("?_state=st") != std::string::npos);
    CHECK(fake.requests()[1].url.find("&digest=sha256%3A") != std::string::npos);
    CHECK(fake.has_blob(host, "app", d));
    auto after = c.blob_exists(host, "app", d);
    REQUIRE(after);
    CHECK(*after);
    auto got = c.get_blob(host, "app", d);
    REQUIRE(got);
    CHECK(*got == content);
    // The registry ignored the single-request POST once; the client no longer sends the body with it.
    fake.clear_requests();
    std::string second = "more";
    REQUIRE(c.put_blob(host, "app", registry::sha256_digest(second), second));
    REQUIRE(fake.requests().size() == 2);
    CHECK(fake.requests()[0].body.empty());
    CHECK(fake.requests()[0].url.find("digest=") == std::string::npos);
}

TEST_CASE("a relative upload Location is resolved against the upload URL", "[registry]") {
    fake_transport::options o;
    o.relative_upload_location = true;
    fake_transport fake(o);
    fake_client c(fake, no_docker_config());
    std::string content = "x";
    REQUIRE(c.put_blob("127.0.0.1:5000", "a/b", registry::sha256_digest(content), content));
    CHECK(fake.requests().back().url.rfind("http", 0) == 0);
    CHECK(fake.requests().back().url.find("127.0.0.1:5000/v2/a/b/blobs/uploads/upload-") !=
          std::string::npos);
}

TEST_CASE("a registry that takes POST ?digest= gets each blob in one request", "[registry]") {
    fake_transport::options o;
    o.monolithic_post = true;
    fake_transport fake(o);
    fake_client c(fake, no_docker_config());
    std::string content = "one shot";
    REQUIRE(c.put_blob(host, "app", registry::sha256_digest(content), content));
    CHECK(fake.request_count() == 1);
    CHECK(fake.has_blob(host, "app", registry::sha256_digest(content)));
    auto bad = c.put_blob(host, "app", registry::sha256_digest("other"), content);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::invalid_argument);
}

TEST_CASE("a blob whose bytes do not match its digest is refused", "[registry]") {
    fake_transport fake;
    std::string d = fake.put_blob(host, "app", "genuine");
    fake.corrupt_blob(host, "app", d, "tampered");
    fake_client c(fake, no_docker_config());
    auto b = c.get_blob(host, "app", d);
    REQUIRE_FALSE(b);
    CHECK(b.error().code() == errc::registry);
    CHECK(b.error().message().find("blob digest mismatch") != std::string::npos);
    auto small = c.get_blob(host, "app", d, 3);
    REQUIRE_FALSE(small);
    CHECK(small.error().code() == errc::limit_exceeded);
}

TEST_CASE("Bearer auth: 401, one token, retry; the token is reused for the next reads", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    fake_transport fake(o);
    std::string d = fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    auto info = c.head_manifest(host, "app", "latest");
    REQUIRE(info);
    CHECK(info->digest == d);
    REQUIRE(fake.request_count() == 3);
    CHECK(fake.requests()[0].header("Authorization").empty());
    CHECK(fake.requests()[1].url ==
          "https://auth.fake.test/token?service=fake-registry&scope=repository%3Aapp%3Apull");
    CHECK(fake.requests()[2].header("Authorization").rfind("Bearer faketoken-", 0) == 0);
    REQUIRE(c.get_manifest(host, "app", "latest"));
    REQUIRE(c.get_manifest(host, "app", d));
    CHECK(fake.request_count() == 5);
    CHECK(fake.tokens_issued() == 1);
    // Another repository needs its own token, without a 401 first (the scheme is known now).
    fake.put_manifest(host, "other", "latest", image_manifest("o"), oci_manifest);
    REQUIRE(c.head_manifest(host, "other", "latest"));
    CHECK(fake.request_count() == 7);
    CHECK(fake.tokens_issued() == 2);
}

TEST_CASE("a sign with prepare_push does the token dance once: 7 requests in all", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    o.monolithic_post = true;
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    c.prepare_push(host, "app");
    REQUIRE(sign_like(c, "app"));
    // HEAD 401, token, HEAD, GET .sig 404, POST config, POST payload, PUT manifest
    CHECK(fake.request_count() == 7);
    CHECK(c.request_count() == 7);
    CHECK(fake.tokens_issued() == 1);
    CHECK(fake.requests()[1].url.find("pull%2Cpush") != std::string::npos);
    // A second sign on the same client needs no token at all.
    fake.clear_requests();
    REQUIRE(sign_like(c, "app"));
    CHECK(fake.tokens_issued() == 1);
    CHECK(fake.request_count() == 5);
}

TEST_CASE("without prepare_push a write after reads fetches a push token once", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    REQUIRE(sign_like(c, "app"));
    CHECK(fake.tokens_issued() == 2);
    // HEAD 401, token, HEAD, GET 404, token(push), POST?digest 202, PUT, POST, PUT, PUT manifest
    CHECK(fake.request_count() == 10);
}

TEST_CASE("a refused token request is unauthorized, and a refused fresh token is not retried forever",
          "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    o.username = "alice";
    o.password = "s3cret";
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    {
        fake_client c(fake, no_docker_config());
        auto r = c.head_manifest(host, "app", "latest");
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::unauthorized);
        CHECK(r.error().message().find("anonymous") != std::string::npos);
    }
    {
        fake_client c(fake, no_docker_config());
        c.set_credentials(host, creds("alice", "wrong"));
        auto r = c.head_manifest(host, "app", "latest");
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::unauthorized);
        CHECK(r.error().message().find("wrong") == std::string::npos);
    }
    {
        fake_client c(fake, no_docker_config());
        c.set_credentials(host, creds("alice", "s3cret"));
        REQUIRE(c.head_manifest(host, "app", "latest"));
    }
    // A registry that refuses every token: one 401, one token, one retry, then the error.
    fake.clear_requests();
    fake.set_handler([](const transport::request& r) -> std::optional<transport::response> {
        if (r.url.find("auth.fake.test") != std::string::npos) return std::nullopt;
        transport::response out;
        out.status = 401;
        out.headers.emplace_back("WWW-Authenticate",
                                 R"(Bearer realm="https://auth.fake.test/token",service="fake-registry")");
        return out;
    });
    fake_client c(fake, no_docker_config());
    c.set_credentials(host, creds("alice", "s3cret"));
    auto r = c.get_manifest(host, "app", "latest");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unauthorized);
    CHECK(fake.request_count() == 3);
}

TEST_CASE("a revoked cached token is replaced once", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    REQUIRE(c.head_manifest(host, "app", "latest"));
    bool revoke = true;
    fake.set_handler([&revoke](const transport::request& r) -> std::optional<transport::response> {
        if (!revoke || r.url.find("auth.fake.test") != std::string::npos) return std::nullopt;
        revoke = false;
        transport::response out;
        out.status = 401;
        out.headers.emplace_back(
            "WWW-Authenticate",
            R"(Bearer realm="https://auth.fake.test/token",service="fake-registry",scope="repository:app:pull")");
        return out;
    });
    fake.clear_requests();
    REQUIRE(c.head_manifest(host, "app", "latest"));
    CHECK(fake.request_count() == 3);  // refused, new token, accepted
    CHECK(fake.tokens_issued() == 2);
}

TEST_CASE("Basic registries get the password up front from the docker config, over https only",
          "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::basic;
    o.username = "alice";
    o.password = "s3cret";
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    char tmpl[] = "/tmp/cosign-client-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    std::string cfg = dir + "/config.json";
    std::ofstream(cfg) << R"({"auths":{"registry.test":{"auth":"YWxpY2U6czNjcmV0"}}})";
    fake_client::options co;
    co.docker_config_path = cfg;
    fake_client c(fake, co);
    REQUIRE(c.head_manifest(host, "app", "latest"));
    CHECK(fake.request_count() == 1);
    CHECK(fake.requests()[0].header("Authorization") == "Basic YWxpY2U6czNjcmV0");
    ::unlink(cfg.c_str());
    ::rmdir(dir.c_str());

    fake_client anonymous(fake, no_docker_config());
    auto r = anonymous.head_manifest(host, "app", "latest");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unauthorized);
    CHECK(r.error().message().find("requires credentials") != std::string::npos);

    fake_client wrong(fake, no_docker_config());
    wrong.set_credentials(host, creds("alice", "nope"));
    fake.clear_requests();
    auto w = wrong.head_manifest(host, "app", "latest");
    REQUIRE_FALSE(w);
    CHECK(w.error().code() == errc::unauthorized);
    CHECK(fake.request_count() == 1);  // a refused password is not sent twice
}

TEST_CASE("loopback registries fall back to http when https fails to connect; others only when allowed",
          "[registry]") {
    fake_transport::options o;
    o.unreachable = {"https://127.0.0.1:5000", "https://reg.internal:443", "https://reg.internal:5000"};
    o.auth = fake_transport::auth_mode::basic;
    o.username = "alice";
    o.password = "s3cret";
    fake_transport fake(o);
    fake.put_manifest("127.0.0.1:5000", "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    c.set_credentials("127.0.0.1:5000", creds("alice", "s3cret"));
    REQUIRE(c.head_manifest("127.0.0.1:5000", "app", "latest"));
    REQUIRE(fake.request_count() == 2);
    CHECK(fake.requests()[1].url == "http://127.0.0.1:5000/v2/app/manifests/latest");
    CHECK(fake.requests()[1].header("Authorization") ==
          "Basic YWxpY2U6czNjcmV0");  // loopback http may carry it
    REQUIRE(c.get_manifest("127.0.0.1:5000", "app", "latest"));
    CHECK(fake.request_count() == 3);  // the scheme is remembered

    fake_client strict(fake, no_docker_config());
    auto r = strict.head_manifest("reg.internal", "app", "latest");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);

    fake_client::options insecure = no_docker_config();
    insecure.allow_insecure = true;
    fake_client lax(fake, insecure);
    lax.set_credentials("reg.internal:5000", creds("alice", "s3cret"));
    fake.clear_requests();
    auto h = lax.head_manifest("reg.internal:5000", "app", "latest");
    REQUIRE_FALSE(h);  // reached over http, but the password is not sent to a non-loopback http host
    CHECK(h.error().code() == errc::unauthorized);
    CHECK(h.error().message().find("plain http") != std::string::npos);
    for (const auto& q : fake.requests())
        if (q.url.rfind("http://", 0) == 0) CHECK(q.header("Authorization").empty());
}

TEST_CASE("an https answer, even an error, never triggers the http fallback", "[registry]") {
    fake_transport fake;
    fake_client c(fake, no_docker_config());
    auto r = c.get_manifest("localhost:5000", "app", "missing");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::not_found);
    CHECK(fake.request_count() == 1);
}

TEST_CASE("blob downloads redirected to storage carry no registry credentials", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    o.redirect_blobs_to = "https://storage.fake.test";
    fake_transport fake(o);
    std::string d = fake.put_blob(host, "app", "layer bytes");
    fake_client c(fake, no_docker_config());
    auto b = c.get_blob(host, "app", d);
    REQUIRE(b);
    CHECK(*b == "layer bytes");
    const auto& last = fake.requests().back();
    CHECK(last.url.find("storage.fake.test") != std::string::npos);
    CHECK(last.header("Authorization").empty());
}

TEST_CASE("deleting by tag falls back to the digest when the registry answers 400", "[registry]") {
    fake_transport fake;
    std::string d = fake.put_manifest(host, "app", "old", image_manifest("o"), oci_manifest);
    fake_client c(fake, no_docker_config());
    REQUIRE(c.delete_manifest(host, "app", "old"));
    CHECK_FALSE(fake.manifest(host, "app", d));
    REQUIRE(fake.request_count() == 3);
    CHECK(fake.requests()[2].url.find(d) != std::string::npos);
    auto again = c.delete_manifest(host, "app", d);
    REQUIRE_FALSE(again);
    CHECK(again.error().code() == errc::not_found);
}

TEST_CASE("list_tags follows Link pages and reads a null tag list as empty", "[registry]") {
    fake_transport::options o;
    o.tags_page_size = 2;
    fake_transport fake(o);
    for (const char* t : {"a", "b", "c", "d", "e"})
        fake.put_manifest(host, "app", t, image_manifest(t), oci_manifest);
    fake_client c(fake, no_docker_config());
    auto tags = c.list_tags(host, "app");
    REQUIRE(tags);
    CHECK(*tags == std::vector<std::string>{"a", "b", "c", "d", "e"});
    CHECK(fake.request_count() == 3);
    fake.put_manifest(host, "empty", "", image_manifest("x"), oci_manifest);
    auto none = c.list_tags(host, "empty");
    REQUIRE(none);
    CHECK(none->empty());
    CHECK(c.list_tags(host, "unknown").error().code() == errc::not_found);
}

TEST_CASE("malformed hosts, repositories, tags and digests are refused before any request", "[registry]") {
    fake_transport fake;
    fake_client c(fake, no_docker_config());
    CHECK(c.get_manifest(host, "App", "v1").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a//b", "v1").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a/../b", "v1").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a", "-v1").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a", "v1/../x").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a", "sha256:abc").error().code() == errc::invalid_reference);
    CHECK(c.get_manifest(host, "a", "sha512:" + std::string(128, 'a')).error().code() == errc::unsupported);
    CHECK(c.get_manifest("evil.com/x?", "a", "v1").error().code() == errc::invalid_reference);
    CHECK(c.get_blob(host, "a", "latest").error().code() == errc::invalid_argument);
    CHECK(c.put_manifest(host, "a", "v1", "{}", "").error().code() == errc::invalid_argument);
    CHECK(fake.request_count() == 0);
}

TEST_CASE("docker.io is addressed as index.docker.io", "[registry]") {
    fake_transport fake;
    fake.put_manifest("index.docker.io", "library/alpine", "3", image_manifest("a"), oci_manifest);
    fake_client c(fake, no_docker_config());
    REQUIRE(c.head_manifest("docker.io", "library/alpine", "3"));
    CHECK(fake.requests()[0].url == "https://index.docker.io/v2/library/alpine/manifests/3");
}

TEST_CASE("the client sets the User-Agent it is given", "[registry]") {
    fake_transport fake;
    fake_client::options o = no_docker_config();
    o.user_agent = "cosign-cpp-test/1";
    fake_client c(fake, o);
    (void)c.blob_exists(host, "a", registry::sha256_digest("x"));
    CHECK(fake.requests()[0].header("User-Agent") == "cosign-cpp-test/1");
}

TEST_CASE("a docker config registrytoken is sent as the bearer token, with no token endpoint", "[registry]") {
    fake_transport::options o;
    o.auth = fake_transport::auth_mode::bearer;
    fake_transport fake(o);
    fake.put_manifest(host, "app", "latest", image_manifest("l"), oci_manifest);
    fake_client c(fake, no_docker_config());
    registry::credentials cr;
    cr.registry_token = {'r', 't'};
    c.set_credentials(host, cr);
    auto r = c.head_manifest(host, "app", "latest");
    REQUIRE_FALSE(r);  // the fake knows only its own tokens
    CHECK(r.error().code() == errc::unauthorized);
    REQUIRE(fake.request_count() == 2);
    CHECK(fake.requests()[1].header("Authorization") == "Bearer rt");
    CHECK(fake.tokens_issued() == 0);
}
