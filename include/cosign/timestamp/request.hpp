// SPDX-License-Identifier: Apache-2.0
/// An RFC 3161 TimeStampReq as cosign sends it to a timestamp authority (POST with
/// `Content-Type: application/timestamp-query`): the hash of the signature, a nonce, certReq
/// true; and the check of the TimeStampResp that comes back (granted, stamping that hash, with
/// that nonce) before it is stored in a bundle. No I/O: the caller posts the bytes.
///
///     auto req = cosign::timestamp::make_request(hash_algorithm::sha256, digest_of_signature, nonce);
///     // POST req ... -> response body
///     auto ok = cosign::timestamp::check_response(body, hash_algorithm::sha256, digest_of_signature, nonce);
#pragma once

#include <string>

#include "../core/bytes.hpp"
#include "../core/hex.hpp"
#include "../core/result.hpp"
#include "../crypto/asn1.hpp"
#include "../crypto/key_info.hpp"
#include "token.hpp"

namespace cosign {
inline namespace v0 {
namespace timestamp {

namespace detail {
inline byte_view hash_oid(hash_algorithm h) {
    static const std::uint8_t sha224[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04};
    static const std::uint8_t sha256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    static const std::uint8_t sha384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
    static const std::uint8_t sha512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
    switch (h) {
        case hash_algorithm::sha224: return cosign::detail::der::view_of(sha224);
        case hash_algorithm::sha384: return cosign::detail::der::view_of(sha384);
        case hash_algorithm::sha512: return cosign::detail::der::view_of(sha512);
        case hash_algorithm::sha256: break;
    }
    return cosign::detail::der::view_of(sha256);
}
}  // namespace detail

/// The DER TimeStampReq { version 1, messageImprint { h, digest }, nonce, certReq TRUE } (the
/// nonce as unsigned big-endian bytes; empty: no nonce).
inline bytes make_request(hash_algorithm h, byte_view digest, byte_view nonce, bool cert_req = true) {
    namespace der = cosign::detail::der;
    bytes alg;
    der::write(alg, der::tag_oid, detail::hash_oid(h));
    alg.push_back(der::tag_null);
    alg.push_back(0);
    bytes imprint;
    der::write(imprint, der::tag_sequence, alg);
    der::write(imprint, der::tag_octet_string, digest);
    bytes body = {der::tag_integer, 1, 1};
    der::write(body, der::tag_sequence, imprint);
    if (!nonce.empty()) der::write_unsigned_integer(body, nonce);
    if (cert_req) body.insert(body.end(), {0x01, 0x01, 0xff});
    bytes out;
    der::write(out, der::tag_sequence, body);
    return out;
}

/// Checks a TSA's answer to make_request before it is kept: a granted TimeStampResp (or a bare
/// token) that parses, stamps `digest` with `h`, and carries the nonce sent (compared as
/// unsigned integers). The signature and chain are verify_token's business, at verification.
inline result<token> check_response(byte_view response, hash_algorithm h, byte_view digest, byte_view nonce) {
    COSIGN_TRY(token tok, parse_token(response));
    if (!tok.imprint_hash.hash || *tok.imprint_hash.hash != h || byte_view(tok.imprint) != digest)
        return error(errc::verification_failed, "timestamp: message imprint: the TSA stamped " + tok.imprint_hash.oid +
                                                    " " + hex::encode(tok.imprint) + ", not the hash requested " +
                                                    hex::encode(digest));
    if (!nonce.empty()) {
        auto strip = [](byte_view v) {
            while (!v.empty() && v[0] == 0) v = v.subview(1);
            return v;
        };
        if (!tok.nonce || strip(*tok.nonce) != strip(nonce))
            return error(errc::verification_failed, "timestamp: nonce: the TSA's answer does not carry the nonce sent");
    }
    return tok;
}

}  // namespace timestamp
}  // namespace v0
}  // namespace cosign
