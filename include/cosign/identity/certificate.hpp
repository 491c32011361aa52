// SPDX-License-Identifier: Apache-2.0
/// Certificate checks of cosign's key-based flows, over any crypto policy with X.509 members
/// (has_x509_v): the certificate a signer attaches (`sign --certificate/--certificate-chain`),
/// and the key a verifier takes from a certificate (`verify --certificate --certificate-chain`)
/// once its chain and identity_policy hold. Pure: no transport, no files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "policy.hpp"

namespace cosign {
inline namespace v0 {

/// `sign --certificate` with a key, as cosign's signerFromKeyRef: parses the certificate (PEM
/// or DER; `name` says how messages call it, e.g. its file) and checks that its public key is
/// the signing key (`key_pem`). Crypto::certificate_pem of the result is what cosign stores.
template <class Crypto>
result<typename Crypto::certificate> signing_certificate(std::string_view text, std::string_view name,
                                                         std::string_view key_pem) {
    static_assert(has_x509_v<Crypto>, "signing_certificate: the crypto policy has no X.509 members (has_x509_v)");
    if (text.find("-----BEGIN ") != std::string_view::npos) {
        auto block = pem::decode(text);
        if (block && block->label != "CERTIFICATE")
            return fail(errc::invalid_key, "supplied PEM file is not a certificate: " + std::string(name));
    }
    auto cert = Crypto::parse_certificate(text);
    if (!cert) return error(cert.error()).context("parse x509 certificate");
    auto cert_key = Crypto::certificate_public_key(*cert);
    auto signing_key = Crypto::parse_public_key(key_pem);
    bool same = cert_key && signing_key;
    if (same) {
        auto a = Crypto::public_key_der(*cert_key), b = Crypto::public_key_der(*signing_key);
        same = a && b && *a == *b;
    }
    if (!same) return fail(errc::invalid_key, "public key in certificate does not match the provided public key");
    return std::move(*cert);
}

/// `--certificate-chain` (PEM, parent first, root last): it must lead from `leaf` to its last
/// certificate for code signing (Crypto::verify_chain). Errors carry cosign's context.
template <class Crypto>
result<void> check_certificate_chain(const typename Crypto::certificate& leaf, std::string_view chain_pem) {
    static_assert(has_x509_v<Crypto>, "check_certificate_chain: the crypto policy has no X.509 members (has_x509_v)");
    auto chain = Crypto::parse_certificate_chain(chain_pem);
    if (!chain) return error(chain.error()).context("loading certificate chain");
    if (auto ok = Crypto::verify_chain(leaf, *chain); !ok) return error(ok.error()).context("unable to validate certificate chain");
    return {};
}

/// `verify --certificate C --certificate-chain CH` without a key: the key of `cert`, once it
/// holds as cosign's ValidateAndUnpackCertWithChain checks it: the chain leads from it to the
/// chain's last certificate (code signing, times at the certificate's NotBefore), and it
/// carries the identity `policy` asks for.
template <class Crypto>
result<typename Crypto::public_key> key_from_certificate(const typename Crypto::certificate& cert, std::string_view chain_pem,
                                                         const identity_policy& policy) {
    static_assert(has_x509_v<Crypto>, "key_from_certificate: the crypto policy has no X.509 members (has_x509_v)");
    COSIGN_TRY(auto chain, Crypto::parse_certificate_chain(chain_pem));
    COSIGN_TRY_VOID(Crypto::verify_chain(cert, chain));
    COSIGN_TRY(auto info, Crypto::describe_certificate(cert));
    COSIGN_TRY_VOID(policy.check(info));
    return Crypto::certificate_public_key(cert);
}

}  // namespace v0
}  // namespace cosign
