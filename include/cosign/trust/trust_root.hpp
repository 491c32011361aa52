// SPDX-License-Identifier: Apache-2.0
/// The trust root a verifier takes: transparency logs (Rekor) and CT logs with their keys,
/// certificate authorities (Fulcio) and timestamp authorities with their chains, each with the
/// window in which it is trusted. A plain value: no I/O, no crypto backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/hex.hpp"
#include "../core/sha256.hpp"
#include "time.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

/// When a key or authority is trusted: from `start`, until `end` if any, both inclusive
/// (as sigstore-go's ValidAtTime).
struct validity_period {
    instant start;
    std::optional<instant> end;

    /// True when t lies in [start, end] (no end: open-ended).
    bool contains(const instant& t) const noexcept { return !(t < start) && !(end && *end < t); }
    /// The same for a whole Unix second (Rekor's integratedTime).
    bool contains(std::int64_t unix_seconds) const noexcept { return contains(instant::from_unix(unix_seconds)); }
};

/// A log's key as protobuf-specs' PublicKey: DER SubjectPublicKeyInfo and its algorithm name
/// (`PKIX_ECDSA_P256_SHA_256`, `PKIX_ED25519`, ...; kept as written so that a verifier can
/// refuse an algorithm it lacks by name).
struct log_key {
    bytes der;
    std::string key_details;
    validity_period valid_for;
};

/// A transparency log or a certificate-transparency log instance.
struct transparency_log {
    std::string base_url;
    std::string hash_algorithm = "SHA2_256";  ///< the Merkle tree's hash, as protobuf-specs names it
    log_key public_key;
    bytes log_id;                             ///< usually sha256 of the key's DER SubjectPublicKeyInfo
    std::optional<bytes> checkpoint_key_id;   ///< v0.2: the key id in signed checkpoints (Rekor v2)
    std::string operator_name;                ///< v0.2: "operator", empty when absent

    /// The log id as lower-case hex (Rekor's `logID`).
    std::string log_id_hex() const { return hex::encode(log_id); }
    /// True when the key is trusted at t.
    bool valid_at(const instant& t) const noexcept { return public_key.valid_for.contains(t); }
};

/// A distinguished name as trusted_root.json spells it.
struct distinguished_name {
    std::string organization;
    std::string common_name;
};

/// A certificate authority (Fulcio) or a timestamp authority.
struct certificate_authority {
    distinguished_name subject;
    std::string uri;
    std::vector<bytes> cert_chain;  ///< DER, as listed: leaf or intermediates first, root last
    validity_period valid_for;
    std::string operator_name;      ///< v0.2: "operator", empty when absent

    bool valid_at(const instant& t) const noexcept { return valid_for.contains(t); }
};

/// Everything a verifier trusts. Parsed from trusted_root.json (trust/trusted_root_json.hpp),
/// cosign 2's SIGSTORE_* files (trust/sigstore_env.hpp) or TUF (trust/tuf.hpp), or built by hand.
struct trust_root {
    std::string media_type;  ///< the media type it was read from; empty when built by hand
    std::vector<transparency_log> tlogs;
    std::vector<certificate_authority> certificate_authorities;
    std::vector<transparency_log> ctlogs;
    std::vector<certificate_authority> timestamp_authorities;

    /// The Rekor log whose id is `log_id` and whose key is trusted at t, or nullptr.
    const transparency_log* find_tlog(byte_view log_id, const instant& t) const noexcept {
        return find_log(tlogs, log_id, t);
    }
    /// The CT log whose id is `log_id` (an SCT's LogID) and whose key is trusted at t, or nullptr.
    const transparency_log* find_ctlog(byte_view log_id, const instant& t) const noexcept {
        return find_log(ctlogs, log_id, t);
    }
    /// The certificate authorities trusted at t, in the order listed.
    std::vector<const certificate_authority*> certificate_authorities_at(const instant& t) const {
        return authorities_at(certificate_authorities, t);
    }
    /// The timestamp authorities trusted at t, in the order listed.
    std::vector<const certificate_authority*> timestamp_authorities_at(const instant& t) const {
        return authorities_at(timestamp_authorities, t);
    }
    /// True when nothing at all is trusted.
    bool empty() const noexcept {
        return tlogs.empty() && certificate_authorities.empty() && ctlogs.empty() && timestamp_authorities.empty();
    }

private:
    static const transparency_log* find_log(const std::vector<transparency_log>& logs, byte_view id,
                                            const instant& t) noexcept {
        for (const auto& l : logs)
            if (byte_view(l.log_id) == id && l.valid_at(t)) return &l;
        return nullptr;
    }
    static std::vector<const certificate_authority*> authorities_at(const std::vector<certificate_authority>& v,
                                                                    const instant& t) {
        std::vector<const certificate_authority*> out;
        for (const auto& a : v)
            if (a.valid_at(t)) out.push_back(&a);
        return out;
    }
};

/// The log id of a key: SHA-256 of its DER SubjectPublicKeyInfo (Rekor's and RFC 6962's).
inline bytes log_id_of(byte_view spki_der) {
    auto h = sha256(spki_der);
    return bytes(h.bytes.begin(), h.bytes.end());
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
