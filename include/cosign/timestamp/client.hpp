// SPDX-License-Identifier: Apache-2.0
/// Getting an RFC 3161 timestamp for a signature from a timestamp authority over a transport, as
/// cosign does (`--timestamp-server-url`): POST a TimeStampReq (SHA-256 of the signature, a random
/// 64-bit nonce, certReq) as `application/timestamp-query`; the answer is checked (granted, the
/// imprint and nonce sent) and returned as the bytes a bundle's signedTimestamp keeps.
///
///     auto tok = cosign::timestamp::request_timestamp<crypto::mbedtls>(transport, url, signature);
#pragma once

#include <string>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../transport/concepts.hpp"
#include "request.hpp"

namespace cosign {
inline namespace v0 {
namespace timestamp {

/// The TSA at `url` timestamps `signature`; errors name the server or the check of its answer.
template <class Crypto, class Transport>
result<bytes> request_timestamp(Transport& t, const std::string& url, byte_view signature) {
    COSIGN_TRY(bytes digest, Crypto::digest(hash_algorithm::sha256, signature));
    bytes nonce(8);
    COSIGN_TRY_VOID(Crypto::random(nonce.data(), nonce.size()));
    nonce[0] &= 0x7f;  // a positive INTEGER of at most 8 bytes, as Go's client sends
    const bytes query = make_request(hash_algorithm::sha256, digest, nonce);
    transport::request req;
    req.method = "POST";
    req.url = url;
    req.set_header("Content-Type", "application/timestamp-query");
    req.body.assign(query.begin(), query.end());
    req.max_response_body = 1u << 20;
    auto resp = t.send(req);
    if (!resp) return std::move(resp).error().context("timestamp server " + url);
    if (resp->status < 200 || resp->status > 299)
        return fail(errc::network, "timestamp server " + url + " answered HTTP " + std::to_string(resp->status));
    bytes body(resp->body.begin(), resp->body.end());
    auto ok = check_response(body, hash_algorithm::sha256, digest, nonce);
    if (!ok) return std::move(ok).error().context("timestamp server " + url);
    return body;
}

}  // namespace timestamp
}  // namespace v0
}  // namespace cosign
