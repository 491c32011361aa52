// SPDX-License-Identifier: Apache-2.0
// crypto_ops: ECDSA P-256 verify and sign per second through cosign-cpp's crypto policies, for
// bench/crypto36.sh. Which policies are measured depends on what it is compiled against:
// mbedTLS 2.28 (crypto::mbedtls, and crypto::openssl_verify<crypto::mbedtls> with
// -DCRYPTO_OPS_OPENSSL), mbedTLS 3.6 (crypto::mbedtls and crypto::psa). Each row: the policy, its
// label (argv[1] prefixes it), verifies/s and signs/s, over about a second each, on a 200-byte
// payload (a simple-signing payload's size). With PSA, a last row measures PSA's randomized
// ECDSA sign (PSA_ALG_ECDSA, what p256-m accelerates; cosign-cpp signs deterministically).
#include <chrono>
#include <cstdio>
#include <string>

#include <cosign/crypto/mbedtls.hpp>
#if defined(CRYPTO_OPS_OPENSSL)
#include <cosign/crypto/openssl_verify.hpp>
#endif
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <cosign/crypto/psa.hpp>
#define CRYPTO_OPS_PSA 1
#endif

namespace {

using clock_type = std::chrono::steady_clock;

template <class F>
double per_second(F&& op) {
    for (int i = 0; i < 3; ++i) op();  // warm up
    long n = 0;
    const auto start = clock_type::now();
    double elapsed = 0;
    do {
        op();
        ++n;
        elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
    } while (elapsed < 1.0 || n < 20);
    return static_cast<double>(n) / elapsed;
}

const std::string payload(200, 'p');

template <class P>
bool measure(const char* label, const char* name, const char* sign_note) {
    auto key = P::generate_p256();
    if (!key) return std::fprintf(stderr, "%s: %s\n", name, key.error().message().c_str()), false;
    auto pub = P::public_key_of(*key);
    auto sig = P::sign(*key, payload);
    if (!pub || !sig) return std::fprintf(stderr, "%s: cannot sign\n", name), false;
    bool ok = true;
    const double v = per_second([&] { ok = ok && static_cast<bool>(P::verify(*pub, payload, *sig)); });
    const double s = per_second([&] { ok = ok && static_cast<bool>(P::sign(*key, payload)); });
    if (!ok) return std::fprintf(stderr, "%s: an operation failed\n", name), false;
    std::printf("| %s, %s | %.0f | %.0f%s |\n", label, name, v, s, sign_note);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    const char* label = argc > 1 ? argv[1] : MBEDTLS_VERSION_STRING;
    bool ok = measure<cosign::crypto::mbedtls>(label, "crypto::mbedtls", "");
#if defined(CRYPTO_OPS_OPENSSL)
    ok = measure<cosign::crypto::openssl_verify<cosign::crypto::mbedtls>>(
             label, "crypto::openssl_verify<mbedtls> (OpenSSL verifies)", " (mbedTLS signs)") && ok;
#endif
#if defined(CRYPTO_OPS_PSA)
    ok = measure<cosign::crypto::psa>(label, "crypto::psa", " (deterministic)") && ok;
    // PSA's randomized ECDSA: the signing p256-m implements (it has no deterministic ECDSA).
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_key_id_t id = 0;
    if (psa_generate_key(&attr, &id) == PSA_SUCCESS) {
        std::uint8_t hash[32] = {1}, sig[64];
        std::size_t len = 0;
        const double s = per_second([&] {
            ok = ok && psa_sign_hash(id, PSA_ALG_ECDSA(PSA_ALG_SHA_256), hash, 32, sig, sizeof sig, &len) == PSA_SUCCESS;
        });
        const double v = per_second([&] {
            ok = ok && psa_verify_hash(id, PSA_ALG_ECDSA(PSA_ALG_SHA_256), hash, 32, sig, len) == PSA_SUCCESS;
        });
        std::printf("| %s, PSA API directly, randomized ECDSA (PSA_ALG_ECDSA) | %.0f | %.0f (randomized) |\n", label,
                    v, s);
        psa_destroy_key(id);
    } else {
        ok = false;
    }
#endif
    return ok ? 0 : 1;
}
