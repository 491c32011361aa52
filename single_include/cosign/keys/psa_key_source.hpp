// SPDX-License-Identifier: Apache-2.0
/// The key source for keys kept in PSA Crypto's persistent storage: `--key psa-key:<id>` signs
/// with the persistent key <id> (decimal, or hex with 0x) through psa_sign_hash, so the private
/// key never enters this process's memory (a secure element, TF-M's protected storage, or the
/// ITS files of mbedTLS's own PSA core).
///
/// `psa-key:` is cosign-cpp's own scheme: no cosign scheme has that prefix (cosign's are
/// `awskms://`, `gcpkms://`, `azurekms://`, `hashivault://`, `k8s://`, `gitlab://`, `pkcs11:`,
/// `env://`), and a key file named so can still be given as `./psa-key:7`.
///
///     using keys = cosign::key_sources<cosign::psa_key_source,
///                                      cosign::default_key_sources<cosign::crypto::psa>>;
///     auto signer = keys::load("psa-key:7", nullptr);
///
/// Keys get into storage with crypto::psa::generate_persistent_p256(id) or
/// crypto::psa::store_persistent_key(id, key) (or the device's own provisioning). mbedTLS's ITS
/// files live in the current directory (PSA_ITS_STORAGE_PREFIX at its build).
#pragma once
// Generated from include/cosign/keys/psa_key_source.hpp: a backend policy, kept out of cosign.hpp.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "../cosign.hpp"  // was: ../core/bytes.hpp
#include "../cosign.hpp"  // was: ../core/pem.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../crypto/psa.hpp"
#include "../cosign.hpp"  // was: concepts.hpp

namespace cosign {
inline namespace v0 {

/// A signer over a persistent PSA key: holds only the key id (copyable, nothing to wipe).
class psa_signer {
public:
    /// The signer of the persistent key `id`: errc::not_found when there is none, errc::invalid_key
    /// when it is not a key pair that may sign a hash, errc::unsupported when it is neither EC nor RSA.
    static result<psa_signer> open(psa_key_id_t id) {
        COSIGN_TRY_VOID(detail::psa_ready());
        psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
        psa_status_t st = psa_get_key_attributes(id, &attr);
        const psa_key_type_t type = psa_get_key_type(&attr);
        const psa_key_usage_t usage = psa_get_key_usage_flags(&attr);
        psa_reset_key_attributes(&attr);
        if (st == PSA_ERROR_DOES_NOT_EXIST || st == PSA_ERROR_INVALID_HANDLE)
            return detail::psa_fail(errc::not_found, "there is no PSA key " + std::to_string(id), st);
        if (st != PSA_SUCCESS)
            return detail::psa_fail(errc::invalid_key, "cannot read the PSA key " + std::to_string(id), st);
        if (!PSA_KEY_TYPE_IS_KEY_PAIR(type))
            return fail(errc::invalid_key, "the PSA key " + std::to_string(id) + " is a public key: it cannot sign");
        if (!(usage & PSA_KEY_USAGE_SIGN_HASH))
            return fail(errc::invalid_key,
                        "the PSA key " + std::to_string(id) + " may not sign (no PSA_KEY_USAGE_SIGN_HASH)");
        COSIGN_TRY(auto meta, detail::psa_describe_id(id));
        COSIGN_TRY(auto spki, detail::psa_public_spki(id, meta));
        return psa_signer(id, pem::encode("PUBLIC KEY", spki), meta.info);
    }

    /// cosign's signature over `payload`, made inside PSA.
    result<bytes> sign(byte_view payload) const {
        const hash_algorithm h = signing_hash_of(info_);
        COSIGN_TRY(auto digest, crypto::psa::digest(h, payload));
        return detail::psa_sign_digest(id_, info_, digest, h);
    }
    /// The signature sign() gives over the message whose `h` digest is `digest`.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const {
        return detail::psa_sign_digest(id_, info_, digest, h);
    }
    std::string public_key_pem() const { return public_pem_; }
    key_info describe() const { return info_; }
    /// The persistent key id.
    psa_key_id_t key_id() const noexcept { return id_; }

private:
    psa_signer(psa_key_id_t id, std::string pem, key_info info)
        : id_(id), public_pem_(std::move(pem)), info_(std::move(info)) {}

    psa_key_id_t id_;
    std::string public_pem_;
    key_info info_;
};

/// Loads `psa-key:<id>` references (see the top of this file).
struct psa_key_source {
    using signer_type = psa_signer;

    static constexpr std::string_view scheme = "psa-key:";

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, scheme.size()) == scheme; }

    /// The key id of a `psa-key:` reference: decimal or 0x hex, within the application range.
    static result<psa_key_id_t> parse_id(std::string_view key_ref) {
        std::string_view s = key_ref.substr(handles(key_ref) ? scheme.size() : 0);
        const std::string range = std::to_string(crypto::psa::min_persistent_id) + " to " +
                                  std::to_string(crypto::psa::max_persistent_id);
        auto bad = [&] {
            return fail(errc::invalid_argument, "psa-key: expects a persistent key id from " + range +
                                                    " (decimal, or hex with 0x), not \"" + std::string(s) + "\"");
        };
        unsigned base = 10;
        if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            base = 16;
            s.remove_prefix(2);
        }
        if (s.empty() || s.size() > 10) return bad();
        std::uint64_t v = 0;
        for (char c : s) {
            unsigned d;
            if (c >= '0' && c <= '9')
                d = static_cast<unsigned>(c - '0');
            else if (base == 16 && c >= 'a' && c <= 'f')
                d = static_cast<unsigned>(c - 'a' + 10);
            else if (base == 16 && c >= 'A' && c <= 'F')
                d = static_cast<unsigned>(c - 'A' + 10);
            else
                return bad();
            v = v * base + d;
        }
        if (v < crypto::psa::min_persistent_id || v > crypto::psa::max_persistent_id) return bad();
        return static_cast<psa_key_id_t>(v);
    }

    /// The signer of the referenced key; `pw` is never called (PSA keys have no password here).
    static result<signer_type> load(std::string_view key_ref, const password_fn&) {
        COSIGN_TRY(psa_key_id_t id, parse_id(key_ref));
        return psa_signer::open(id);
    }
};

}  // namespace v0
}  // namespace cosign
