// SPDX-License-Identifier: Apache-2.0
/// Verification of an RFC 3161 timestamp over a signature, as sigstore-go (pkg/verify/tsa.go,
/// through digitorus/timestamp) verifies a bundle's rfc3161Timestamps: the message imprint is the
/// hash of the signature bytes; the signed attributes name a TSTInfo and carry its digest; the
/// signing certificate is the one ESSCertID (v1) or ESSCertIDv2 names, embedded in the token or
/// the leaf of the timestamp authority's chain; its signature over the DER SET of the signed
/// attributes verifies with that certificate's key (crypto policy: ECDSA, RSA PKCS#1 v1.5); the
/// certificate has the time-stamping usage and chains to the root of a timestamp authority of the
/// trust root, every certificate valid at genTime and the authority trusted then.
///
///     auto t = cosign::timestamp::verify_token<crypto::mbedtls>(token_der, signature, trust_root);
///     if (t) use(t->time);   // genTime, a trusted time for the signature
///
/// Each error names the check: "timestamp: malformed token", "timestamp: message imprint",
/// "timestamp: signed attributes", "timestamp: signing certificate (ESSCertID)",
/// "timestamp: signature", "timestamp: certificate chain", "timestamp: genTime".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/hex.hpp"
#include "../core/result.hpp"
#include "../crypto/asn1.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/x509.hpp"
#include "../identity/keyless.hpp"
#include "../trust/time.hpp"
#include "../trust/trust_root.hpp"
#include "sha1.hpp"
#include "token.hpp"

namespace cosign {
inline namespace v0 {
namespace timestamp {

/// A timestamp that verified: when, and by which authority of the trust root.
struct verified_timestamp {
    trust::instant time;       ///< genTime
    std::string time_text;     ///< genTime as the token writes it
    std::string authority_uri; ///< the timestamp authority's uri in the trust root
};

namespace detail {

inline error check_failed(const std::string& check, const std::string& why) {
    return error(errc::verification_failed, "timestamp: " + check + ": " + why);
}

inline std::string hash_name(const token_hash& h) {
    if (h.hash) {
        switch (*h.hash) {
            case hash_algorithm::sha224: return "SHA-224";
            case hash_algorithm::sha256: return "SHA-256";
            case hash_algorithm::sha384: return "SHA-384";
            case hash_algorithm::sha512: return "SHA-512";
        }
    }
    return h.sha1 ? "SHA-1" : h.oid;
}

/// A certificate's serial number (INTEGER content) and issuer Name (whole), or false.
inline bool serial_and_issuer(byte_view cert_der, bytes& serial, byte_view& issuer) {
    namespace der = cosign::detail::der;
    der::tlv cert, tbs, t;
    std::size_t p = 0, q = 0;
    if (!der::read_single(cert_der, der::tag_sequence, cert) || !der::expect(cert.content, p, der::tag_sequence, tbs))
        return false;
    if (!der::read(tbs.content, q, t)) return false;
    if (t.tag == der::tag_context_0 && !der::read(tbs.content, q, t)) return false;
    if (t.tag != der::tag_integer) return false;
    serial.assign(t.content.begin(), t.content.end());
    if (!der::expect(tbs.content, q, der::tag_sequence, t) || !der::expect(tbs.content, q, der::tag_sequence, t))
        return false;
    issuer = t.whole;
    return true;
}

/// The subjectKeyIdentifier's key id, or empty.
inline bytes subject_key_id(byte_view cert_der) {
    auto info = cosign::detail::x509::describe_certificate(cert_der);
    if (!info) return {};
    const std::string v = info->extension("2.5.29.14");
    cosign::detail::der::tlv t;
    if (!cosign::detail::der::read_single(byte_view(v), cosign::detail::der::tag_octet_string, t)) return {};
    return bytes(t.content.begin(), t.content.end());
}

/// True when the token's SignerInfo identifies `cert_der`.
inline bool is_signer(const token& tok, byte_view cert_der) {
    if (!tok.sid_key_id.empty()) return byte_view(subject_key_id(cert_der)) == byte_view(tok.sid_key_id);
    bytes serial;
    byte_view issuer;
    return serial_and_issuer(cert_der, serial, issuer) && byte_view(serial) == byte_view(tok.sid_serial) &&
           issuer == tok.sid_issuer;
}

/// The ESSCertID check: the first ESSCertID names `cert_der` (its hash, and its issuer and serial
/// when given).
template <class Crypto>
result<void> check_ess_cert_id(const token& tok, byte_view cert_der) {
    const char* check = "signing certificate (ESSCertID)";
    if (tok.signing_certificates.empty())
        return check_failed(check, "the signed attributes have neither signingCertificate nor signingCertificateV2");
    const ess_cert_id& id = tok.signing_certificates.front();
    bytes h;
    if (id.hash.sha1) {
        auto s = cosign::detail::sha1(cert_der);
        h.assign(s.begin(), s.end());
    } else if (id.hash.hash) {
        COSIGN_TRY(h, Crypto::digest(*id.hash.hash, cert_der));
    } else {
        return fail(errc::unsupported, "timestamp: signing certificate (ESSCertID): hash algorithm " + id.hash.oid +
                                           " is not supported");
    }
    if (byte_view(h) != byte_view(id.cert_hash))
        return check_failed(check, std::string(id.v2 ? "ESSCertIDv2" : "ESSCertID") + " names a certificate whose " +
                                       hash_name(id.hash) + " is " + hex::encode(id.cert_hash) +
                                       ", the signing certificate's is " + hex::encode(h));
    if (!id.issuer_serial.empty()) {
        bytes serial;
        byte_view issuer;
        if (!serial_and_issuer(cert_der, serial, issuer)) return check_failed(check, "the signing certificate does not parse");
        if (byte_view(serial) != byte_view(id.serial))
            return check_failed(check, "the issuerSerial's serial number " + hex::encode(id.serial) +
                                           " is not the signing certificate's " + hex::encode(serial));
        // GeneralNames: one of them a directoryName [4] holding the certificate's issuer.
        namespace der = cosign::detail::der;
        der::tlv is, names;
        std::size_t p = 0;
        bool found = false;
        if (der::read_single(id.issuer_serial, der::tag_sequence, is) && der::expect(is.content, p, der::tag_sequence, names))
            if (auto kids = der::children(names.content))
                for (const auto& k : *kids) found = found || (k.tag == 0xa4 && k.content == issuer);
        if (!found) return check_failed(check, "the issuerSerial does not name the signing certificate's issuer");
    }
    return {};
}

/// The hash a SignerInfo's signature algorithm implies, given its digest algorithm.
inline std::optional<hash_algorithm> signature_hash(const token& tok) {
    const std::string& a = tok.signature_algorithm;
    if (a == "1.2.840.10045.4.3.2" || a == "1.2.840.113549.1.1.11") return hash_algorithm::sha256;
    if (a == "1.2.840.10045.4.3.3" || a == "1.2.840.113549.1.1.12") return hash_algorithm::sha384;
    if (a == "1.2.840.10045.4.3.4" || a == "1.2.840.113549.1.1.13") return hash_algorithm::sha512;
    if (a == "1.2.840.10045.2.1" || a == "1.2.840.113549.1.1.1") return tok.digest_algorithm.hash;
    return std::nullopt;
}

/// The chain check: `leaf` has the time-stamping usage, and chains through `intermediates` and
/// the authority's chain to the authority's last certificate, every certificate valid at `t`.
template <class Crypto>
result<void> check_chain(byte_view leaf_der, const std::vector<byte_view>& intermediates,
                         const trust::certificate_authority& tsa, const trust::instant& t, const std::string& t_text) {
    namespace x509 = cosign::detail::x509;
    const char* check = "certificate chain";
    auto leaf = x509::split_certificate(leaf_der);
    if (!leaf) return check_failed(check, "the signing certificate does not parse");
    bool stamping = false;
    for (const auto& e : leaf->extended_key_usages) stamping = stamping || e == eku_time_stamping;
    if (!stamping)
        return check_failed(check, "the signing certificate lacks the time-stamping extended key usage (" +
                                       std::string(eku_time_stamping) + ")");
    auto valid_at = [&](const x509::certificate_parts& c) {
        return !(t < trust::instant::from_unix(c.not_before)) && !(trust::instant::from_unix(c.not_after) < t);
    };
    auto when = [](std::int64_t s) { return trust::format_rfc3339(trust::instant::from_unix(s)); };
    if (!valid_at(*leaf))
        return check_failed(check, "the signing certificate was not valid at genTime " + t_text + " (valid from " +
                                       when(leaf->not_before) + " to " + when(leaf->not_after) + ")");
    if (tsa.cert_chain.empty()) return check_failed(check, "the timestamp authority has no certificate");
    const byte_view anchor_der = tsa.cert_chain.back();
    if (leaf_der == anchor_der) return {};
    std::vector<byte_view> pool_der(intermediates.begin(), intermediates.end());
    for (std::size_t i = 0; i < tsa.cert_chain.size(); ++i) pool_der.push_back(tsa.cert_chain[i]);
    std::vector<x509::certificate_parts> pool;
    std::vector<bool> anchor;
    for (byte_view d : pool_der) {
        if (d == leaf_der) continue;
        auto parts = x509::split_certificate(d);
        if (!parts) continue;
        pool.push_back(*parts);
        anchor.push_back(d == anchor_der);
    }
    x509::certificate_parts current = *leaf;
    std::string reason;
    for (int depth = 0; depth < 8; ++depth) {
        std::size_t found = pool.size();
        for (std::size_t i = 0; i < pool.size(); ++i) {
            COSIGN_TRY(bool ok, cosign::detail::keyless::signed_by<Crypto>(current, pool[i]));
            if (ok) {
                found = i;
                break;
            }
        }
        if (found == pool.size()) break;
        const auto& parent = pool[found];
        if (!parent.is_ca) return check_failed(check, "an issuing certificate is not a CA (basicConstraints)");
        if (parent.has_key_usage && !(parent.key_usage & x509::key_usage_cert_sign))
            return check_failed(check, "an issuing certificate may not sign certificates (keyUsage)");
        if (!valid_at(parent))
            return check_failed(check, "a CA certificate was not valid at genTime " + t_text + " (valid from " +
                                           when(parent.not_before) + " to " + when(parent.not_after) + ")");
        if (anchor[found]) return {};
        current = parent;
    }
    return check_failed(check, "the signing certificate does not chain to the timestamp authority " +
                                   (tsa.uri.empty() ? tsa.subject.common_name : tsa.uri) +
                                   " (x509: certificate signed by unknown authority)");
}

/// Every check after the imprint and the signed attributes, against one authority.
template <class Crypto>
result<void> verify_with_authority(const token& tok, const trust::certificate_authority& tsa) {
    // The signing certificate: embedded (the one the SignerInfo identifies), else the
    // authority's leaf (sigstore-go's TSACertificate).
    byte_view signer;
    std::vector<byte_view> others;
    for (byte_view c : tok.certificates) {
        if (signer.empty() && is_signer(tok, c))
            signer = c;
        else
            others.push_back(c);
    }
    if (signer.empty()) {
        if (!tok.certificates.empty())
            return check_failed("signing certificate (ESSCertID)",
                                "none of the token's certificates is the one its SignerInfo identifies");
        if (tsa.cert_chain.empty()) return check_failed("certificate chain", "the timestamp authority has no certificate");
        signer = tsa.cert_chain.front();
        if (!is_signer(tok, signer))
            return check_failed("signing certificate (ESSCertID)",
                                "the token embeds no certificate and its SignerInfo does not identify the timestamp "
                                "authority's certificate");
    }
    COSIGN_TRY_VOID(check_ess_cert_id<Crypto>(tok, signer));
    // The signature over the DER SET OF the signed attributes (RFC 5652 5.4).
    {
        auto h = signature_hash(tok);
        if (!h)
            return fail(errc::unsupported, "timestamp: signature: algorithm " + tok.signature_algorithm + " with digest " +
                                               hash_name(tok.digest_algorithm) + " is not supported");
        auto parts = cosign::detail::x509::split_certificate(signer);
        if (!parts) return check_failed("signature", "the signing certificate does not parse");
        auto key = Crypto::parse_public_key(parts->spki.as_chars());
        if (!key) return std::move(key).error().context("timestamp: signature: the signing certificate's key");
        bytes set(tok.signed_attrs.begin(), tok.signed_attrs.end());
        set[0] = 0x31;
        auto ok = Crypto::verify(*key, byte_view(set), byte_view(tok.signature), *h);
        if (!ok) {
            if (ok.error().code() != errc::verification_failed)
                return std::move(ok).error().context("timestamp: signature");
            return check_failed("signature", "the signature over the signed attributes does not verify with the "
                                             "signing certificate's key");
        }
    }
    return check_chain<Crypto>(signer, others, tsa, tok.gen_time, tok.gen_time_text);
}

}  // namespace detail

/// Verifies the RFC 3161 token `token_der` (a TimeStampToken or a TimeStampResp) over
/// `signature` (the bundle's signature bytes: the message signature, or the DSSE envelope's
/// signature) against the timestamp authorities of `root` trusted at its genTime; the first
/// authority that verifies it is named in the result. errc::verification_failed naming the check.
template <class Crypto>
result<verified_timestamp> verify_token(byte_view token_der, byte_view signature, const trust::trust_root& root) {
    static_assert(is_verify_crypto_v<Crypto>, "timestamp::verify_token needs a crypto policy with the verify set");
    COSIGN_TRY(token tok, parse_token(token_der));
    // The message imprint: the hash of the signature bytes.
    if (!tok.imprint_hash.hash)
        return fail(errc::unsupported, "timestamp: message imprint: hash algorithm " +
                                           detail::hash_name(tok.imprint_hash) + " is not supported");
    COSIGN_TRY(bytes want, Crypto::digest(*tok.imprint_hash.hash, signature));
    if (byte_view(want) != byte_view(tok.imprint))
        return detail::check_failed("message imprint", "the token stamps " + detail::hash_name(tok.imprint_hash) + " " +
                                                           hex::encode(tok.imprint) + ", the signature's is " +
                                                           hex::encode(want));
    // The signed attributes: content type TSTInfo, message digest over the TSTInfo.
    if (tok.content_type != oid_tst_info)
        return detail::check_failed("signed attributes", "the content-type attribute is " + tok.content_type +
                                                             ", not id-ct-TSTInfo");
    if (!tok.digest_algorithm.hash)
        return fail(errc::unsupported, "timestamp: signed attributes: digest algorithm " +
                                           detail::hash_name(tok.digest_algorithm) + " is not supported");
    COSIGN_TRY(bytes tst_digest, Crypto::digest(*tok.digest_algorithm.hash, tok.tst_info));
    if (byte_view(tst_digest) != byte_view(tok.message_digest))
        return detail::check_failed("signed attributes", "the message-digest attribute is not the " +
                                                             detail::hash_name(tok.digest_algorithm) +
                                                             " of the TSTInfo");
    // The authorities trusted at genTime; the first that verifies the token wins.
    const auto authorities = root.timestamp_authorities_at(tok.gen_time);
    if (authorities.empty()) {
        if (root.timestamp_authorities.empty())
            return detail::check_failed("certificate chain", "the trust root has no timestamp authority");
        return detail::check_failed("genTime", "no timestamp authority of the trust root was trusted at genTime " +
                                                   tok.gen_time_text);
    }
    std::optional<error> last;
    for (const trust::certificate_authority* tsa : authorities) {
        auto ok = detail::verify_with_authority<Crypto>(tok, *tsa);
        if (ok) return verified_timestamp{tok.gen_time, tok.gen_time_text, tsa->uri};
        last = std::move(ok).error();
    }
    return std::move(*last);
}

}  // namespace timestamp
}  // namespace v0
}  // namespace cosign
