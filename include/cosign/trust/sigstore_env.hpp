// SPDX-License-Identifier: Apache-2.0
/// cosign 2's trust variables as a trust::trust_root: SIGSTORE_REKOR_PUBLIC_KEY,
/// SIGSTORE_CT_LOG_PUBLIC_KEY_FILE (a public key each), SIGSTORE_ROOT_FILE (Fulcio roots and
/// intermediates) and SIGSTORE_TSA_CERTIFICATE_FILE (a TSA chain). Each names a PEM file; keys
/// set this way are trusted at every time, as cosign trusts them.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../crypto/asn1.hpp"
#include "../keys/file_io.hpp"
#include "trust_root.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

inline constexpr const char* env_rekor_public_key = "SIGSTORE_REKOR_PUBLIC_KEY";
inline constexpr const char* env_ct_log_public_key_file = "SIGSTORE_CT_LOG_PUBLIC_KEY_FILE";
inline constexpr const char* env_root_file = "SIGSTORE_ROOT_FILE";
inline constexpr const char* env_tsa_certificate_file = "SIGSTORE_TSA_CERTIFICATE_FILE";

/// Largest trust file read from a SIGSTORE_* variable.
inline constexpr std::size_t max_trust_file_size = 1024 * 1024;

namespace detail {

inline validity_period always() {
    return validity_period{instant{std::numeric_limits<std::int64_t>::min(), 0}, std::nullopt};
}

// protobuf-specs' name of a key's algorithm, read from its SubjectPublicKeyInfo.
inline std::string key_details_of(byte_view spki) {
    namespace der = cosign::detail::der;
    der::tlv outer, alg, oid, params;
    std::size_t pos = 0, apos = 0;
    if (!der::read_single(spki, der::tag_sequence, outer) || !der::expect(outer.content, pos, der::tag_sequence, alg) ||
        !der::expect(alg.content, apos, der::tag_oid, oid))
        return {};
    if (oid.content == der::view_of(der::oid_ed25519)) return "PKIX_ED25519";
    if (oid.content == der::view_of(der::oid_rsa_encryption)) return "PKIX_RSA_PKCS1V15_2048_SHA256";
    if (oid.content == der::view_of(der::oid_ec_public_key) && der::expect(alg.content, apos, der::tag_oid, params)) {
        static constexpr std::uint8_t p256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
        static constexpr std::uint8_t p384[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
        static constexpr std::uint8_t p521[] = {0x2b, 0x81, 0x04, 0x00, 0x23};
        if (params.content == der::view_of(p256)) return "PKIX_ECDSA_P256_SHA_256";
        if (params.content == der::view_of(p384)) return "PKIX_ECDSA_P384_SHA_384";
        if (params.content == der::view_of(p521)) return "PKIX_ECDSA_P521_SHA_512";
    }
    return "PUBLIC_KEY_DETAILS_UNSPECIFIED";
}

// The issuer and subject Names of a DER certificate (whole TLVs), or false.
inline bool certificate_names(byte_view cert, byte_view& issuer, byte_view& subject) {
    namespace der = cosign::detail::der;
    der::tlv outer, tbs, el;
    std::size_t pos = 0;
    if (!der::read_single(cert, der::tag_sequence, outer) || !der::expect(outer.content, pos, der::tag_sequence, tbs))
        return false;
    std::size_t t = 0;
    if (!der::read(tbs.content, t, el)) return false;
    if (el.tag == der::tag_context_0 && !der::read(tbs.content, t, el)) return false;  // version, then serial
    if (!der::expect(tbs.content, t, der::tag_sequence, el)) return false;              // signature algorithm
    der::tlv iss, validity, subj;
    if (!der::expect(tbs.content, t, der::tag_sequence, iss) || !der::expect(tbs.content, t, der::tag_sequence, validity) ||
        !der::expect(tbs.content, t, der::tag_sequence, subj))
        return false;
    issuer = iss.whole;
    subject = subj.whole;
    return true;
}

inline result<std::vector<bytes>> pem_certificates(std::string_view text, const std::string& what) {
    auto blocks = pem::decode_all(text);
    if (!blocks) return fail(errc::invalid_key, what + ": " + blocks.error().message());
    std::vector<bytes> out;
    for (auto& b : *blocks) {
        if (b.label != "CERTIFICATE") return fail(errc::invalid_key, what + ": unexpected PEM block \"" + b.label + "\"");
        byte_view iss, subj;
        if (!certificate_names(b.der, iss, subj)) return fail(errc::invalid_key, what + ": a certificate is not valid DER");
        out.push_back(std::move(b.der));
    }
    if (out.empty()) return fail(errc::invalid_key, what + ": no PEM certificate found");
    return out;
}

}  // namespace detail

/// Adds a log key (PEM "PUBLIC KEY", or DER) as a transparency log or CT log trusted at every
/// time, with its log id = sha256(DER), as cosign's AddTransparencyLogPubKey.
inline result<void> add_log_key(std::vector<transparency_log>& logs, std::string_view pem_or_der, const std::string& what) {
    bytes der;
    if (pem_or_der.find("-----BEGIN") != std::string_view::npos) {
        auto block = pem::decode(pem_or_der);
        if (!block) return fail(errc::invalid_key, what + ": " + block.error().message());
        if (block->label != "PUBLIC KEY" && block->label != "RSA PUBLIC KEY")
            return fail(errc::invalid_key, what + ": expected a PUBLIC KEY PEM block, got \"" + block->label + "\"");
        der = std::move(block->der);
    } else {
        der = byte_view(pem_or_der).to_bytes();
    }
    if (cosign::detail::der::spki_algorithm(der).empty())
        return fail(errc::invalid_key, what + ": not a DER SubjectPublicKeyInfo public key");
    transparency_log log;
    log.public_key.key_details = detail::key_details_of(der);
    log.public_key.valid_for = detail::always();
    log.log_id = log_id_of(der);
    log.public_key.der = std::move(der);
    logs.push_back(std::move(log));
    return {};
}

/// Adds SIGSTORE_ROOT_FILE's certificates: each self-signed one (subject = issuer) is a root, the
/// others intermediates, as cosign splits them. One authority per root, its chain being every
/// intermediate then that root.
inline result<void> add_fulcio_roots(trust_root& tr, std::string_view pem_text, const std::string& what) {
    COSIGN_TRY(auto certs, detail::pem_certificates(pem_text, what));
    std::vector<bytes> roots, intermediates;
    for (auto& c : certs) {
        byte_view iss, subj;
        detail::certificate_names(c, iss, subj);
        (iss == subj ? roots : intermediates).push_back(std::move(c));
    }
    if (roots.empty()) return fail(errc::invalid_key, what + ": no self-signed root certificate");
    for (auto& r : roots) {
        certificate_authority ca;
        ca.cert_chain = intermediates;
        ca.cert_chain.push_back(std::move(r));
        ca.valid_for = detail::always();
        tr.certificate_authorities.push_back(std::move(ca));
    }
    return {};
}

/// Adds SIGSTORE_TSA_CERTIFICATE_FILE's chain (leaf first, root last) as one timestamp authority.
inline result<void> add_tsa_chain(trust_root& tr, std::string_view pem_text, const std::string& what) {
    COSIGN_TRY(auto certs, detail::pem_certificates(pem_text, what));
    certificate_authority ca;
    ca.cert_chain = std::move(certs);
    ca.valid_for = detail::always();
    tr.timestamp_authorities.push_back(std::move(ca));
    return {};
}

/// Reads cosign 2's SIGSTORE_* variables through `getenv` (each names a file); std::nullopt when
/// none is set, so that the caller falls back to TUF as cosign does. A set variable whose file is
/// unreadable or malformed is an error that names the variable and the file.
inline result<std::optional<trust_root>> trust_root_from_env(
    const std::function<const char*(const char*)>& getenv = [](const char* n) { return std::getenv(n); }) {
    trust_root tr;
    bool any = false;
    for (const char* var : {env_rekor_public_key, env_ct_log_public_key_file, env_root_file, env_tsa_certificate_file}) {
        const char* path = getenv(var);
        if (!path || !*path) continue;
        any = true;
        const std::string what = std::string(var) + "=" + path;
        auto content = read_file(path, max_trust_file_size);
        if (!content) return fail(content.error().code(), std::string(var) + ": " + content.error().message());
        const std::string_view text(reinterpret_cast<const char*>(content->data()), content->size());
        const std::string_view v(var);
        if (v == env_rekor_public_key) {
            COSIGN_TRY_VOID(add_log_key(tr.tlogs, text, what));
        } else if (v == env_ct_log_public_key_file) {
            COSIGN_TRY_VOID(add_log_key(tr.ctlogs, text, what));
        } else if (v == env_root_file) {
            COSIGN_TRY_VOID(add_fulcio_roots(tr, text, what));
        } else {
            COSIGN_TRY_VOID(add_tsa_chain(tr, text, what));
        }
    }
    if (!any) return std::optional<trust_root>();
    return std::optional<trust_root>(std::move(tr));
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
