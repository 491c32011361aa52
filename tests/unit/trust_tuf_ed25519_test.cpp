// SPDX-License-Identifier: Apache-2.0
// The TUF client over a repository signed with Ed25519 keys (python-tuf's and go-tuf's default
// key type), through a crypto policy that has verify_ed25519: here a test-only one over OpenSSL's
// EVP (built only where cosign::openssl is). mbedTLS alone refuses such metadata, saying why.
#include "catch.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cosign/core/json_writer.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/trust/tuf.hpp>

using namespace cosign;
using namespace cosign::trust;

namespace {

// mbedTLS plus Ed25519 verification by OpenSSL.
struct ed25519_policy : crypto::mbedtls {
    static result<void> verify_ed25519(byte_view spki_der, byte_view message, byte_view signature) {
        const unsigned char* p = spki_der.data();
        EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size()));
        if (!key) return fail(errc::invalid_key, "ed25519: not a SubjectPublicKeyInfo");
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(), message.size()) == 1;
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        if (!ok) return fail(errc::verification_failed, "ed25519: invalid signature");
        return {};
    }
};
static_assert(has_ed25519_v<ed25519_policy>, "the test policy verifies Ed25519");

struct ed_key {
    std::shared_ptr<EVP_PKEY> pkey;
    std::string id, public_hex;

    ed_key() {
        EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
        REQUIRE(kctx);
        EVP_PKEY* k = nullptr;
        REQUIRE(EVP_PKEY_keygen_init(kctx) == 1);
        REQUIRE(EVP_PKEY_keygen(kctx, &k) == 1);
        EVP_PKEY_CTX_free(kctx);
        pkey.reset(k, EVP_PKEY_free);
        unsigned char raw[32];
        size_t len = sizeof raw;
        REQUIRE(EVP_PKEY_get_raw_public_key(k, raw, &len) == 1);
        public_hex = hex::encode(byte_view(raw, len));
        id = sha256(byte_view(public_hex)).hex();
    }
    std::string sign(std::string_view msg) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        REQUIRE(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, pkey.get()) == 1);
        unsigned char sig[64];
        size_t len = sizeof sig;
        REQUIRE(EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1);
        EVP_MD_CTX_free(ctx);
        return hex::encode(byte_view(sig, len));
    }
};

std::string quote(std::string_view s) {
    std::string out;
    json::append_go_string(out, s);
    return out;
}

std::string signed_by(const ed_key& k, const std::string& signed_text) {
    auto doc = json::parse(signed_text);
    REQUIRE(doc);
    auto canon = canonical_json(*doc);
    REQUIRE(canon);
    return "{\"signatures\":[{\"keyid\":" + quote(k.id) + ",\"sig\":\"" + k.sign(*canon) + "\"}],\"signed\":" +
           signed_text + "}";
}

struct static_transport {
    std::shared_ptr<std::map<std::string, std::string>> files;
    result<transport::response> send(const transport::request& req) {
        transport::response r;
        auto it = files->find(req.url);
        r.status = it == files->end() ? 404 : 200;
        if (it != files->end()) r.body = it->second;
        return r;
    }
};

}  // namespace

TEST_CASE("TUF: an Ed25519-signed repository verifies through verify_ed25519, and only through it", "[tuf]") {
    const ed_key k;
    const std::string m = "https://tuf.example";
    const std::string expires = "2099-01-01T00:00:00Z";
    const std::string role = "{\"keyids\":[" + quote(k.id) + "],\"threshold\":1}";
    const std::string root = signed_by(
        k, "{\"_type\":\"root\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"" + expires +
               "\",\"consistent_snapshot\":false,\"keys\":{" + quote(k.id) +
               ":{\"keytype\":\"ed25519\",\"scheme\":\"ed25519\",\"keyval\":{\"public\":\"" + k.public_hex +
               "\"}}},\"roles\":{\"root\":" + role + ",\"timestamp\":" + role + ",\"snapshot\":" + role +
               ",\"targets\":" + role + "}}");
    const std::string target = "hello";
    const std::string targets = signed_by(
        k, "{\"_type\":\"targets\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"" + expires +
               "\",\"targets\":{\"hello.txt\":{\"length\":5,\"hashes\":{\"sha256\":\"" + sha256(byte_view(target)).hex() +
               "\"}}}}");
    const std::string snapshot = signed_by(k, "{\"_type\":\"snapshot\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"" +
                                                  expires + "\",\"meta\":{\"targets.json\":{\"version\":1}}}");
    const std::string timestamp = signed_by(k, "{\"_type\":\"timestamp\",\"spec_version\":\"1.0\",\"version\":1,\"expires\":\"" +
                                                   expires + "\",\"meta\":{\"snapshot.json\":{\"version\":1}}}");
    auto files = std::make_shared<std::map<std::string, std::string>>(std::map<std::string, std::string>{
        {m + "/timestamp.json", timestamp},
        {m + "/snapshot.json", snapshot},
        {m + "/targets.json", targets},
        {m + "/targets/hello.txt", target}});
    tuf::options o;
    o.mirror = m;
    o.initial_root = root;
    o.now = [] { return instant::from_unix(1800000000); };

    tuf::basic_client<ed25519_policy, static_transport> good(static_transport{files}, o);
    REQUIRE(good.refresh());
    auto t = good.get_target("hello.txt");
    REQUIRE(t);
    CHECK(*t == target);

    // One changed byte of the timestamp's signature: refused, with OpenSSL's verdict.
    std::string& ts = (*files)[m + "/timestamp.json"];
    const auto pos = ts.find("\"sig\":\"") + 7;
    ts[pos] = ts[pos] == '0' ? '1' : '0';
    tuf::basic_client<ed25519_policy, static_transport> tampered(static_transport{files}, o);
    auto r = tampered.refresh();
    REQUIRE_FALSE(r);
    CHECK(r.error().message().find("TUF timestamp.json: not enough signatures: 0 valid of the 1 required") !=
          std::string::npos);
    CHECK(r.error().message().find("ed25519: invalid signature") != std::string::npos);

    // mbedTLS alone cannot even trust the root, and says why.
    tuf::basic_client<crypto::mbedtls, static_transport> no_ed(static_transport{files}, o);
    auto n = no_ed.refresh();
    REQUIRE_FALSE(n);
    CHECK(n.error().message().find("TUF root.json (initial): not enough signatures") != std::string::npos);
    CHECK(n.error().message().find("this crypto policy has no verify_ed25519") != std::string::npos);
}
