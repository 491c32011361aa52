// SPDX-License-Identifier: Apache-2.0
// Unit tests of the pure transparency-log parts on real data: RFC 8785 canonical JSON (the
// RFC's own examples), Rekor entries and bodies, cosign's bundle annotation byte for byte, SETs
// of public-good and mock Rekor entries (each refused when altered) and RFC 6962 proofs.
#include "catch.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>
#include <fstream>
#include <sstream>
#include <string>

#include <cosign/core/json_canonical.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/tlog/bundle_annotation.hpp>
#include <cosign/tlog/inclusion_proof.hpp>
#include <cosign/tlog/rekor_entry.hpp>
#include <cosign/tlog/set.hpp>

using namespace cosign;
using crypto_policy = crypto::mbedtls;

namespace {

std::string tlog_data(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

double from_bits(std::uint64_t bits) {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

std::string b64_to_hex(std::string_view b64) {
    auto raw = base64::decode(b64);
    REQUIRE(raw);
    return hex::encode(*raw);
}

// The public-good Rekor key (tests/data/cosign/trust/sigstore-rekor.pub).
tlog::log_keys public_good_keys() {
    auto k = tlog::log_key::from_pem(tlog_data("cosign/trust/sigstore-rekor.pub"));
    REQUIRE(k);
    return {*k};
}

// The key of the mock Rekor that produced tests/data/tlog/mock-sample/rekor-resp.json, from the
// trusted_root.json written by the same run.
tlog::log_keys mock_sample_keys() {
    auto doc = json::parse(tlog_data("tlog/mock-sample/trusted_root.json"));
    REQUIRE(doc);
    const auto& tl = (*doc)["tlogs"][0];
    auto der = base64::decode(tl["publicKey"]["rawBytes"].GetString());
    REQUIRE(der);
    return {tlog::log_key::from_der(*der)};
}

// The signature-spec example bundle (public-good Rekor, a `rekord` entry from 2021).
tlog::rekor_bundle spec_example() {
    std::string text = tlog_data("cosign/bundles/signature-spec-example-bundle.json");
    auto b = tlog::parse_annotation(text);
    REQUIRE(b);
    return *b;
}

// The tlog entry of a real public-good DSSE attestation bundle, as cosign's annotation holds it.
tlog::rekor_bundle attestation_bundle() {
    auto b = tlog::parse_annotation(tlog_data("cosign/derived/oci-attestation.rekor-bundle-annotation.json"));
    REQUIRE(b);
    return *b;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RFC 8785
// ---------------------------------------------------------------------------------------------

TEST_CASE("JCS canonicalizes RFC 8785's example (section 3.2.2)", "[tlog][jcs]") {
    const char* in = R"({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
    auto out = json::canonicalize(in);
    REQUIRE(out);
    CHECK(*out == "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                  "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST_CASE("JCS sorts keys by UTF-16 code units (RFC 8785 section 3.2.3)", "[tlog][jcs]") {
    const char* in = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
    auto out = json::canonicalize(in);
    REQUIRE(out);
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33, although its UTF-8 bytes sort after.
    CHECK(*out ==
          "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
          "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
          "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    CHECK(json::jcs_key_less("\xf0\x9f\x98\x80", "\xef\xac\xb3"));
    CHECK_FALSE(json::jcs_key_less("\xef\xac\xb3", "\xf0\x9f\x98\x80"));
    CHECK(json::jcs_key_less("a", "ab"));
}

TEST_CASE("JCS writes numbers as ES6 does (RFC 8785 appendix B)", "[tlog][jcs]") {
    struct {
        std::uint64_t bits;
        const char* text;
    } const cases[] = {
        {0x0000000000000000, "0"},
        {0x8000000000000000, "0"},
        {0x0000000000000001, "5e-324"},
        {0x8000000000000001, "-5e-324"},
        {0x7fefffffffffffff, "1.7976931348623157e+308"},
        {0xffefffffffffffff, "-1.7976931348623157e+308"},
        {0x4340000000000000, "9007199254740992"},
        {0xc340000000000000, "-9007199254740992"},
        {0x4430000000000000, "295147905179352830000"},
        {0x44b52d02c7e14af5, "9.999999999999997e+22"},
        {0x44b52d02c7e14af6, "1e+23"},
        {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
        {0x444b1ae4d6e2ef4e, "999999999999999700000"},
        {0x444b1ae4d6e2ef4f, "999999999999999900000"},
        {0x444b1ae4d6e2ef50, "1e+21"},
        {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
        {0x3eb0c6f7a0b5ed8d, "0.000001"},
        {0x41b3de4355555553, "333333333.3333332"},
        {0x41b3de4355555554, "333333333.33333325"},
        {0x41b3de4355555555, "333333333.3333333"},
        {0x41b3de4355555556, "333333333.3333334"},
        {0x41b3de4355555557, "333333333.33333343"},
        {0xbecbf647612f3696, "-0.0000033333333333333333"},
        {0x43143ff3c1cb0959, "1424953923781206.2"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto s = json::es6_number(from_bits(c.bits));
        REQUIRE(s);
        CHECK(*s == c.text);
    }
    CHECK_FALSE(json::es6_number(from_bits(0x7fffffffffffffff)));  // NaN
    CHECK_FALSE(json::es6_number(from_bits(0x7ff0000000000000)));  // Infinity
}

TEST_CASE("JCS escapes only quotes, backslashes and controls, and refuses what is not JSON", "[tlog][jcs]") {
    auto out = json::canonicalize(R"({"k":"<&>\u2028\u007f\u001f\b"})");
    REQUIRE(out);
    CHECK(*out == "{\"k\":\"<&>\xe2\x80\xa8\x7f\\u001f\\b\"}");
    CHECK(*json::canonicalize("[1.0,-0,100,1e2,12345678901234567890]") == "[1,0,100,100,12345678901234567000]");
    CHECK_FALSE(json::canonicalize(R"({"a":1,"a":2})"));  // duplicate keys: refused by the reader
    CHECK_FALSE(json::canonicalize("{\"a\":\"\xff\"}"));  // invalid UTF-8
}

// ---------------------------------------------------------------------------------------------
// Entries, bodies, the bundle annotation
// ---------------------------------------------------------------------------------------------

TEST_CASE("the hashedrekord proposed entry is the one cosign uploads", "[tlog]") {
    // cosign 2.5's own request body, captured from sign-blob --key (tests/data/tlog/cosign2-request).
    const std::string dir = "tlog/cosign2-request/";
    std::string sig = tlog_data(dir + "signature.b64");
    std::string e = tlog::hashedrekord_entry(sha256(tlog_data(dir + "blob.txt")).hex(), sig, tlog_data(dir + "cosign.pub"));
    // Go's json.Encoder ends the HTTP body with a newline; the JSON value is the same.
    CHECK(e + "\n" == tlog_data(dir + "proposed-entry.json"));
    // The mock sample's proposed entry, re-made from its fields, canonicalizes to the body Rekor logged.
    auto proposed = json::parse(tlog_data("tlog/mock-sample/entry.json"));
    REQUIRE(proposed);
    const auto& spec = (*proposed)["spec"];
    auto pem = base64::decode(spec["signature"]["publicKey"]["content"].GetString());
    REQUIRE(pem);
    std::string ours = tlog::hashedrekord_entry(spec["data"]["hash"]["value"].GetString(),
                                                spec["signature"]["content"].GetString(),
                                                std::string(pem->begin(), pem->end()));
    auto entries = tlog::parse_log_entries(tlog_data("tlog/mock-sample/rekor-resp.json"));
    REQUIRE(entries);
    auto body = base64::decode(entries->front().body);
    REQUIRE(body);
    CHECK(*json::canonicalize(ours) == std::string(body->begin(), body->end()));
}

TEST_CASE("a Rekor answer parses into entries with their proofs", "[tlog]") {
    auto entries = tlog::parse_log_entries(tlog_data("tlog/mock-sample/rekor-resp.json"));
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    const auto& e = entries->front();
    CHECK(e.uuid == "eae9448a221789f5cbfd1c4f33663fb252a8ec28772a37a7320d816430745067");
    CHECK(e.integrated_time == 1795783562);
    CHECK(e.log_index == 8456874);
    CHECK(e.log_id == "4ecc7c681ae14c8ad6ca2f0244b280cc535d4b3560e6f65d2379b8469f4d748d");
    REQUIRE(e.proof);
    CHECK(e.proof->tree_size == 1);
    CHECK(e.proof->hashes.empty());
    // A one-leaf tree: the root is the body's leaf hash.
    CHECK(tlog::verify_inclusion(e));
    CHECK(e.proof->root_hash == tlog::leaf_hash(e.body)->hex());
    // The bare @sigstore/mock that made this sample names entries at random (real Rekor and
    // tests/peers' server name them by leaf hash): cosign's check refuses such an entry.
    auto named = tlog::check_entry_id(e);
    REQUIRE_FALSE(named);
    CHECK(named.error().message().find("leaf hash") != std::string::npos);
    auto renamed = e;
    renamed.uuid = e.proof->root_hash;
    CHECK(tlog::check_entry_id(renamed));
    renamed.uuid = "0123456789abcdef" + e.proof->root_hash;  // tree ID + leaf hash
    CHECK(tlog::check_entry_id(renamed));

    auto body = tlog::parse_entry_body(e.body);
    REQUIRE(body);
    CHECK(body->kind == "hashedrekord");
    CHECK(body->hash_algorithm == "sha256");
    CHECK(body->hash_value == "9f13653ee66347b3bbb369ae4f9f261fd082eb36dc29bb7176016207b92054eb");
    CHECK(body->public_key.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);

    SECTION("entry IDs of the wrong length or not hex are refused") {
        auto bad = e;
        bad.uuid = "abc";
        CHECK_FALSE(tlog::check_entry_id(bad));
        bad.uuid = std::string(64, 'g');
        CHECK_FALSE(tlog::check_entry_id(bad));
    }
    SECTION("malformed answers are refused, naming the field") {
        auto r = tlog::parse_log_entries(R"({"ab":{"body":"e30=","integratedTime":"1","logID":"00","logIndex":1,
                                           "verification":{"signedEntryTimestamp":"MEQ="}}})");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("integratedTime") != std::string::npos);
        r = tlog::parse_log_entries(R"({"ab":{"body":"e30=","integratedTime":1,"logID":"00","logIndex":1}})");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("verification") != std::string::npos);
        CHECK_FALSE(tlog::parse_log_entries("[1]"));
        CHECK_FALSE(tlog::parse_log_entries("not json"));
    }
}

TEST_CASE("entry bodies of other kinds are refused as unsupported", "[tlog]") {
    // The attestation bundle logs a dsse entry.
    auto r = tlog::parse_entry_body(attestation_bundle().body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unsupported);
    CHECK(r.error().message().find("dsse") != std::string::npos);
    // The 2021 spec example is a rekord entry: read like hashedrekord.
    auto spec = tlog::parse_entry_body(spec_example().body);
    REQUIRE(spec);
    CHECK(spec->kind == "rekord");
    CHECK(spec->hash_value == "a4492b0eabdd2312f063290abd797d9d71a3ab28bd65a2c189b0df0d39b8c3b9");
}

TEST_CASE("the bundle annotation is written byte for byte as cosign writes it", "[tlog]") {
    // cosign's own annotation (derived from a public-good entry), read and written back.
    std::string text = tlog_data("cosign/derived/oci-attestation.rekor-bundle-annotation.json");
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto b = tlog::parse_annotation(text);
    REQUIRE(b);
    CHECK(tlog::to_annotation(*b) == text);
    CHECK(b->log_index == 175508996);
    CHECK(b->integrated_time == 1740770291);

    // From an entry: the fields cosign keeps, in cosign's order, nothing of the proof.
    auto entries = tlog::parse_log_entries(tlog_data("tlog/mock-sample/rekor-resp.json"));
    REQUIRE(entries);
    const auto& e = entries->front();
    std::string a = tlog::to_annotation(tlog::rekor_bundle::from_entry(e));
    CHECK(a == "{\"SignedEntryTimestamp\":\"" + e.signed_entry_timestamp + "\",\"Payload\":{\"body\":\"" + e.body +
                   "\",\"integratedTime\":1795783562,\"logIndex\":8456874,\"logID\":\"" + e.log_id + "\"}}");

    SECTION("malformed annotations are refused, naming the field") {
        auto r = tlog::parse_annotation(R"({"SignedEntryTimestamp":"MEQ=","Payload":{"body":"e30=","integratedTime":-1,"logIndex":1,"logID":"00"}})");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("integratedTime") != std::string::npos);
        r = tlog::parse_annotation(R"({"SignedEntryTimestamp":"not base64!","Payload":{}})");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("SignedEntryTimestamp") != std::string::npos);
        r = tlog::parse_annotation(R"({"SignedEntryTimestamp":"MEQ=","Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"XYZ"}})");
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("logID") != std::string::npos);
    }
}

// ---------------------------------------------------------------------------------------------
// SETs
// ---------------------------------------------------------------------------------------------

TEST_CASE("the SET payload is the RFC 8785 form of body, integratedTime, logID, logIndex", "[tlog][set]") {
    tlog::rekor_bundle b;
    b.body = "Ym9keQ==";
    b.integrated_time = 1624396085;
    b.log_index = 5179;
    b.log_id = "c0d2";
    CHECK(tlog::set_payload(b) == R"({"body":"Ym9keQ==","integratedTime":1624396085,"logID":"c0d2","logIndex":5179})");
}

TEST_CASE("real SETs verify with the trusted Rekor key and fail when anything is altered", "[tlog][set]") {
    struct named {
        const char* name;
        tlog::rekor_bundle bundle;
        tlog::log_keys keys;
    };
    auto mock_entries = tlog::parse_log_entries(tlog_data("tlog/mock-sample/rekor-resp.json"));
    REQUIRE(mock_entries);
    named cases[] = {
        {"public-good rekord entry of 2021 (cosign's spec example)", spec_example(), public_good_keys()},
        {"public-good dsse entry of 2025 (cosign annotation)", attestation_bundle(), public_good_keys()},
        {"local @sigstore/mock hashedrekord entry", tlog::rekor_bundle::from_entry(mock_entries->front()),
         mock_sample_keys()},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const auto& good = c.bundle;
        REQUIRE(tlog::verify_set<crypto_policy>(good, c.keys));

        auto t = good;
        t.integrated_time += 1;
        auto r = tlog::verify_set<crypto_policy>(t, c.keys);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);

        auto i = good;
        i.log_index += 1;
        CHECK_FALSE(tlog::verify_set<crypto_policy>(i, c.keys));

        auto body = good;
        body.body[body.body.size() / 2] = body.body[body.body.size() / 2] == 'A' ? 'B' : 'A';
        CHECK_FALSE(tlog::verify_set<crypto_policy>(body, c.keys));

        auto set = good;
        auto sig = base64::decode(set.signed_entry_timestamp);
        REQUIRE(sig);
        (*sig)[sig->size() - 3] ^= 1;
        set.signed_entry_timestamp = base64::encode(*sig);
        CHECK_FALSE(tlog::verify_set<crypto_policy>(set, c.keys));
    }
}

TEST_CASE("a SET is checked only with the key for its log ID, valid at its time", "[tlog][set]") {
    auto b = spec_example();
    SECTION("no trusted key for that log ID") {
        auto r = tlog::verify_set<crypto_policy>(b, mock_sample_keys());
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK(r.error().message().find("no trusted Rekor key has log ID " + b.log_id) != std::string::npos);
    }
    SECTION("another key posing under the log ID does not verify the SET") {
        auto keys = mock_sample_keys();
        keys.front().log_id = b.log_id;
        auto r = tlog::verify_set<crypto_policy>(b, keys);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("does not verify") != std::string::npos);
    }
    SECTION("the key's validity window must hold integratedTime") {
        auto keys = public_good_keys();
        keys.front().valid_from = b.integrated_time + 1;
        auto r = tlog::verify_set<crypto_policy>(b, keys);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("not valid at integratedTime") != std::string::npos);
        keys.front().valid_from = b.integrated_time;
        keys.front().valid_until = b.integrated_time;
        CHECK(tlog::verify_set<crypto_policy>(b, keys));
        keys.front().valid_until = b.integrated_time - 1;
        CHECK_FALSE(tlog::verify_set<crypto_policy>(b, keys));
    }
    SECTION("integratedTime in the future is refused") {
        CHECK(tlog::check_integrated_time(b, b.integrated_time));
        auto r = tlog::check_integrated_time(b, b.integrated_time - 1);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("in the future") != std::string::npos);
    }
    SECTION("the log ID of a PEM key is the SHA-256 of its DER") {
        CHECK(public_good_keys().front().log_id == "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d");
        CHECK_FALSE(tlog::log_key::from_pem("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 6962 inclusion proofs
// ---------------------------------------------------------------------------------------------

TEST_CASE("a real public-good inclusion proof verifies, and fails when altered", "[tlog][proof]") {
    auto doc = json::parse(tlog_data("cosign/bundles/oci-attestation.sigstore.json"));
    REQUIRE(doc);
    const auto& te = (*doc)["verificationMaterial"]["tlogEntries"][0];
    tlog::log_entry e;
    e.body = te["canonicalizedBody"].GetString();
    auto leaf = tlog::leaf_hash(e.body);
    REQUIRE(leaf);
    e.uuid = leaf->hex();
    tlog::inclusion_proof p;
    p.log_index = std::stoll(te["inclusionProof"]["logIndex"].GetString());
    p.tree_size = std::stoll(te["inclusionProof"]["treeSize"].GetString());
    p.root_hash = b64_to_hex(te["inclusionProof"]["rootHash"].GetString());
    for (const auto& h : te["inclusionProof"]["hashes"].GetArray()) p.hashes.push_back(b64_to_hex(h.GetString()));
    e.proof = p;
    REQUIRE(tlog::verify_inclusion(e));
    CHECK(e.proof->hashes.size() == 16);

    auto wrong_index = e;
    wrong_index.proof->log_index -= 1;
    CHECK_FALSE(tlog::verify_inclusion(wrong_index));
    auto wrong_hash = e;
    wrong_hash.proof->hashes[3][0] = wrong_hash.proof->hashes[3][0] == '0' ? '1' : '0';
    auto r = tlog::verify_inclusion(wrong_hash);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("leads to root") != std::string::npos);
    auto short_proof = e;
    short_proof.proof->hashes.pop_back();
    CHECK_FALSE(tlog::verify_inclusion(short_proof));
    auto outside = e;
    outside.proof->log_index = outside.proof->tree_size;
    CHECK_FALSE(tlog::verify_inclusion(outside));
    auto no_proof = e;
    no_proof.proof.reset();
    CHECK_FALSE(tlog::verify_inclusion(no_proof));
}

// ---------------------------------------------------------------------------------------------
// cosign 2.5's own layer with a local Rekor (tests/data/tlog/cosign2-mock)
// ---------------------------------------------------------------------------------------------

TEST_CASE("cosign 2.5's bundle annotation verifies against its layer and is refused when altered", "[tlog][set]") {
    const std::string dir = "tlog/cosign2-mock/";
    std::string annotation = tlog_data(dir + "bundle-annotation.json");
    std::string payload = tlog_data(dir + "payload.json");
    std::string sig = tlog_data(dir + "signature.b64");
    std::string pub = tlog_data(dir + "cosign.pub");
    auto rekor_key = tlog::log_key::from_pem(tlog_data(dir + "rekor.pub"));
    REQUIRE(rekor_key);
    tlog::log_keys keys{*rekor_key};

    // The layer in the .sig manifest cosign wrote holds exactly these annotation values.
    auto manifest = json::parse(tlog_data(dir + "sig-manifest.json"));
    REQUIRE(manifest);
    const auto& ann = (*manifest)["layers"][0]["annotations"];
    REQUIRE(std::string(ann[tlog::bundle_annotation_key].GetString()) == annotation);
    REQUIRE(std::string(ann["dev.cosignproject.cosign/signature"].GetString()) == sig);

    auto b = tlog::parse_annotation(annotation);
    REQUIRE(b);
    CHECK(tlog::to_annotation(*b) == annotation);  // written back byte for byte
    CHECK(b->log_id == rekor_key->log_id);
    const std::int64_t now = b->integrated_time + 60;
    tlog::signed_layer layer{sig, payload, pub};
    REQUIRE(tlog::verify_bundle<crypto_policy>(*b, layer, keys, now));

    SECTION("SET by another key") {
        auto r = tlog::verify_bundle<crypto_policy>(*b, layer, public_good_keys(), now);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
    }
    SECTION("edited integratedTime or logIndex") {
        auto t = *b;
        t.integrated_time -= 1;
        CHECK_FALSE(tlog::verify_bundle<crypto_policy>(t, layer, keys, now));
        auto i = *b;
        i.log_index ^= 1;
        CHECK_FALSE(tlog::verify_bundle<crypto_policy>(i, layer, keys, now));
    }
    SECTION("a body with another signature, key or hash") {
        auto other_sig = base64::decode(sig);
        REQUIRE(other_sig);
        (*other_sig)[10] ^= 1;
        std::string sig2 = base64::encode(*other_sig);
        tlog::signed_layer l2{sig2, payload, pub};
        auto r = tlog::verify_bundle<crypto_policy>(*b, l2, keys, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("signature") != std::string::npos);

        std::string other_pub = tlog_data("cosign/trust/sigstore-rekor.pub");
        tlog::signed_layer l3{sig, payload, other_pub};
        r = tlog::verify_bundle<crypto_policy>(*b, l3, keys, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("another public key") != std::string::npos);

        std::string payload2 = payload;
        payload2.back() = ' ';
        tlog::signed_layer l4{sig, payload2, pub};
        r = tlog::verify_bundle<crypto_policy>(*b, l4, keys, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("payload hash") != std::string::npos);
    }
    SECTION("a blob known by its digest only (verify-blob): the same verdicts") {
        const std::string hex = sha256(byte_view(payload)).hex();
        CHECK(tlog::verify_bundle<crypto_policy>(*b, tlog::signed_digest{sig, hex, pub}, keys, now));
        std::string hex2 = hex;
        hex2[0] = hex2[0] == '0' ? '1' : '0';
        auto r = tlog::verify_bundle<crypto_policy>(*b, tlog::signed_digest{sig, hex2, pub}, keys, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("payload hash") != std::string::npos);
        CHECK_FALSE(tlog::verify_bundle<crypto_policy>(*b, tlog::signed_digest{sig, hex, pub}, public_good_keys(), now));
    }
    SECTION("integratedTime in the future") {
        auto r = tlog::verify_bundle<crypto_policy>(*b, layer, keys, b->integrated_time - 1);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("in the future") != std::string::npos);
    }
}

namespace {
// The shape of trust::trust_root's tlogs (include/cosign/trust/trust_root.hpp on the trust branch).
struct fake_instant {
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
};
struct fake_validity {
    fake_instant start;
    std::optional<fake_instant> end;
};
struct fake_tlog_key {
    bytes der;
    fake_validity valid_for;
};
struct fake_tlog {
    fake_tlog_key public_key;
    bytes log_id;
    std::string log_id_hex() const { return hex::encode(log_id); }
};
struct fake_trust_root {
    std::vector<fake_tlog> tlogs;
};
}  // namespace

TEST_CASE("a trust root's Rekor keys become the keys SETs are checked with, windows included", "[tlog][set]") {
    auto pg = public_good_keys().front();
    fake_trust_root root;
    fake_tlog t;
    t.public_key.der = pg.public_key_der;
    t.log_id = *hex::decode(pg.log_id);
    auto b = spec_example();
    t.public_key.valid_for.start = {b.integrated_time - 10, 500000000};
    root.tlogs.push_back(t);
    auto keys = tlog::log_keys_from(root);
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].log_id == pg.log_id);
    CHECK(*keys[0].valid_from == b.integrated_time - 9);  // 0.5 s into a second: from the next one
    CHECK_FALSE(keys[0].valid_until);
    CHECK(tlog::verify_set<crypto_policy>(b, keys));

    root.tlogs[0].public_key.valid_for.end = fake_instant{b.integrated_time - 1, 0};
    auto r = tlog::verify_set<crypto_policy>(b, tlog::log_keys_from(root));
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("not valid at integratedTime") != std::string::npos);
}
