// SPDX-License-Identifier: Apache-2.0
/// The default crypto policy, on mbedTLS (2.28 and 3.x): keys, ECDSA/RSA signatures, digests,
/// random bytes, and the primitives cosign's key files are built on (PBKDF2-HMAC-SHA256, Poly1305,
/// SEC1/PKCS#1 key writing: see crypto/key_file_crypto.hpp for scrypt, secretbox and PKCS#8).
///
/// This is the only file of cosign-cpp that includes mbedTLS headers. Link with
/// `-lmbedtls -lmbedx509 -lmbedcrypto`.
///
///     using crypto = cosign::crypto::mbedtls;
///     auto key = crypto::generate_p256();
///     auto sig = crypto::sign(*key, payload);
///     auto pub = crypto::public_key_of(*key);
///     auto ok  = crypto::verify(*pub, payload, *sig);   // errc::verification_failed if not
#pragma once
// Generated from include/cosign/crypto/mbedtls.hpp: a backend policy, kept out of cosign.hpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_MAJOR >= 3
#include <mbedtls/build_info.h>
#else
#include <mbedtls/config.h>
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/poly1305.h>
#include <mbedtls/x509_crt.h>
#if defined(MBEDTLS_ERROR_C)
#include <mbedtls/error.h>
#endif

#include "../cosign.hpp"  // was: ../core/bytes.hpp
#include "../cosign.hpp"  // was: ../core/config.hpp
#include "../cosign.hpp"  // was: ../core/hex.hpp
#include "../cosign.hpp"  // was: ../core/pem.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: asn1.hpp
#include "../cosign.hpp"  // was: key_info.hpp
#include "../cosign.hpp"  // was: x509.hpp

namespace cosign {
inline namespace v0 {
namespace detail {

/// mbedTLS's description of an error code, for messages.
inline std::string mbedtls_error_text(int ret) {
#if defined(MBEDTLS_ERROR_C)
    char buf[192];
    mbedtls_strerror(ret, buf, sizeof buf);
    return buf;
#else
    unsigned v = static_cast<unsigned>(ret < 0 ? -ret : ret);
    std::uint8_t b[4] = {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
    return "mbedTLS error -0x" + hex::encode(byte_view(b, 4));
#endif
}

/// An error that keeps mbedTLS's code as the backend code.
inline cosign::error mbedtls_fail(errc code, const std::string& what, int ret) {
    return fail(code, what + " (" + mbedtls_error_text(ret) + ")", ret);
}

struct pk_deleter {
    void operator()(mbedtls_pk_context* p) const noexcept {
        mbedtls_pk_free(p);  // frees the key material with mbedtls_platform_zeroize
        delete p;
    }
};
using pk_ptr = std::unique_ptr<mbedtls_pk_context, pk_deleter>;

inline pk_ptr new_pk() {
    auto* p = new (std::nothrow) mbedtls_pk_context;
    if (p) mbedtls_pk_init(p);
    return pk_ptr(p);
}

// A pointer that is never null, for mbedTLS calls that may memcpy from an empty input.
inline const unsigned char* nonnull(byte_view v) noexcept {
    static constexpr unsigned char dummy = 0;
    return v.data() ? v.data() : &dummy;
}

/// One CTR_DRBG per thread, seeded from the platform entropy and re-seeded after fork().
struct mbedtls_drbg {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context ctr;
    int seed_ret = 0;
    pid_t pid = 0;

    mbedtls_drbg() { init(); }
    ~mbedtls_drbg() { release(); }
    mbedtls_drbg(const mbedtls_drbg&) = delete;
    mbedtls_drbg& operator=(const mbedtls_drbg&) = delete;

    void init() {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&ctr);
        static constexpr unsigned char personal[] = "cosign-cpp ctr_drbg";
        seed_ret = mbedtls_ctr_drbg_seed(&ctr, mbedtls_entropy_func, &entropy, personal, sizeof personal - 1);
        pid = getpid();
    }
    void release() {
        mbedtls_ctr_drbg_free(&ctr);
        mbedtls_entropy_free(&entropy);
    }
    int fill(unsigned char* out, std::size_t n) {
        if (pid != getpid()) {  // a forked child must not repeat its parent's stream
            release();
            init();
        }
        if (seed_ret != 0) return seed_ret;
        while (n > 0) {
            std::size_t chunk = n < MBEDTLS_CTR_DRBG_MAX_REQUEST ? n : MBEDTLS_CTR_DRBG_MAX_REQUEST;
            int ret = mbedtls_ctr_drbg_random(&ctr, out, chunk);
            if (ret != 0) return ret;
            out += chunk;
            n -= chunk;
        }
        return 0;
    }
};

inline mbedtls_drbg& thread_drbg() {
    thread_local mbedtls_drbg drbg;
    return drbg;
}

/// The f_rng callback handed to mbedTLS.
inline int mbedtls_rng(void*, unsigned char* out, std::size_t n) { return thread_drbg().fill(out, n); }

inline bool is_ec_type(mbedtls_pk_type_t t) noexcept {
    return t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECDSA;
}

inline mbedtls_ecp_group_id ec_group_of(const mbedtls_pk_context* pk) noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3
    return mbedtls_pk_ec(*pk)->MBEDTLS_PRIVATE(grp).id;
#else
    return mbedtls_pk_ec(*pk)->grp.id;
#endif
}

/// Go's names for the NIST curves; mbedTLS's names for the others.
inline std::string curve_name(mbedtls_ecp_group_id id) {
    switch (id) {
        case MBEDTLS_ECP_DP_SECP192R1:
            return "P-192";
        case MBEDTLS_ECP_DP_SECP224R1:
            return "P-224";
        case MBEDTLS_ECP_DP_SECP256R1:
            return "P-256";
        case MBEDTLS_ECP_DP_SECP384R1:
            return "P-384";
        case MBEDTLS_ECP_DP_SECP521R1:
            return "P-521";
        default:
            break;
    }
    const mbedtls_ecp_curve_info* info = mbedtls_ecp_curve_info_from_grp_id(id);
    return info ? info->name : "unknown";
}

inline key_info describe_pk(const mbedtls_pk_context* pk) {
    key_info k;
    if (!pk) return k;
    mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);
    k.bits = static_cast<int>(mbedtls_pk_get_bitlen(pk));
    if (is_ec_type(t) || t == MBEDTLS_PK_ECKEY_DH) {
        k.type = t == MBEDTLS_PK_ECKEY_DH ? key_type::other : key_type::ecdsa;
        k.curve = curve_name(ec_group_of(pk));
    } else if (t == MBEDTLS_PK_RSA) {
        k.type = key_type::rsa;
    }
    return k;
}

inline result<bytes> md_hash(mbedtls_md_type_t t, byte_view message) {
    const mbedtls_md_info_t* info = mbedtls_md_info_from_type(t);
    if (!info) return fail(errc::unsupported, "this mbedTLS build lacks the requested hash");
    bytes out(mbedtls_md_get_size(info));
    int ret = mbedtls_md(info, nonnull(message), message.size(), out.data());
    if (ret != 0) return mbedtls_fail(errc::internal, "hashing failed", ret);
    return out;
}

inline mbedtls_md_type_t md_type_of(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224:
            return MBEDTLS_MD_SHA224;
        case hash_algorithm::sha256:
            return MBEDTLS_MD_SHA256;
        case hash_algorithm::sha384:
            return MBEDTLS_MD_SHA384;
        case hash_algorithm::sha512:
            return MBEDTLS_MD_SHA512;
    }
    return MBEDTLS_MD_SHA256;
}

inline result<bytes> write_public_der(const mbedtls_pk_context* pk) {
    bytes buf(4096);  // an RSA-8192 SubjectPublicKeyInfo is about 1.1 KB
    int ret = mbedtls_pk_write_pubkey_der(const_cast<mbedtls_pk_context*>(pk), buf.data(), buf.size());
    if (ret < 0) return mbedtls_fail(errc::internal, "writing the public key failed", ret);
    return bytes(buf.end() - ret, buf.end());
}

// What mbedTLS cannot hold, named, so the message says "not supported" rather than "malformed".
inline const char* unsupported_algorithm_name(byte_view oid) noexcept {
    if (oid == der::view_of(der::oid_ed25519)) return "Ed25519";
    if (oid == der::view_of(der::oid_ed448)) return "Ed448";
    if (oid == der::view_of(der::oid_x25519)) return "X25519";
    return nullptr;
}

/// The label of the first PEM BEGIN line, or empty; names the block in messages when the
/// block itself does not decode.
inline std::string first_pem_label(std::string_view text) {
    static constexpr std::string_view begin = "-----BEGIN ";
    std::size_t b = text.find(begin);
    if (b == std::string_view::npos) return {};
    std::size_t e = text.find("-----", b + begin.size());
    if (e == std::string_view::npos || e - b - begin.size() > 64) return {};
    return std::string(text.substr(b + begin.size(), e - b - begin.size()));
}

/// An mbedTLS certificate time as Unix seconds.
inline std::int64_t x509_time_seconds(const mbedtls_x509_time& t) noexcept {
    return x509::days_from_civil(t.year, static_cast<unsigned>(t.mon), static_cast<unsigned>(t.day)) * 86400 +
           t.hour * 3600 + t.min * 60 + t.sec;
}

}  // namespace detail

namespace crypto {

/// A private key held by mbedTLS: move-only, and wiped and freed when destroyed.
class mbedtls_private_key {
public:
    mbedtls_private_key() = default;
    explicit mbedtls_private_key(detail::pk_ptr pk) noexcept : pk_(std::move(pk)) {}
    explicit operator bool() const noexcept { return pk_ != nullptr; }
    /// The mbedTLS context, for code that needs the backend directly.
    mbedtls_pk_context* native_handle() const noexcept { return pk_.get(); }

private:
    detail::pk_ptr pk_;
};

/// A public key held by mbedTLS; copies share one immutable context.
class mbedtls_public_key {
public:
    mbedtls_public_key() = default;
    explicit mbedtls_public_key(detail::pk_ptr pk) : pk_(std::move(pk)) {}
    explicit operator bool() const noexcept { return pk_ != nullptr; }
    mbedtls_pk_context* native_handle() const noexcept { return pk_.get(); }

private:
    std::shared_ptr<mbedtls_pk_context> pk_;
};

struct x509_crt_deleter {
    void operator()(mbedtls_x509_crt* p) const noexcept {
        mbedtls_x509_crt_free(p);
        delete p;
    }
};

/// An X.509 certificate held by mbedTLS; copies share one immutable context.
class mbedtls_certificate {
public:
    mbedtls_certificate() = default;
    explicit mbedtls_certificate(mbedtls_x509_crt* crt) : crt_(crt, x509_crt_deleter{}) {}
    explicit operator bool() const noexcept { return crt_ != nullptr; }
    mbedtls_x509_crt* native_handle() const noexcept { return crt_.get(); }

private:
    std::shared_ptr<mbedtls_x509_crt> crt_;
};

/// The mbedTLS crypto policy: stateless, every member static. See crypto/concepts.hpp for the
/// requirements it meets.
struct mbedtls {
    using private_key = mbedtls_private_key;
    using public_key = mbedtls_public_key;

    /// A new ECDSA P-256 key (what `cosign generate-key-pair` makes).
    static result<private_key> generate_p256() {
        auto pk = detail::new_pk();
        if (!pk) return fail(errc::internal, "out of memory");
        int ret = mbedtls_pk_setup(pk.get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "generating a P-256 key failed", ret);
        ret = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk), detail::mbedtls_rng, nullptr);
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "generating a P-256 key failed", ret);
        return private_key(std::move(pk));
    }

    /// Parses a DER private key: PKCS#8 (EC, RSA), SEC1 "EC PRIVATE KEY" or PKCS#1 RSA.
    static result<private_key> parse_private_key_der(byte_view der) {
        if (auto p8 = detail::der::parse_pkcs8(der)) {
            if (const char* name = detail::unsupported_algorithm_name(p8->algorithm))
                return fail(errc::unsupported,
                            std::string(name) + " private keys are not supported by the mbedTLS backend");
        }
        auto pk = detail::new_pk();
        if (!pk) return fail(errc::internal, "out of memory");
#if MBEDTLS_VERSION_MAJOR >= 3
        int ret = mbedtls_pk_parse_key(pk.get(), detail::nonnull(der), der.size(), nullptr, 0,
                                       detail::mbedtls_rng, nullptr);
#else
        int ret = mbedtls_pk_parse_key(pk.get(), detail::nonnull(der), der.size(), nullptr, 0);
#endif
        if (ret != 0) return detail::mbedtls_fail(errc::invalid_key, "could not parse the private key", ret);
        mbedtls_pk_type_t t = mbedtls_pk_get_type(pk.get());
        if (!detail::is_ec_type(t) && t != MBEDTLS_PK_RSA)
            return fail(errc::unsupported,
                        std::string("unsupported private key type ") + mbedtls_pk_get_name(pk.get()));
        return private_key(std::move(pk));
    }

    /// Parses a PEM private key: "PRIVATE KEY" (PKCS#8), "EC PRIVATE KEY" (SEC1, optionally after
    /// an "EC PARAMETERS" block) or "RSA PRIVATE KEY" (PKCS#1). Other labels: errc::invalid_key.
    static result<private_key> parse_private_key_pem(std::string_view pem_text) {
        auto decoded = pem::decode_all<secure_bytes>(pem_text);
        if (!decoded) {
            std::string label = detail::first_pem_label(pem_text);
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
                return fail(errc::invalid_key,
                            "the \"RSA PRIVATE KEY\" PEM block does not hold a PKCS#1 key");
        } else if (b.label == "ENCRYPTED PRIVATE KEY") {
            return fail(errc::unsupported,
                        "encrypted PKCS#8 (\"ENCRYPTED PRIVATE KEY\") is not supported: decrypt it first "
                        "(openssl pkcs8 -in key.pem -out plain.pem)");
        } else {
            return fail(errc::invalid_key,
                        "unsupported PEM block \"" + b.label +
                            "\" (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
        }
        return parse_private_key_der(b.der);
    }

    /// The key as mbedTLS writes it: SEC1 ECPrivateKey (EC) or PKCS#1 RSAPrivateKey (RSA).
    /// crypto::to_pkcs8_der<mbedtls> makes Go's PKCS#8 of it.
    static result<secure_bytes> private_key_der(const private_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        secure_bytes buf(16384);
        int ret = mbedtls_pk_write_key_der(key.native_handle(), buf.data(), buf.size());
        if (ret < 0) return detail::mbedtls_fail(errc::internal, "writing the private key failed", ret);
        return secure_bytes(buf.end() - ret, buf.end());
    }

    /// The public half of a private key.
    static result<public_key> public_key_of(const private_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        COSIGN_TRY(auto der, detail::write_public_der(key.native_handle()));
        return parse_public_key_der(der);
    }

    /// Parses a public key: PEM "PUBLIC KEY" (PKIX), PEM "RSA PUBLIC KEY" (PKCS#1), or raw DER of
    /// either.
    static result<public_key> parse_public_key(std::string_view pem_or_der) {
        if (pem_or_der.find("-----BEGIN ") == std::string_view::npos) return parse_public_key_der(pem_or_der);
        COSIGN_TRY(auto block, pem::decode(pem_or_der));
        if (block.label == "PUBLIC KEY") {
            if (detail::der::spki_algorithm(block.der).empty())
                return fail(errc::invalid_key,
                            "the \"PUBLIC KEY\" PEM block does not hold a SubjectPublicKeyInfo");
        } else if (block.label == "RSA PUBLIC KEY") {
            detail::der::tlv outer, n, e;
            std::size_t pos = 0;
            if (!detail::der::read_single(block.der, detail::der::tag_sequence, outer) ||
                !detail::der::expect(outer.content, pos, detail::der::tag_integer, n) ||
                !detail::der::expect(outer.content, pos, detail::der::tag_integer, e) ||
                pos != outer.content.size())
                return fail(errc::invalid_key,
                            "the \"RSA PUBLIC KEY\" PEM block does not hold a PKCS#1 public key");
        } else {
            return fail(errc::invalid_key, "unsupported PEM block \"" + block.label +
                                               "\" for a public key (expected PUBLIC KEY or RSA PUBLIC KEY)");
        }
        return parse_public_key_der(block.der);
    }

    /// The public key as DER SubjectPublicKeyInfo.
    static result<bytes> public_key_der(const public_key& key) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        return detail::write_public_der(key.native_handle());
    }

    /// The public key as a "PUBLIC KEY" PEM block, as cosign writes cosign.pub; empty on failure.
    static std::string public_key_pem(const public_key& key) {
        auto der = public_key_der(key);
        return der ? pem::encode("PUBLIC KEY", *der) : std::string();
    }

    static key_info describe(const private_key& key) { return detail::describe_pk(key.native_handle()); }
    static key_info describe(const public_key& key) { return detail::describe_pk(key.native_handle()); }

    /// Signs `message` as `cosign sign --key` does: ECDSA P-256/P-384/P-521 with SHA-256/384/512
    /// (ASN.1 DER, deterministic RFC 6979), RSA 2048/3072/4096 with PKCS#1 v1.5 and SHA-256.
    static result<bytes> sign(const private_key& key, byte_view message) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        const hash_algorithm h = signing_hash_of(describe(key));
        COSIGN_TRY(auto hash, detail::md_hash(detail::md_type_of(h), message));
        return sign_prehashed(key, hash, h);
    }

    /// Verifies as `cosign verify --key` does (SHA-256 unless told otherwise). ECDSA signatures may
    /// be ASN.1 DER or IEEE P1363 r||s, as sigstore accepts. A signature that does not verify is
    /// errc::verification_failed.
    static result<void> verify(const public_key& key, byte_view message, byte_view signature) {
        return verify(key, message, signature, hash_algorithm::sha256);
    }

    /// verify() with another message digest (`--signature-digest-algorithm`).
    static result<void> verify(const public_key& key, byte_view message, byte_view signature,
                               hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        const mbedtls_md_type_t md = detail::md_type_of(h);
        COSIGN_TRY(auto hash, detail::md_hash(md, message));
        return verify_digest(key.native_handle(), md, hash, signature);
    }

    /// verify() over a digest computed elsewhere (Rekor's hashedrekord, a streamed blob): `digest`
    /// must be h's size (errc::invalid_argument otherwise). Optional member: has_verify_prehashed_v.
    static result<void> verify_prehashed(const public_key& key, byte_view digest, byte_view signature,
                                         hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        const mbedtls_md_type_t md = detail::md_type_of(h);
        const mbedtls_md_info_t* info = mbedtls_md_info_from_type(md);
        if (!info) return fail(errc::unsupported, "this mbedTLS build lacks the requested hash");
        const std::size_t size = mbedtls_md_get_size(info);
        if (digest.size() != size)
            return fail(errc::invalid_argument, "the digest is " + std::to_string(digest.size()) +
                                                    " bytes; this hash makes " + std::to_string(size));
        return verify_digest(key.native_handle(), md, digest, signature);
    }

    /// Fills out[0..n) with random bytes from a CTR_DRBG seeded from the platform entropy.
    static result<void> random(std::uint8_t* out, std::size_t n) {
        int ret = detail::mbedtls_rng(nullptr, out, n);
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "the random generator failed", ret);
        return {};
    }

    /// The digest of `message`.
    static result<bytes> digest(hash_algorithm h, byte_view message) {
        return detail::md_hash(detail::md_type_of(h), message);
    }

    /// PBKDF2-HMAC-SHA256 (RFC 8018) of `len` bytes into `out`: what crypto::scrypt builds on.
    static result<void> pbkdf2_hmac_sha256(byte_view password, byte_view salt, std::uint32_t iterations,
                                           std::uint8_t* out, std::size_t len) {
        if (static_cast<std::uint64_t>(len) > 0xffffffffu)
            return fail(errc::invalid_argument, "PBKDF2: the derived key is too long");
#if MBEDTLS_VERSION_NUMBER >= 0x03030000
        int ret = mbedtls_pkcs5_pbkdf2_hmac_ext(MBEDTLS_MD_SHA256, detail::nonnull(password), password.size(),
                                                detail::nonnull(salt), salt.size(), iterations,
                                                static_cast<std::uint32_t>(len), out);
#else
        mbedtls_md_context_t ctx;
        mbedtls_md_init(&ctx);
        int ret = mbedtls_md_setup(&ctx, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
        if (ret == 0)
            ret = mbedtls_pkcs5_pbkdf2_hmac(&ctx, detail::nonnull(password), password.size(),
                                            detail::nonnull(salt), salt.size(), iterations,
                                            static_cast<std::uint32_t>(len), out);
        mbedtls_md_free(&ctx);
#endif
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "PBKDF2-HMAC-SHA256 failed", ret);
        return {};
    }

    /// Poly1305 (RFC 8439) of `message` under the one-time 32-byte key: the 16-byte tag into tag16.
    /// What crypto::secretbox_seal and secretbox_open build on.
    static result<void> poly1305(const std::uint8_t* key32, byte_view message, std::uint8_t* tag16) {
        int ret = mbedtls_poly1305_mac(key32, detail::nonnull(message), message.size(), tag16);
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "Poly1305 failed", ret);
        return {};
    }

private:
    // ECDSA (DER or IEEE P1363 r||s) or RSA PKCS#1 v1.5 over a digest made with md.
    static result<void> verify_digest(mbedtls_pk_context* pk, mbedtls_md_type_t md, byte_view hash,
                                      byte_view signature) {
        mbedtls_pk_type_t t = mbedtls_pk_get_type(pk);
        if (detail::is_ec_type(t)) {
            if (detail::der::is_der_ecdsa_signature(signature) &&
                mbedtls_pk_verify(pk, md, hash.data(), hash.size(), signature.data(), signature.size()) == 0)
                return {};
            const std::size_t n = (mbedtls_pk_get_bitlen(pk) + 7) / 8;
            if (signature.size() == 2 * n) {
                bytes der = detail::der::p1363_to_der(signature);
                if (mbedtls_pk_verify(pk, md, hash.data(), hash.size(), der.data(), der.size()) == 0)
                    return {};
            }
            return fail(errc::verification_failed,
                        "invalid signature when validating ASN.1 encoded signature");
        }
        if (t == MBEDTLS_PK_RSA) {
            int ret = mbedtls_pk_verify(pk, md, hash.data(), hash.size(), detail::nonnull(signature),
                                        signature.size());
            if (ret == 0) return {};
            return detail::mbedtls_fail(errc::verification_failed, "crypto/rsa: verification error", ret);
        }
        return fail(errc::unsupported, "this public key type cannot verify signatures");
    }

public:
    // ---- signing and verifying a digest computed elsewhere (optional members: see
    // has_sign_prehashed_v and has_verify_prehashed_v in crypto/concepts.hpp) ----

    /// sign() over a message whose digest is `digest`: the same signature, for blobs hashed
    /// while they stream. `h` must be the digest the key signs with (signing_hash_of).
    static result<bytes> sign_prehashed(const private_key& key, byte_view digest, hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty private key");
        const key_info info = describe(key);
        if (info.type == key_type::ecdsa) {
            if (info.curve != "P-256" && info.curve != "P-384" && info.curve != "P-521")
                return fail(errc::unsupported,
                            "ECDSA curve " + info.curve +
                                " is not supported for signing (use P-256, P-384 or P-521)");
        } else if (info.type == key_type::rsa) {
            if (info.bits != 2048 && info.bits != 3072 && info.bits != 4096)
                return fail(errc::unsupported,
                            "RSA key size " + std::to_string(info.bits) +
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
        const mbedtls_md_type_t md = detail::md_type_of(h);
        bytes sig(MBEDTLS_PK_SIGNATURE_MAX_SIZE);
        std::size_t len = 0;
#if MBEDTLS_VERSION_MAJOR >= 3
        int ret = mbedtls_pk_sign(key.native_handle(), md, digest.data(), digest.size(), sig.data(), sig.size(),
                                  &len, detail::mbedtls_rng, nullptr);
#else
        int ret = mbedtls_pk_sign(key.native_handle(), md, digest.data(), digest.size(), sig.data(), &len,
                                  detail::mbedtls_rng, nullptr);
#endif
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "signing failed", ret);
        sig.resize(len);
        return sig;
    }

    // ---- X.509 (optional members: see has_x509_v in crypto/concepts.hpp) ----

    using certificate = mbedtls_certificate;

    /// Parses one certificate, PEM ("CERTIFICATE", the first block) or DER, as `cosign sign
    /// --certificate` reads its file. Errors name what is wrong, in Go's words where cosign shows them.
    static result<certificate> parse_certificate(std::string_view pem_or_der) {
        bytes der;
        if (pem_or_der.find("-----BEGIN ") != std::string_view::npos) {
            auto block = pem::decode(pem_or_der);
            if (!block) return fail(errc::invalid_key, "x509: malformed certificate (" + block.error().message() + ")");
            if (block->label != "CERTIFICATE")
                return fail(errc::invalid_key, "supplied PEM file is not a certificate (PEM block \"" + block->label + "\")");
            der = std::move(block->der);
        } else {
            der.assign(reinterpret_cast<const std::uint8_t*>(pem_or_der.data()),
                       reinterpret_cast<const std::uint8_t*>(pem_or_der.data()) + pem_or_der.size());
        }
        return parse_certificate_der(der);
    }

    /// Parses every "CERTIFICATE" block of a PEM bundle, in order (cosign's
    /// LoadCertificatesFromPEM for `--certificate-chain`). No block, or a block that is not a
    /// certificate, is an error.
    static result<std::vector<certificate>> parse_certificate_chain(std::string_view pem_text) {
        auto blocks = pem::decode_all(pem_text);
        if (!blocks) return fail(errc::invalid_key, "error during PEM decoding (" + blocks.error().message() + ")");
        if (blocks->empty()) return fail(errc::invalid_key, "error during PEM decoding: no certificate found");
        std::vector<certificate> out;
        for (auto& b : *blocks) {
            if (b.label != "CERTIFICATE")
                return fail(errc::invalid_key, "error during PEM decoding: unexpected PEM block \"" + b.label + "\"");
            COSIGN_TRY(auto c, parse_certificate_der(b.der));
            out.push_back(std::move(c));
        }
        return out;
    }

    /// The certificate's DER bytes.
    static bytes certificate_der(const certificate& cert) {
        if (!cert) return {};
        const mbedtls_x509_buf& raw = cert.native_handle()->raw;
        return bytes(raw.p, raw.p + raw.len);
    }

    /// The certificate as a "CERTIFICATE" PEM block, as cosign re-encodes `--certificate`
    /// (Go's pem.Encode: 64 columns, trailing newline).
    static std::string certificate_pem(const certificate& cert) {
        return pem::encode("CERTIFICATE", certificate_der(cert));
    }

    /// The certificate's subject public key.
    static result<public_key> certificate_public_key(const certificate& cert) {
        if (!cert) return fail(errc::invalid_argument, "empty certificate");
        COSIGN_TRY(auto der, detail::write_public_der(&cert.native_handle()->pk));
        return parse_public_key_der(der);
    }

    /// Validity, subject alternative names and extensions (see certificate_info).
    static result<certificate_info> describe_certificate(const certificate& cert) {
        if (!cert) return fail(errc::invalid_argument, "empty certificate");
        return detail::x509::describe_certificate(certificate_der(cert));
    }

    /// Checks that `leaf` chains to the last certificate of `chain` (parent first, root last,
    /// the others untrusted intermediates) for code signing, as cosign's TrustedCert does: the
    /// validity of every certificate is judged at the leaf's NotBefore, not now; the leaf (and
    /// any intermediate that restricts it) must allow the code-signing extended key usage.
    /// Failure is errc::verification_failed with Go's wording.
    static result<void> verify_chain(const certificate& leaf, const std::vector<certificate>& chain) {
        if (!leaf) return fail(errc::invalid_argument, "empty certificate");
        if (chain.empty()) return fail(errc::invalid_argument, "no chain provided to validate certificate");
        mbedtls_x509_crt path, root;
        mbedtls_x509_crt_init(&path);
        mbedtls_x509_crt_init(&root);
        struct guard {
            mbedtls_x509_crt* a;
            mbedtls_x509_crt* b;
            ~guard() {
                mbedtls_x509_crt_free(a);
                mbedtls_x509_crt_free(b);
            }
        } g{&path, &root};
        auto add = [](mbedtls_x509_crt* list, const certificate& c) {
            const mbedtls_x509_buf& raw = c.native_handle()->raw;
            return mbedtls_x509_crt_parse_der(list, raw.p, raw.len);
        };
        int ret = add(&path, leaf);
        for (std::size_t i = 0; ret == 0 && i + 1 < chain.size(); ++i) ret = add(&path, chain[i]);
        if (ret == 0) ret = add(&root, chain.back());
        if (ret != 0) return detail::mbedtls_fail(errc::internal, "copying the certificate chain failed", ret);

        struct context {
            std::int64_t at;
            bool bad_time = false;
            bool bad_eku = false;
        } ctx{detail::x509_time_seconds(leaf.native_handle()->valid_from)};
        auto cb = [](void* p, mbedtls_x509_crt* crt, int, std::uint32_t* flags) -> int {
            auto* c = static_cast<context*>(p);
            // Go judges validity at the leaf's NotBefore (cosign's "trusted forever" rule).
            *flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
            if (detail::x509_time_seconds(crt->valid_from) > c->at || detail::x509_time_seconds(crt->valid_to) < c->at)
                c->bad_time = true;
            if (mbedtls_x509_crt_check_extended_key_usage(crt, MBEDTLS_OID_CODE_SIGNING,
                                                          MBEDTLS_OID_SIZE(MBEDTLS_OID_CODE_SIGNING)) != 0)
                c->bad_eku = true;
            return 0;
        };
        std::uint32_t flags = 0;
        ret = mbedtls_x509_crt_verify(&path, &root, nullptr, nullptr, &flags, cb, &ctx);
        const char* prefix = "cert verification failed: ";
        if (ret != 0 || flags != 0) {
            if (flags & (MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_MISSING))
                return fail(errc::verification_failed,
                            std::string(prefix) + "x509: certificate signed by unknown authority");
            if (flags & MBEDTLS_X509_BADCERT_BAD_KEY)
                return fail(errc::verification_failed,
                            std::string(prefix) + "x509: a certificate in the chain has a key too weak for the mbedTLS default profile");
            if (flags & MBEDTLS_X509_BADCERT_BAD_MD)
                return fail(errc::verification_failed,
                            std::string(prefix) + "x509: a certificate in the chain is signed with a hash the mbedTLS default profile refuses");
            char buf[512] = {0};
            mbedtls_x509_crt_verify_info(buf, sizeof buf, "", flags);
            std::string why = buf;
            while (!why.empty() && why.back() == '\n') why.pop_back();
            for (auto& ch : why)
                if (ch == '\n') ch = ';';
            if (why.empty()) why = detail::mbedtls_error_text(ret);
            return fail(errc::verification_failed, std::string(prefix) + "x509: " + why, ret);
        }
        if (ctx.bad_time)
            return fail(errc::verification_failed,
                        std::string(prefix) + "x509: certificate has expired or is not yet valid (at the leaf's NotBefore)");
        if (ctx.bad_eku)
            return fail(errc::verification_failed,
                        std::string(prefix) + "x509: certificate specifies an incompatible key usage");
        return {};
    }

private:
    static result<certificate> parse_certificate_der(byte_view der) {
        auto* crt = new (std::nothrow) mbedtls_x509_crt;
        if (!crt) return fail(errc::internal, "out of memory");
        mbedtls_x509_crt_init(crt);
        certificate cert(crt);
        int ret = mbedtls_x509_crt_parse_der(crt, detail::nonnull(der), der.size());
        if (ret != 0) return detail::mbedtls_fail(errc::invalid_key, "x509: malformed certificate", ret);
        return cert;
    }

    static result<public_key> parse_public_key_der(byte_view der) {
        if (const char* name = detail::unsupported_algorithm_name(detail::der::spki_algorithm(der)))
            return fail(errc::unsupported,
                        std::string(name) + " public keys are not supported by the mbedTLS backend");
        auto pk = detail::new_pk();
        if (!pk) return fail(errc::internal, "out of memory");
        int ret = mbedtls_pk_parse_public_key(pk.get(), detail::nonnull(der), der.size());
        if (ret != 0) return detail::mbedtls_fail(errc::invalid_key, "could not parse the public key", ret);
        mbedtls_pk_type_t t = mbedtls_pk_get_type(pk.get());
        if (!detail::is_ec_type(t) && t != MBEDTLS_PK_RSA)
            return fail(errc::unsupported,
                        std::string("unsupported public key type ") + mbedtls_pk_get_name(pk.get()));
        return public_key(std::move(pk));
    }
};

}  // namespace crypto
}  // namespace v0
}  // namespace cosign
