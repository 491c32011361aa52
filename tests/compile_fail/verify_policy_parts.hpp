// SPDX-License-Identifier: Apache-2.0
// The five members of a crypto policy's verify set, one struct each (on the mbedTLS policy), so
// that each verify_crypto_missing_*.cpp composes a policy that lacks exactly one of them.
#pragma once

#include <string>
#include <string_view>

#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/mbedtls.hpp>

namespace parts {
using base = cosign::crypto::mbedtls;
using key = base::public_key;

struct with_public_key_type {
    using public_key = key;
};
struct with_parse_public_key {
    static cosign::result<key> parse_public_key(std::string_view text) { return base::parse_public_key(text); }
};
struct with_public_key_pem {
    static std::string public_key_pem(const key& k) { return base::public_key_pem(k); }
};
// verify with a hash, and SHA-256 when called without one: what the verify set asks.
struct with_verify {
    static cosign::result<void> verify(const key& k, cosign::byte_view m, cosign::byte_view s,
                                       cosign::hash_algorithm h = cosign::hash_algorithm::sha256) {
        return base::verify(k, m, s, h);
    }
};
// Only the hashed form: the three-argument call the hosts make does not compile.
struct with_verify_with_hash_only {
    static cosign::result<void> verify(const key& k, cosign::byte_view m, cosign::byte_view s,
                                       cosign::hash_algorithm h) {
        return base::verify(k, m, s, h);
    }
};
// Only the SHA-256 form.
struct with_verify_sha256_only {
    static cosign::result<void> verify(const key& k, cosign::byte_view m, cosign::byte_view s) {
        return base::verify(k, m, s);
    }
};
struct with_digest {
    static cosign::result<cosign::bytes> digest(cosign::hash_algorithm h, cosign::byte_view m) {
        return base::digest(h, m);
    }
};
}  // namespace parts
