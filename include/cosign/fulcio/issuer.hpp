// SPDX-License-Identifier: Apache-2.0
/// fulcio_issuer<Crypto, Transport>: keyless signing as a composition. It turns an OIDC identity
/// token into a signer carrying the certificate Fulcio issued for it: a fresh P-256 key from the
/// crypto policy (held in memory only, wiped when the signer is destroyed, never written), a
/// proof of possession over the token's principal (oidc::principal_of: a verified e-mail, else sub), Fulcio's certificate and chain. The signer is a
/// certified_signer, so it goes wherever a key source's signer goes (basic_signer, any_signer,
/// sign_blob_digest); basic_signer then writes cosign's certificate and chain annotations and logs
/// the certificate to Rekor. Nothing here is included by cosign.hpp: a build that does not name
/// it compiles and links none of it.
///
///     fulcio::basic_fulcio_client<Transport> fc(transport, {fulcio_url});
///     fulcio::fulcio_issuer<crypto::mbedtls, Transport> issuer(std::move(fc));
///     COSIGN_TRY(auto key, issuer.issue(token));                 // certified_signer<local_signer<...>>
///     basic_signer<Crypto, Transport, Keys, Log>(registry, log).sign(ref, any_signer(std::move(key)), {});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "../identity/sct.hpp"
#include "../keys/certified_signer.hpp"
#include "../keys/concepts.hpp"
#include "../keys/signer.hpp"
#include "../oidc/token.hpp"
#include "client.hpp"
#include "formats.hpp"

namespace cosign {
inline namespace v0 {
namespace fulcio {

/// The signer keyless signing yields: an ephemeral in-memory key with Fulcio's certificate.
template <class Crypto>
using keyless_signer = certified_signer<local_signer<Crypto>>;

/// Turns identity tokens into certified signers through a Fulcio client.
template <class Crypto, class Transport>
class fulcio_issuer {
    static_assert(check_crypto_policy<Crypto>(), "fulcio_issuer needs a full crypto policy (it generates a key)");

public:
    explicit fulcio_issuer(basic_fulcio_client<Transport> client) : client_(std::move(client)) {}

    basic_fulcio_client<Transport>& client() noexcept { return client_; }
    /// Fulcio's last answer (leaf, chain one by one, detached SCT), for the caller's SCT check.
    const certificate_response& last_response() const noexcept { return last_; }

    /// Keyless: a new ephemeral P-256 key and a certificate for it.
    result<keyless_signer<Crypto>> issue(std::string_view token) {
        // Read the token before generating anything: a malformed token costs no key.
        COSIGN_TRY(oidc::token_claims claims, oidc::parse_claims(token));
        COSIGN_TRY(std::string subject, oidc::principal_of(claims));
        auto key = Crypto::generate_p256();
        if (!key) return std::move(key).error().context("generating the ephemeral key");
        COSIGN_TRY(auto ephemeral, local_signer<Crypto>::from_key(std::move(*key)));
        return certify_for(std::move(ephemeral), token, subject);
    }

    /// `--issue-certificate`: a certificate from Fulcio for an existing signer's key.
    template <class S>
    result<certified_signer<S>> certify(S key, std::string_view token) {
        static_assert(check_signer<S>(), "fulcio_issuer::certify: S is not a signer");
        COSIGN_TRY(oidc::token_claims claims, oidc::parse_claims(token));
        COSIGN_TRY(std::string subject, oidc::principal_of(claims));
        return certify_for(std::move(key), token, subject);
    }

    /// cosign's check before it uses a certificate (its fulcioverifier): the SCT of Fulcio's last
    /// answer, embedded in the leaf (the chain's first certificate as its issuer) or detached,
    /// verified with the CT log keys of `root` (verify_certificate_sct). Call it after issue() or
    /// certify() and before the signer signs anything; `--insecure-skip-verify` is not calling it.
    /// errc::verification_failed, the message starting "SCT:".
    result<void> verify_sct(const trust::trust_root& root) const {
        static_assert(has_x509_v<Crypto>, "fulcio_issuer::verify_sct: the crypto policy has no X.509 members (has_x509_v)");
        if (last_.leaf_pem.empty()) return fail(errc::invalid_argument, "SCT: no certificate has been issued yet");
        auto leaf = Crypto::parse_certificate(last_.leaf_pem);
        if (!leaf) return std::move(leaf).error().context("SCT: Fulcio's certificate");
        std::optional<typename Crypto::certificate> issuer;
        if (!last_.chain.empty()) {
            auto parent = Crypto::parse_certificate(last_.chain.front());
            if (!parent) return std::move(parent).error().context("SCT: the first certificate of Fulcio's chain");
            issuer.emplace(std::move(*parent));
        }
        std::string detached;
        if (!last_.detached_sct.empty()) {
            auto d = base64::decode(last_.detached_sct);
            if (!d) return fail(errc::verification_failed, "SCT: Fulcio's detached SCT is not base64");
            detached = byte_view(*d).to_string();
        }
        return verify_certificate_sct<Crypto>(*leaf, issuer ? &*issuer : nullptr, detached, root);
    }

private:
    template <class S>
    result<certified_signer<S>> certify_for(S key, std::string_view token, const std::string& subject) {
        auto proof = key.sign(byte_view(subject));
        if (!proof) return std::move(proof).error().context("signing the proof of possession");
        const std::string pub = key.public_key_pem();
        COSIGN_TRY(last_, client_.signing_cert(token, pub, key.describe().type, *proof));
        if constexpr (has_x509_v<Crypto>) COSIGN_TRY_VOID(check_leaf_key(last_.leaf_pem, pub));
        signer_certificate cert{last_.leaf_pem, last_.chain_pem};
        return certified_signer<S>(std::move(key), std::move(cert));
    }

    // The certificate must be for the key that asked for it (a confused or hostile Fulcio
    // would otherwise make every signature unverifiable, or another key's).
    result<void> check_leaf_key(const std::string& leaf_pem, const std::string& public_key_pem) const {
        auto leaf = Crypto::parse_certificate(leaf_pem);
        if (!leaf) return std::move(leaf).error().context("Fulcio at " + client_.url() + " issued a certificate that does not parse");
        COSIGN_TRY(auto key, Crypto::certificate_public_key(*leaf));
        if (Crypto::public_key_pem(key) != public_key_pem)
            return fail(errc::verification_failed,
                        "Fulcio at " + client_.url() + " issued a certificate for another public key than the one sent");
        return {};
    }

    basic_fulcio_client<Transport> client_;
    certificate_response last_;
};

}  // namespace fulcio
}  // namespace v0
}  // namespace cosign
