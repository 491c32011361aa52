// SPDX-License-Identifier: Apache-2.0
/// What cosign reads from an X.509 certificate besides its key (validity, subject alternative
/// names, Fulcio's extensions), parsed from DER without a crypto backend, so that every crypto
/// policy with X.509 support describes certificates the same way.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "asn1.hpp"

namespace cosign {
inline namespace v0 {

/// The parts of a certificate cosign looks at, backend-neutral.
struct certificate_info {
    std::int64_t not_before = 0;  ///< Unix seconds
    std::int64_t not_after = 0;   ///< Unix seconds
    std::vector<std::string> dns_names;
    std::vector<std::string> emails;
    std::vector<std::string> ip_addresses;
    std::vector<std::string> uris;
    std::vector<std::string> other_names;  ///< UTF8String OtherName SANs (Fulcio's username SAN)
    /// Every extension, by dotted OID, with its raw value bytes (as Go's Extension.Value), so
    /// Fulcio's `1.3.6.1.4.1.57264.1.1` (OIDC issuer) reads as cosign reads it.
    std::map<std::string, std::string> extensions;

    /// The subject alternative names in the order of sigstore's GetSubjectAlternateNames: DNS
    /// names, emails, IP addresses, URIs, then OtherName.
    std::vector<std::string> subject_alternative_names() const {
        std::vector<std::string> out;
        for (const auto* v : {&dns_names, &emails, &ip_addresses, &uris, &other_names})
            out.insert(out.end(), v->begin(), v->end());
        return out;
    }
    /// An extension's raw value as a string, or "" (cosign's CertExtensions lookup).
    std::string extension(const std::string& oid) const {
        auto it = extensions.find(oid);
        return it == extensions.end() ? std::string() : it->second;
    }
    /// The OIDC issuer Fulcio recorded: the DER UTF8String of 1.3.6.1.4.1.57264.1.8 when present
    /// (sigstore-go reads it first), else the raw bytes of 1.3.6.1.4.1.57264.1.1 (what cosign 2
    /// reads); "" when the certificate has neither (or .1.8 is not a UTF8String).
    std::string oidc_issuer() const;
};

/// Fulcio's OIDC issuer extension as cosign 2 reads it (deprecated; raw bytes, not DER).
inline constexpr const char* fulcio_oidc_issuer_oid = "1.3.6.1.4.1.57264.1.1";
/// Fulcio's OIDC issuer extension since 2022 (a DER UTF8String).
inline constexpr const char* fulcio_oidc_issuer_v2_oid = "1.3.6.1.4.1.57264.1.8";
/// Fulcio's GitHub workflow extensions (raw bytes), as `--certificate-github-workflow-*` reads them.
inline constexpr const char* fulcio_github_workflow_trigger_oid = "1.3.6.1.4.1.57264.1.2";
inline constexpr const char* fulcio_github_workflow_sha_oid = "1.3.6.1.4.1.57264.1.3";
inline constexpr const char* fulcio_github_workflow_name_oid = "1.3.6.1.4.1.57264.1.4";
inline constexpr const char* fulcio_github_workflow_repository_oid = "1.3.6.1.4.1.57264.1.5";
inline constexpr const char* fulcio_github_workflow_ref_oid = "1.3.6.1.4.1.57264.1.6";
/// The embedded SCT list of RFC 6962 (a precertificate's signed certificate timestamps).
inline constexpr const char* sct_list_oid = "1.3.6.1.4.1.11129.2.4.2";

namespace detail {
namespace x509 {

inline std::string oid_to_string(byte_view c) {
    if (c.empty()) return {};
    std::string out;
    std::uint64_t v = 0;
    bool first = true;
    for (std::size_t i = 0; i < c.size(); ++i) {
        v = (v << 7) | (c[i] & 0x7f);
        if (c[i] & 0x80) continue;
        if (first) {
            std::uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
            out = std::to_string(a) + "." + std::to_string(v - 40 * a);
            first = false;
        } else {
            out += "." + std::to_string(v);
        }
        v = 0;
    }
    return out;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ) to Unix seconds.
inline std::optional<std::int64_t> parse_time(const der::tlv& t) {
    std::string s(reinterpret_cast<const char*>(t.content.data()), t.content.size());
    std::size_t ylen = t.tag == 0x17 ? 2 : t.tag == 0x18 ? 4 : 0;
    if (ylen == 0 || s.size() != ylen + 11 || s.back() != 'Z') return std::nullopt;
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t n) {
        int v = 0;
        for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    int year = num(0, ylen);
    if (ylen == 2) year += year < 50 ? 2000 : 1900;  // RFC 5280 4.1.2.5.1
    int mon = num(ylen, 2), day = num(ylen + 2, 2), h = num(ylen + 4, 2), mi = num(ylen + 6, 2),
        sec = num(ylen + 8, 2);
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) * 86400 + h * 3600 +
           mi * 60 + sec;
}

inline std::string ip_to_string(byte_view ip) {
    if (ip.size() == 4)
        return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
               std::to_string(ip[3]);
    if (ip.size() != 16) return {};
    static const char* hexd = "0123456789abcdef";
    unsigned g[8];
    for (std::size_t i = 0; i < 8; ++i) g[i] = (unsigned(ip[2 * i]) << 8) | ip[2 * i + 1];
    int best = -1, best_len = 0;  // longest run of zero groups (at least two), as Go prints
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0) ++j;
        if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::string h;
        unsigned v = g[i];
        do {
            h.insert(h.begin(), hexd[v & 0xf]);
            v >>= 4;
        } while (v);
        out += h;
    }
    return out;
}

inline bool parse_san(byte_view value, certificate_info& out) {
    der::tlv seq;
    if (!der::read_single(value, der::tag_sequence, seq)) return false;
    std::size_t pos = 0;
    while (pos < seq.content.size()) {
        der::tlv n;
        if (!der::read(seq.content, pos, n)) return false;
        std::string text(reinterpret_cast<const char*>(n.content.data()), n.content.size());
        switch (n.tag) {
            case 0x81: out.emails.push_back(text); break;
            case 0x82: out.dns_names.push_back(text); break;
            case 0x86: out.uris.push_back(text); break;
            case 0x87: out.ip_addresses.push_back(ip_to_string(n.content)); break;
            case 0xa0: {  // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
                std::size_t p = 0;
                der::tlv oid, val, str;
                if (der::expect(n.content, p, der::tag_oid, oid) && der::expect(n.content, p, 0xa0, val) &&
                    der::read_single(val.content, 0x0c, str))
                    out.other_names.emplace_back(reinterpret_cast<const char*>(str.content.data()),
                                                 str.content.size());
                break;
            }
            default: break;
        }
    }
    return true;
}

/// Parses the DER of a certificate into certificate_info; errc::invalid_key when malformed.
inline result<certificate_info> describe_certificate(byte_view der_bytes) {
    auto bad = [](const char* what) {
        return fail(errc::invalid_key, std::string("x509: malformed certificate (") + what + ")");
    };
    der::tlv cert, tbs, t;
    std::size_t pos = 0;
    if (!der::read_single(der_bytes, der::tag_sequence, cert)) return bad("outer sequence");
    if (!der::expect(cert.content, pos, der::tag_sequence, tbs)) return bad("tbsCertificate");
    certificate_info info;
    byte_view c = tbs.content;
    std::size_t p = 0;
    if (!der::read(c, p, t)) return bad("version");
    if (t.tag == der::tag_context_0 && !der::read(c, p, t)) return bad("serial");
    if (t.tag != der::tag_integer) return bad("serial");
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("signature algorithm");
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("issuer");
    der::tlv validity, nb, na;
    if (!der::expect(c, p, der::tag_sequence, validity)) return bad("validity");
    std::size_t vp = 0;
    if (!der::read(validity.content, vp, nb) || !der::read(validity.content, vp, na)) return bad("validity");
    auto from = parse_time(nb), to = parse_time(na);
    if (!from || !to) return bad("validity times");
    info.not_before = *from;
    info.not_after = *to;
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("subject");
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("subject public key info");
    while (p < c.size()) {
        if (!der::read(c, p, t)) return bad("trailing fields");
        if (t.tag != 0xa3) continue;  // issuerUniqueID / subjectUniqueID
        der::tlv exts;
        if (!der::read_single(t.content, der::tag_sequence, exts)) return bad("extensions");
        std::size_t ep = 0;
        while (ep < exts.content.size()) {
            der::tlv ext, oid, f;
            if (!der::expect(exts.content, ep, der::tag_sequence, ext)) return bad("extension");
            std::size_t xp = 0;
            if (!der::expect(ext.content, xp, der::tag_oid, oid) || !der::read(ext.content, xp, f))
                return bad("extension");
            if (f.tag == 0x01 && !der::read(ext.content, xp, f)) return bad("extension");
            if (f.tag != der::tag_octet_string) return bad("extension value");
            std::string id = oid_to_string(oid.content);
            info.extensions[id] = std::string(reinterpret_cast<const char*>(f.content.data()), f.content.size());
            if (id == "2.5.29.17" && !parse_san(f.content, info)) return bad("subject alternative name");
        }
    }
    return info;
}

/// The parts of a certificate a chain or SCT check needs, as views into its DER.
struct certificate_parts {
    byte_view tbs;                  ///< the whole TBSCertificate element (what the issuer signed)
    byte_view signature_algorithm;  ///< OID content of the outer signatureAlgorithm
    byte_view signature;            ///< the signature bits (BIT STRING content without the unused-bits byte)
    byte_view issuer;               ///< the whole issuer Name element
    byte_view subject;              ///< the whole subject Name element
    byte_view spki;                 ///< the whole SubjectPublicKeyInfo element
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    bool is_ca = false;             ///< basicConstraints cA
    bool has_key_usage = false;
    std::uint16_t key_usage = 0;    ///< KeyUsage bits, bit 0 (digitalSignature) = 0x8000 ... as in the BIT STRING
    std::vector<std::string> extended_key_usages;  ///< dotted OIDs
    std::vector<std::string> critical_extensions;  ///< dotted OIDs of extensions marked critical
};

/// KeyUsage keyCertSign, as certificate_parts::key_usage holds it.
inline constexpr std::uint16_t key_usage_cert_sign = 0x0400;
/// id-kp-codeSigning.
inline constexpr const char* eku_code_signing = "1.3.6.1.5.5.7.3.3";

/// Splits a certificate's DER (which must outlive the views); errc::invalid_key when malformed.
inline result<certificate_parts> split_certificate(byte_view der_bytes) {
    auto bad = [](const char* what) {
        return fail(errc::invalid_key, std::string("x509: malformed certificate (") + what + ")");
    };
    der::tlv cert, tbs, alg, sig, t;
    std::size_t pos = 0;
    if (!der::read_single(der_bytes, der::tag_sequence, cert)) return bad("outer sequence");
    if (!der::expect(cert.content, pos, der::tag_sequence, tbs)) return bad("tbsCertificate");
    if (!der::expect(cert.content, pos, der::tag_sequence, alg)) return bad("signature algorithm");
    if (!der::expect(cert.content, pos, der::tag_bit_string, sig) || pos != cert.content.size() || sig.content.empty() ||
        sig.content[0] != 0)
        return bad("signature");
    certificate_parts out;
    out.tbs = tbs.whole;
    out.signature = sig.content.subview(1);
    {
        der::tlv oid;
        std::size_t ap = 0;
        if (!der::expect(alg.content, ap, der::tag_oid, oid)) return bad("signature algorithm");
        out.signature_algorithm = oid.content;
    }
    byte_view c = tbs.content;
    std::size_t p = 0;
    if (!der::read(c, p, t)) return bad("version");
    if (t.tag == der::tag_context_0 && !der::read(c, p, t)) return bad("serial");
    if (t.tag != der::tag_integer) return bad("serial");
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("signature algorithm");
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("issuer");
    out.issuer = t.whole;
    der::tlv validity, nb, na;
    if (!der::expect(c, p, der::tag_sequence, validity)) return bad("validity");
    std::size_t vp = 0;
    if (!der::read(validity.content, vp, nb) || !der::read(validity.content, vp, na)) return bad("validity");
    auto from = parse_time(nb), to = parse_time(na);
    if (!from || !to) return bad("validity times");
    out.not_before = *from;
    out.not_after = *to;
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("subject");
    out.subject = t.whole;
    if (!der::expect(c, p, der::tag_sequence, t)) return bad("subject public key info");
    out.spki = t.whole;
    while (p < c.size()) {
        if (!der::read(c, p, t)) return bad("trailing fields");
        if (t.tag != 0xa3) continue;
        der::tlv exts;
        if (!der::read_single(t.content, der::tag_sequence, exts)) return bad("extensions");
        std::size_t ep = 0;
        while (ep < exts.content.size()) {
            der::tlv ext, oid, f;
            if (!der::expect(exts.content, ep, der::tag_sequence, ext)) return bad("extension");
            std::size_t xp = 0;
            if (!der::expect(ext.content, xp, der::tag_oid, oid) || !der::read(ext.content, xp, f)) return bad("extension");
            bool critical = false;
            if (f.tag == 0x01) {
                critical = f.content.size() == 1 && f.content[0] != 0;
                if (!der::read(ext.content, xp, f)) return bad("extension");
            }
            if (f.tag != der::tag_octet_string) return bad("extension value");
            const std::string id = oid_to_string(oid.content);
            if (critical) out.critical_extensions.push_back(id);
            if (id == "2.5.29.19") {  // basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... }
                der::tlv bc, ca;
                if (!der::read_single(f.content, der::tag_sequence, bc)) return bad("basic constraints");
                std::size_t bp = 0;
                if (bp < bc.content.size() && der::read(bc.content, bp, ca) && ca.tag == 0x01)
                    out.is_ca = ca.content.size() == 1 && ca.content[0] != 0;
            } else if (id == "2.5.29.15") {  // keyUsage BIT STRING
                der::tlv ku;
                if (!der::read_single(f.content, der::tag_bit_string, ku) || ku.content.empty()) return bad("key usage");
                out.has_key_usage = true;
                std::uint16_t v = 0;
                if (ku.content.size() > 1) v = static_cast<std::uint16_t>(ku.content[1] << 8);
                if (ku.content.size() > 2) v = static_cast<std::uint16_t>(v | ku.content[2]);
                out.key_usage = v;
            } else if (id == "2.5.29.37") {  // extKeyUsage SEQUENCE OF OID
                der::tlv seq;
                if (!der::read_single(f.content, der::tag_sequence, seq)) return bad("extended key usage");
                std::size_t sp = 0;
                while (sp < seq.content.size()) {
                    der::tlv e;
                    if (!der::expect(seq.content, sp, der::tag_oid, e)) return bad("extended key usage");
                    out.extended_key_usages.push_back(oid_to_string(e.content));
                }
            }
        }
    }
    return out;
}

/// The content of a DER UTF8String holding exactly `value`, or nullopt.
inline std::optional<std::string> utf8_string(std::string_view value) {
    der::tlv t;
    if (!der::read_single(byte_view(value), 0x0c, t)) return std::nullopt;
    return std::string(t.content.as_chars());
}

}  // namespace x509
}  // namespace detail

inline std::string certificate_info::oidc_issuer() const {
    auto v2 = extensions.find(fulcio_oidc_issuer_v2_oid);
    if (v2 != extensions.end()) {
        if (auto s = detail::x509::utf8_string(v2->second)) return *s;
    }
    return extension(fulcio_oidc_issuer_oid);
}

}  // namespace v0
}  // namespace cosign
