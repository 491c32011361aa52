// SPDX-License-Identifier: Apache-2.0
// Unit tests of basic_signer and basic_verifier composed over the in-memory registry: the whole
// sign path and verify path without a network, with several keys and parallel checking.
#include "catch.hpp"

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/testing/fake_registry.hpp>

using namespace cosign;
using crypto_t = crypto::mbedtls;
using fake = transport::fake_transport;
using keys_t = default_key_sources<crypto_t>;
using signer_t = basic_signer<crypto_t, fake, keys_t>;
using verifier_t = basic_verifier<crypto_t, fake>;

namespace {
const std::string host = "registry.test";

// Pushes a tiny image and returns its reference by tag.
oci::reference push_image(fake& f, const std::string& tag) {
    std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string cd = f.put_blob(host, "demo", config);
    std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                           cd + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
    f.put_manifest(host, "demo", tag, manifest, "application/vnd.oci.image.manifest.v1+json");
    return *oci::reference::parse(host + "/demo:" + tag);
}

struct key_pair {
    any_signer signer;
    crypto_t::public_key pub;
};

// GET requests for blobs that the fake registry saw.
std::size_t blob_reads(const fake& f) {
    std::size_t n = 0;
    for (const auto& r : f.requests())
        if (r.method == "GET" && r.url.find("/blobs/") != std::string::npos) ++n;
    return n;
}

key_pair make_key() {
    auto k = crypto_t::generate_p256();
    REQUIRE(k);
    auto pub = crypto_t::public_key_of(*k);
    REQUIRE(pub);
    auto s = local_signer<crypto_t>::from_key(std::move(*k));
    REQUIRE(s);
    return {any_signer(std::move(*s)), *pub};
}
}  // namespace

TEST_CASE("a signature made by basic_signer verifies with basic_verifier and only with its key", "[sign][verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key(), b = make_key();
    signer_t s(client);
    auto out = s.sign(image, a.signer, {});
    REQUIRE(out);
    REQUIRE(out->size() == 1);
    CHECK((*out)[0].tag == oci::signature_tag((*out)[0].digest));

    verifier_t v(client);
    auto ok = v.verify(image, a.pub);
    REQUIRE(ok);
    REQUIRE(ok->signatures.size() == 1);
    CHECK(ok->signatures[0].payload == (*out)[0].payload);
    auto bad = v.verify(image, b.pub);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::verification_failed);
    CHECK(bad.error().message().find("no matching signatures") == 0);
}

TEST_CASE("signing twice with one key adds no layer; another key adds one", "[sign]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key(), b = make_key();
    signer_t s(client);
    REQUIRE(s.sign(image, a.signer, {}));
    auto again = s.sign(image, a.signer, {});
    REQUIRE(again);
    CHECK((*again)[0].duplicate);
    REQUIRE(s.sign(image, b.signer, {}));
    auto m = f.manifest(host, "demo", (*again)[0].tag);
    REQUIRE(m);
    auto parsed = oci::parse_manifest(*m);
    REQUIRE(parsed);
    CHECK(parsed->layers.size() == 2);
}

TEST_CASE("a first sign makes 8 requests, or 6 where the registry takes single-POST uploads", "[sign]") {
    // GET image (its digest is computed from the bytes), payload (POST + PUT), GET .sig (404),
    // config (POST + PUT), PUT manifest, and the HEAD that reads the tag back so that a racing
    // signer cannot drop the new layer. A registry
    // that completes `POST ?digest=` with the content (201) saves one request per blob;
    // docker-registry 2.8 answers 202 and the client goes on with the PUT.
    for (bool single_post : {false, true}) {
        fake::options o;
        o.monolithic_post = single_post;
        fake f(o);
        registry::basic_client<fake> client(f);
        auto image = push_image(f, single_post ? "single" : "chunked");
        auto a = make_key();
        f.clear_requests();
        REQUIRE(signer_t(client).sign(image, a.signer, {}));
        std::vector<std::string> seen;
        for (const auto& r : f.requests()) seen.push_back(r.method);
        const std::vector<std::string> chunked = {"GET", "POST", "PUT", "GET", "POST", "PUT", "PUT", "HEAD"};
        const std::vector<std::string> single = {"GET", "POST", "GET", "POST", "PUT", "HEAD"};
        INFO("single-POST registry: " << single_post);
        CHECK(seen == (single_post ? single : chunked));
        REQUIRE(verifier_t(client).verify(image, a.pub));
    }
}

TEST_CASE("verification checks many layers in parallel with the same outcome as one worker", "[verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "many");
    signer_t s(client);
    std::vector<key_pair> keys;
    sign_options annotated;
    annotated.annotations["build"] = "42";  // a payload verify cannot know beforehand
    for (int i = 0; i < 12; ++i) {
        keys.push_back(make_key());
        REQUIRE(s.sign(image, keys.back().signer, annotated));
    }
    verifier_t v(client);
    for (unsigned workers : {1u, 4u}) {
        verify_options o;
        o.max_workers = workers;
        for (std::size_t i : {0u, 5u, 11u}) {
            auto r = v.verify(image, keys[i].pub, o);
            REQUIRE(r);
            CHECK(r->signatures.size() == 1);
        }
    }
    // Twelve layers share one payload (same image, same annotations): it is read once.
    f.clear_requests();
    REQUIRE(v.verify(image, keys[3].pub));
    CHECK(blob_reads(f) == 1);
}

TEST_CASE("verify does not read a payload that cosign's own for the image names by digest", "[verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "known");
    auto a = make_key(), b = make_key();
    signer_t s(client);
    REQUIRE(s.sign(image, a.signer, {}));  // the payload cosign writes without -a
    sign_options annotated;
    annotated.annotations["env"] = "prod";
    REQUIRE(s.sign(image, b.signer, annotated));
    verifier_t v(client);

    f.clear_requests();
    auto ok = v.verify(image, a.pub);
    REQUIRE(ok);
    CHECK(blob_reads(f) == 1);  // only b's annotated payload: GET image, GET .sig, one blob
    CHECK(f.request_count() == 3);
    REQUIRE(ok->signatures.size() == 1);
    CHECK(ok->signatures[0].payload == signer_t::payload_for(image, ok->image_digest, {}));

    verify_options want_env;
    want_env.annotations["env"] = "prod";
    f.clear_requests();
    auto by_b = v.verify(image, b.pub, want_env);  // -a env=prod: that payload is known too
    REQUIRE(by_b);
    CHECK(blob_reads(f) == 0);
    CHECK(f.request_count() == 2);
    CHECK(by_b->signatures[0].payload == signer_t::payload_for(image, by_b->image_digest, annotated.annotations));

    // By digest there is no lookup: the .sig, and b's payload (no -a given this time).
    auto pinned = *oci::reference::parse(host + "/demo@" + ok->image_digest.str());
    f.clear_requests();
    REQUIRE(v.verify(pinned, a.pub));
    CHECK(f.request_count() == 2);
    CHECK(blob_reads(f) == 1);
    f.clear_requests();
    REQUIRE(v.verify(pinned, b.pub, want_env));
    CHECK(f.request_count() == 1);
}

TEST_CASE("a layer naming a known payload with another size is read, as cosign reads it", "[verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "sized");
    auto a = make_key();
    signer_t s(client);
    auto signed_ = s.sign(image, a.signer, {});
    REQUIRE(signed_);
    // Rewrite the .sig manifest with a wrong size on the layer: the payload is read, and its
    // length is not what the manifest says, which fails the layer as cosign's read fails.
    const std::string tag = (*signed_)[0].tag;
    auto m = f.manifest(host, "demo", tag);
    REQUIRE(m);
    const std::string size = "\"size\":" + std::to_string((*signed_)[0].payload.size());
    auto at = m->find(size);
    REQUIRE(at != std::string::npos);
    std::string bad = m->substr(0, at) + "\"size\":" + std::to_string((*signed_)[0].payload.size() + 1) +
                      m->substr(at + size.size());
    f.put_manifest(host, "demo", tag, bad, "application/vnd.oci.image.manifest.v1+json");
    verifier_t v(client);
    f.clear_requests();
    auto r = v.verify(image, a.pub);
    CHECK(blob_reads(f) == 1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::verification_failed);
    CHECK(r.error().message().find("the manifest says") != std::string::npos);
}

TEST_CASE("verify tells 'no signatures' and 'not found' apart from 'does not verify'", "[verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "unsigned");
    auto a = make_key();
    verifier_t v(client);
    auto none = v.verify(image, a.pub);
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == errc::no_signatures);
    auto missing = v.verify(*oci::reference::parse(host + "/demo:nope"), a.pub);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::not_found);
}

TEST_CASE("a payload read that cannot reach the registry fails verify as a network error", "[verify]") {
    fake::options o;
    o.redirect_blobs_to = "https://storage.fake.test";  // blob downloads go to storage...
    o.unreachable = {"https://storage.fake.test:443"};   // ...which cannot be reached
    fake f(o);
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key();
    signer_t s(client);
    sign_options annotated;  // a payload verify has to read
    annotated.annotations["n"] = "1";
    REQUIRE(s.sign(image, a.signer, annotated));
    verifier_t v(client);
    auto r = v.verify(image, a.pub);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
}

namespace {
// Pushes a second image, unlike push_image's, and returns its digest.
std::string push_other_image(fake& f, const std::string& tag) {
    std::string config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string cd = f.put_blob(host, "demo", config);
    std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                           cd + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})";
    return f.put_manifest(host, "demo", tag, manifest, "application/vnd.oci.image.manifest.v1+json");
}

// Makes the registry answer GET and HEAD of demo:<tag> with its real manifest but with
// `Docker-Content-Digest: <named>`, as a lying registry, proxy or cache would.
void lie_about(fake& f, const std::string& tag, const std::string& named) {
    f.set_handler([&f, tag, named](const transport::request& r) -> std::optional<transport::response> {
        if (r.url.find("/v2/demo/manifests/" + tag) == std::string::npos) return std::nullopt;
        auto body = f.manifest(host, "demo", tag);
        if (!body) return std::nullopt;
        transport::response out;
        out.status = 200;
        out.body = *body;
        out.headers.emplace_back("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        out.headers.emplace_back("Docker-Content-Digest", named);
        out.headers.emplace_back("Content-Length", std::to_string(body->size()));
        return out;
    });
}

std::size_t writes(const fake& f) {
    std::size_t n = 0;
    for (const auto& r : f.requests())
        if (r.method != "GET" && r.method != "HEAD") ++n;
    return n;
}
}  // namespace

TEST_CASE("sign and verify take the digest from the manifest bytes, not from Docker-Content-Digest", "[sign][verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    const std::string real = oci::digest::of(*f.manifest(host, "demo", "v1")).str();
    const std::string other = push_other_image(f, "other");
    auto a = make_key();
    // The other image is signed by the key: a header naming it must not approve demo:v1.
    REQUIRE(signer_t(client).sign(*oci::reference::parse(host + "/demo:other"), a.signer, {}));
    lie_about(f, "v1", other);

    f.clear_requests();
    auto s = signer_t(client).sign(image, a.signer, {});
    REQUIRE_FALSE(s);
    CHECK(s.error().code() == errc::registry);
    CHECK(s.error().message().find(real) != std::string::npos);
    CHECK(s.error().message().find(other) != std::string::npos);
    CHECK(writes(f) == 0);
    CHECK(f.request_count() == 1);
    CHECK_FALSE(f.manifest(host, "demo", oci::signature_tag(*oci::digest::parse(real))));

    auto v = verifier_t(client).verify(image, a.pub);
    REQUIRE_FALSE(v);
    CHECK(v.error().code() == errc::registry);
    CHECK(v.error().message().find(real) != std::string::npos);
    CHECK(v.error().message().find(other) != std::string::npos);
    CHECK(writes(f) == 0);

    // An honest header (or none) changes nothing: the same image signs and verifies.
    f.set_handler(nullptr);
    REQUIRE(signer_t(client).sign(image, a.signer, {}));
    auto ok = verifier_t(client).verify(image, a.pub);
    REQUIRE(ok);
    CHECK(ok->image_digest.str() == real);
}

TEST_CASE("sign -r reads an index once and signs it and each platform manifest", "[sign]") {
    fake f;
    registry::basic_client<fake> client(f);
    push_image(f, "amd64");
    const std::string platform = oci::digest::of(*f.manifest(host, "demo", "amd64")).str();
    const std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                              platform + R"(","size":)" + std::to_string(f.manifest(host, "demo", "amd64")->size()) + "}]}";
    const std::string index_digest = f.put_manifest(host, "demo", "multi", index, "application/vnd.oci.image.index.v1+json");
    auto a = make_key();
    sign_options recursive;
    recursive.recursive = true;
    f.clear_requests();
    auto out = signer_t(client).sign(*oci::reference::parse(host + "/demo:multi"), a.signer, recursive);
    REQUIRE(out);
    REQUIRE(out->size() == 2);
    CHECK((*out)[0].digest.str() == index_digest);
    CHECK((*out)[1].digest.str() == platform);
    std::size_t index_reads = 0;
    for (const auto& r : f.requests())
        if (r.url.find("/manifests/multi") != std::string::npos || r.url.find("/manifests/" + index_digest) != std::string::npos)
            ++index_reads;
    CHECK(index_reads == 1);
}

TEST_CASE("a manifest PUT refused as a race (400 BLOB_UNKNOWN) is merged again, not an error", "[sign]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "raced");
    auto a = make_key();
    int refused = 0;
    f.set_handler([&refused](const transport::request& r) -> std::optional<transport::response> {
        if (r.method != "PUT" || r.url.find("/manifests/sha256-") == std::string::npos || refused++) return std::nullopt;
        transport::response out;
        out.status = 400;
        out.body = R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]})";
        return out;
    });
    REQUIRE(signer_t(client).sign(image, a.signer, {}));
    CHECK(refused == 2);  // the refused PUT, then the one that stuck
    REQUIRE(verifier_t(client).verify(image, a.pub));

    // Another 400 is an error at once, whatever its message says.
    auto b = make_key();
    f.set_handler([](const transport::request& r) -> std::optional<transport::response> {
        if (r.method != "PUT" || r.url.find("/manifests/sha256-") == std::string::npos) return std::nullopt;
        transport::response out;
        out.status = 400;
        out.body = R"({"errors":[{"code":"MANIFEST_INVALID","message":"not DIGEST_INVALID, not BLOB_UNKNOWN"}]})";
        return out;
    });
    auto refused_put = signer_t(client).sign(image, b.signer, {});
    REQUIRE_FALSE(refused_put);
    CHECK(refused_put.error().remote_code() == "MANIFEST_INVALID");
    CHECK(refused_put.error().backend_code() == 400);
}
