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

using namespace cosign;
using crypto_policy = crypto::mbedtls;

namespace {

// A Rekor v1 in memory: canonicalizes what it is given, names entries by leaf hash, signs a
// SET with its own P-256 key, answers 409 for a duplicate, and records every request.
struct fake_rekor {
    crypto_policy::private_key key;
    std::string pub_pem;
    std::string log_id;
    std::int64_t now = 1700000000;
    std::int64_t next_index = 4242;
    std::map<std::string, std::string> entries;  // uuid -> entry JSON object text
    std::map<std::string, std::string> by_body;  // canonical body -> uuid
    std::vector<transport::request> log;
    std::function<std::optional<transport::response>(const transport::request&)> hook;
    bool unreachable = false;

    fake_rekor() : key(std::move(*crypto_policy::generate_p256())) {
        auto pub = crypto_policy::public_key_of(key);
        pub_pem = crypto_policy::public_key_pem(*pub);
        log_id = tlog::log_key::from_pem(pub_pem)->log_id;
    }

    std::string make_entry(const std::string& body_b64, std::int64_t t, std::int64_t index) {
        tlog::rekor_bundle b;
        b.body = body_b64;
        b.integrated_time = t;
        b.log_index = index;
        b.log_id = log_id;
        auto set = crypto_policy::sign(key, tlog::set_payload(b));
        std::string leaf = tlog::leaf_hash(body_b64)->hex();
        return "{\"body\":\"" + body_b64 + "\",\"integratedTime\":" + std::to_string(t) + ",\"logID\":\"" + log_id +
               "\",\"logIndex\":" + std::to_string(index) +
               ",\"verification\":{\"inclusionProof\":{\"checkpoint\":\"fake\\n1\\n\",\"hashes\":[],\"logIndex\":0,"
               "\"rootHash\":\"" + leaf + "\",\"treeSize\":1},\"signedEntryTimestamp\":\"" + base64::encode(*set) + "\"}}";
    }

    static transport::response answer(int status, std::string body, std::vector<std::pair<std::string, std::string>> h = {}) {
        transport::response r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(h);
        r.headers.emplace_back("Content-Type", "application/json");
        return r;
    }

    result<transport::response> handle(const transport::request& req) {
        log.push_back(req);
        if (unreachable) return fail(errc::network, "connection refused");
        if (hook)
            if (auto r = hook(req)) return *r;
        const std::string base = "http://rekor.test";
        std::string path = req.url.substr(base.size());
        if (req.method == "POST" && path == "/api/v1/log/entries") {
            auto canon = json::canonicalize(req.body);
            if (!canon) return answer(400, R"({"code":400,"message":"bad entry"})");
            std::string body = base64::encode(*canon);
            if (auto it = by_body.find(*canon); it != by_body.end())
                return answer(409, R"({"code":409,"message":"An equivalent entry already exists"})",
                              {{"Location", "/api/v1/log/entries/" + it->second}});
            std::string uuid = tlog::leaf_hash(body)->hex();
            entries[uuid] = make_entry(body, now, next_index++);
            by_body[*canon] = uuid;
            return answer(201, "{\"" + uuid + "\":" + entries[uuid] + "}",
                          {{"Location", "/api/v1/log/entries/" + uuid}, {"ETag", uuid}});
        }
        if (req.method == "GET" && path.rfind("/api/v1/log/entries/", 0) == 0) {
            std::string uuid = path.substr(std::string("/api/v1/log/entries/").size());
            if (uuid.size() > 64) uuid = uuid.substr(uuid.size() - 64);
            auto it = entries.find(uuid);
            if (it == entries.end()) return answer(404, R"({"code":404,"message":"entry not found"})");
            return answer(200, "{\"" + uuid + "\":" + it->second + "}");
        }
        if (req.method == "POST" && path == "/api/v1/log/entries/retrieve") {
            auto doc = json::parse(req.body);
            if (!doc) return answer(400, "{}");
            std::string out = "[";
            for (const auto& e : (*doc)["entries"].GetArray()) {
                auto canon = json::canonicalize(e);
                if (auto it = by_body.find(*canon); it != by_body.end()) {
                    if (out.size() > 1) out += ',';
                    out += "{\"" + it->second + "\":" + entries[it->second] + "}";
                }
            }
            return answer(200, out + "]");
        }
        return answer(404, R"({"code":404,"message":"no such route"})");
    }
};

struct fake_rekor_transport {
    std::shared_ptr<fake_rekor> rekor = std::make_shared<fake_rekor>();
    result<transport::response> send(const transport::request& req) { return rekor->handle(req); }
};

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
