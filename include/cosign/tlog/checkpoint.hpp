// SPDX-License-Identifier: Apache-2.0
/// Rekor checkpoints: the signed note (golang.org/x/mod/sumdb/note format) in which a log
/// commits to a tree size and root hash, read and verified as rekor's util.SignedNote and
/// util.Checkpoint do. Pure: the crypto policy's verify, nothing of transport/.
///
///     <origin>\n<tree size>\n<base64 root hash>\n[other lines\n]\n
///     — <name> <base64(4-byte key hint || signature)>\n
///
/// For Rekor v1 (ECDSA, RSA) the key hint is the first 4 bytes of SHA-256 of the log key's DER
/// SubjectPublicKeyInfo, big-endian; the signature is over the note text (everything before the
/// blank line, its last newline included).
///
///     auto cp = tlog::parse_checkpoint(envelope);
///     auto ok = tlog::verify_checkpoint<crypto::mbedtls>(*cp, rekor_key);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "set.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// One signature line of a note: "— <name> <base64(key hint || signature)>".
struct note_signature {
    std::string name;
    std::uint32_t key_hint = 0;  ///< the first 4 bytes of the decoded base64, big-endian
    bytes signature;             ///< the rest
};

/// A parsed checkpoint: the note's fields and its signatures.
struct checkpoint {
    std::string origin;
    std::uint64_t size = 0;
    bytes root_hash;
    std::vector<std::string> other_content;  ///< lines after the root hash ("Timestamp: ...")
    std::string note;                        ///< the signed text, final newline included
    std::vector<note_signature> signatures;
};

namespace detail {
inline error bad_checkpoint(const std::string& why) {
    return error(errc::verification_failed, "checkpoint: " + why);
}
}  // namespace detail

/// The key hint of a Rekor v1 key: the first 4 bytes of SHA-256 of its DER SubjectPublicKeyInfo.
inline std::uint32_t checkpoint_key_hint(byte_view spki_der) {
    const sha256_hash h = sha256(spki_der);
    return (std::uint32_t(h.bytes[0]) << 24) | (std::uint32_t(h.bytes[1]) << 16) | (std::uint32_t(h.bytes[2]) << 8) |
           std::uint32_t(h.bytes[3]);
}

/// Parses a signed checkpoint. Errors (errc::verification_failed) start with "checkpoint:" and
/// say which part is malformed.
inline result<checkpoint> parse_checkpoint(std::string_view text) {
    const std::size_t split = text.rfind("\n\n");
    if (split == std::string_view::npos) return detail::bad_checkpoint("no blank line before the signatures");
    checkpoint cp;
    cp.note = std::string(text.substr(0, split + 1));
    std::string_view sigs = text.substr(split + 2);
    if (sigs.empty() || sigs.back() != '\n') return detail::bad_checkpoint("the signature block does not end in a newline");
    for (char c : cp.note)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return detail::bad_checkpoint("the note holds a control character");
    // Signature lines.
    while (!sigs.empty()) {
        const std::size_t nl = sigs.find('\n');
        std::string_view line = sigs.substr(0, nl);
        sigs.remove_prefix(nl + 1);
        static constexpr std::string_view dash = "\xe2\x80\x94 ";  // U+2014 EM DASH, then a space
        if (line.substr(0, dash.size()) != dash)
            return detail::bad_checkpoint("a signature line does not start with \"\xe2\x80\x94 \"");
        line.remove_prefix(dash.size());
        const std::size_t sp = line.find(' ');
        if (sp == std::string_view::npos || sp == 0)
            return detail::bad_checkpoint("a signature line lacks its signer name or signature");
        note_signature s;
        s.name = std::string(line.substr(0, sp));
        auto raw = base64::decode(line.substr(sp + 1));
        if (!raw || raw->size() < 5) return detail::bad_checkpoint("the signature of \"" + s.name + "\" is not base64 of a key hint and a signature");
        s.key_hint = (std::uint32_t((*raw)[0]) << 24) | (std::uint32_t((*raw)[1]) << 16) |
                     (std::uint32_t((*raw)[2]) << 8) | std::uint32_t((*raw)[3]);
        s.signature.assign(raw->begin() + 4, raw->end());
        cp.signatures.push_back(std::move(s));
    }
    if (cp.signatures.empty()) return detail::bad_checkpoint("no signature");
    // The note: origin, size, root hash, then other lines.
    std::vector<std::string_view> lines;
    std::string_view rest(cp.note);
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        rest.remove_prefix(nl + 1);
    }
    if (lines.size() < 3) return detail::bad_checkpoint("the note has fewer than 3 lines (origin, size, root hash)");
    if (lines[0].empty()) return detail::bad_checkpoint("empty origin");
    cp.origin = std::string(lines[0]);
    if (lines[1].empty() || lines[1].size() > 19 || (lines[1].size() > 1 && lines[1][0] == '0'))
        return detail::bad_checkpoint("tree size \"" + std::string(lines[1].substr(0, 40)) + "\" is not a decimal number");
    for (char c : lines[1]) {
        if (c < '0' || c > '9')
            return detail::bad_checkpoint("tree size \"" + std::string(lines[1].substr(0, 40)) + "\" is not a decimal number");
        cp.size = cp.size * 10 + static_cast<std::uint64_t>(c - '0');
    }
    auto root = base64::decode(lines[2]);
    if (!root || root->empty()) return detail::bad_checkpoint("the root hash is not base64");
    cp.root_hash = std::move(*root);
    for (std::size_t i = 3; i < lines.size(); ++i) {
        if (lines[i].empty()) return detail::bad_checkpoint("an empty line inside the note");
        cp.other_content.emplace_back(lines[i]);
    }
    return cp;
}

/// Verifies a checkpoint's signatures with a Rekor v1 log key (ECDSA or RSA over SHA-256 of the
/// note), as rekor's SignedNote.Verify: every signature line must carry the key's hint and verify.
template <class Crypto>
result<void> verify_checkpoint(const checkpoint& cp, const log_key& key) {
    const std::uint32_t hint = checkpoint_key_hint(key.public_key_der);
    auto pub = Crypto::parse_public_key(byte_view(key.public_key_der).as_chars());
    if (!pub) return std::move(pub).error().context("checkpoint: the log key with log ID " + key.log_id);
    for (const note_signature& s : cp.signatures) {
        if (s.key_hint != hint)
            return detail::bad_checkpoint("the signature of \"" + s.name +
                                          "\" names another key (its key hint is not the trusted log key's)");
        auto ok = Crypto::verify(*pub, byte_view(cp.note), s.signature);
        if (!ok) {
            if (ok.error().code() != errc::verification_failed) return std::move(ok).error().context("checkpoint");
            return detail::bad_checkpoint("the signature of \"" + s.name +
                                          "\" does not verify with the trusted log key for log ID " + key.log_id);
        }
    }
    return {};
}

/// The whole check of a bundle entry's checkpoint: parsed, signed by the trusted key of the
/// entry's log (log ID `log_id_hex`, valid at `integrated_time`), and committing to the same
/// tree size and root hash as the inclusion proof.
template <class Crypto>
result<checkpoint> verify_checkpoint_for_proof(std::string_view envelope, std::string_view log_id_hex,
                                               std::int64_t integrated_time, const log_keys& keys,
                                               std::uint64_t proof_tree_size, byte_view proof_root_hash) {
    COSIGN_TRY(checkpoint cp, parse_checkpoint(envelope));
    auto key = find_log_key(keys, log_id_hex, integrated_time);
    if (!key) return std::move(key).error().context("checkpoint");
    COSIGN_TRY_VOID(verify_checkpoint<Crypto>(cp, **key));
    if (cp.size != proof_tree_size)
        return detail::bad_checkpoint("tree size " + std::to_string(cp.size) + " is not the inclusion proof's " +
                                      std::to_string(proof_tree_size));
    if (byte_view(cp.root_hash) != proof_root_hash)
        return detail::bad_checkpoint("root hash " + base64::encode(cp.root_hash) +
                                      " is not the inclusion proof's " + base64::encode(proof_root_hash));
    return cp;
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
