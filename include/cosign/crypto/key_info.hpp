// SPDX-License-Identifier: Apache-2.0
/// Backend-neutral descriptions of keys and hashes that crypto policies and key sources share.
#pragma once

#include <cstddef>
#include <string>

namespace cosign {
inline namespace v0 {

/// The family of a key.
enum class key_type {
    ecdsa,    ///< elliptic-curve key used for ECDSA
    rsa,      ///< RSA key
    ed25519,  ///< Ed25519 key
    other,    ///< anything else the backend can hold
};

/// What a key is, so that callers can refuse what cosign refuses (P-224, RSA-1024, ...)
/// without touching key bytes.
struct key_info {
    key_type type = key_type::other;
    int bits = 0;       ///< size of the key in bits (curve size for EC, modulus size for RSA)
    std::string curve;  ///< "P-256", "P-384", "P-521", "P-224", "secp256k1", ...; empty unless EC
};

/// The message digests cosign's verifier can be told to use (`--signature-digest-algorithm`).
enum class hash_algorithm { sha224, sha256, sha384, sha512 };

/// The digest cosign signs with for a key: SHA-384 for P-384, SHA-512 for P-521, SHA-256 for
/// everything else (P-256, RSA).
inline hash_algorithm signing_hash_of(const key_info& k) noexcept {
    if (k.type == key_type::ecdsa && k.curve == "P-384") return hash_algorithm::sha384;
    if (k.type == key_type::ecdsa && k.curve == "P-521") return hash_algorithm::sha512;
    return hash_algorithm::sha256;
}

/// The size in bytes of a digest.
inline std::size_t digest_size(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224:
            return 28;
        case hash_algorithm::sha256:
            return 32;
        case hash_algorithm::sha384:
            return 48;
        case hash_algorithm::sha512:
            return 64;
    }
    return 0;
}

/// The name of a digest as OCI and cosign write it: "sha256", ...
inline const char* to_string(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224:
            return "sha224";
        case hash_algorithm::sha256:
            return "sha256";
        case hash_algorithm::sha384:
            return "sha384";
        case hash_algorithm::sha512:
            return "sha512";
    }
    return "sha256";
}

/// The name of a key type, for messages.
inline const char* to_string(key_type t) noexcept {
    switch (t) {
        case key_type::ecdsa:
            return "ECDSA";
        case key_type::rsa:
            return "RSA";
        case key_type::ed25519:
            return "Ed25519";
        case key_type::other:
            return "other";
    }
    return "other";
}

}  // namespace v0
}  // namespace cosign
