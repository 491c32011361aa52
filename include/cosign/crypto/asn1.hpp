// SPDX-License-Identifier: Apache-2.0
/// A minimal strict DER reader and writer: enough to wrap SEC1/PKCS#1 keys in PKCS#8 the way Go
/// does, to recognise key formats by shape, to handle ECDSA signature encodings, to take keys
/// apart (and put them together) for a backend with no key parser (PSA Crypto), and to take a
/// constructed element apart and put it back together without one of its children (what RFC 6962
/// does to a certificate to rebuild the precertificate an SCT signs).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "../core/bytes.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {
namespace der {

inline constexpr std::uint8_t tag_integer = 0x02;
inline constexpr std::uint8_t tag_bit_string = 0x03;
inline constexpr std::uint8_t tag_octet_string = 0x04;
inline constexpr std::uint8_t tag_null = 0x05;
inline constexpr std::uint8_t tag_oid = 0x06;
inline constexpr std::uint8_t tag_sequence = 0x30;
inline constexpr std::uint8_t tag_context_0 = 0xa0;  // [0] EXPLICIT, constructed
inline constexpr std::uint8_t tag_context_1 = 0xa1;  // [1] EXPLICIT, constructed

// Contents of the object identifiers we need (without tag and length).
inline constexpr std::uint8_t oid_ec_public_key[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
inline constexpr std::uint8_t oid_rsa_encryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
inline constexpr std::uint8_t oid_x25519[] = {0x2b, 0x65, 0x6e};
inline constexpr std::uint8_t oid_ed25519[] = {0x2b, 0x65, 0x70};
inline constexpr std::uint8_t oid_ed448[] = {0x2b, 0x65, 0x71};

template <std::size_t N>
inline byte_view view_of(const std::uint8_t (&a)[N]) noexcept {
    return byte_view(a, N);
}

/// One tag-length-value element; `whole` spans tag, length and content.
struct tlv {
    std::uint8_t tag = 0;
    byte_view content;
    byte_view whole;
};

/// Reads the element at `pos` (single-byte tags, definite minimal lengths of up to 4 bytes) and
/// advances `pos`; false when malformed or truncated.
inline bool read(byte_view in, std::size_t& pos, tlv& out) noexcept {
    const std::size_t start = pos;
    if (pos + 2 > in.size()) return false;
    std::uint8_t tag = in[pos++];
    if ((tag & 0x1f) == 0x1f) return false;  // multi-byte tags are not needed here
    std::size_t len = in[pos++];
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        if (n == 0 || n > 4 || pos + n > in.size()) return false;
        if (in[pos] == 0) return false;  // not minimal
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[pos++];
        if (len < 0x80) return false;  // long form used for a short length
    }
    if (len > in.size() - pos) return false;
    out.tag = tag;
    out.content = byte_view(in.data() + pos, len);
    pos += len;
    out.whole = byte_view(in.data() + start, pos - start);
    return true;
}

/// Reads the element at `pos` and checks its tag.
inline bool expect(byte_view in, std::size_t& pos, std::uint8_t tag, tlv& out) noexcept {
    return read(in, pos, out) && out.tag == tag;
}

/// Reads the only element of `in`: false when anything follows it.
inline bool read_single(byte_view in, std::uint8_t tag, tlv& out) noexcept {
    std::size_t pos = 0;
    return expect(in, pos, tag, out) && pos == in.size();
}

/// True when an INTEGER's content is minimally encoded (DER).
inline bool integer_is_minimal(byte_view c) noexcept {
    if (c.empty()) return false;
    if (c.size() > 1 && ((c[0] == 0x00 && !(c[1] & 0x80)) || (c[0] == 0xff && (c[1] & 0x80)))) return false;
    return true;
}

/// True when the INTEGER `c` is the small non-negative value v.
inline bool integer_equals(byte_view c, unsigned v) noexcept { return c.size() == 1 && c[0] == v; }

/// Appends a DER length.
template <class Out>
void write_length(Out& out, std::size_t len) {
    if (len < 0x80) {
        out.push_back(static_cast<std::uint8_t>(len));
        return;
    }
    std::uint8_t tmp[sizeof(std::size_t)];
    std::size_t n = 0;
    while (len) {
        tmp[n++] = static_cast<std::uint8_t>(len & 0xff);
        len >>= 8;
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | n));
    while (n) out.push_back(tmp[--n]);
}

/// Appends one element.
template <class Out>
void write(Out& out, std::uint8_t tag, byte_view content) {
    out.push_back(tag);
    write_length(out, content.size());
    out.insert(out.end(), content.begin(), content.end());
}

/// Appends a non-negative INTEGER given as unsigned big-endian bytes (leading zeros allowed).
template <class Out>
void write_unsigned_integer(Out& out, byte_view be) {
    std::size_t i = 0;
    while (i + 1 < be.size() && be[i] == 0) ++i;
    bytes c;
    if (i == be.size() || (be[i] & 0x80)) c.push_back(0);
    c.insert(c.end(), be.begin() + i, be.end());
    write(out, tag_integer, c);
}

/// The elements of a constructed element's content, in order; nullopt when any is malformed or
/// bytes trail the last.
inline std::optional<std::vector<tlv>> children(byte_view content) {
    std::vector<tlv> out;
    std::size_t pos = 0;
    while (pos < content.size()) {
        tlv t;
        if (!read(content, pos, t)) return std::nullopt;
        out.push_back(t);
    }
    return out;
}

/// Element `tag` whose content is the concatenation of `parts` (each a whole element).
inline bytes assemble(std::uint8_t tag, const std::vector<byte_view>& parts) {
    std::size_t len = 0;
    for (const auto& p : parts) len += p.size();
    bytes content;
    content.reserve(len);
    for (const auto& p : parts) content.insert(content.end(), p.begin(), p.end());
    bytes out;
    out.reserve(len + 6);
    out.push_back(tag);
    write_length(out, len);
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

/// Element `tag` with the children of `content` for which keep(child) is true, re-encoded with
/// the new length (the children themselves are copied byte for byte). nullopt when `content`
/// does not parse.
template <class Keep>
std::optional<bytes> filter_children(std::uint8_t tag, byte_view content, Keep&& keep) {
    auto kids = children(content);
    if (!kids) return std::nullopt;
    std::vector<byte_view> parts;
    for (const auto& k : *kids)
        if (keep(k)) parts.push_back(k.whole);
    return assemble(tag, parts);
}

/// The parts of a PKCS#8 PrivateKeyInfo (RFC 5208 / 5958).
struct pkcs8_parts {
    byte_view algorithm;    ///< OID content of the AlgorithmIdentifier
    byte_view parameters;   ///< the whole parameters element (empty when absent)
    byte_view private_key;  ///< content of the privateKey OCTET STRING
};

/// Splits a PKCS#8 PrivateKeyInfo; nullopt when `in` does not have that shape.
inline std::optional<pkcs8_parts> parse_pkcs8(byte_view in) noexcept {
    tlv outer, version, alg, oid, key;
    if (!read_single(in, tag_sequence, outer)) return std::nullopt;
    std::size_t pos = 0;
    byte_view body = outer.content;
    if (!expect(body, pos, tag_integer, version)) return std::nullopt;
    if (!integer_equals(version.content, 0) && !integer_equals(version.content, 1)) return std::nullopt;
    if (!expect(body, pos, tag_sequence, alg)) return std::nullopt;
    if (!expect(body, pos, tag_octet_string, key)) return std::nullopt;
    // Optional [0] attributes and [1] public key (v2) may follow; we do not need them.
    pkcs8_parts parts;
    std::size_t apos = 0;
    if (!expect(alg.content, apos, tag_oid, oid)) return std::nullopt;
    parts.algorithm = oid.content;
    if (apos < alg.content.size()) {
        tlv params;
        if (!read(alg.content, apos, params) || apos != alg.content.size()) return std::nullopt;
        parts.parameters = params.whole;
    }
    parts.private_key = key.content;
    return parts;
}

/// True when `in` is a SEC1 ECPrivateKey (RFC 5915): SEQUENCE { INTEGER 1, OCTET STRING, ... }.
inline bool is_sec1(byte_view in) noexcept {
    tlv outer, version, key;
    if (!read_single(in, tag_sequence, outer)) return false;
    std::size_t pos = 0;
    return expect(outer.content, pos, tag_integer, version) && integer_equals(version.content, 1) &&
           expect(outer.content, pos, tag_octet_string, key);
}

/// True when `in` is a PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER 0|1, INTEGER n, INTEGER e, ... }.
inline bool is_pkcs1_private(byte_view in) noexcept {
    tlv outer, version, n, e;
    if (!read_single(in, tag_sequence, outer)) return false;
    std::size_t pos = 0;
    return expect(outer.content, pos, tag_integer, version) &&
           (integer_equals(version.content, 0) || integer_equals(version.content, 1)) &&
           expect(outer.content, pos, tag_integer, n) && expect(outer.content, pos, tag_integer, e);
}

/// The algorithm OID content of a SubjectPublicKeyInfo, or an empty view when `in` is not one.
inline byte_view spki_algorithm(byte_view in) noexcept {
    tlv outer, alg, oid;
    if (!read_single(in, tag_sequence, outer)) return {};
    std::size_t pos = 0, apos = 0;
    if (!expect(outer.content, pos, tag_sequence, alg)) return {};
    if (!expect(alg.content, apos, tag_oid, oid)) return {};
    return oid.content;
}

/// Rewrites a SEC1 ECPrivateKey as Go's x509.MarshalPKCS8PrivateKey embeds it (the curve moves to
/// the AlgorithmIdentifier, so the inner [0] parameters are dropped; [1] publicKey is kept) and
/// wraps it in PKCS#8. Returns an empty buffer when `sec1` is not a named-curve SEC1 key.
inline secure_bytes sec1_to_pkcs8(byte_view sec1) {
    tlv outer, version, key, curve;
    if (!read_single(sec1, tag_sequence, outer)) return {};
    byte_view body = outer.content;
    std::size_t pos = 0;
    if (!expect(body, pos, tag_integer, version) || !expect(body, pos, tag_octet_string, key)) return {};
    byte_view curve_oid, public_key;
    while (pos < body.size()) {
        tlv t;
        if (!read(body, pos, t)) return {};
        if (t.tag == tag_context_0) {
            if (!read_single(t.content, tag_oid, curve)) return {};
            curve_oid = curve.whole;
        } else if (t.tag == tag_context_1) {
            public_key = t.whole;
        } else {
            return {};
        }
    }
    if (curve_oid.empty()) return {};  // explicit curve parameters: Go cannot express these either

    secure_bytes inner_body;
    inner_body.insert(inner_body.end(), version.whole.begin(), version.whole.end());
    inner_body.insert(inner_body.end(), key.whole.begin(), key.whole.end());
    inner_body.insert(inner_body.end(), public_key.begin(), public_key.end());
    secure_bytes inner;
    write(inner, tag_sequence, inner_body);

    bytes alg_body;
    write(alg_body, tag_oid, view_of(oid_ec_public_key));
    alg_body.insert(alg_body.end(), curve_oid.begin(), curve_oid.end());

    secure_bytes body_out = {tag_integer, 1, 0};  // version 0
    write(body_out, tag_sequence, alg_body);
    write(body_out, tag_octet_string, inner);
    secure_bytes out;
    write(out, tag_sequence, body_out);
    return out;
}

/// Wraps a PKCS#1 RSAPrivateKey in PKCS#8 (rsaEncryption with NULL parameters, as Go writes).
inline secure_bytes pkcs1_to_pkcs8(byte_view pkcs1) {
    bytes alg_body;
    write(alg_body, tag_oid, view_of(oid_rsa_encryption));
    alg_body.push_back(tag_null);
    alg_body.push_back(0);
    secure_bytes body = {tag_integer, 1, 0};
    write(body, tag_sequence, alg_body);
    write(body, tag_octet_string, pkcs1);
    secure_bytes out;
    write(out, tag_sequence, body);
    return out;
}

/// True when `sig` is exactly a strict-DER ECDSA-Sig-Value SEQUENCE { INTEGER r, INTEGER s }.
inline bool is_der_ecdsa_signature(byte_view sig) noexcept {
    tlv outer, r, s;
    if (!read_single(sig, tag_sequence, outer)) return false;
    std::size_t pos = 0;
    return expect(outer.content, pos, tag_integer, r) && integer_is_minimal(r.content) &&
           expect(outer.content, pos, tag_integer, s) && integer_is_minimal(s.content) &&
           pos == outer.content.size();
}

/// A named elliptic curve: its OID content, its size, and the name Go (NIST curves) or mbedTLS
/// (the others) gives it.
struct named_curve {
    byte_view oid;
    unsigned bits;
    std::string_view name;
};

inline constexpr std::uint8_t oid_secp192r1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01};
inline constexpr std::uint8_t oid_secp224r1[] = {0x2b, 0x81, 0x04, 0x00, 0x21};
inline constexpr std::uint8_t oid_secp256r1[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
inline constexpr std::uint8_t oid_secp384r1[] = {0x2b, 0x81, 0x04, 0x00, 0x22};
inline constexpr std::uint8_t oid_secp521r1[] = {0x2b, 0x81, 0x04, 0x00, 0x23};
inline constexpr std::uint8_t oid_secp256k1[] = {0x2b, 0x81, 0x04, 0x00, 0x0a};
inline constexpr std::uint8_t oid_brainpool256r1[] = {0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07};
inline constexpr std::uint8_t oid_brainpool384r1[] = {0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b};
inline constexpr std::uint8_t oid_brainpool512r1[] = {0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d};

/// The curve whose OID content is `oid`, or nullopt.
inline std::optional<named_curve> curve_of_oid(byte_view oid) noexcept {
    const named_curve curves[] = {
        {view_of(oid_secp192r1), 192, "P-192"},
        {view_of(oid_secp224r1), 224, "P-224"},
        {view_of(oid_secp256r1), 256, "P-256"},
        {view_of(oid_secp384r1), 384, "P-384"},
        {view_of(oid_secp521r1), 521, "P-521"},
        {view_of(oid_secp256k1), 256, "secp256k1"},
        {view_of(oid_brainpool256r1), 256, "brainpoolP256r1"},
        {view_of(oid_brainpool384r1), 384, "brainpoolP384r1"},
        {view_of(oid_brainpool512r1), 512, "brainpoolP512r1"},
    };
    for (const auto& c : curves)
        if (c.oid == oid) return c;
    return std::nullopt;
}

/// The parts of a SubjectPublicKeyInfo (RFC 5280).
struct spki_parts {
    byte_view algorithm;   ///< OID content of the AlgorithmIdentifier
    byte_view parameters;  ///< the whole parameters element (empty when absent)
    byte_view key;         ///< the subjectPublicKey BIT STRING's bits (no unused-bits byte)
};

/// Splits a SubjectPublicKeyInfo; nullopt when `in` does not have that shape (or the BIT STRING
/// has unused bits).
inline std::optional<spki_parts> parse_spki(byte_view in) noexcept {
    tlv outer, alg, oid, key;
    if (!read_single(in, tag_sequence, outer)) return std::nullopt;
    std::size_t pos = 0, apos = 0;
    if (!expect(outer.content, pos, tag_sequence, alg) || !expect(outer.content, pos, tag_bit_string, key) ||
        pos != outer.content.size())
        return std::nullopt;
    if (!expect(alg.content, apos, tag_oid, oid)) return std::nullopt;
    spki_parts parts;
    parts.algorithm = oid.content;
    if (apos < alg.content.size()) {
        tlv params;
        if (!read(alg.content, apos, params) || apos != alg.content.size()) return std::nullopt;
        parts.parameters = params.whole;
    }
    if (key.content.empty() || key.content[0] != 0) return std::nullopt;
    parts.key = key.content.subview(1);
    return parts;
}

/// The parts of a SEC1 ECPrivateKey (RFC 5915).
struct sec1_parts {
    byte_view private_key;  ///< the big-endian scalar, as encoded
    byte_view curve;        ///< OID content of the [0] named curve (empty when absent)
    byte_view public_key;   ///< the [1] point's bits (empty when absent)
};

/// Splits a SEC1 ECPrivateKey; nullopt when `in` does not have that shape (explicit curve
/// parameters included: neither Go nor cosign can use them).
inline std::optional<sec1_parts> parse_sec1(byte_view in) noexcept {
    tlv outer, version, key;
    if (!read_single(in, tag_sequence, outer)) return std::nullopt;
    byte_view body = outer.content;
    std::size_t pos = 0;
    if (!expect(body, pos, tag_integer, version) || !integer_equals(version.content, 1) ||
        !expect(body, pos, tag_octet_string, key))
        return std::nullopt;
    sec1_parts parts;
    parts.private_key = key.content;
    while (pos < body.size()) {
        tlv t, inner;
        if (!read(body, pos, t)) return std::nullopt;
        if (t.tag == tag_context_0 && parts.curve.empty()) {
            if (!read_single(t.content, tag_oid, inner)) return std::nullopt;
            parts.curve = inner.content;
        } else if (t.tag == tag_context_1 && parts.public_key.empty()) {
            if (!read_single(t.content, tag_bit_string, inner) || inner.content.empty() || inner.content[0] != 0)
                return std::nullopt;
            parts.public_key = inner.content.subview(1);
        } else {
            return std::nullopt;
        }
    }
    return parts;
}

/// A SubjectPublicKeyInfo of an EC point (uncompressed, as Go and mbedTLS write it) on the
/// named curve whose OID content is `curve`.
inline bytes write_ec_spki(byte_view curve, byte_view point) {
    bytes alg_body;
    write(alg_body, tag_oid, view_of(oid_ec_public_key));
    write(alg_body, tag_oid, curve);
    bytes bits = {0};
    bits.insert(bits.end(), point.begin(), point.end());
    bytes body;
    write(body, tag_sequence, alg_body);
    write(body, tag_bit_string, bits);
    bytes out;
    write(out, tag_sequence, body);
    return out;
}

/// A SubjectPublicKeyInfo of a PKCS#1 RSAPublicKey (rsaEncryption, NULL parameters).
inline bytes write_rsa_spki(byte_view pkcs1) {
    bytes alg_body;
    write(alg_body, tag_oid, view_of(oid_rsa_encryption));
    alg_body.push_back(tag_null);
    alg_body.push_back(0);
    bytes bits = {0};
    bits.insert(bits.end(), pkcs1.begin(), pkcs1.end());
    bytes body;
    write(body, tag_sequence, alg_body);
    write(body, tag_bit_string, bits);
    bytes out;
    write(out, tag_sequence, body);
    return out;
}

/// A SEC1 ECPrivateKey with the named curve and the public point, as mbedTLS writes it:
/// SEQUENCE { 1, OCTET STRING scalar, [0] curve, [1] BIT STRING point }.
inline secure_bytes write_sec1(byte_view scalar, byte_view curve, byte_view point) {
    secure_bytes body = {tag_integer, 1, 1};
    write(body, tag_octet_string, scalar);
    bytes curve_el;
    write(curve_el, tag_oid, curve);
    write(body, tag_context_0, curve_el);
    bytes bits = {0};
    bits.insert(bits.end(), point.begin(), point.end());
    bytes point_el;
    write(point_el, tag_bit_string, bits);
    write(body, tag_context_1, point_el);
    secure_bytes out;
    write(out, tag_sequence, body);
    return out;
}

/// A strict-DER ECDSA signature as IEEE P1363 r||s with `half` bytes each; nullopt when `sig` is
/// not strict DER or r or s is longer than `half` (INTEGER contents are read as unsigned, as
/// mbedTLS reads them).
inline std::optional<bytes> der_to_p1363(byte_view sig, std::size_t half) {
    if (!is_der_ecdsa_signature(sig)) return std::nullopt;
    tlv outer, r, s;
    read_single(sig, tag_sequence, outer);
    std::size_t pos = 0;
    expect(outer.content, pos, tag_integer, r);
    expect(outer.content, pos, tag_integer, s);
    bytes out(2 * half, 0);
    for (std::size_t i = 0; i < 2; ++i) {
        byte_view v = i == 0 ? r.content : s.content;
        while (!v.empty() && v[0] == 0) v = v.subview(1);
        if (v.size() > half) return std::nullopt;
        std::copy(v.begin(), v.end(), out.begin() + static_cast<std::ptrdiff_t>(i * half + half - v.size()));
    }
    return out;
}

/// Converts an IEEE P1363 signature r||s (two equal halves) to DER.
inline bytes p1363_to_der(byte_view sig) {
    const std::size_t half = sig.size() / 2;
    bytes body;
    write_unsigned_integer(body, sig.subview(0, half));
    write_unsigned_integer(body, sig.subview(half, half));
    bytes out;
    write(out, tag_sequence, body);
    return out;
}

}  // namespace der
}  // namespace detail
}  // namespace v0
}  // namespace cosign
