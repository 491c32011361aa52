// SPDX-License-Identifier: Apache-2.0
// Unit tests of the transparency log wired into basic_signer and basic_verifier (issue 11),
// over the in-memory registry and the in-memory Rekor: one Rekor request per signature before
// any registry write, cosign's bundle annotation on the layer, and each check verify makes
// (SET and its key, body, time, missing entry, online lookup) failing with its name.
#include "catch.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <cosign/cosign.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/testing/fake_registry.hpp>
#include <cosign/tlog/log_step.hpp>

#include "fake_rekor.hpp"

using namespace cosign;
using crypto_t = crypto::mbedtls;
using fake = transport::fake_transport;
using keys_t = default_key_sources<crypto_t>;
using rekor_t = cosign_test::fake_rekor_transport;
using step_t = tlog::rekor_upload_step<crypto_t, rekor_t>;
using lookup_t = tlog::rekor_lookup<crypto_t, rekor_t>;
using logged_signer = basic_signer<crypto_t, fake, keys_t, step_t>;
using plain_signer = basic_signer<crypto_t, fake, keys_t>;
using plain_verifier = basic_verifier<crypto_t, fake>;
using online_verifier = basic_verifier<crypto_t, fake, lookup_t>;

namespace {
const std::string host = "registry.test";

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

key_pair make_key() {
    auto k = crypto_t::generate_p256();
    REQUIRE(k);
    auto pub = crypto_t::public_key_of(*k);
    REQUIRE(pub);
    auto s = local_signer<crypto_t>::from_key(std::move(*k));
    REQUIRE(s);
    return {any_signer(std::move(*s)), *pub};
}

tlog::rekor_options at_fake() {
    tlog::rekor_options o;
    o.url = "http://rekor.test";
    return o;
}

tlog::log_keys keys_of(const rekor_t& r) { return {*tlog::log_key::from_pem(r.rekor->pub_pem)}; }

std::size_t registry_writes(const fake& f) {
    std::size_t n = 0;
    for (const auto& r : f.requests())
        if (r.method == "PUT" || r.method == "POST" || r.method == "PATCH" || r.method == "DELETE") ++n;
    return n;
}

verify_options with_log(const tlog::log_keys& keys, std::int64_t now) {
    verify_options o;
    o.tlog_keys = keys;
    o.now = now;
    return o;
}

// The one layer of the image's .sig manifest.
oci::descriptor only_layer(fake& f, const std::string& tag) {
    auto m = f.manifest(host, "demo", tag);
    REQUIRE(m);
    auto parsed = oci::parse_manifest(*m);
    REQUIRE(parsed);
    REQUIRE(parsed->layers.size() == 1);
    return parsed->layers.front();
}

// Stores a signature made elsewhere with the given bundle annotation (attach, as cosign's
// `attach signature` does), on a fresh image.
struct attached {
    fake f;
    registry::basic_client<fake> client{f};
    oci::reference image = push_image(f, "v1");
};
}  // namespace

TEST_CASE("sign with a log step: one Rekor request per signature, cosign's bundle on the layer, verify checks it",
          "[tlog][sign][verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key();
    rekor_t rk;
    logged_signer s(client, step_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake()), keys_of(rk)));
    auto out = s.sign(image, a.signer, {});
    REQUIRE(out);
    REQUIRE(out->size() == 1);
    const signed_image& one = out->front();
    CHECK(rk.rekor->log.size() == 1);
    CHECK(s.log_step().client().request_count() == 1);
    REQUIRE(one.tlog_entry);
    CHECK(one.tlog_entry->log_index == 4242);
    CHECK(one.bundle_annotation == tlog::to_annotation(*one.tlog_entry));

    auto layer = only_layer(f, one.tag);
    CHECK(layer.annotations.at(tlog::bundle_annotation_key) == one.bundle_annotation);
    // The logged body is the hashedrekord of exactly this layer.
    CHECK(tlog::check_body(one.tlog_entry->body, {one.signature_b64, byte_view(one.payload), a.signer.public_key_pem()}));

    plain_verifier v(client);
    auto ok = v.verify(image, a.pub, with_log(keys_of(rk), rk.rekor->now + 10));
    REQUIRE(ok);
    REQUIRE(ok->signatures.size() == 1);
    REQUIRE(ok->signatures[0].tlog_entry);
    CHECK(ok->signatures[0].tlog_offline);
    CHECK(ok->signatures[0].tlog_entry->log_index == 4242);
    CHECK(ok->signatures[0].tlog_entry->integrated_time == rk.rekor->now);

    SECTION("a SET made by another key: rejected, naming the check") {
        rekor_t other;
        auto bad = v.verify(image, a.pub, with_log(keys_of(other), rk.rekor->now + 10));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().code() == errc::verification_failed);
        CHECK(bad.error().message().find("transparency log: no trusted Rekor key has log ID " + rk.rekor->log_id) !=
              std::string::npos);
    }
    SECTION("a trusted key outside its validity window: rejected") {
        auto keys = keys_of(rk);
        keys[0].valid_until = rk.rekor->now - 1;
        auto bad = v.verify(image, a.pub, with_log(keys, rk.rekor->now + 10));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("was not valid at integratedTime " + std::to_string(rk.rekor->now)) !=
              std::string::npos);
    }
    SECTION("integratedTime in the future: rejected") {
        auto bad = v.verify(image, a.pub, with_log(keys_of(rk), rk.rekor->now - 10));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("is in the future") != std::string::npos);
    }
    SECTION("no tlog keys (--insecure-ignore-tlog): the bundle is not checked") {
        auto skip = v.verify(image, a.pub);
        REQUIRE(skip);
        CHECK_FALSE(skip->signatures[0].tlog_entry);
    }
}

TEST_CASE("Rekor refusing or unreachable: sign fails and the registry is untouched", "[tlog][sign]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key();
    rekor_t rk;
    tlog::log_keys trusted = keys_of(rk);
    SECTION("unreachable") { rk.rekor->unreachable = true; }
    SECTION("refusing") {
        rk.rekor->hook = [](const transport::request&) -> std::optional<transport::response> {
            return cosign_test::fake_rekor::answer(500, R"({"code":500,"message":"db down"})");
        };
    }
    SECTION("answering with an entry whose SET another key made") {
        rekor_t other;
        trusted = keys_of(other);
    }
    logged_signer s(client, step_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake()), trusted));
    f.clear_requests();
    auto out = s.sign(image, a.signer, {});
    REQUIRE_FALSE(out);
    CHECK(out.error().message().find("Rekor at http://rekor.test") != std::string::npos);
    CHECK(registry_writes(f) == 0);
}

TEST_CASE("sign -r logs every signature before the first registry write", "[tlog][sign]") {
    fake f;
    registry::basic_client<fake> client(f);
    push_image(f, "amd64");
    const std::string platform = oci::digest::of(*f.manifest(host, "demo", "amd64")).str();
    const std::string index = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                              platform + R"(","size":)" + std::to_string(f.manifest(host, "demo", "amd64")->size()) + "}]}";
    f.put_manifest(host, "demo", "multi", index, "application/vnd.oci.image.index.v1+json");
    auto image = *oci::reference::parse(host + "/demo:multi");
    auto a = make_key();
    rekor_t rk;
    sign_options recursive;
    recursive.recursive = true;
    logged_signer s(client, step_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake()), keys_of(rk)));

    SECTION("the second upload (the platform's) fails: nothing at all is written") {
        int posts = 0;
        rk.rekor->hook = [&posts](const transport::request& r) -> std::optional<transport::response> {
            if (r.method == "POST" && ++posts == 2) return cosign_test::fake_rekor::answer(503, "{}");
            return std::nullopt;
        };
        f.clear_requests();
        REQUIRE_FALSE(s.sign(image, a.signer, recursive));
        CHECK(rk.rekor->log.size() == 2);
        CHECK(registry_writes(f) == 0);
    }
    SECTION("both logged: two Rekor requests, each .sig layer with its own bundle, both verify") {
        auto out = s.sign(image, a.signer, recursive);
        REQUIRE(out);
        REQUIRE(out->size() == 2);
        CHECK(rk.rekor->log.size() == 2);
        CHECK((*out)[0].bundle_annotation != (*out)[1].bundle_annotation);
        for (const auto& one : *out)
            CHECK(only_layer(f, one.tag).annotations.at(tlog::bundle_annotation_key) == one.bundle_annotation);
        auto v = plain_verifier(client).verify(*oci::reference::parse(host + "/demo@" + platform), a.pub,
                                               with_log(keys_of(rk), rk.rekor->now));
        REQUIRE(v);
        CHECK(v->signatures[0].tlog_entry->log_index == (*out)[1].tlog_entry->log_index);
    }
}

TEST_CASE("verify with log keys: a layer without a bundle fails offline, is looked up online", "[tlog][verify]") {
    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    auto a = make_key();
    plain_signer s(client);
    auto out = s.sign(image, a.signer, {});
    REQUIRE(out);
    CHECK_FALSE(out->front().tlog_entry);
    CHECK(only_layer(f, out->front().tag).annotations.count(tlog::bundle_annotation_key) == 0);
    rekor_t rk;
    const auto now = rk.rekor->now + 10;

    SECTION("offline: fails, naming the missing bundle") {
        auto o = with_log(keys_of(rk), now);
        o.offline = true;
        auto bad = plain_verifier(client).verify(image, a.pub, o);
        REQUIRE_FALSE(bad);
        CHECK(bad.error().code() == errc::verification_failed);
        CHECK(bad.error().message().find("transparency log: the signature has no transparency-log bundle") !=
              std::string::npos);
        CHECK(rk.rekor->log.empty());
    }
    SECTION("no Rekor client composed: fails without a request") {
        auto bad = plain_verifier(client).verify(image, a.pub, with_log(keys_of(rk), now));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("no Rekor client") != std::string::npos);
    }
    SECTION("online, never logged: fails, naming the Rekor URL") {
        online_verifier v(client, lookup_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake())));
        auto bad = v.verify(image, a.pub, with_log(keys_of(rk), now));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("not found in the transparency log at http://rekor.test") != std::string::npos);
        CHECK(rk.rekor->log.size() == 1);
    }
    SECTION("online, logged: found with one search and checked") {
        const auto& one = out->front();
        tlog::basic_rekor_client<rekor_t> up(rk, at_fake());
        REQUIRE(up.upload(tlog::hashedrekord_entry(sha256(one.payload).hex(), one.signature_b64, a.signer.public_key_pem())));
        rk.rekor->log.clear();
        online_verifier v(client, lookup_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake())));
        auto ok = v.verify(image, a.pub, with_log(keys_of(rk), now));
        REQUIRE(ok);
        REQUIRE(ok->signatures[0].tlog_entry);
        CHECK_FALSE(ok->signatures[0].tlog_offline);
        CHECK(rk.rekor->log.size() == 1);
        CHECK(v.lookup_step().client().request_count() == 1);
        // ... but with another trusted Rekor key the entry found does not count.
        rekor_t other;
        auto bad = v.verify(image, a.pub, with_log(keys_of(other), now));
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("no valid entry in the transparency log") != std::string::npos);
    }
}

TEST_CASE("a bundle edited or taken from another signature is rejected, naming the check", "[tlog][verify]") {
    auto a = make_key(), b = make_key();
    rekor_t rk;
    // Sign (without uploading) to get a logged signature and its bundle.
    fake scratch;
    registry::basic_client<fake> scratch_client(scratch);
    auto scratch_image = push_image(scratch, "v1");
    sign_options no_upload;
    no_upload.upload = false;
    logged_signer s(scratch_client, step_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake()), keys_of(rk)));
    auto made = s.sign(scratch_image, a.signer, no_upload);
    REQUIRE(made);
    const signed_image one = made->front();
    auto other_made = s.sign(scratch_image, b.signer, no_upload);
    REQUIRE(other_made);
    CHECK(registry_writes(scratch) == 0);

    attached t;
    auto attach = [&](const std::string& bundle) {
        std::map<std::string, std::string> ann{{tlog::bundle_annotation_key, bundle}};
        REQUIRE(plain_signer(t.client).attach(t.image, one.payload, one.signature_b64, ann, {}));
    };
    auto verify = [&] { return plain_verifier(t.client).verify(t.image, a.pub, with_log(keys_of(rk), rk.rekor->now + 10)); };
    auto edited = *tlog::parse_annotation(one.bundle_annotation);

    SECTION("as logged: passes") {
        attach(one.bundle_annotation);
        REQUIRE(verify());
    }
    SECTION("integratedTime edited: the SET does not verify") {
        edited.integrated_time -= 1;
        attach(tlog::to_annotation(edited));
        auto bad = verify();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("transparency log: the signed entry timestamp (SET)") != std::string::npos);
    }
    SECTION("logIndex edited: the SET does not verify") {
        edited.log_index += 1;
        attach(tlog::to_annotation(edited));
        auto bad = verify();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("does not verify with the trusted Rekor key") != std::string::npos);
    }
    SECTION("the bundle of another key's signature: the body does not match the layer") {
        attach(other_made->front().bundle_annotation);
        auto bad = verify();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().find("transparency log: the signature in the Rekor entry does not match") !=
              std::string::npos);
    }
    SECTION("not JSON: rejected as a bad bundle") {
        attach("{not json");
        auto bad = verify();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().code() == errc::verification_failed);
        CHECK(bad.error().message().find("transparency log:") != std::string::npos);
    }
}

TEST_CASE("a key-verified layer found online has its certificate checked at the entry's integratedTime",
          "[tlog][verify]") {
    // cosign 2.5's keyless signature of tests/data/keyless: its Fulcio certificate lived ten
    // minutes, long ago, so only the time the log gives can vouch for it.
    auto read = [](const std::string& name) {
        std::ifstream in(std::string(COSIGN_TEST_DATA) + "/keyless/" + name, std::ios::binary);
        REQUIRE(in);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    auto manifest = json::parse(read("c2-sig-manifest.json"));
    REQUIRE(manifest);
    const auto& ann = (*manifest)["layers"][0]["annotations"];
    const std::string sig = ann["dev.cosignproject.cosign/signature"].GetString();
    const std::string cert_pem = ann["dev.sigstore.cosign/certificate"].GetString();
    std::string payload = read("c2-payload.json");
    auto cert = crypto_t::parse_certificate(cert_pem);
    REQUIRE(cert);
    auto info = crypto_t::describe_certificate(*cert);
    REQUIRE(info);
    auto key = crypto_t::certificate_public_key(*cert);
    REQUIRE(key);

    fake f;
    registry::basic_client<fake> client(f);
    auto image = push_image(f, "v1");
    plain_signer s(client);
    REQUIRE(s.attach(image, payload, sig, {{std::string(oci::annotation::certificate), cert_pem}}, {}));

    auto verify_at = [&](std::int64_t integrated_time) {
        rekor_t rk;
        rk.rekor->now = integrated_time;
        tlog::basic_rekor_client<rekor_t> up(rk, at_fake());
        REQUIRE(up.upload(tlog::hashedrekord_entry(sha256(payload).hex(), sig, cert_pem)));
        online_verifier v(client, lookup_t(tlog::basic_rekor_client<rekor_t>(rk, at_fake())));
        auto o = with_log(keys_of(rk), integrated_time + 10);
        o.check_claims = false;  // the payload names cosign's image, not this fake one
        return v.verify(image, *key, o);
    };
    SECTION("logged while the certificate was valid: verifies, although it has expired since") {
        auto ok = verify_at(info->not_before + 60);
        REQUIRE(ok);
        REQUIRE(ok->signatures[0].tlog_entry);
        CHECK(ok->signatures[0].tlog_entry->integrated_time == info->not_before + 60);
    }
    SECTION("logged after it expired, or before it was issued: refused, naming the check") {
        auto late = verify_at(info->not_after + 60);
        REQUIRE_FALSE(late);
        CHECK(late.error().message().find("certificate expired before signatures were entered in log") !=
              std::string::npos);
        auto early = verify_at(info->not_before - 60);
        REQUIRE_FALSE(early);
        CHECK(early.error().message().find("certificate was issued after signatures were entered in log") !=
              std::string::npos);
    }
}
