// SPDX-License-Identifier: Apache-2.0
/// Certificate transparency for Fulcio certificates: the SCTs embedded in a leaf (RFC 6962
/// section 3.3), each checked with the CT log key of the trust root whose log id it names, over
/// the precertificate rebuilt from the leaf; and a detached SCT (Fulcio's add-chain response),
/// over the certificate itself. Backend-neutral: DER work here, the signature check
/// through the crypto policy (parse_public_key, verify), so a verify-only build checks SCTs too.
///
///     auto ok = cosign::verify_embedded_sct<crypto::mbedtls>(leaf, issuer, root);
///     // errc::verification_failed naming what failed: no SCT, unknown log, bad signature
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "../crypto/asn1.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/key_info.hpp"
#include "../crypto/x509.hpp"
#include "../trust/trust_root.hpp"

namespace cosign {
inline namespace v0 {

/// The trust root, as the keyless checks name it (trust/trust_root.hpp).
using trust_root = trust::trust_root;

/// One signed certificate timestamp (RFC 6962 section 3.2), v1, as parsed from the wire.
struct signed_certificate_timestamp {
    std::uint8_t version = 0;
    bytes log_id;                 ///< 32 bytes: SHA-256 of the log's SubjectPublicKeyInfo
    std::uint64_t timestamp = 0;  ///< milliseconds since the Unix epoch
    bytes extensions;
    std::uint8_t hash_algorithm = 0;       ///< TLS HashAlgorithm: 4 sha256, 5 sha384, 6 sha512
    std::uint8_t signature_algorithm = 0;  ///< TLS SignatureAlgorithm: 1 rsa, 3 ecdsa
    bytes signature;
};

namespace detail {
namespace sct {

inline error bad(const std::string& what) {
    return fail(errc::verification_failed, "SCT: malformed embedded SCT list (" + what + ")");
}

struct reader {
    byte_view in;
    std::size_t pos = 0;
    bool take(std::size_t n, byte_view& out) {
        if (n > in.size() - pos) return false;
        out = in.subview(pos, n);
        pos += n;
        return true;
    }
    bool number(std::size_t n, std::uint64_t& v) {
        byte_view b;
        if (!take(n, b)) return false;
        v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | b[i];
        return true;
    }
    bool vector(std::size_t len_bytes, byte_view& out) {
        std::uint64_t n = 0;
        return number(len_bytes, n) && take(static_cast<std::size_t>(n), out);
    }
};

template <class Out>
void put(Out& out, std::uint64_t v, std::size_t n) {
    for (std::size_t i = n; i-- > 0;) out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
}

// The SCTs of a TLS-encoded SignedCertificateTimestampList (the extension's value holds it in
// an OCTET STRING).
inline result<std::vector<signed_certificate_timestamp>> parse_list(byte_view ext_value) {
    der::tlv octets;
    if (!der::read_single(ext_value, der::tag_octet_string, octets)) return bad("not an OCTET STRING");
    reader r{octets.content};
    byte_view list;
    if (!r.vector(2, list) || r.pos != octets.content.size()) return bad("list length");
    std::vector<signed_certificate_timestamp> out;
    reader lr{list};
    while (lr.pos < list.size()) {
        byte_view one;
        if (!lr.vector(2, one)) return bad("SCT length");
        reader s{one};
        signed_certificate_timestamp sct;
        std::uint64_t v = 0;
        byte_view id, ext, sig;
        if (!s.number(1, v)) return bad("version");
        sct.version = static_cast<std::uint8_t>(v);
        if (sct.version != 0)
            return fail(errc::verification_failed, "SCT: version " + std::to_string(v) + " is not v1");
        if (!s.take(32, id) || !s.number(8, sct.timestamp) || !s.vector(2, ext))
            return bad("log id, timestamp or extensions");
        if (!s.number(1, v)) return bad("hash algorithm");
        sct.hash_algorithm = static_cast<std::uint8_t>(v);
        if (!s.number(1, v)) return bad("signature algorithm");
        sct.signature_algorithm = static_cast<std::uint8_t>(v);
        if (!s.vector(2, sig) || s.pos != one.size()) return bad("signature");
        sct.log_id = id.to_bytes();
        sct.extensions = ext.to_bytes();
        sct.signature = sig.to_bytes();
        out.push_back(std::move(sct));
    }
    return out;
}

// The precertificate TBSCertificate: the leaf's TBS without the SCT list extension (RFC 6962
// section 3.2: the CT log signed the TBS before the SCTs were added).
inline result<bytes> precertificate_tbs(byte_view tbs_whole) {
    der::tlv tbs;
    if (!der::read_single(tbs_whole, der::tag_sequence, tbs))
        return fail(errc::invalid_key, "x509: malformed tbsCertificate");
    auto fields = der::children(tbs.content);
    if (!fields) return fail(errc::invalid_key, "x509: malformed tbsCertificate");
    std::vector<bytes> rebuilt;
    std::vector<byte_view> parts;
    rebuilt.reserve(1);
    for (const auto& f : *fields) {
        if (f.tag != 0xa3) {
            parts.push_back(f.whole);
            continue;
        }
        der::tlv exts;
        if (!der::read_single(f.content, der::tag_sequence, exts))
            return fail(errc::invalid_key, "x509: malformed extensions");
        auto kept = der::filter_children(der::tag_sequence, exts.content, [](const der::tlv& ext) {
            der::tlv oid;
            std::size_t p = 0;
            return !(der::expect(ext.content, p, der::tag_oid, oid) &&
                     x509::oid_to_string(oid.content) == sct_list_oid);
        });
        if (!kept) return fail(errc::invalid_key, "x509: malformed extensions");
        rebuilt.push_back(der::assemble(0xa3, {byte_view(*kept)}));
        parts.push_back(rebuilt.back());
    }
    return der::assemble(der::tag_sequence, parts);
}

// The digitally-signed struct of RFC 6962 section 3.2 for a precert_entry.
inline bytes signed_data(const signed_certificate_timestamp& sct, byte_view issuer_key_hash,
                         byte_view precert_tbs) {
    bytes out;
    out.reserve(precert_tbs.size() + 64);
    put(out, 0, 1);  // sct_version v1
    put(out, 0, 1);  // signature_type certificate_timestamp
    put(out, sct.timestamp, 8);
    put(out, 1, 2);  // entry_type precert_entry
    out.insert(out.end(), issuer_key_hash.begin(), issuer_key_hash.end());
    put(out, precert_tbs.size(), 3);
    out.insert(out.end(), precert_tbs.begin(), precert_tbs.end());
    put(out, sct.extensions.size(), 2);
    out.insert(out.end(), sct.extensions.begin(), sct.extensions.end());
    return out;
}

// The digitally-signed struct of RFC 6962 section 3.2 for an x509_entry: a detached SCT signs
// the certificate itself (ASN.1Cert, a 3-byte length and the DER).
inline bytes signed_data_x509(const signed_certificate_timestamp& sct, byte_view cert_der) {
    bytes out;
    out.reserve(cert_der.size() + 32);
    put(out, 0, 1);  // sct_version v1
    put(out, 0, 1);  // signature_type certificate_timestamp
    put(out, sct.timestamp, 8);
    put(out, 0, 2);  // entry_type x509_entry
    put(out, cert_der.size(), 3);
    out.insert(out.end(), cert_der.begin(), cert_der.end());
    put(out, sct.extensions.size(), 2);
    out.insert(out.end(), sct.extensions.begin(), sct.extensions.end());
    return out;
}

// Checks one SCT's signature over `msg` with the CT log of `root` its log id names, trusted at
// the SCT's time. `kind` ("embedded", "detached") goes into the messages.
template <class Crypto>
result<void> check_signature(const signed_certificate_timestamp& sct, byte_view msg, const trust_root& root,
                             const char* kind) {
    const auto when = trust::instant{static_cast<std::int64_t>(sct.timestamp / 1000),
                                     static_cast<std::int32_t>((sct.timestamp % 1000) * 1000000)};
    const trust::transparency_log* log = root.find_ctlog(sct.log_id, when);
    if (!log) {
        bool known = false;
        for (const auto& l : root.ctlogs) known = known || byte_view(l.log_id) == byte_view(sct.log_id);
        if (known)
            return fail(errc::verification_failed, "SCT: the CT log " + hex::encode(sct.log_id) +
                                                       " was not trusted at the SCT's time (" +
                                                       std::to_string(sct.timestamp) + " ms)");
        return fail(errc::verification_failed,
                    "SCT: no trusted CT log has log id " + hex::encode(sct.log_id) +
                        " (set the CT log key: SIGSTORE_CT_LOG_PUBLIC_KEY_FILE or a trusted root)");
    }
    hash_algorithm h = hash_algorithm::sha256;
    switch (sct.hash_algorithm) {
        case 4:
            h = hash_algorithm::sha256;
            break;
        case 5:
            h = hash_algorithm::sha384;
            break;
        case 6:
            h = hash_algorithm::sha512;
            break;
        default:
            return fail(errc::verification_failed,
                        "SCT: unsupported hash algorithm " + std::to_string(sct.hash_algorithm));
    }
    if (sct.signature_algorithm != 1 && sct.signature_algorithm != 3)
        return fail(errc::verification_failed,
                    "SCT: unsupported signature algorithm " + std::to_string(sct.signature_algorithm));
    auto key = Crypto::parse_public_key(byte_view(log->public_key.der).as_chars());
    if (!key) return std::move(key).error().context("SCT: the CT log key " + hex::encode(sct.log_id));
    auto ok = Crypto::verify(*key, msg, sct.signature, h);
    if (!ok) {
        if (ok.error().code() != errc::verification_failed) return std::move(ok).error().context("SCT");
        return fail(errc::verification_failed, std::string("SCT: the ") + kind +
                                                   " SCT's signature does not verify with the key of CT log " +
                                                   hex::encode(sct.log_id));
    }
    return {};
}

}  // namespace sct
}  // namespace detail

/// The SCTs embedded in a certificate (DER), in order; an empty list when it has none.
inline result<std::vector<signed_certificate_timestamp>> embedded_scts(byte_view leaf_der) {
    auto info = detail::x509::describe_certificate(leaf_der);
    if (!info) return std::move(info).error();
    auto it = info->extensions.find(sct_list_oid);
    if (it == info->extensions.end()) return std::vector<signed_certificate_timestamp>{};
    // The extension's value (extnValue's content) is itself an OCTET STRING holding the TLS list.
    return detail::sct::parse_list(byte_view(it->second));
}

/// Checks the SCTs embedded in `leaf` (issued by `issuer`, whose key the log hashed): there must
/// be at least one, and each must be signed by the CT log of `root` whose log id it names, with
/// the log's key trusted at the SCT's time, over the precertificate (the leaf's TBS without the
/// SCT extension). Errors are errc::verification_failed and name the failed check. `--insecure-
/// ignore-sct` is the caller not calling this.
template <class Crypto>
result<void> verify_embedded_sct(const typename Crypto::certificate& leaf,
                                 const typename Crypto::certificate& issuer, const trust_root& root) {
    static_assert(has_x509_v<Crypto>,
                  "verify_embedded_sct: the crypto policy has no X.509 members (has_x509_v)");
    const bytes leaf_der = Crypto::certificate_der(leaf);
    const bytes issuer_der = Crypto::certificate_der(issuer);
    COSIGN_TRY(auto scts, embedded_scts(leaf_der));
    if (scts.empty())
        return fail(errc::verification_failed,
                    "SCT: the certificate has no embedded SCT (no proof of inclusion in a certificate "
                    "transparency log; "
                    "--insecure-ignore-sct skips this check)");
    COSIGN_TRY(auto leaf_parts, detail::x509::split_certificate(leaf_der));
    COSIGN_TRY(auto issuer_parts, detail::x509::split_certificate(issuer_der));
    if (leaf_parts.issuer != issuer_parts.subject)
        return fail(errc::verification_failed, "SCT: the issuer certificate given is not the leaf's issuer");
    COSIGN_TRY(bytes tbs, detail::sct::precertificate_tbs(leaf_parts.tbs));
    const auto key_hash = sha256(issuer_parts.spki);
    for (const auto& sct : scts) {
        const bytes msg = detail::sct::signed_data(sct, byte_view(key_hash.bytes.data(), key_hash.bytes.size()), tbs);
        COSIGN_TRY_VOID(detail::sct::check_signature<Crypto>(sct, msg, root, "embedded"));
    }
    return {};
}

/// A detached SCT as Fulcio hands it out (its v1 `SCT` header and v2
/// `signedCertificateDetachedSct`, once base64-decoded): RFC 6962's add-chain response,
/// `{"sct_version":0,"id":"<b64 log id>","timestamp":<ms>,"extensions":"<b64>","signature":"<b64
/// of the TLS DigitallySigned>"}`. errc::verification_failed naming the field that is wrong.
inline result<signed_certificate_timestamp> parse_detached_sct(std::string_view json_text) {
    auto bad = [](const std::string& what) {
        return fail(errc::verification_failed, "SCT: malformed detached SCT (" + what + ")");
    };
    auto doc = json::parse(json_text);
    if (!doc) return bad("not JSON: " + doc.error().message());
    if (!doc->IsObject()) return bad("not a JSON object");
    signed_certificate_timestamp sct;
    const json::value* v = json::member(*doc, "sct_version");
    if (!v || !v->IsUint64()) return bad("\"sct_version\" is missing or not a number");
    if (v->GetUint64() != 0)
        return fail(errc::verification_failed, "SCT: version " + std::to_string(v->GetUint64()) + " is not v1");
    const json::value* ts = json::member(*doc, "timestamp");
    if (!ts || !ts->IsUint64()) return bad("\"timestamp\" is missing or not a whole number");
    sct.timestamp = ts->GetUint64();
    auto field = [&](const char* name, bool required) -> result<bytes> {
        auto text = json::string_member(*doc, name);
        if (!text) {
            if (!required && !json::member(*doc, name)) return bytes{};
            return bad(std::string("\"") + name + "\" is missing or not a string");
        }
        auto b = base64::decode(*text);
        if (!b) return bad(std::string("\"") + name + "\" is not base64");
        return std::move(*b);
    };
    COSIGN_TRY(sct.log_id, field("id", true));
    if (sct.log_id.size() != 32) return bad("\"id\" is not 32 bytes");
    COSIGN_TRY(sct.extensions, field("extensions", false));
    COSIGN_TRY(bytes sig, field("signature", true));
    detail::sct::reader r{byte_view(sig)};
    std::uint64_t h = 0, a = 0;
    byte_view raw;
    if (!r.number(1, h) || !r.number(1, a) || !r.vector(2, raw) || r.pos != sig.size())
        return bad("\"signature\" is not a TLS DigitallySigned struct");
    sct.hash_algorithm = static_cast<std::uint8_t>(h);
    sct.signature_algorithm = static_cast<std::uint8_t>(a);
    sct.signature = raw.to_bytes();
    return sct;
}

/// Checks a detached SCT (parse_detached_sct) for `leaf`: signed by the CT log of `root` whose
/// log id it names, trusted at its time, over the certificate itself (an x509_entry).
/// errc::verification_failed naming the failed check.
template <class Crypto>
result<void> verify_detached_sct(const typename Crypto::certificate& leaf, const signed_certificate_timestamp& sct,
                                 const trust_root& root) {
    static_assert(has_x509_v<Crypto>, "verify_detached_sct: the crypto policy has no X.509 members (has_x509_v)");
    const bytes leaf_der = Crypto::certificate_der(leaf);
    return detail::sct::check_signature<Crypto>(sct, detail::sct::signed_data_x509(sct, leaf_der), root, "detached");
}

/// The SCT check cosign makes on the certificate Fulcio just issued, before using it
/// (cosign's ctl.VerifySCT): the SCTs embedded in `leaf` when it has any (`issuer`: the
/// certificate that issued it, the first of Fulcio's chain; nullptr when the chain is empty),
/// else the detached SCT (`detached_json`: Fulcio's add-chain response, base64-decoded; empty
/// when Fulcio sent none). Neither is errc::verification_failed; so is any SCT that does not
/// verify with the CT log keys of `root`. Messages start with "SCT:".
template <class Crypto>
result<void> verify_certificate_sct(const typename Crypto::certificate& leaf, const typename Crypto::certificate* issuer,
                                    std::string_view detached_json, const trust_root& root) {
    static_assert(has_x509_v<Crypto>, "verify_certificate_sct: the crypto policy has no X.509 members (has_x509_v)");
    COSIGN_TRY(auto embedded, embedded_scts(Crypto::certificate_der(leaf)));
    if (!embedded.empty()) {
        if (!issuer)
            return fail(errc::verification_failed,
                        "SCT: the certificate's issuer is needed to check its embedded SCT, and the certificate "
                        "chain is empty");
        return verify_embedded_sct<Crypto>(leaf, *issuer, root);
    }
    if (detached_json.empty())
        return fail(errc::verification_failed,
                    "SCT: the certificate has no embedded SCT and no detached SCT was given (no proof of inclusion "
                    "in a certificate transparency log)");
    COSIGN_TRY(auto sct, parse_detached_sct(detached_json));
    return verify_detached_sct<Crypto>(leaf, sct, root);
}

}  // namespace v0
}  // namespace cosign
