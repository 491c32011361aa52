// SPDX-License-Identifier: Apache-2.0
// A verify-only crypto policy as a user writes one (for a secure element, PSA Crypto, a hardware
// verifier): the five members of the verify set, here on plain mbedTLS calls, and nothing else.
// basic_verifier takes it, verifies cosign's own signature through it and refuses a damaged one.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include <cosign/cosign.hpp>
#include <cosign/testing/fake_registry.hpp>

using namespace cosign;

namespace {

/// The example: no private keys, no signing, no random, no key-file primitives.
struct mbedtls_verify_only {
    /// 1. A copyable public key handle.
    using public_key = std::shared_ptr<mbedtls_pk_context>;

    /// 2. A public key from PEM or DER.
    static result<public_key> parse_public_key(std::string_view pem_or_der) {
        public_key key(new mbedtls_pk_context, [](mbedtls_pk_context* p) {
            mbedtls_pk_free(p);
            delete p;
        });
        mbedtls_pk_init(key.get());
        std::string text(pem_or_der);  // mbedTLS wants PEM's terminating NUL counted
        const std::size_t len = text.find("-----BEGIN") != std::string::npos ? text.size() + 1 : text.size();
        if (mbedtls_pk_parse_public_key(key.get(), reinterpret_cast<const unsigned char*>(text.c_str()), len) != 0)
            return fail(errc::invalid_key, "not a public key");
        return key;
    }

    /// 3. The key as "PUBLIC KEY" PEM (the verifier hands it to worker threads).
    static std::string public_key_pem(const public_key& key) {
        unsigned char buf[4096];
        if (mbedtls_pk_write_pubkey_pem(key.get(), buf, sizeof buf) != 0) return {};
        return reinterpret_cast<const char*>(buf);
    }

    /// 4. verify, SHA-256 unless told otherwise.
    static result<void> verify(const public_key& key, byte_view message, byte_view signature,
                               hash_algorithm h = hash_algorithm::sha256) {
        COSIGN_TRY(auto hash, digest(h, message));
        int ret = mbedtls_pk_verify(key.get(), md_of(h), hash.data(), hash.size(), signature.data(), signature.size());
        if (ret != 0) return fail(errc::verification_failed, "invalid signature", ret);
        return {};
    }

    /// 5. Message digests.
    static result<bytes> digest(hash_algorithm h, byte_view message) {
        const mbedtls_md_info_t* md = mbedtls_md_info_from_type(md_of(h));
        bytes out(mbedtls_md_get_size(md));
        static const unsigned char empty = 0;
        if (mbedtls_md(md, message.empty() ? &empty : message.data(), message.size(), out.data()) != 0)
            return fail(errc::internal, "hashing failed");
        return out;
    }

private:
    static mbedtls_md_type_t md_of(hash_algorithm h) {
        switch (h) {
            case hash_algorithm::sha224:
                return MBEDTLS_MD_SHA224;
            case hash_algorithm::sha384:
                return MBEDTLS_MD_SHA384;
            case hash_algorithm::sha512:
                return MBEDTLS_MD_SHA512;
            case hash_algorithm::sha256:
                break;
        }
        return MBEDTLS_MD_SHA256;
    }
};

static_assert(check_verify_crypto<mbedtls_verify_only>(), "the five members are the whole verify set");
static_assert(!is_crypto_policy_v<mbedtls_verify_only>, "and no more: it cannot sign");
static_assert(!has_x509_v<mbedtls_verify_only> && !has_verify_prehashed_v<mbedtls_verify_only> &&
                  !has_ed25519_v<mbedtls_verify_only>,
              "and has none of the optional members");

using fake = transport::fake_transport;
using verifier_t = basic_verifier<mbedtls_verify_only, fake>;

std::string data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::string ex = "cosign/derived/sig-image-example/";
const std::string host = "registry.test";
// The image digest cosign's example payload claims.
const std::string image_digest = "sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f";

// Stores cosign's example signature image (config, payload, manifest as cosign wrote them) at
// the image's .sig tag, with `manifest` in place of cosign's manifest when given.
void store_signature(fake& f, const std::string& manifest) {
    f.put_blob(host, "test/image", data_file(ex + "config.json"));
    f.put_blob(host, "test/image", data_file(ex + "payload.json"));
    f.put_manifest(host, "test/image", "sha256-d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f.sig",
                   manifest, "application/vnd.oci.image.manifest.v1+json");
}

}  // namespace

TEST_CASE("a five-member verify-only policy verifies cosign's signature through basic_verifier", "[verify][crypto]") {
    fake f;
    registry::basic_client<fake> client(f);
    store_signature(f, data_file(ex + "manifest.json"));
    auto key = load_public_key<mbedtls_verify_only>(std::string(COSIGN_TEST_DATA) + "/" + ex + "cosign.pub");
    REQUIRE(key);
    auto image = oci::reference::parse(host + "/test/image@" + image_digest);
    REQUIRE(image);

    verifier_t v(client);
    auto ok = v.verify(*image, *key);
    INFO((ok ? "" : ok.error().message()));
    REQUIRE(ok);
    REQUIRE(ok->signatures.size() == 1);
    CHECK(ok->signatures[0].payload == data_file(ex + "payload.json"));
    CHECK_FALSE(ok->signatures[0].certificate);  // no X.509 members: certificates are not read

    // Worker threads take their own key from public_key_pem.
    verify_options opts;
    opts.max_workers = 4;
    CHECK(v.verify(*image, *key, opts));
}

TEST_CASE("the verify-only policy refuses a damaged signature and another key", "[verify][crypto]") {
    std::string manifest = data_file(ex + "manifest.json");
    const std::string sig = "MEQCIDUfih4ug3/K5edoN99oYeYKAUkxpN0jnUIzX1bxTp/aAiAQzvlrsg0OxmIgLcluVGt7/JLqPC/SKPzVsl9lSkBMyg==";
    auto at = manifest.find(sig);
    REQUIRE(at != std::string::npos);
    manifest[at + 20] = manifest[at + 20] == 'A' ? 'B' : 'A';  // one base64 digit of r

    fake f;
    registry::basic_client<fake> client(f);
    store_signature(f, manifest);
    auto key = mbedtls_verify_only::parse_public_key(data_file(ex + "cosign.pub"));
    REQUIRE(key);
    auto image = oci::reference::parse(host + "/test/image@" + image_digest);
    REQUIRE(image);
    auto bad = verifier_t(client).verify(*image, *key);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::verification_failed);

    // The undamaged signature with a key that did not make it.
    fake g;
    registry::basic_client<fake> other_client(g);
    store_signature(g, data_file(ex + "manifest.json"));
    auto other = mbedtls_verify_only::parse_public_key(data_file("cosign/trust/sigstore-rekor.pub"));
    REQUIRE(other);
    auto wrong_key = verifier_t(other_client).verify(*image, *other);
    REQUIRE_FALSE(wrong_key);
    CHECK(wrong_key.error().code() == errc::verification_failed);

    CHECK(mbedtls_verify_only::parse_public_key("not a key").error().code() == errc::invalid_key);
}
