// SPDX-License-Identifier: Apache-2.0
/// RFC 6962 Merkle inclusion proofs, checked as transparency-dev/merkle's VerifyInclusion does
/// (cosign checks one on every entry it fetches from Rekor). Pure: SHA-256 from core/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../core/hex.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "rekor_entry.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

namespace detail {
inline sha256_hash hash_children(const sha256_hash& l, const sha256_hash& r) {
    sha256_hasher h;
    const std::uint8_t one = 1;
    h.update(byte_view(&one, 1));
    h.update(byte_view(l.bytes.data(), l.bytes.size()));
    h.update(byte_view(r.bytes.data(), r.bytes.size()));
    return h.finish();
}
inline int bit_length(std::uint64_t v) noexcept {
    int n = 0;
    while (v) {
        ++n;
        v >>= 1;
    }
    return n;
}
inline int ones(std::uint64_t v) noexcept {
    int n = 0;
    for (; v; v &= v - 1) ++n;
    return n;
}
inline result<sha256_hash> hash_from_hex(const std::string& h, const char* what) {
    auto raw = hex::decode(h);
    if (!raw || raw->size() != 32)
        return fail(errc::verification_failed, std::string("inclusion proof: ") + what + " is not a SHA-256 hash");
    sha256_hash out;
    for (std::size_t i = 0; i < 32; ++i) out.bytes[i] = (*raw)[i];
    return out;
}
}  // namespace detail

/// The root an inclusion proof leads to from a leaf hash, or an error when the proof has the
/// wrong shape for (index, size).
inline result<sha256_hash> root_from_inclusion_proof(std::uint64_t index, std::uint64_t size, const sha256_hash& leaf,
                                                     const std::vector<sha256_hash>& proof) {
    if (size == 0 || index >= size)
        return fail(errc::verification_failed, "inclusion proof: index " + std::to_string(index) +
                                                   " is outside a tree of size " + std::to_string(size));
    const int inner = detail::bit_length(index ^ (size - 1));
    const int border = detail::ones(index >> inner);
    if (proof.size() != static_cast<std::size_t>(inner + border))
        return fail(errc::verification_failed, "inclusion proof: " + std::to_string(proof.size()) +
                                                   " hashes given, " + std::to_string(inner + border) +
                                                   " expected for index " + std::to_string(index) +
                                                   " in a tree of size " + std::to_string(size));
    sha256_hash seed = leaf;
    for (int i = 0; i < inner; ++i) {
        const auto& h = proof[static_cast<std::size_t>(i)];
        seed = ((index >> i) & 1) == 0 ? detail::hash_children(seed, h) : detail::hash_children(h, seed);
    }
    for (std::size_t i = static_cast<std::size_t>(inner); i < proof.size(); ++i)
        seed = detail::hash_children(proof[i], seed);
    return seed;
}

/// Checks an entry's inclusion proof: the leaf hash of its body, through the proof's hashes,
/// must give the proof's root hash. An entry without a proof is an error.
inline result<void> verify_inclusion(const log_entry& e) {
    if (!e.proof) return fail(errc::verification_failed, "Rekor entry " + e.uuid + " has no inclusion proof");
    const inclusion_proof& p = *e.proof;
    if (p.log_index < 0 || p.tree_size < 0)
        return fail(errc::verification_failed, "inclusion proof: negative index or tree size");
    COSIGN_TRY(sha256_hash leaf, leaf_hash(e.body));
    std::vector<sha256_hash> hashes;
    for (const auto& h : p.hashes) {
        COSIGN_TRY(sha256_hash v, detail::hash_from_hex(h, "a path hash"));
        hashes.push_back(v);
    }
    COSIGN_TRY(sha256_hash root, detail::hash_from_hex(p.root_hash, "the root hash"));
    COSIGN_TRY(sha256_hash got, root_from_inclusion_proof(static_cast<std::uint64_t>(p.log_index),
                                                          static_cast<std::uint64_t>(p.tree_size), leaf, hashes));
    if (got != root)
        return fail(errc::verification_failed, "inclusion proof of Rekor entry " + e.uuid + " leads to root " +
                                                   got.hex() + ", not " + p.root_hash);
    return {};
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
