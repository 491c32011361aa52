// SPDX-License-Identifier: Apache-2.0
/// An RFC 3161 timestamp token taken apart: the CMS SignedData (RFC 5652) around a TSTInfo, its
/// one SignerInfo with the signed attributes, and the certificates it embeds; a TimeStampResp
/// (what cosign stores in a bundle) is accepted too, its status checked. DER only, no crypto:
/// timestamp/verify.hpp checks what is parsed here.
///
///     auto tok = cosign::timestamp::parse_token(der);   // "timestamp: malformed ..." when not one
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../crypto/asn1.hpp"
#include "../crypto/key_info.hpp"
#include "../crypto/x509.hpp"
#include "../trust/time.hpp"

namespace cosign {
inline namespace v0 {
namespace timestamp {

/// id-signedData, id-ct-TSTInfo and the CMS attributes a timestamp's signer signs.
inline constexpr const char* oid_signed_data = "1.2.840.113549.1.7.2";
inline constexpr const char* oid_tst_info = "1.2.840.113549.1.9.16.1.4";
inline constexpr const char* oid_content_type = "1.2.840.113549.1.9.3";
inline constexpr const char* oid_message_digest = "1.2.840.113549.1.9.4";
inline constexpr const char* oid_signing_certificate = "1.2.840.113549.1.9.16.2.12";     ///< ESSCertID (SHA-1)
inline constexpr const char* oid_signing_certificate_v2 = "1.2.840.113549.1.9.16.2.47";  ///< ESSCertIDv2
/// id-kp-timeStamping, the usage a TSA's signing certificate must have.
inline constexpr const char* eku_time_stamping = "1.3.6.1.5.5.7.3.8";

/// A hash algorithm as an RFC 3161 token names it: one of ours, or SHA-1 (ESSCertID v1 only).
struct token_hash {
    std::string oid;                     ///< dotted
    std::optional<hash_algorithm> hash;  ///< nullopt: SHA-1 or another this build does not compute
    bool sha1 = false;
};

/// The certificate a token's ESSCertID (v1) or ESSCertIDv2 names.
struct ess_cert_id {
    bool v2 = false;
    token_hash hash;          ///< SHA-1 for v1; v2's hashAlgorithm (SHA-256 when left out)
    bytes cert_hash;
    byte_view issuer_serial;  ///< the whole IssuerSerial element, empty when absent
    bytes serial;             ///< IssuerSerial's serialNumber content, empty when absent
};

/// An RFC 3161 token, parsed. The views point into the DER given to parse_token.
struct token {
    // TSTInfo
    byte_view tst_info;           ///< the TSTInfo DER (the eContent OCTET STRING's content)
    std::string policy;           ///< dotted OID
    token_hash imprint_hash;      ///< messageImprint.hashAlgorithm
    bytes imprint;                ///< messageImprint.hashedMessage
    bytes serial;                 ///< serialNumber (INTEGER content)
    trust::instant gen_time;      ///< genTime, fractional seconds kept
    std::string gen_time_text;    ///< as written ("20261208001148Z", "20261208001148.51Z")
    std::optional<bytes> nonce;   ///< INTEGER content
    // SignedData
    std::vector<byte_view> certificates;  ///< embedded certificates (whole DER), empty when none
    // the SignerInfo
    byte_view sid_issuer;         ///< issuerAndSerialNumber's issuer Name (whole), empty with a key id
    bytes sid_serial;             ///< issuerAndSerialNumber's serial, empty with a key id
    bytes sid_key_id;             ///< [0] subjectKeyIdentifier, empty with issuer and serial
    token_hash digest_algorithm;  ///< SignerInfo.digestAlgorithm
    byte_view signed_attrs;       ///< the whole [0] IMPLICIT signedAttrs element
    std::string content_type;     ///< the content-type attribute's OID, dotted
    bytes message_digest;         ///< the message-digest attribute
    std::vector<ess_cert_id> signing_certificates;  ///< from signingCertificate(V2): the first names the signer
    std::string signature_algorithm;                ///< dotted
    bytes signature;
};

namespace detail {

inline token_hash hash_of_oid(byte_view oid) {
    token_hash h;
    h.oid = cosign::detail::x509::oid_to_string(oid);
    if (h.oid == "2.16.840.1.101.3.4.2.1")
        h.hash = hash_algorithm::sha256;
    else if (h.oid == "2.16.840.1.101.3.4.2.2")
        h.hash = hash_algorithm::sha384;
    else if (h.oid == "2.16.840.1.101.3.4.2.3")
        h.hash = hash_algorithm::sha512;
    else if (h.oid == "2.16.840.1.101.3.4.2.4")
        h.hash = hash_algorithm::sha224;
    else if (h.oid == "1.3.14.3.2.26")
        h.sha1 = true;
    return h;
}

/// An AlgorithmIdentifier's hash (parameters, NULL or absent, ignored).
inline bool read_hash_alg(const cosign::detail::der::tlv& alg, token_hash& out) {
    namespace der = cosign::detail::der;
    der::tlv oid;
    std::size_t p = 0;
    if (alg.tag != der::tag_sequence || !der::expect(alg.content, p, der::tag_oid, oid)) return false;
    out = hash_of_oid(oid.content);
    return true;
}

/// GeneralizedTime YYYYMMDDHHMMSS[.f+]Z (RFC 3161 2.4.2: no trailing zeros in the fraction).
inline std::optional<trust::instant> parse_generalized_time(byte_view t) {
    const std::string_view s = t.as_chars();
    if (s.size() < 15 || s.back() != 'Z') return std::nullopt;
    for (std::size_t i = 0; i < 14; ++i)
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    std::int32_t nanos = 0;
    if (s.size() > 15) {
        if (s[14] != '.' || s.size() < 17 || s.size() > 25 || s[s.size() - 2] == '0') return std::nullopt;
        std::int32_t scale = 100000000;
        for (std::size_t i = 15; i + 1 < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            nanos += (s[i] - '0') * scale;
            scale /= 10;
        }
    }
    cosign::detail::der::tlv g;
    g.tag = 0x18;
    std::string whole(s.substr(0, 14));
    whole += 'Z';
    g.content = byte_view(whole);
    auto secs = cosign::detail::x509::parse_time(g);
    if (!secs) return std::nullopt;
    return trust::instant{*secs, nanos};
}

inline error malformed(const std::string& what) {
    return error(errc::verification_failed, "timestamp: malformed token (" + what + ")");
}

inline result<void> parse_signed_attrs(byte_view content, token& out) {
    namespace der = cosign::detail::der;
    auto attrs = der::children(content);
    if (!attrs) return malformed("signed attributes");
    for (const auto& a : *attrs) {
        der::tlv oid, values;
        std::size_t p = 0;
        if (a.tag != der::tag_sequence || !der::expect(a.content, p, der::tag_oid, oid) ||
            !der::expect(a.content, p, 0x31, values) || p != a.content.size())
            return malformed("signed attribute");
        const std::string id = cosign::detail::x509::oid_to_string(oid.content);
        der::tlv v;
        if (id == oid_content_type) {
            if (!out.content_type.empty() || !der::read_single(values.content, der::tag_oid, v))
                return malformed("content-type attribute");
            out.content_type = cosign::detail::x509::oid_to_string(v.content);
        } else if (id == oid_message_digest) {
            if (!out.message_digest.empty() || !der::read_single(values.content, der::tag_octet_string, v))
                return malformed("message-digest attribute");
            out.message_digest.assign(v.content.begin(), v.content.end());
        } else if (id == oid_signing_certificate || id == oid_signing_certificate_v2) {
            // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies ... }
            const bool v2 = id == oid_signing_certificate_v2;
            der::tlv sc, certs;
            std::size_t sp = 0;
            if (!der::read_single(values.content, der::tag_sequence, sc) ||
                !der::expect(sc.content, sp, der::tag_sequence, certs))
                return malformed("signing certificate attribute");
            auto ids = der::children(certs.content);
            if (!ids || ids->empty()) return malformed("signing certificate attribute: no ESSCertID");
            for (const auto& e : *ids) {
                ess_cert_id c;
                c.v2 = v2;
                std::size_t ep = 0;
                der::tlv f;
                if (e.tag != der::tag_sequence || !der::read(e.content, ep, f)) return malformed("ESSCertID");
                if (v2) {
                    c.hash.oid = "2.16.840.1.101.3.4.2.1";  // DEFAULT id-sha256
                    c.hash.hash = hash_algorithm::sha256;
                    if (f.tag == der::tag_sequence) {
                        if (!read_hash_alg(f, c.hash) || !der::read(e.content, ep, f)) return malformed("ESSCertIDv2");
                    }
                } else {
                    c.hash.oid = "1.3.14.3.2.26";
                    c.hash.sha1 = true;
                }
                if (f.tag != der::tag_octet_string) return malformed("ESSCertID certHash");
                c.cert_hash.assign(f.content.begin(), f.content.end());
                if (ep < e.content.size()) {
                    der::tlv is, names, serial;
                    std::size_t ip = 0;
                    if (!der::read(e.content, ep, is) || is.tag != der::tag_sequence || ep != e.content.size() ||
                        !der::expect(is.content, ip, der::tag_sequence, names) ||
                        !der::expect(is.content, ip, der::tag_integer, serial) || ip != is.content.size())
                        return malformed("ESSCertID issuerSerial");
                    c.issuer_serial = is.whole;
                    c.serial.assign(serial.content.begin(), serial.content.end());
                }
                out.signing_certificates.push_back(std::move(c));
            }
        }
    }
    if (out.content_type.empty()) return malformed("no content-type signed attribute");
    if (out.message_digest.empty()) return malformed("no message-digest signed attribute");
    return {};
}

inline result<void> parse_tst_info(byte_view der_bytes, token& out) {
    namespace der = cosign::detail::der;
    der::tlv seq, f;
    if (!der::read_single(der_bytes, der::tag_sequence, seq)) return malformed("TSTInfo");
    byte_view c = seq.content;
    std::size_t p = 0;
    if (!der::expect(c, p, der::tag_integer, f) || !der::integer_equals(f.content, 1))
        return malformed("TSTInfo version is not 1");
    if (!der::expect(c, p, der::tag_oid, f)) return malformed("TSTInfo policy");
    out.policy = cosign::detail::x509::oid_to_string(f.content);
    der::tlv mi, alg, hashed;
    std::size_t mp = 0;
    if (!der::expect(c, p, der::tag_sequence, mi) || !der::expect(mi.content, mp, der::tag_sequence, alg) ||
        !read_hash_alg(alg, out.imprint_hash) || !der::expect(mi.content, mp, der::tag_octet_string, hashed) ||
        mp != mi.content.size())
        return malformed("TSTInfo messageImprint");
    out.imprint.assign(hashed.content.begin(), hashed.content.end());
    if (!der::expect(c, p, der::tag_integer, f)) return malformed("TSTInfo serialNumber");
    out.serial.assign(f.content.begin(), f.content.end());
    if (!der::expect(c, p, 0x18, f)) return malformed("TSTInfo genTime");
    auto t = parse_generalized_time(f.content);
    if (!t) return malformed("TSTInfo genTime \"" + f.content.to_string() + "\"");
    out.gen_time = *t;
    out.gen_time_text = f.content.to_string();
    while (p < c.size()) {  // accuracy, ordering, nonce, tsa, extensions
        if (!der::read(c, p, f)) return malformed("TSTInfo");
        if (f.tag == der::tag_integer) out.nonce = bytes(f.content.begin(), f.content.end());
    }
    return {};
}

}  // namespace detail

/// Parses a TimeStampToken (ContentInfo with SignedData) or a TimeStampResp holding one (its
/// status must be granted or grantedWithMods). Errors: errc::verification_failed,
/// "timestamp: malformed token (...)" or "timestamp: the TSA refused ...".
inline result<token> parse_token(byte_view der_bytes) {
    namespace der = cosign::detail::der;
    using detail::malformed;
    der::tlv outer, first;
    if (!der::read_single(der_bytes, der::tag_sequence, outer)) return malformed("not a DER SEQUENCE");
    byte_view ci = outer.whole;
    {
        std::size_t p = 0;
        if (!der::read(outer.content, p, first)) return malformed("empty");
        if (first.tag == der::tag_sequence) {  // TimeStampResp { PKIStatusInfo, timeStampToken }
            der::tlv status, tok;
            std::size_t sp = 0;
            if (!der::expect(first.content, sp, der::tag_integer, status)) return malformed("PKIStatusInfo");
            if (!der::integer_equals(status.content, 0) && !der::integer_equals(status.content, 1))
                return error(errc::verification_failed, "timestamp: the TSA refused the request (PKIStatus is not granted)");
            if (!der::expect(outer.content, p, der::tag_sequence, tok) || p != outer.content.size())
                return malformed("TimeStampResp has no token");
            ci = tok.whole;
        }
    }
    der::tlv ci_seq, ct, explicit0, sd;
    std::size_t p = 0;
    if (!der::read_single(ci, der::tag_sequence, ci_seq) || !der::expect(ci_seq.content, p, der::tag_oid, ct) ||
        cosign::detail::x509::oid_to_string(ct.content) != oid_signed_data)
        return malformed("not a CMS SignedData ContentInfo");
    if (!der::expect(ci_seq.content, p, der::tag_context_0, explicit0) || p != ci_seq.content.size() ||
        !der::read_single(explicit0.content, der::tag_sequence, sd))
        return malformed("SignedData");
    token out;
    byte_view c = sd.content;
    p = 0;
    der::tlv f;
    if (!der::expect(c, p, der::tag_integer, f)) return malformed("SignedData version");
    if (!der::expect(c, p, 0x31, f)) return malformed("SignedData digestAlgorithms");
    der::tlv encap, etype, econtent, octets;
    std::size_t ep = 0;
    if (!der::expect(c, p, der::tag_sequence, encap) || !der::expect(encap.content, ep, der::tag_oid, etype))
        return malformed("encapContentInfo");
    if (cosign::detail::x509::oid_to_string(etype.content) != oid_tst_info)
        return error(errc::verification_failed, "timestamp: signed attributes: the signed content is not a TSTInfo (" +
                                                    cosign::detail::x509::oid_to_string(etype.content) + ")");
    if (!der::expect(encap.content, ep, der::tag_context_0, econtent) || ep != encap.content.size() ||
        !der::read_single(econtent.content, der::tag_octet_string, octets))
        return malformed("encapContentInfo eContent");
    out.tst_info = octets.content;
    COSIGN_TRY_VOID(detail::parse_tst_info(out.tst_info, out));
    if (!der::read(c, p, f)) return malformed("SignedData signerInfos");
    if (f.tag == der::tag_context_0) {  // certificates [0] IMPLICIT CertificateSet
        auto certs = der::children(f.content);
        if (!certs) return malformed("SignedData certificates");
        for (const auto& k : *certs)
            if (k.tag == der::tag_sequence) out.certificates.push_back(k.whole);
        if (!der::read(c, p, f)) return malformed("SignedData signerInfos");
    }
    if (f.tag == der::tag_context_1 && !der::read(c, p, f)) return malformed("SignedData signerInfos");  // crls
    if (f.tag != 0x31 || p != c.size()) return malformed("SignedData signerInfos");
    auto signers = der::children(f.content);
    if (!signers || signers->size() != 1)
        return malformed("a timestamp has exactly one SignerInfo, this one has " +
                         std::to_string(signers ? signers->size() : 0));
    const der::tlv& si = signers->front();
    if (si.tag != der::tag_sequence) return malformed("SignerInfo");
    byte_view s = si.content;
    std::size_t q = 0;
    if (!der::expect(s, q, der::tag_integer, f)) return malformed("SignerInfo version");
    if (!der::read(s, q, f)) return malformed("SignerInfo sid");
    if (f.tag == der::tag_sequence) {
        der::tlv name, serial;
        std::size_t np = 0;
        if (!der::expect(f.content, np, der::tag_sequence, name) || !der::expect(f.content, np, der::tag_integer, serial))
            return malformed("SignerInfo issuerAndSerialNumber");
        out.sid_issuer = name.whole;
        out.sid_serial.assign(serial.content.begin(), serial.content.end());
    } else if (f.tag == 0x80) {
        out.sid_key_id.assign(f.content.begin(), f.content.end());
    } else {
        return malformed("SignerInfo sid");
    }
    if (!der::expect(s, q, der::tag_sequence, f) || !detail::read_hash_alg(f, out.digest_algorithm))
        return malformed("SignerInfo digestAlgorithm");
    if (!der::expect(s, q, der::tag_context_0, f))
        return malformed("SignerInfo has no signed attributes (RFC 3161 requires them)");
    out.signed_attrs = f.whole;
    COSIGN_TRY_VOID(detail::parse_signed_attrs(f.content, out));
    der::tlv salg, soid;
    std::size_t ap = 0;
    if (!der::expect(s, q, der::tag_sequence, salg) || !der::expect(salg.content, ap, der::tag_oid, soid))
        return malformed("SignerInfo signatureAlgorithm");
    out.signature_algorithm = cosign::detail::x509::oid_to_string(soid.content);
    if (!der::expect(s, q, der::tag_octet_string, f)) return malformed("SignerInfo signature");
    out.signature.assign(f.content.begin(), f.content.end());
    return out;
}

}  // namespace timestamp
}  // namespace v0
}  // namespace cosign
