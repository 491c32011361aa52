// SPDX-License-Identifier: Apache-2.0
// A crypto policy without sign() must be refused with one line that spells the missing member.
// EXPECT: crypto policy: missing `static result<bytes> sign(const private_key&, byte_view message)`
#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/mbedtls.hpp>

// Everything of the mbedTLS policy except sign().
struct policy_without_sign {
    using base = cosign::crypto::mbedtls;
    using private_key = base::private_key;
    using public_key = base::public_key;
    // The verify set.
    static cosign::result<public_key> parse_public_key(std::string_view p) {
        return base::parse_public_key(p);
    }
    static std::string public_key_pem(const public_key& k) { return base::public_key_pem(k); }
    static cosign::result<void> verify(const public_key& k, cosign::byte_view m, cosign::byte_view s,
                                       cosign::hash_algorithm h = cosign::hash_algorithm::sha256) {
        return base::verify(k, m, s, h);
    }
    static cosign::result<cosign::bytes> digest(cosign::hash_algorithm h, cosign::byte_view m) {
        return base::digest(h, m);
    }
    // Signing and key files.
    static cosign::result<private_key> generate_p256() { return base::generate_p256(); }
    static cosign::result<private_key> parse_private_key_der(cosign::byte_view d) {
        return base::parse_private_key_der(d);
    }
    static cosign::result<private_key> parse_private_key_pem(std::string_view p) {
        return base::parse_private_key_pem(p);
    }
    static cosign::result<cosign::secure_bytes> private_key_der(const private_key& k) {
        return base::private_key_der(k);
    }
    static cosign::result<public_key> public_key_of(const private_key& k) { return base::public_key_of(k); }
    static cosign::result<cosign::bytes> public_key_der(const public_key& k) {
        return base::public_key_der(k);
    }
    static cosign::key_info describe(const private_key& k) { return base::describe(k); }
    static cosign::key_info describe(const public_key& k) { return base::describe(k); }
    static cosign::result<void> random(std::uint8_t* out, std::size_t n) { return base::random(out, n); }
    static cosign::result<void> pbkdf2_hmac_sha256(cosign::byte_view pw, cosign::byte_view salt, std::uint32_t i,
                                                   std::uint8_t* out, std::size_t len) {
        return base::pbkdf2_hmac_sha256(pw, salt, i, out, len);
    }
    static cosign::result<void> poly1305(const std::uint8_t* key, cosign::byte_view m, std::uint8_t* tag) {
        return base::poly1305(key, m, tag);
    }
};

static_assert(cosign::is_verify_crypto_v<policy_without_sign>, "the verify set is complete");
static_assert(cosign::check_crypto_policy<policy_without_sign>());

int main() {}
