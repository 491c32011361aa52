// SPDX-License-Identifier: Apache-2.0
// Unit tests of RFC 3161 timestamps on real tokens from the local TSA of tests/peers (cosign 3's
// sign-blob --timestamp-server-url, and openssl ts queries: tests/data/timestamp/README.md): the
// good tokens verify; each altered in one field is refused naming its check.
#include "catch.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <cosign/bundle/bundle.hpp>
#include <cosign/bundle/verify.hpp>
#include <cosign/core/base64.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/timestamp/request.hpp>
#include <cosign/timestamp/sha1.hpp>
#include <cosign/timestamp/token.hpp>
#include <cosign/timestamp/verify.hpp>
#include <cosign/trust/trusted_root_json.hpp>

using namespace cosign;
using crypto_policy = crypto::mbedtls;

namespace {

std::string data(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/timestamp/" + rel, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bytes to_bytes(const std::string& s) { return bytes(s.begin(), s.end()); }

// The token cosign 3 stored in its bundle (no embedded certificate, ESSCertIDv2).
bytes bundle_token() {
    const std::string b = data("key-tsa.bundle.json");
    const std::string key = "\"signedTimestamp\":\"";
    const auto at = b.find(key);
    REQUIRE(at != std::string::npos);
    const auto end = b.find('"', at + key.size());
    auto der = base64::decode(b.substr(at + key.size(), end - at - key.size()));
    REQUIRE(der);
    return *der;
}

trust::trust_root root() {
    auto r = trust::parse_trusted_root(data("trusted_root.json"));
    REQUIRE(r);
    return *r;
}

// `der` with the first occurrence of `from` replaced by `to` (same length).
bytes patched(bytes der, const bytes& from, const bytes& to) {
    REQUIRE(from.size() == to.size());
    auto it = std::search(der.begin(), der.end(), from.begin(), from.end());
    REQUIRE(it != der.end());
    std::copy(to.begin(), to.end(), it);
    return der;
}

std::string message_of(const result<timestamp::verified_timestamp>& r) {
    REQUIRE_FALSE(r);
    return r.error().message();
}

}  // namespace

TEST_CASE("sha1 matches FIPS 180 examples", "[timestamp]") {
    CHECK(hex::encode(detail::sha1(byte_view("abc"))) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex::encode(detail::sha1(byte_view(""))) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(hex::encode(detail::sha1(byte_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST_CASE("a cosign 3 token parses", "[timestamp]") {
    const bytes der = bundle_token();
    auto t = timestamp::parse_token(der);
    REQUIRE(t);
    CHECK(t->policy == "1.3.6.1.4.1.57264.2");
    CHECK(t->imprint_hash.hash == hash_algorithm::sha256);
    CHECK(hex::encode(t->imprint) == sha256(byte_view(to_bytes(data("sig.bin")))).hex());
    CHECK(t->gen_time_text.size() == 15);
    CHECK(t->gen_time.nanos == 0);
    CHECK(t->certificates.empty());
    CHECK(t->content_type == timestamp::oid_tst_info);
    REQUIRE(t->signing_certificates.size() == 1);
    CHECK(t->signing_certificates[0].v2);
    CHECK(t->signature_algorithm == "1.2.840.10045.4.3.2");
}

TEST_CASE("genTime with fractional seconds", "[timestamp]") {
    auto t = timestamp::detail::parse_generalized_time(byte_view("20261208001148.51Z"));
    REQUIRE(t);
    CHECK(t->nanos == 510000000);
    auto w = timestamp::detail::parse_generalized_time(byte_view("20261208001148Z"));
    REQUIRE(w);
    CHECK(t->seconds == w->seconds);
    auto n = timestamp::detail::parse_generalized_time(byte_view("20261208001148.123456789Z"));
    REQUIRE(n);
    CHECK(n->nanos == 123456789);
    CHECK_FALSE(timestamp::detail::parse_generalized_time(byte_view("20261208001148.50Z")));  // trailing zero
    CHECK_FALSE(timestamp::detail::parse_generalized_time(byte_view("20261208001148.Z")));
    CHECK_FALSE(timestamp::detail::parse_generalized_time(byte_view("20261208001148")));
    CHECK_FALSE(timestamp::detail::parse_generalized_time(byte_view("2026120800114Z")));
}

TEST_CASE("good tokens verify over the signature", "[timestamp]") {
    const bytes sig = to_bytes(data("sig.bin"));
    const trust::trust_root r = root();
    SECTION("cosign 3's, no embedded certificate") {
        auto v = timestamp::verify_token<crypto_policy>(bundle_token(), sig, r);
        REQUIRE(v);
        CHECK(v->authority_uri.find("/api/v1/timestamp") != std::string::npos);
        CHECK(v->time.seconds > 1700000000);
    }
    SECTION("with the certificates embedded") {
        auto v = timestamp::verify_token<crypto_policy>(to_bytes(data("with-certs.tsr")), sig, r);
        REQUIRE(v);
        auto t = timestamp::parse_token(to_bytes(data("with-certs.tsr")));
        REQUIRE(t);
        CHECK_FALSE(t->certificates.empty());
    }
    SECTION("a SHA-384 imprint, no nonce") {
        auto v = timestamp::verify_token<crypto_policy>(to_bytes(data("sha384-no-nonce.tsr")), sig, r);
        REQUIRE(v);
        auto t = timestamp::parse_token(to_bytes(data("sha384-no-nonce.tsr")));
        REQUIRE(t);
        CHECK(t->imprint_hash.hash == hash_algorithm::sha384);
        CHECK_FALSE(t->nonce);
    }
}

TEST_CASE("altered tokens are refused naming the check", "[timestamp]") {
    const bytes sig = to_bytes(data("sig.bin"));
    const trust::trust_root r = root();
    const bytes good = bundle_token();
    auto t = timestamp::parse_token(good);
    REQUIRE(t);
    SECTION("another signature") {
        bytes other = sig;
        other[10] ^= 1;
        CHECK(message_of(timestamp::verify_token<crypto_policy>(good, other, r)).find("timestamp: message imprint") == 0);
    }
    SECTION("the imprint") {
        bytes imp = t->imprint;
        bytes alt = imp;
        alt[0] ^= 1;
        CHECK(message_of(timestamp::verify_token<crypto_policy>(patched(good, imp, alt), sig, r))
                  .find("timestamp: message imprint") == 0);
    }
    SECTION("genTime") {
        bytes g = to_bytes(t->gen_time_text);
        bytes alt = g;
        alt[3] = static_cast<std::uint8_t>(alt[3] == '9' ? '8' : alt[3] + 1);  // another year
        CHECK(message_of(timestamp::verify_token<crypto_policy>(patched(good, g, alt), sig, r))
                  .find("timestamp: signed attributes: the message-digest") == 0);
    }
    SECTION("the ESSCertID's hash") {
        bytes h = t->signing_certificates[0].cert_hash;
        bytes alt = h;
        alt[5] ^= 0x40;
        CHECK(message_of(timestamp::verify_token<crypto_policy>(patched(good, h, alt), sig, r))
                  .find("timestamp: signing certificate (ESSCertID)") == 0);
    }
    SECTION("the signature") {
        bytes s = t->signature;
        bytes alt = s;
        alt[20] ^= 1;
        CHECK(message_of(timestamp::verify_token<crypto_policy>(patched(good, s, alt), sig, r))
                  .find("timestamp: signature:") == 0);
    }
    SECTION("not DER") {
        bytes cut(good.begin(), good.begin() + 100);
        CHECK(message_of(timestamp::verify_token<crypto_policy>(cut, sig, r)).find("timestamp: malformed token") == 0);
    }
    SECTION("a trust root without the TSA's root") {
        trust::trust_root other = r;
        other.timestamp_authorities[0].cert_chain.back() = other.certificate_authorities[0].cert_chain.back();
        CHECK(message_of(timestamp::verify_token<crypto_policy>(good, sig, other)).find("timestamp: certificate chain") ==
              0);
    }
    SECTION("a TSA trusted only before genTime") {
        trust::trust_root other = r;
        other.timestamp_authorities[0].valid_for.end = trust::instant::from_unix(t->gen_time.seconds - 1);
        CHECK(message_of(timestamp::verify_token<crypto_policy>(good, sig, other)).find("timestamp: genTime") == 0);
    }
    SECTION("no TSA in the trust root") {
        trust::trust_root other = r;
        other.timestamp_authorities.clear();
        CHECK(message_of(timestamp::verify_token<crypto_policy>(good, sig, other)).find("timestamp: certificate chain") ==
              0);
    }
}

TEST_CASE("re-signed tokens: one field changed, the rest valid", "[timestamp]") {
    // Made by tests/data/timestamp/make_altered.py from with-certs.tsr with the mock TSA's key.
    const bytes sig = to_bytes(data("sig.bin"));
    const trust::trust_root r = root();
    auto verify = [&](const char* file) { return timestamp::verify_token<crypto_policy>(to_bytes(data(file)), sig, r); };
    SECTION("the control verifies") { REQUIRE(verify("resigned.tsr")); }
    SECTION("genTime with fractional seconds verifies and keeps them") {
        auto v = verify("fraction.tsr");
        REQUIRE(v);
        CHECK(v->time.nanos == 510000000);
        CHECK(v->time_text.find(".51Z") != std::string::npos);
    }
    SECTION("ESSCertID v1 (SHA-1) verifies") {
        auto t = timestamp::parse_token(to_bytes(data("ess-v1.tsr")));
        REQUIRE(t);
        REQUIRE(t->signing_certificates.size() == 1);
        CHECK_FALSE(t->signing_certificates[0].v2);
        CHECK(t->signing_certificates[0].hash.sha1);
        REQUIRE(verify("ess-v1.tsr"));
    }
    SECTION("an ESSCertIDv2 naming another serial") {
        CHECK(message_of(verify("ess-serial.tsr")).find("timestamp: signing certificate (ESSCertID): the issuerSerial") ==
              0);
    }
    SECTION("a signing certificate without the time-stamping usage") {
        const std::string m = message_of(verify("no-eku.tsr"));
        CHECK(m.find("timestamp: certificate chain:") == 0);
        CHECK(m.find("time-stamping extended key usage") != std::string::npos);
    }
    SECTION("a signing certificate not valid at genTime") {
        const std::string m = message_of(verify("expired-leaf.tsr"));
        CHECK(m.find("timestamp: certificate chain: the signing certificate was not valid at genTime") == 0);
    }
    SECTION("genTime after the TSA certificates expired") {
        const std::string m = message_of(verify("after-validity.tsr"));
        CHECK(m.find("timestamp: certificate chain: the signing certificate was not valid at genTime 20271209000000Z") ==
              0);
    }
}

TEST_CASE("a blob bundle's timestamps are verified", "[timestamp]") {
    auto b = bundle::parse_bundle(data("key-tsa.bundle.json"));
    REQUIRE(b);
    auto key = crypto_policy::parse_public_key(data("cosign.pub"));
    REQUIRE(key);
    blob_digest artifact;
    const auto h = sha256(byte_view(data("blob.txt")));
    artifact.value.assign(h.bytes.begin(), h.bytes.end());
    bundle::key_verify_options o;
    o.ignore_tlog = true;  // cosign 3 signed with --tlog-upload=false: the timestamp is the only time
    SECTION("with the trust root's TSAs") {
        o.timestamp_authorities = root().timestamp_authorities;
        auto v = bundle::verify_blob_bundle<crypto_policy>(*b, artifact, *key, o);
        REQUIRE(v);
        CHECK(v->timestamps_verified == 1);
        REQUIRE(v->timestamp_time);
        CHECK(v->timestamp_time->seconds > 1700000000);
    }
    SECTION("without a trusted TSA") {
        auto v = bundle::verify_blob_bundle<crypto_policy>(*b, artifact, *key, o);
        REQUIRE_FALSE(v);
        CHECK(v.error().message().find("timestamp 0: certificate chain: the trust root has no timestamp authority") == 0);
    }
    SECTION("a timestamp over another signature") {
        o.timestamp_authorities = root().timestamp_authorities;
        bundle::sigstore_bundle other = *b;
        other.material.rfc3161_timestamps.front() = to_bytes(data("fraction.tsr"));  // stamps the same signature
        REQUIRE(bundle::verify_blob_bundle<crypto_policy>(other, artifact, *key, o));
        other.material.rfc3161_timestamps.push_back(other.material.rfc3161_timestamps.front());
        other.material.rfc3161_timestamps.back()[80] ^= 1;
        auto v = bundle::verify_blob_bundle<crypto_policy>(other, artifact, *key, o);
        REQUIRE_FALSE(v);
        CHECK(v.error().message().find("timestamp 1: ") == 0);
    }
}

TEST_CASE("a timestamp request as openssl ts -query writes it, and its answer checked", "[timestamp]") {
    const bytes sig = to_bytes(data("sig.bin"));
    const auto h = sha256(sig);
    const bytes digest(h.bytes.begin(), h.bytes.end());
    const bytes nonce = *hex::decode("a4ec2e47d843f9e8");  // what openssl-request.tsq sent
    CHECK(timestamp::make_request(hash_algorithm::sha256, digest, nonce) == to_bytes(data("openssl-request.tsq")));
    const bytes answer = to_bytes(data("with-certs.tsr"));  // the mock TSA's answer to it
    auto ok = timestamp::check_response(answer, hash_algorithm::sha256, digest, nonce);
    REQUIRE(ok);
    CHECK(ok->nonce);
    bytes other_nonce = nonce;
    other_nonce[7] ^= 1;
    auto n = timestamp::check_response(answer, hash_algorithm::sha256, digest, other_nonce);
    REQUIRE_FALSE(n);
    CHECK(n.error().message().find("timestamp: nonce:") == 0);
    bytes other_digest = digest;
    other_digest[0] ^= 1;
    auto d = timestamp::check_response(answer, hash_algorithm::sha256, other_digest, nonce);
    REQUIRE_FALSE(d);
    CHECK(d.error().message().find("timestamp: message imprint:") == 0);
    auto s384 = timestamp::check_response(answer, hash_algorithm::sha384, digest, nonce);
    REQUIRE_FALSE(s384);
    const bytes refused = *hex::decode("30053003020102");  // PKIStatus rejection, no token
    auto r = timestamp::check_response(refused, hash_algorithm::sha256, digest, nonce);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("timestamp: the TSA refused") == 0);
}

TEST_CASE("keyless without a log entry: the certificate is checked at the timestamp's time", "[timestamp]") {
    // cosign 3 sign-blob keyless, --tlog-upload=false, --timestamp-server-url (the local mock).
    auto b = bundle::parse_bundle(data("keyless/keyless.sigstore.json"));
    REQUIRE(b);
    auto tr = trust::parse_trusted_root(data("keyless/trusted_root.json"));
    REQUIRE(tr);
    std::string issuer = data("keyless/issuer.txt");
    while (!issuer.empty() && (issuer.back() == '\n' || issuer.back() == '\r')) issuer.pop_back();
    keyless_policy p;
    p.root = *tr;
    p.identity.subject = "alice@example.com";
    p.identity.issuer = issuer;
    blob_digest artifact;
    const auto h = sha256(byte_view(data("keyless/blob.bin")));
    artifact.value.assign(h.bytes.begin(), h.bytes.end());
    bundle::key_verify_options o;
    o.ignore_tlog = true;
    o.now = 4102444800;  // 2100: long after the short-lived certificate expired
    auto v = bundle::verify_blob_bundle_keyless<crypto_policy>(*b, artifact, p, o);
    REQUIRE(v);
    CHECK(v->log.timestamps_verified == 1);
    bundle::sigstore_bundle untimed = *b;
    untimed.material.rfc3161_timestamps.clear();
    auto u = bundle::verify_blob_bundle_keyless<crypto_policy>(untimed, artifact, p, o);
    REQUIRE_FALSE(u);
    INFO(u.error().message());
    CHECK(u.error().message().find("2100-01-01") != std::string::npos);  // checked at now, not valid then
}
