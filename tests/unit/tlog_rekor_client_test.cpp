// SPDX-License-Identifier: Apache-2.0
// Unit tests of the Rekor client and the transparency-log steps over a small in-memory Rekor
// that signs real SETs: 201, 409 + fetch, 5xx, unreachable, malformed and lying answers, and
// the number of requests each costs.
#include "catch.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <cosign/core/json_canonical.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/tlog/log_step.hpp>
#include <cosign/tlog/rekor_client.hpp>
#include <cosign/transport/url.hpp>

#include "fake_rekor.hpp"

using namespace cosign;
using crypto_policy = crypto::mbedtls;
using cosign_test::fake_rekor;
using cosign_test::fake_rekor_transport;

namespace {

// One signature made with a test key, as the signer would log it.
struct signed_thing {
    std::string payload = R"({"critical":{"identity":{"docker-reference":"registry.test/demo"},"image":{"docker-manifest-digest":"sha256:d34d"},"type":"cosign container image signature"},"optional":null})";
    std::string sig_b64;
    std::string pub_pem;
    signed_thing() {
        auto k = crypto_policy::generate_p256();
        sig_b64 = base64::encode(*crypto_policy::sign(*k, payload));
        pub_pem = crypto_policy::public_key_pem(*crypto_policy::public_key_of(*k));
    }
    std::string proposed() const { return tlog::hashedrekord_entry(sha256(payload).hex(), sig_b64, pub_pem); }
    tlog::signed_layer layer() const { return {sig_b64, payload, pub_pem}; }
};

tlog::rekor_options at_fake() {
    tlog::rekor_options o;
    o.url = "http://rekor.test/";
    return o;
}

}  // namespace

TEST_CASE("Rekor upload: 201 gives the entry in one request", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    signed_thing s;
    auto e = rekor.upload(s.proposed());
    REQUIRE(e);
    CHECK(t.rekor->log.size() == 1);
    CHECK(rekor.request_count() == 1);
    const auto& req = t.rekor->log.front();
    CHECK(req.method == "POST");
    CHECK(req.url == "http://rekor.test/api/v1/log/entries");
    CHECK(req.header("Content-Type") == "application/json");
    CHECK(req.body == s.proposed());
    CHECK(e->log_index == 4242);
    CHECK(e->integrated_time == t.rekor->now);
    CHECK(tlog::check_entry_id(*e));
    CHECK(tlog::verify_set<crypto_policy>(tlog::rekor_bundle::from_entry(*e), {*tlog::log_key::from_pem(t.rekor->pub_pem)}));
}

TEST_CASE("Rekor upload: 409 fetches the existing entry (one more request), as cosign does", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    signed_thing s;
    auto first = rekor.upload(s.proposed());
    REQUIRE(first);
    t.rekor->log.clear();
    auto again = rekor.upload(s.proposed());
    REQUIRE(again);
    REQUIRE(t.rekor->log.size() == 2);
    CHECK(t.rekor->log[1].method == "GET");
    CHECK(t.rekor->log[1].url == "http://rekor.test/api/v1/log/entries/" + first->uuid);
    CHECK(tlog::to_annotation(tlog::rekor_bundle::from_entry(*again)) ==
          tlog::to_annotation(tlog::rekor_bundle::from_entry(*first)));

    SECTION("a 409 without Location: the entry is found by content, still one more request") {
        t.rekor->hook = [](const transport::request& r) -> std::optional<transport::response> {
            if (r.method == "POST" && r.url == "http://rekor.test/api/v1/log/entries") return fake_rekor::answer(409, "{}");
            return std::nullopt;
        };
        t.rekor->log.clear();
        auto r = rekor.upload(s.proposed());
        REQUIRE(r);
        CHECK(r->uuid == first->uuid);
        REQUIRE(t.rekor->log.size() == 2);
        CHECK(t.rekor->log[1].url == "http://rekor.test/api/v1/log/entries/retrieve");
    }
    SECTION("a 409 for an entry that cannot be found is an error naming the Rekor URL") {
        t.rekor->hook = [](const transport::request& r) -> std::optional<transport::response> {
            if (r.method == "POST" && r.url == "http://rekor.test/api/v1/log/entries") return fake_rekor::answer(409, "{}");
            return fake_rekor::answer(200, "[]");
        };
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("Rekor at http://rekor.test answered 409") != std::string::npos);
    }
    SECTION("a fetched entry that is not the one named is refused") {
        signed_thing other;
        auto o = rekor.upload(other.proposed());
        REQUIRE(o);
        std::string other_entry = t.rekor->entries[o->uuid];
        std::string first_uuid = first->uuid;
        t.rekor->hook = [&](const transport::request& r) -> std::optional<transport::response> {
            if (r.method == "GET") return fake_rekor::answer(200, "{\"" + first_uuid + "\":" + other_entry + "}");
            return std::nullopt;
        };
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK(r.error().message().find("leaf hash") != std::string::npos);
    }
    SECTION("a fetched entry whose inclusion proof does not lead to its root is refused") {
        std::string uuid = first->uuid;
        std::string entry = t.rekor->entries[uuid];
        auto at = entry.find("\"rootHash\":\"") + 12;
        entry[at] = entry[at] == '0' ? '1' : '0';
        t.rekor->hook = [&](const transport::request& r) -> std::optional<transport::response> {
            if (r.method == "GET") return fake_rekor::answer(200, "{\"" + uuid + "\":" + entry + "}");
            return std::nullopt;
        };
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("inclusion proof") != std::string::npos);
    }
}

TEST_CASE("Rekor refusing or unreachable: a clear error naming the URL", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    signed_thing s;
    SECTION("5xx") {
        t.rekor->hook = [](const transport::request&) -> std::optional<transport::response> {
            return fake_rekor::answer(503, R"({"code":503,"message":"log is read-only"})");
        };
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::registry);
        CHECK(r.error().backend_code() == 503);
        CHECK(r.error().message() == "Rekor at http://rekor.test refused the entry: HTTP 503: log is read-only");
        CHECK(t.rekor->log.size() == 1);
    }
    SECTION("400 (the entry does not verify)") {
        t.rekor->hook = [](const transport::request&) -> std::optional<transport::response> {
            return fake_rekor::answer(400, R"({"code":400,"message":"hashedrekord: signature does not verify"})");
        };
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("signature does not verify") != std::string::npos);
    }
    SECTION("unreachable") {
        t.rekor->unreachable = true;
        auto r = rekor.upload(s.proposed());
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::network);
        CHECK(r.error().message().find("Rekor at http://rekor.test") != std::string::npos);
        CHECK(r.error().message().find("connection refused") != std::string::npos);
    }
    SECTION("malformed answers") {
        const char* bodies[] = {"not json", "[]", "{}", R"({"a":{"body":"e30="}})",
                                R"({"a":{"body":"e30=","integratedTime":1,"logID":"00","logIndex":1,"verification":{}}})"};
        for (const char* b : bodies) {
            INFO(b);
            std::string body = b;
            t.rekor->hook = [body](const transport::request&) -> std::optional<transport::response> {
                return fake_rekor::answer(201, body);
            };
            auto r = rekor.upload(s.proposed());
            REQUIRE_FALSE(r);
            CHECK(r.error().message().find("Rekor at http://rekor.test") != std::string::npos);
        }
    }
}

TEST_CASE("the signer's log step: one request per signature, cosign's annotation, answers checked", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::log_keys trusted{*tlog::log_key::from_pem(t.rekor->pub_pem)};
    tlog::rekor_upload_step<crypto_policy, fake_rekor_transport> step(
        tlog::basic_rekor_client<fake_rekor_transport>(t, at_fake()), trusted);
    signed_thing a, b;
    auto ra = step.log(a.sig_b64, a.payload, a.pub_pem);
    auto rb = step.log(b.sig_b64, b.payload, b.pub_pem);
    REQUIRE(ra);
    REQUIRE(rb);
    REQUIRE(*ra);
    CHECK(t.rekor->log.size() == 2);
    auto parsed = tlog::parse_annotation((*ra)->annotation);
    REQUIRE(parsed);
    CHECK(tlog::verify_bundle<crypto_policy>(*parsed, a.layer(), trusted, t.rekor->now));
    CHECK_FALSE(tlog::verify_bundle<crypto_policy>(*parsed, b.layer(), trusted, t.rekor->now));

    SECTION("signing the same payload again with the same signature: 409 + fetch, same annotation") {
        auto again = step.log(a.sig_b64, a.payload, a.pub_pem);
        REQUIRE(again);
        CHECK(t.rekor->log.size() == 4);
        CHECK((*again)->annotation == (*ra)->annotation);
    }
    SECTION("a Rekor that logs something else is refused") {
        std::string other_entry = t.rekor->entries[(*rb)->entry.uuid];
        std::string uuid = (*rb)->entry.uuid;
        t.rekor->hook = [&](const transport::request&) -> std::optional<transport::response> {
            return fake_rekor::answer(201, "{\"" + uuid + "\":" + other_entry + "}");
        };
        signed_thing c;
        auto r = step.log(c.sig_b64, c.payload, c.pub_pem);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("logged another entry") != std::string::npos);
    }
    SECTION("a Rekor whose SET does not verify with the trusted key is refused") {
        fake_rekor_transport impostor;  // another key
        tlog::rekor_upload_step<crypto_policy, fake_rekor_transport> bad(
            tlog::basic_rekor_client<fake_rekor_transport>(impostor, at_fake()), trusted);
        auto r = bad.log(a.sig_b64, a.payload, a.pub_pem);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK(r.error().message().find("no trusted Rekor key has log ID") != std::string::npos);
    }
    SECTION("a build without a transparency log logs nothing") {
        tlog::no_transparency_log none;
        auto r = none.log(a.sig_b64, a.payload, a.pub_pem);
        REQUIRE(r);
        CHECK_FALSE(*r);
        STATIC_REQUIRE_FALSE(tlog::no_transparency_log::enabled);
    }
}

TEST_CASE("verify without a bundle: the entry is looked up in Rekor and checked", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    tlog::log_keys trusted{*tlog::log_key::from_pem(t.rekor->pub_pem)};
    signed_thing s;
    REQUIRE(rekor.upload(s.proposed()));
    t.rekor->log.clear();

    auto e = tlog::find_verified_entry<crypto_policy>(rekor, s.layer(), trusted, t.rekor->now + 10);
    REQUIRE(e);
    CHECK(t.rekor->log.size() == 1);
    CHECK(t.rekor->log[0].url == "http://rekor.test/api/v1/log/entries/retrieve");
    CHECK(t.rekor->log[0].body == "{\"entries\":[" + s.proposed() + "]}");

    SECTION("a signature Rekor never logged is not found") {
        signed_thing other;
        auto r = tlog::find_verified_entry<crypto_policy>(rekor, other.layer(), trusted, t.rekor->now);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK(r.error().message().find("not found in the transparency log at http://rekor.test") != std::string::npos);
    }
    SECTION("an entry whose SET is by another key is not accepted") {
        fake_rekor other;
        tlog::log_keys wrong{*tlog::log_key::from_pem(other.pub_pem)};
        auto r = tlog::find_verified_entry<crypto_policy>(rekor, s.layer(), wrong, t.rekor->now);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("no valid entry") != std::string::npos);
    }
    SECTION("an entry integrated in the future is not accepted") {
        auto r = tlog::find_verified_entry<crypto_policy>(rekor, s.layer(), trusted, t.rekor->now - 1);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("in the future") != std::string::npos);
    }
}

TEST_CASE("the body is checked against the layer: signature, key, payload hash", "[tlog][set]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    signed_thing s, other;
    auto e = rekor.upload(s.proposed());
    REQUIRE(e);
    CHECK(tlog::check_body(e->body, s.layer()));

    auto layer = s.layer();
    layer.signature_b64 = other.sig_b64;
    auto r = tlog::check_body(e->body, layer);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("does not match the layer's signature") != std::string::npos);

    layer = s.layer();
    layer.public_key_pem = other.pub_pem;
    r = tlog::check_body(e->body, layer);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("another public key") != std::string::npos);

    layer = s.layer();
    std::string changed = s.payload + " ";
    layer.payload = changed;
    r = tlog::check_body(e->body, layer);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("payload hash") != std::string::npos);

    // The same key PEM with other line breaks is the same key (compared as DER).
    std::string rewrapped = s.pub_pem;
    rewrapped.insert(rewrapped.find('\n') + 1, "\n");
    layer = s.layer();
    layer.public_key_pem = rewrapped;
    CHECK(tlog::check_body(e->body, layer));
}

TEST_CASE("the verifier's layer check: offline with a bundle, online without one", "[tlog][rekor]") {
    fake_rekor_transport t;
    tlog::basic_rekor_client<fake_rekor_transport> rekor(t, at_fake());
    tlog::log_keys trusted{*tlog::log_key::from_pem(t.rekor->pub_pem)};
    signed_thing s;
    auto uploaded = rekor.upload(s.proposed());
    REQUIRE(uploaded);
    std::string annotation = tlog::to_annotation(tlog::rekor_bundle::from_entry(*uploaded));
    t.rekor->log.clear();

    auto offline = tlog::verify_layer<crypto_policy>(annotation, s.layer(), trusted, t.rekor->now, rekor);
    REQUIRE(offline);
    CHECK(offline->integrated_time == t.rekor->now);
    CHECK(t.rekor->log.empty());  // a bundle is checked without a request

    auto online = tlog::verify_layer<crypto_policy>("", s.layer(), trusted, t.rekor->now, rekor);
    REQUIRE(online);
    CHECK(tlog::to_annotation(*online) == annotation);
    CHECK(t.rekor->log.size() == 1);

    auto no_bundle = tlog::verify_layer_offline<crypto_policy>("", s.layer(), trusted, t.rekor->now);
    REQUIRE_FALSE(no_bundle);
    CHECK(no_bundle.error().message().find("no transparency-log bundle") != std::string::npos);
    signed_thing other;
    auto wrong = tlog::verify_layer<crypto_policy>(annotation, other.layer(), trusted, t.rekor->now, rekor);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::verification_failed);
}

TEST_CASE("a malformed Rekor URL is an argument error naming it", "[tlog][rekor]") {
    struct url_checking_transport {
        result<transport::response> send(const transport::request& r) {
            COSIGN_TRY(transport::url u, transport::parse_url(r.url));
            (void)u;
            return fail(errc::network, "unexpected");
        }
    };
    tlog::rekor_options o;
    o.url = "rekor.example";
    tlog::basic_rekor_client<url_checking_transport> rekor(url_checking_transport{}, o);
    auto r = rekor.upload("{}");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_argument);
    CHECK(r.error().message().find("Rekor at rekor.example") != std::string::npos);
}
