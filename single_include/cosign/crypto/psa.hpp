// SPDX-License-Identifier: Apache-2.0
/// A crypto policy on the PSA Crypto API alone (mbedTLS 3.6 with MBEDTLS_PSA_CRYPTO_C, and
/// TF-PSA-Crypto 1.x, the crypto of mbedTLS 4): hashes, ECDSA and RSA PKCS#1 v1.5 signatures,
/// key generation, import and export, random bytes, PBKDF2; and keys kept in PSA's persistent
/// storage (a secure element, TF-M's, or PSA's ITS files), which sign without their private half
/// ever entering this process's memory (keys/psa_key_source.hpp).
///
/// It calls nothing but `psa_*` functions: keys are taken apart and put together (PEM, PKCS#8,
/// SEC1, SubjectPublicKeyInfo) by backend-neutral code (crypto/asn1.hpp), Poly1305 for key files
/// is portable (crypto/poly1305.hpp: PSA has it only inside ChaCha20-Poly1305), and there is no
/// X.509 and no Ed25519 (optional members: see crypto/concepts.hpp). Signatures are the same
/// bytes as crypto::mbedtls makes: ECDSA is deterministic (RFC 6979,
/// PSA_ALG_DETERMINISTIC_ECDSA), RSA is PKCS#1 v1.5.
///
/// psa_crypto_init() is called on first use. Key ids are psa_key_id_t (mbedTLS's
/// MBEDTLS_PSA_CRYPTO_KEY_ID_ENCODES_OWNER must be off, as it is by default). PSA's random
/// generator is not re-seeded after fork(): a child process must not generate keys or random
/// bytes with a PSA state it inherited.
///
///     using crypto = cosign::crypto::psa;
///     auto key = crypto::generate_p256();
///     auto sig = crypto::sign(*key, payload);
#pragma once
// Generated from include/cosign/crypto/psa.hpp: a backend policy, kept out of cosign.hpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <psa/crypto.h>

#include "../cosign.hpp"  // was: ../core/bytes.hpp
#include "../cosign.hpp"  // was: ../core/pem.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: asn1.hpp
#include "../cosign.hpp"  // was: key_info.hpp
#include "../cosign.hpp"  // was: poly1305.hpp

namespace cosign {
inline namespace v0 {
namespace detail {

static_assert(std::is_same<mbedtls_svc_key_id_t, psa_key_id_t>::value,
              "crypto::psa needs key ids without an owner (MBEDTLS_PSA_CRYPTO_KEY_ID_ENCODES_OWNER off)");

/// A PSA status's name, for messages.
inline std::string psa_status_text(psa_status_t s) {
    switch (s) {
        case PSA_ERROR_GENERIC_ERROR: return "PSA_ERROR_GENERIC_ERROR";
        case PSA_ERROR_NOT_SUPPORTED: return "PSA_ERROR_NOT_SUPPORTED";
        case PSA_ERROR_NOT_PERMITTED: return "PSA_ERROR_NOT_PERMITTED";
        case PSA_ERROR_BUFFER_TOO_SMALL: return "PSA_ERROR_BUFFER_TOO_SMALL";
        case PSA_ERROR_ALREADY_EXISTS: return "PSA_ERROR_ALREADY_EXISTS";
        case PSA_ERROR_DOES_NOT_EXIST: return "PSA_ERROR_DOES_NOT_EXIST";
        case PSA_ERROR_BAD_STATE: return "PSA_ERROR_BAD_STATE";
        case PSA_ERROR_INVALID_ARGUMENT: return "PSA_ERROR_INVALID_ARGUMENT";
        case PSA_ERROR_INSUFFICIENT_MEMORY: return "PSA_ERROR_INSUFFICIENT_MEMORY";
        case PSA_ERROR_INSUFFICIENT_STORAGE: return "PSA_ERROR_INSUFFICIENT_STORAGE";
        case PSA_ERROR_COMMUNICATION_FAILURE: return "PSA_ERROR_COMMUNICATION_FAILURE";
        case PSA_ERROR_STORAGE_FAILURE: return "PSA_ERROR_STORAGE_FAILURE";
        case PSA_ERROR_HARDWARE_FAILURE: return "PSA_ERROR_HARDWARE_FAILURE";
        case PSA_ERROR_INSUFFICIENT_ENTROPY: return "PSA_ERROR_INSUFFICIENT_ENTROPY";
        case PSA_ERROR_INVALID_SIGNATURE: return "PSA_ERROR_INVALID_SIGNATURE";
        case PSA_ERROR_INVALID_PADDING: return "PSA_ERROR_INVALID_PADDING";
        case PSA_ERROR_INSUFFICIENT_DATA: return "PSA_ERROR_INSUFFICIENT_DATA";
        case PSA_ERROR_INVALID_HANDLE: return "PSA_ERROR_INVALID_HANDLE";
        case PSA_ERROR_CORRUPTION_DETECTED: return "PSA_ERROR_CORRUPTION_DETECTED";
        case PSA_ERROR_DATA_CORRUPT: return "PSA_ERROR_DATA_CORRUPT";
        case PSA_ERROR_DATA_INVALID: return "PSA_ERROR_DATA_INVALID";
        default: break;
    }
    return "PSA status " + std::to_string(static_cast<int>(s));
}

/// An error that keeps the PSA status as the backend code.
inline cosign::error psa_fail(errc code, const std::string& what, psa_status_t s) {
    return fail(code, what + " (" + psa_status_text(s) + ")", static_cast<int>(s));
}

/// psa_crypto_init(), once per process (later calls return its first status).
inline result<void> psa_ready() {
    static const psa_status_t status = psa_crypto_init();
    if (status != PSA_SUCCESS) return psa_fail(errc::internal, "psa_crypto_init failed", status);
    return {};
}

inline psa_algorithm_t psa_hash_alg(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224: return PSA_ALG_SHA_224;
        case hash_algorithm::sha256: return PSA_ALG_SHA_256;
        case hash_algorithm::sha384: return PSA_ALG_SHA_384;
        case hash_algorithm::sha512: return PSA_ALG_SHA_512;
    }
    return PSA_ALG_SHA_256;
}

/// The PSA family of a curve from asn1.hpp's table.
inline psa_ecc_family_t psa_family_of(const der::named_curve& c) noexcept {
    if (c.name == "secp256k1") return PSA_ECC_FAMILY_SECP_K1;
    if (c.name.substr(0, 9) == "brainpool") return PSA_ECC_FAMILY_BRAINPOOL_P_R1;
    return PSA_ECC_FAMILY_SECP_R1;
}

/// What a PSA key is, as cosign-cpp describes keys; curve_oid is the curve's OID content (EC).
struct psa_key_meta {
    key_info info;
    byte_view curve_oid;
};

/// Describes the key behind `id` from its PSA attributes.
inline result<psa_key_meta> psa_describe_id(psa_key_id_t id) {
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_status_t st = psa_get_key_attributes(id, &attr);
    if (st != PSA_SUCCESS) return psa_fail(errc::invalid_key, "cannot read the PSA key's attributes", st);
    const psa_key_type_t type = psa_get_key_type(&attr);
    const std::size_t bits = psa_get_key_bits(&attr);
    psa_reset_key_attributes(&attr);
    psa_key_meta m;
    m.info.bits = static_cast<int>(bits);
    if (PSA_KEY_TYPE_IS_RSA(type)) {
        m.info.type = key_type::rsa;
        return m;
    }
    if (PSA_KEY_TYPE_IS_ECC(type)) {
        const psa_ecc_family_t family = PSA_KEY_TYPE_ECC_GET_FAMILY(type);
        static const byte_view oids[] = {der::view_of(der::oid_secp192r1),      der::view_of(der::oid_secp224r1),
                                         der::view_of(der::oid_secp256r1),      der::view_of(der::oid_secp384r1),
                                         der::view_of(der::oid_secp521r1),      der::view_of(der::oid_secp256k1),
                                         der::view_of(der::oid_brainpool256r1), der::view_of(der::oid_brainpool384r1),
                                         der::view_of(der::oid_brainpool512r1)};
        for (byte_view oid : oids) {
            auto c = der::curve_of_oid(oid);
            if (c && psa_family_of(*c) == family && c->bits == bits) {
                m.info.type = key_type::ecdsa;
                m.info.curve = std::string(c->name);
                m.curve_oid = oid;
                return m;
            }
        }
    }
    return fail(errc::unsupported, "the PSA key is neither an RSA nor a supported elliptic-curve key");
}

/// The public half of the key behind `id` as DER SubjectPublicKeyInfo.
inline result<bytes> psa_public_spki(psa_key_id_t id, const psa_key_meta& m) {
    bytes buf(PSA_EXPORT_PUBLIC_KEY_MAX_SIZE);
    std::size_t len = 0;
    psa_status_t st = psa_export_public_key(id, buf.data(), buf.size(), &len);
    if (st != PSA_SUCCESS) return psa_fail(errc::internal, "exporting the public key failed", st);
    buf.resize(len);
    if (m.info.type == key_type::rsa) return der::write_rsa_spki(buf);
    return der::write_ec_spki(m.curve_oid, buf);
}

/// Owns one volatile PSA key: destroyed (and so wiped) with its owner.
struct psa_key_slot {
    psa_key_id_t id = PSA_KEY_ID_NULL;
    psa_key_meta meta;

    psa_key_slot() = default;
    psa_key_slot(const psa_key_slot&) = delete;
    psa_key_slot& operator=(const psa_key_slot&) = delete;
    ~psa_key_slot() {
        if (id != PSA_KEY_ID_NULL) psa_destroy_key(id);
    }
};

/// Imports `data` in PSA's format for `type` as a volatile key with `usage` and `alg`.
inline result<std::unique_ptr<psa_key_slot>> psa_import(psa_key_type_t type, std::size_t bits, byte_view data,
                                                        psa_key_usage_t usage, psa_algorithm_t alg,
                                                        const char* what) {
    COSIGN_TRY_VOID(psa_ready());
    std::unique_ptr<psa_key_slot> slot(new (std::nothrow) psa_key_slot);
    if (!slot) return fail(errc::internal, "out of memory");
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, type);
    psa_set_key_bits(&attr, bits);
    psa_set_key_usage_flags(&attr, usage);
    psa_set_key_algorithm(&attr, alg);
    psa_status_t st = psa_import_key(&attr, data.data(), data.size(), &slot->id);
    psa_reset_key_attributes(&attr);
    if (st == PSA_ERROR_NOT_SUPPORTED)
        return psa_fail(errc::unsupported, std::string(what) + " is not supported by this PSA build", st);
    if (st != PSA_SUCCESS) return psa_fail(errc::invalid_key, std::string("could not import the ") + what, st);
    COSIGN_TRY(slot->meta, psa_describe_id(slot->id));
    return slot;
}

// What PSA cannot hold, named, so the message says "not supported" rather than "malformed".
inline const char* psa_unsupported_algorithm_name(byte_view oid) noexcept {
    if (oid == der::view_of(der::oid_ed25519)) return "Ed25519";
    if (oid == der::view_of(der::oid_ed448)) return "Ed448";
    if (oid == der::view_of(der::oid_x25519)) return "X25519";
    return nullptr;
}

/// The algorithms a key may be used with: deterministic ECDSA or RSA PKCS#1 v1.5, any hash.
inline psa_algorithm_t psa_sign_policy(bool ec) noexcept {
    return ec ? PSA_ALG_DETERMINISTIC_ECDSA(PSA_ALG_ANY_HASH) : PSA_ALG_RSA_PKCS1V15_SIGN(PSA_ALG_ANY_HASH);
}

/// The label of the first PEM BEGIN line, or empty.
inline std::string psa_first_pem_label(std::string_view text) {
    static constexpr std::string_view begin = "-----BEGIN ";
    std::size_t b = text.find(begin);
    if (b == std::string_view::npos) return {};
    std::size_t e = text.find("-----", b + begin.size());
    if (e == std::string_view::npos || e - b - begin.size() > 64) return {};
    return std::string(text.substr(b + begin.size(), e - b - begin.size()));
}

/// Checks a signing request as crypto::mbedtls does: cosign's curves and RSA sizes, the key's
/// own digest, of the right length.
inline result<void> psa_check_sign_request(const key_info& info, byte_view digest, hash_algorithm h) {
    if (info.type == key_type::ecdsa) {
        if (info.curve != "P-256" && info.curve != "P-384" && info.curve != "P-521")
            return fail(errc::unsupported,
                        "ECDSA curve " + info.curve + " is not supported for signing (use P-256, P-384 or P-521)");
    } else if (info.type == key_type::rsa) {
        if (info.bits != 2048 && info.bits != 3072 && info.bits != 4096)
            return fail(errc::unsupported, "RSA key size " + std::to_string(info.bits) +
                                               " is not supported for signing (use 2048, 3072 or 4096 bits)");
    } else {
        return fail(errc::unsupported, "this key type cannot sign");
    }
    if (h != signing_hash_of(info))
        return fail(errc::invalid_argument, std::string("a ") + (info.curve.empty() ? "RSA" : info.curve) +
                                                " key signs " + to_string(signing_hash_of(info)) +
                                                " digests, not " + to_string(h));
    if (digest.size() != digest_size(h))
        return fail(errc::invalid_argument, std::string("a ") + to_string(h) + " digest is " +
                                                std::to_string(digest_size(h)) + " bytes, not " +
                                                std::to_string(digest.size()));
    return {};
}

/// Signs `digest` with the key behind `id` (volatile or persistent): ECDSA as ASN.1 DER, RSA
/// PKCS#1 v1.5. ECDSA is deterministic unless the key's policy allows only randomized ECDSA
/// (a persistent key made elsewhere); the key itself never leaves PSA.
inline result<bytes> psa_sign_digest(psa_key_id_t id, const key_info& info, byte_view digest, hash_algorithm h) {
    COSIGN_TRY_VOID(psa_check_sign_request(info, digest, h));
    const psa_algorithm_t hash = psa_hash_alg(h);
    psa_algorithm_t alg = PSA_ALG_RSA_PKCS1V15_SIGN(hash);
    if (info.type == key_type::ecdsa) {
        alg = PSA_ALG_DETERMINISTIC_ECDSA(hash);
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        if (psa_get_key_attributes(id, &attr) == PSA_SUCCESS) {
            const psa_algorithm_t a1 = psa_get_key_algorithm(&attr), a2 = psa_get_key_enrollment_algorithm(&attr);
            const bool det = PSA_ALG_IS_DETERMINISTIC_ECDSA(a1) || PSA_ALG_IS_DETERMINISTIC_ECDSA(a2);
            const bool rnd = PSA_ALG_IS_RANDOMIZED_ECDSA(a1) || PSA_ALG_IS_RANDOMIZED_ECDSA(a2);
            if (!det && rnd) alg = PSA_ALG_ECDSA(hash);
        }
        psa_reset_key_attributes(&attr);
    }
    bytes sig(PSA_SIGNATURE_MAX_SIZE);
    std::size_t len = 0;
    psa_status_t st = psa_sign_hash(id, alg, digest.data(), digest.size(), sig.data(), sig.size(), &len);
    if (st == PSA_ERROR_NOT_PERMITTED)
        return psa_fail(errc::invalid_key, "the PSA key's policy does not allow cosign's signature algorithm", st);
    if (st != PSA_SUCCESS) return psa_fail(errc::internal, "signing failed", st);
    sig.resize(len);
    if (info.type == key_type::ecdsa) return der::p1363_to_der(sig);
    return sig;
}

}  // namespace detail

namespace crypto {

/// A private key held by PSA as a volatile key: move-only; destroyed (wiped) with its handle.
class psa_private_key {
public:
    psa_private_key() = default;
    explicit psa_private_key(std::unique_ptr<detail::psa_key_slot> slot) noexcept : slot_(std::move(slot)) {}
    explicit operator bool() const noexcept { return slot_ != nullptr; }
    /// The PSA key id, for code that needs the backend directly.
    psa_key_id_t native_handle() const noexcept { return slot_ ? slot_->id : PSA_KEY_ID_NULL; }
    /// Type, size, curve.
    const key_info& info() const noexcept { return slot_ ? slot_->meta.info : empty_info(); }
    /// The curve's OID content (EC keys).
    byte_view curve_oid() const noexcept { return slot_ ? slot_->meta.curve_oid : byte_view(); }

private:
    static const key_info& empty_info() noexcept {
        static const key_info k;
        return k;
    }
    std::unique_ptr<detail::psa_key_slot> slot_;
};

/// A public key held by PSA as a volatile key; copies share one key.
class psa_public_key {
public:
    psa_public_key() = default;
    explicit psa_public_key(std::unique_ptr<detail::psa_key_slot> slot) : slot_(std::move(slot)) {}
    explicit operator bool() const noexcept { return slot_ != nullptr; }
    psa_key_id_t native_handle() const noexcept { return slot_ ? slot_->id : PSA_KEY_ID_NULL; }
    key_info info() const { return slot_ ? slot_->meta.info : key_info{}; }
    byte_view curve_oid() const noexcept { return slot_ ? slot_->meta.curve_oid : byte_view(); }

private:
    std::shared_ptr<detail::psa_key_slot> slot_;
};

/// The PSA Crypto policy: stateless, every member static. See crypto/concepts.hpp for the
/// requirements it meets (the full set, verify_prehashed and sign_prehashed; no X.509, no Ed25519).
struct psa {
    using private_key = psa_private_key;
    using public_key = psa_public_key;

    /// A new ECDSA P-256 key, generated inside PSA.
    static result<private_key> generate_p256() {
        COSIGN_TRY_VOID(detail::psa_ready());
        std::unique_ptr<detail::psa_key_slot> slot(new (std::nothrow) detail::psa_key_slot);
        if (!slot) return fail(errc::internal, "out of memory");
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
        psa_set_key_bits(&attr, 256);
        psa_set_key_usage_flags(&attr, key_pair_usage);
        psa_set_key_algorithm(&attr, detail::psa_sign_policy(true));
        psa_status_t st = psa_generate_key(&attr, &slot->id);
        psa_reset_key_attributes(&attr);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "generating a P-256 key failed", st);
        COSIGN_TRY(slot->meta, detail::psa_describe_id(slot->id));
        return private_key(std::move(slot));
    }

    /// Parses a DER private key: PKCS#8 (EC, RSA), SEC1 "EC PRIVATE KEY" (named curve) or
    /// PKCS#1 RSA, and imports it into PSA.
    static result<private_key> parse_private_key_der(byte_view der) {
        if (auto p8 = detail::der::parse_pkcs8(der)) {
            if (const char* name = detail::psa_unsupported_algorithm_name(p8->algorithm))
                return fail(errc::unsupported, std::string(name) + " private keys are not supported by the PSA backend");
            if (p8->algorithm == detail::der::view_of(detail::der::oid_ec_public_key)) {
                detail::der::tlv curve;
                if (!detail::der::read_single(p8->parameters, detail::der::tag_oid, curve))
                    return fail(errc::invalid_key,
                                "could not parse the private key (PKCS#8 EC key without a named curve)");
                return import_ec_private(p8->private_key, curve.content);
            }
            if (p8->algorithm == detail::der::view_of(detail::der::oid_rsa_encryption)) {
                if (!detail::der::is_pkcs1_private(p8->private_key))
                    return fail(errc::invalid_key, "could not parse the private key (PKCS#8 RSA key is not PKCS#1)");
                return import_rsa_private(p8->private_key);
            }
            return fail(errc::invalid_key, "could not parse the private key (unknown PKCS#8 key algorithm)");
        }
        if (detail::der::is_sec1(der)) return import_ec_private(der, byte_view());
        if (detail::der::is_pkcs1_private(der)) return import_rsa_private(der);
        return fail(errc::invalid_key, "could not parse the private key (not PKCS#8, SEC1 or PKCS#1 DER)");
    }

    /// Parses a PEM private key: "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1, optionally after
    /// an "EC PARAMETERS" block) or "RSA PRIVATE KEY" (PKCS#1). Other labels: errc::invalid_key.
    static result<private_key> parse_private_key_pem(std::string_view pem_text) {
        auto decoded = pem::decode_all<secure_bytes>(pem_text);
        if (!decoded) {
            std::string label = detail::psa_first_pem_label(pem_text);
            if (label.empty()) return std::move(decoded).error();
            return cosign::error(decoded.error()).context("PEM block \"" + label + "\"");
        }
        auto& blocks = *decoded;
        std::size_t i = 0;
        while (i < blocks.size() && blocks[i].label == "EC PARAMETERS") ++i;
        if (i == blocks.size()) return fail(errc::invalid_key, "no private key PEM block found");
        const auto& b = blocks[i];
        if (b.label == "PRIVATE KEY") {
            if (!detail::der::parse_pkcs8(b.der))
                return fail(errc::invalid_key, "the \"PRIVATE KEY\" PEM block does not hold a PKCS#8 key");
        } else if (b.label == "EC PRIVATE KEY") {
            if (!detail::der::is_sec1(b.der))
                return fail(errc::invalid_key, "the \"EC PRIVATE KEY\" PEM block does not hold a SEC1 key");
        } else if (b.label == "RSA PRIVATE KEY") {
            if (!detail::der::is_pkcs1_private(b.der))
                return fail(errc::invalid_key, "the \"RSA PRIVATE KEY\" PEM block does not hold a PKCS#1 key");
        } else if (b.label == "ENCRYPTED PRIVATE KEY") {
            return fail(errc::unsupported,
                        "encrypted PKCS#8 (\"ENCRYPTED PRIVATE KEY\") is not supported: decrypt it first "
                        "(openssl pkcs8 -in key.pem -out plain.pem)");
        } else {
            return fail(errc::invalid_key, "unsupported PEM block \"" + b.label +
                                               "\" (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
        }
        return parse_private_key_der(b.der);
    }

    /// The key as mbedTLS writes it: SEC1 ECPrivateKey with the named curve and the public point
    /// (EC), or PKCS#1 RSAPrivateKey (RSA). crypto::to_pkcs8_der<psa> makes Go's PKCS#8 of it.
    static result<secure_bytes> private_key_der(const private_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        secure_bytes buf(PSA_EXPORT_KEY_PAIR_MAX_SIZE);
        std::size_t len = 0;
        psa_status_t st = psa_export_key(key.native_handle(), buf.data(), buf.size(), &len);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "exporting the private key failed", st);
        buf.resize(len);
        if (key.info().type == key_type::rsa) return buf;
        bytes point(PSA_EXPORT_PUBLIC_KEY_MAX_SIZE);
        std::size_t plen = 0;
        st = psa_export_public_key(key.native_handle(), point.data(), point.size(), &plen);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "exporting the public key failed", st);
        point.resize(plen);
        return detail::der::write_sec1(buf, key.curve_oid(), point);
    }

    /// The public half of a private key.
    static result<public_key> public_key_of(const private_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        COSIGN_TRY(auto der, detail::psa_public_spki(key.native_handle(), {key.info(), key.curve_oid()}));
        return parse_public_key_der(der);
    }

    /// Parses a public key: PEM "PUBLIC KEY" (PKIX), PEM "RSA PUBLIC KEY" (PKCS#1), or raw DER of
    /// either.
    static result<public_key> parse_public_key(std::string_view pem_or_der) {
        if (pem_or_der.find("-----BEGIN ") == std::string_view::npos) return parse_public_key_der(pem_or_der);
        COSIGN_TRY(auto block, pem::decode(pem_or_der));
        if (block.label == "PUBLIC KEY") {
            if (detail::der::spki_algorithm(block.der).empty())
                return fail(errc::invalid_key, "the \"PUBLIC KEY\" PEM block does not hold a SubjectPublicKeyInfo");
        } else if (block.label == "RSA PUBLIC KEY") {
            if (!is_pkcs1_public(block.der))
                return fail(errc::invalid_key, "the \"RSA PUBLIC KEY\" PEM block does not hold a PKCS#1 public key");
        } else {
            return fail(errc::invalid_key, "unsupported PEM block \"" + block.label +
                                               "\" for a public key (expected PUBLIC KEY or RSA PUBLIC KEY)");
        }
        return parse_public_key_der(block.der);
    }

    /// The public key as DER SubjectPublicKeyInfo (as mbedTLS and Go write it).
    static result<bytes> public_key_der(const public_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        return detail::psa_public_spki(key.native_handle(), {key.info(), key.curve_oid()});
    }

    /// The public key as a "PUBLIC KEY" PEM block, as cosign writes cosign.pub; empty on failure.
    static std::string public_key_pem(const public_key& key) {
        auto der = public_key_der(key);
        return der ? pem::encode("PUBLIC KEY", *der) : std::string();
    }

    static key_info describe(const private_key& key) { return key.info(); }
    static key_info describe(const public_key& key) { return key.info(); }

    /// Signs `message` as `cosign sign --key` does: ECDSA P-256/P-384/P-521 with SHA-256/384/512
    /// (ASN.1 DER, deterministic RFC 6979), RSA 2048/3072/4096 with PKCS#1 v1.5 and SHA-256.
    static result<bytes> sign(const private_key& key, byte_view message) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        const hash_algorithm h = signing_hash_of(key.info());
        COSIGN_TRY(auto hash, digest(h, message));
        return sign_prehashed(key, hash, h);
    }

    /// sign() over a message whose digest is `digest` (optional member: has_sign_prehashed_v).
    static result<bytes> sign_prehashed(const private_key& key, byte_view digest, hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        return detail::psa_sign_digest(key.native_handle(), key.info(), digest, h);
    }

    /// Verifies as `cosign verify --key` does (SHA-256 unless told otherwise). ECDSA signatures may
    /// be ASN.1 DER or IEEE P1363 r||s. A signature that does not verify is errc::verification_failed.
    static result<void> verify(const public_key& key, byte_view message, byte_view signature) {
        return verify(key, message, signature, hash_algorithm::sha256);
    }

    /// verify() with another message digest (`--signature-digest-algorithm`).
    static result<void> verify(const public_key& key, byte_view message, byte_view signature, hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        COSIGN_TRY(auto hash, digest(h, message));
        return verify_digest(key, h, hash, signature);
    }

    /// verify() over a digest computed elsewhere: `digest` must be h's size (errc::invalid_argument
    /// otherwise). Optional member: has_verify_prehashed_v.
    static result<void> verify_prehashed(const public_key& key, byte_view digest, byte_view signature,
                                         hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        const std::size_t size = digest_size(h);
        if (digest.size() != size)
            return fail(errc::invalid_argument, "the digest is " + std::to_string(digest.size()) +
                                                    " bytes; this hash makes " + std::to_string(size));
        return verify_digest(key, h, digest, signature);
    }

    /// Fills out[0..n) with random bytes from PSA's generator.
    static result<void> random(std::uint8_t* out, std::size_t n) {
        COSIGN_TRY_VOID(detail::psa_ready());
        if (n == 0) return {};
        psa_status_t st = psa_generate_random(out, n);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "the random generator failed", st);
        return {};
    }

    /// The digest of `message`.
    static result<bytes> digest(hash_algorithm h, byte_view message) {
        COSIGN_TRY_VOID(detail::psa_ready());
        bytes out(digest_size(h));
        std::size_t len = 0;
        psa_status_t st = psa_hash_compute(detail::psa_hash_alg(h), message.data(), message.size(), out.data(),
                                           out.size(), &len);
        if (st == PSA_ERROR_NOT_SUPPORTED)
            return detail::psa_fail(errc::unsupported, "this PSA build lacks the requested hash", st);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "hashing failed", st);
        out.resize(len);
        return out;
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018) of `len` bytes into `out`, through PSA's key derivation
    /// (PSA_ALG_PBKDF2_HMAC): what crypto::scrypt builds on.
    static result<void> pbkdf2_hmac_sha256(byte_view password, byte_view salt, std::uint32_t iterations,
                                           std::uint8_t* out, std::size_t len) {
        if (static_cast<std::uint64_t>(len) > 0xffffffffu)
            return fail(errc::invalid_argument, "PBKDF2: the derived key is too long");
        COSIGN_TRY_VOID(detail::psa_ready());
        psa_key_derivation_operation_t op = PSA_KEY_DERIVATION_OPERATION_INIT;
        psa_status_t st = psa_key_derivation_setup(&op, PSA_ALG_PBKDF2_HMAC(PSA_ALG_SHA_256));
        if (st == PSA_SUCCESS) st = psa_key_derivation_input_integer(&op, PSA_KEY_DERIVATION_INPUT_COST, iterations);
        if (st == PSA_SUCCESS)
            st = psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_SALT, salt.data(), salt.size());
        if (st == PSA_SUCCESS)
            st = psa_key_derivation_input_bytes(&op, PSA_KEY_DERIVATION_INPUT_PASSWORD, password.data(),
                                                password.size());
        if (st == PSA_SUCCESS && len > 0) st = psa_key_derivation_output_bytes(&op, out, len);
        psa_key_derivation_abort(&op);
        // mbedTLS 3.6 without MBEDTLS_PSA_CRYPTO_CONFIG has no PSA_WANT_ALG_PBKDF2_HMAC: build it on HMAC.
        if (st == PSA_ERROR_NOT_SUPPORTED) st = pbkdf2_on_hmac(password, salt, iterations, out, len);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "PBKDF2-HMAC-SHA256 failed", st);
        return {};
    }

    /// Poly1305 (RFC 8439) of `message` under the one-time 32-byte key: the portable one
    /// (crypto/poly1305.hpp), as PSA has no bare Poly1305.
    static result<void> poly1305(const std::uint8_t* key32, byte_view message, std::uint8_t* tag16) {
        detail::poly1305(key32, message, tag16);
        return {};
    }

    // ---- keys in PSA's persistent storage (not policy members: see keys/psa_key_source.hpp) ----

    /// The lowest and highest key ids an application may give a persistent key.
    static constexpr psa_key_id_t min_persistent_id = PSA_KEY_ID_USER_MIN;
    static constexpr psa_key_id_t max_persistent_id = PSA_KEY_ID_USER_MAX;

    /// Stores a copy of `key` as the persistent key `id`, usable to sign and verify and never
    /// exportable. errc::invalid_argument when `id` is outside the application range, and
    /// PSA_ERROR_ALREADY_EXISTS (errc::invalid_key) when the id is taken.
    static result<void> store_persistent_key(psa_key_id_t id, const private_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        COSIGN_TRY_VOID(check_persistent_id(id));
        secure_bytes material(PSA_EXPORT_KEY_PAIR_MAX_SIZE);
        std::size_t len = 0;
        psa_status_t st = psa_export_key(key.native_handle(), material.data(), material.size(), &len);
        if (st != PSA_SUCCESS) return detail::psa_fail(errc::internal, "exporting the private key failed", st);
        material.resize(len);
        psa_key_attributes_t attr = persistent_attributes(id, key.info().type == key_type::ecdsa);
        psa_key_attributes_t src = PSA_KEY_ATTRIBUTES_INIT;
        st = psa_get_key_attributes(key.native_handle(), &src);
        if (st == PSA_SUCCESS) {
            psa_set_key_type(&attr, psa_get_key_type(&src));
            psa_set_key_bits(&attr, psa_get_key_bits(&src));
        }
        psa_reset_key_attributes(&src);
        psa_key_id_t out = PSA_KEY_ID_NULL;
        if (st == PSA_SUCCESS) st = psa_import_key(&attr, material.data(), material.size(), &out);
        psa_reset_key_attributes(&attr);
        if (st != PSA_SUCCESS)
            return detail::psa_fail(errc::invalid_key,
                                    "storing the persistent PSA key " + std::to_string(id) + " failed", st);
        return {};
    }

    /// Generates an ECDSA P-256 key inside PSA as the persistent key `id`; its private half never
    /// leaves PSA.
    static result<void> generate_persistent_p256(psa_key_id_t id) {
        COSIGN_TRY_VOID(check_persistent_id(id));
        psa_key_attributes_t attr = persistent_attributes(id, true);
        psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
        psa_set_key_bits(&attr, 256);
        psa_key_id_t out = PSA_KEY_ID_NULL;
        psa_status_t st = psa_generate_key(&attr, &out);
        psa_reset_key_attributes(&attr);
        if (st != PSA_SUCCESS)
            return detail::psa_fail(errc::invalid_key,
                                    "generating the persistent PSA key " + std::to_string(id) + " failed", st);
        return {};
    }

    /// Destroys the persistent key `id` (its storage is wiped); errc::not_found when there is none.
    static result<void> destroy_persistent_key(psa_key_id_t id) {
        COSIGN_TRY_VOID(check_persistent_id(id));
        psa_status_t st = psa_destroy_key(id);
        if (st == PSA_ERROR_DOES_NOT_EXIST || st == PSA_ERROR_INVALID_HANDLE)
            return detail::psa_fail(errc::not_found, "there is no PSA key " + std::to_string(id), st);
        if (st != PSA_SUCCESS)
            return detail::psa_fail(errc::internal, "destroying the PSA key " + std::to_string(id) + " failed", st);
        return {};
    }

private:
    static constexpr psa_key_usage_t key_pair_usage =
        PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH | PSA_KEY_USAGE_EXPORT;

    static result<void> check_persistent_id(psa_key_id_t id) {
        if (id < min_persistent_id || id > max_persistent_id)
            return fail(errc::invalid_argument, "a persistent PSA key id is from " + std::to_string(min_persistent_id) +
                                                    " to " + std::to_string(max_persistent_id) + ", not " +
                                                    std::to_string(id));
        return detail::psa_ready();
    }

    // A persistent signing key's attributes (type and size set by the caller): sign and verify,
    // no export, no copy.
    static psa_key_attributes_t persistent_attributes(psa_key_id_t id, bool ec) {
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_id(&attr, id);
        psa_set_key_lifetime(&attr, PSA_KEY_LIFETIME_PERSISTENT);
        psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_VERIFY_HASH);
        psa_set_key_algorithm(&attr, detail::psa_sign_policy(ec));
        return attr;
    }

    // PBKDF2 (RFC 8018 section 5.2) with PSA's HMAC-SHA256. An empty password is HMAC's all-zero
    // block-sized key (HMAC pads keys with zeros), as PSA refuses empty keys.
    static psa_status_t pbkdf2_on_hmac(byte_view password, byte_view salt, std::uint32_t iterations,
                                       std::uint8_t* out, std::size_t len) {
        const psa_algorithm_t alg = PSA_ALG_HMAC(PSA_ALG_SHA_256);
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        psa_set_key_type(&attr, PSA_KEY_TYPE_HMAC);
        psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_MESSAGE);
        psa_set_key_algorithm(&attr, alg);
        static constexpr std::uint8_t zero_block[64] = {0};
        byte_view key = password.empty() ? byte_view(zero_block, sizeof zero_block) : password;
        psa_key_id_t id = PSA_KEY_ID_NULL;
        psa_status_t st = psa_import_key(&attr, key.data(), key.size(), &id);
        psa_reset_key_attributes(&attr);
        if (st != PSA_SUCCESS) return st;
        secure_bytes u(32), t(32);
        std::size_t mac_len = 0;
        for (std::uint32_t block = 1; st == PSA_SUCCESS && len > 0; ++block) {
            const std::uint8_t be[4] = {static_cast<std::uint8_t>(block >> 24), static_cast<std::uint8_t>(block >> 16),
                                        static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block)};
            psa_mac_operation_t op = PSA_MAC_OPERATION_INIT;
            st = psa_mac_sign_setup(&op, id, alg);
            if (st == PSA_SUCCESS && !salt.empty()) st = psa_mac_update(&op, salt.data(), salt.size());
            if (st == PSA_SUCCESS) st = psa_mac_update(&op, be, sizeof be);
            if (st == PSA_SUCCESS) st = psa_mac_sign_finish(&op, u.data(), u.size(), &mac_len);
            psa_mac_abort(&op);
            t = u;
            for (std::uint32_t i = 1; st == PSA_SUCCESS && i < iterations; ++i) {
                st = psa_mac_compute(id, alg, u.data(), u.size(), u.data(), u.size(), &mac_len);
                for (std::size_t k = 0; k < t.size(); ++k) t[k] = static_cast<std::uint8_t>(t[k] ^ u[k]);
            }
            const std::size_t n = len < t.size() ? len : t.size();
            for (std::size_t k = 0; k < n; ++k) out[k] = t[k];
            out += n;
            len -= n;
        }
        psa_destroy_key(id);
        return st;
    }

    // The modulus size of a PKCS#1 RSA key (private or public: n is the first INTEGER after an
    // optional version), or 0.
    static std::size_t rsa_modulus_bits(byte_view pkcs1, bool is_private) {
        detail::der::tlv outer, first, n;
        std::size_t pos = 0;
        if (!detail::der::read_single(pkcs1, detail::der::tag_sequence, outer)) return 0;
        if (is_private && !detail::der::expect(outer.content, pos, detail::der::tag_integer, first)) return 0;
        if (!detail::der::expect(outer.content, pos, detail::der::tag_integer, n)) return 0;
        byte_view v = n.content;
        while (!v.empty() && v[0] == 0) v = v.subview(1);
        if (v.empty()) return 0;
        std::size_t bits = 8 * v.size();
        for (std::uint8_t top = v[0]; !(top & 0x80); top = static_cast<std::uint8_t>(top << 1)) --bits;
        return bits;
    }

    static result<void> check_rsa_size(byte_view pkcs1, bool is_private) {
        const std::size_t bits = rsa_modulus_bits(pkcs1, is_private);
        if (bits > PSA_VENDOR_RSA_MAX_KEY_BITS)
            return fail(errc::unsupported, "RSA keys of " + std::to_string(bits) + " bits are not supported by PSA "
                                           "(at most " + std::to_string(PSA_VENDOR_RSA_MAX_KEY_BITS) + " bits)");
        return {};
    }

    static bool is_pkcs1_public(byte_view der) {
        detail::der::tlv outer, n, e;
        std::size_t pos = 0;
        return detail::der::read_single(der, detail::der::tag_sequence, outer) &&
               detail::der::expect(outer.content, pos, detail::der::tag_integer, n) &&
               detail::der::expect(outer.content, pos, detail::der::tag_integer, e) && pos == outer.content.size();
    }

    // SEC1 (curve from `curve_oid` when the key itself names none) -> a PSA ECC key pair.
    static result<private_key> import_ec_private(byte_view sec1, byte_view curve_oid) {
        auto parts = detail::der::parse_sec1(sec1);
        if (!parts) return fail(errc::invalid_key, "could not parse the private key (malformed SEC1 ECPrivateKey)");
        byte_view oid = parts->curve.empty() ? curve_oid : parts->curve;
        if (oid.empty()) return fail(errc::invalid_key, "could not parse the private key (SEC1 key without a curve)");
        if (!curve_oid.empty() && !parts->curve.empty() && !(curve_oid == parts->curve))
            return fail(errc::invalid_key, "could not parse the private key (PKCS#8 and SEC1 name different curves)");
        auto curve = detail::der::curve_of_oid(oid);
        if (!curve) return fail(errc::unsupported, "unsupported elliptic curve in the private key");
        // PSA wants the scalar in exactly the curve's size: pad or strip leading zeros.
        const std::size_t n = (curve->bits + 7) / 8;
        byte_view d = parts->private_key;
        while (d.size() > n && d[0] == 0) d = d.subview(1);
        if (d.size() > n) return fail(errc::invalid_key, "could not parse the private key (scalar too long)");
        secure_bytes scalar(n - d.size(), 0);
        scalar.insert(scalar.end(), d.begin(), d.end());
        COSIGN_TRY(auto slot, detail::psa_import(PSA_KEY_TYPE_ECC_KEY_PAIR(detail::psa_family_of(*curve)), curve->bits,
                                                 scalar, key_pair_usage, detail::psa_sign_policy(true),
                                                 "EC private key"));
        return private_key(std::move(slot));
    }

    static result<private_key> import_rsa_private(byte_view pkcs1) {
        COSIGN_TRY_VOID(check_rsa_size(pkcs1, true));
        COSIGN_TRY(auto slot, detail::psa_import(PSA_KEY_TYPE_RSA_KEY_PAIR, 0, pkcs1, key_pair_usage,
                                                 detail::psa_sign_policy(false), "RSA private key"));
        return private_key(std::move(slot));
    }

    static result<public_key> parse_public_key_der(byte_view der) {
        auto spki = detail::der::parse_spki(der);
        if (!spki) {
            if (is_pkcs1_public(der)) return import_rsa_public(der);
            return fail(errc::invalid_key, "could not parse the public key (not a SubjectPublicKeyInfo)");
        }
        if (const char* name = detail::psa_unsupported_algorithm_name(spki->algorithm))
            return fail(errc::unsupported, std::string(name) + " public keys are not supported by the PSA backend");
        if (spki->algorithm == detail::der::view_of(detail::der::oid_ec_public_key)) {
            detail::der::tlv curve_el;
            if (!detail::der::read_single(spki->parameters, detail::der::tag_oid, curve_el))
                return fail(errc::invalid_key, "could not parse the public key (EC key without a named curve)");
            auto curve = detail::der::curve_of_oid(curve_el.content);
            if (!curve) return fail(errc::unsupported, "unsupported elliptic curve in the public key");
            const psa_algorithm_t any = PSA_ALG_ECDSA(PSA_ALG_ANY_HASH);
            COSIGN_TRY(auto slot, detail::psa_import(PSA_KEY_TYPE_ECC_PUBLIC_KEY(detail::psa_family_of(*curve)),
                                                     curve->bits, spki->key, PSA_KEY_USAGE_VERIFY_HASH, any,
                                                     "EC public key"));
            return public_key(std::move(slot));
        }
        if (spki->algorithm == detail::der::view_of(detail::der::oid_rsa_encryption)) {
            static constexpr std::uint8_t null_params[] = {detail::der::tag_null, 0};
            if (!spki->parameters.empty() && !(spki->parameters == detail::der::view_of(null_params)))
                return fail(errc::invalid_key, "could not parse the public key (RSA parameters are not NULL)");
            if (!is_pkcs1_public(spki->key))
                return fail(errc::invalid_key, "could not parse the public key (malformed RSAPublicKey)");
            return import_rsa_public(spki->key);
        }
        return fail(errc::invalid_key, "could not parse the public key (unknown key algorithm)");
    }

    static result<public_key> import_rsa_public(byte_view pkcs1) {
        COSIGN_TRY_VOID(check_rsa_size(pkcs1, false));
        COSIGN_TRY(auto slot, detail::psa_import(PSA_KEY_TYPE_RSA_PUBLIC_KEY, 0, pkcs1, PSA_KEY_USAGE_VERIFY_HASH,
                                                 PSA_ALG_RSA_PKCS1V15_SIGN(PSA_ALG_ANY_HASH), "RSA public key"));
        return public_key(std::move(slot));
    }

    // ECDSA (DER or IEEE P1363 r||s) or RSA PKCS#1 v1.5 over a digest made with h.
    static result<void> verify_digest(const public_key& key, hash_algorithm h, byte_view hash, byte_view signature) {
        const key_info info = key.info();
        const psa_algorithm_t hash_alg = detail::psa_hash_alg(h);
        if (info.type == key_type::ecdsa) {
            const std::size_t n = (static_cast<std::size_t>(info.bits) + 7) / 8;
            const psa_algorithm_t alg = PSA_ALG_ECDSA(hash_alg);
            if (auto raw = detail::der::der_to_p1363(signature, n)) {
                if (psa_verify_hash(key.native_handle(), alg, hash.data(), hash.size(), raw->data(), raw->size()) ==
                    PSA_SUCCESS)
                    return {};
            }
            if (signature.size() == 2 * n &&
                psa_verify_hash(key.native_handle(), alg, hash.data(), hash.size(), signature.data(),
                                signature.size()) == PSA_SUCCESS)
                return {};
            return fail(errc::verification_failed, "invalid signature when validating ASN.1 encoded signature");
        }
        if (info.type == key_type::rsa) {
            psa_status_t st = psa_verify_hash(key.native_handle(), PSA_ALG_RSA_PKCS1V15_SIGN(hash_alg), hash.data(),
                                              hash.size(), signature.data(), signature.size());
            if (st == PSA_SUCCESS) return {};
            return detail::psa_fail(errc::verification_failed, "crypto/rsa: verification error", st);
        }
        return fail(errc::unsupported, "this public key type cannot verify signatures");
    }
};

}  // namespace crypto
}  // namespace v0
}  // namespace cosign
