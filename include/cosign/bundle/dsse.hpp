// SPDX-License-Identifier: Apache-2.0
/// DSSE envelopes (Dead Simple Signing Envelope, v1.0.0) as Sigstore bundles carry them, and the
/// pre-authentication encoding (PAE) that their signatures cover. Pure: no crypto backend.
///
///     std::string signed_bytes = bundle::pae(env.payload_type, env.payload);
///     // "DSSEv1 <len(type)> <type> <len(payload)> <payload>"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../core/bytes.hpp"

namespace cosign {
inline namespace v0 {
namespace bundle {

/// The in-toto statement media type (the payloadType of cosign's attestations).
inline constexpr const char* in_toto_payload_type = "application/vnd.in-toto+json";

/// One signature of an envelope.
struct dsse_signature {
    bytes sig;          ///< the raw signature (base64 in JSON)
    std::string keyid;  ///< optional, usually empty
};

/// A DSSE envelope: the payload, its type, and the signatures over PAE(type, payload).
struct dsse_envelope {
    bytes payload;  ///< raw payload bytes (base64 in JSON)
    std::string payload_type;
    std::vector<dsse_signature> signatures;
};

/// The DSSE v1 pre-authentication encoding of (type, body): the bytes a DSSE signature covers,
/// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal.
inline std::string pae(std::string_view payload_type, byte_view payload) {
    std::string out = "DSSEv1 ";
    out += std::to_string(payload_type.size());
    out += ' ';
    out.append(payload_type.data(), payload_type.size());
    out += ' ';
    out += std::to_string(payload.size());
    out += ' ';
    out.append(payload.as_chars().data(), payload.size());
    return out;
}

}  // namespace bundle
}  // namespace v0
}  // namespace cosign
