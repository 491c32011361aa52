// SPDX-License-Identifier: Apache-2.0
/// The certificate checks of keyless verification (cosign's ValidateAndUnpackCert,
/// CheckCertificatePolicy and CheckExpiry): the leaf chains to a Fulcio CA of the trust root
/// with the code-signing usage, its SCT verifies, it carries the expected identity (and GitHub
/// workflow claims), and it was valid when the log dated the signature. Backend-neutral: DER
/// parsed here, signatures checked with the crypto policy's parse_public_key and verify.
///
///     cosign::keyless_policy p{root, {"", "^dev@example\\.com$", "https://issuer.example", ""}};
///     auto info = cosign::verify_keyless_certificate<crypto::mbedtls>(leaf, chain_pem, p, integrated_time);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/key_info.hpp"
#include "../crypto/x509.hpp"
#include "../trust/time.hpp"
#include "../trust/trust_root.hpp"
#include "policy.hpp"
#include "sct.hpp"

namespace cosign {
inline namespace v0 {

/// `--certificate-github-workflow-{trigger,sha,name,repository,ref}`: each non-empty one must
/// equal the certificate's Fulcio extension (1.3.6.1.4.1.57264.1.2 to .1.6), as cosign compares them.
struct github_workflow_policy {
    std::string trigger;
    std::string sha;
    std::string name;
    std::string repository;
    std::string ref;

    /// Checks the certificate's workflow extensions; errc::verification_failed naming the first
    /// that differs, in cosign's words.
    result<void> check(const certificate_info& info) const {
        const struct {
            const std::string& want;
            const char* oid;
            const char* what;
        } fields[] = {{trigger, fulcio_github_workflow_trigger_oid, "GitHub Workflow Trigger"},
                      {sha, fulcio_github_workflow_sha_oid, "GitHub Workflow SHA"},
                      {name, fulcio_github_workflow_name_oid, "GitHub Workflow Name"},
                      {repository, fulcio_github_workflow_repository_oid, "GitHub Workflow Repository"},
                      {ref, fulcio_github_workflow_ref_oid, "GitHub Workflow Ref"}};
        for (const auto& f : fields)
            if (!f.want.empty() && info.extension(f.oid) != f.want)
                return fail(errc::verification_failed, std::string("expected ") + f.what +
                                                           " not found in certificate: want \"" + f.want +
                                                           "\", got \"" + info.extension(f.oid) + "\"");
        return {};
    }
};

/// What keyless verification trusts and expects: the trust root (Fulcio CAs, CT logs), the
/// identity (both a subject and an issuer are required, as cosign requires them), the GitHub
/// workflow claims, and whether to skip the SCT (`--insecure-ignore-sct`).
struct keyless_policy {
    trust::trust_root root;
    identity_policy identity;
    github_workflow_policy github_workflow;
    bool ignore_sct = false;
};

namespace detail {
namespace keyless {

inline std::string when(std::int64_t t) { return trust::format_rfc3339(trust::instant::from_unix(t)); }

// The hash of a certificate signature algorithm (ECDSA, RSA PKCS#1 v1.5), or false.
inline bool signature_hash(byte_view oid, hash_algorithm& h, bool& ed25519) {
    const std::string id = x509::oid_to_string(oid);
    ed25519 = false;
    if (id == "1.2.840.10045.4.3.2" || id == "1.2.840.113549.1.1.11")
        h = hash_algorithm::sha256;
    else if (id == "1.2.840.10045.4.3.3" || id == "1.2.840.113549.1.1.12")
        h = hash_algorithm::sha384;
    else if (id == "1.2.840.10045.4.3.4" || id == "1.2.840.113549.1.1.13")
        h = hash_algorithm::sha512;
    else if (id == "1.3.101.112")
        ed25519 = true;
    else
        return false;
    return true;
}

// True when `parent`'s key made `child`'s signature (and names match); an error only when the
// backend fails for another reason than a bad signature.
template <class Crypto>
result<bool> signed_by(const x509::certificate_parts& child, const x509::certificate_parts& parent) {
    if (child.issuer != parent.subject) return false;
    hash_algorithm h = hash_algorithm::sha256;
    bool ed = false;
    if (!signature_hash(child.signature_algorithm, h, ed))
        return fail(errc::unsupported, "x509: unsupported certificate signature algorithm " +
                                           x509::oid_to_string(child.signature_algorithm));
    if (ed) {
        if constexpr (has_ed25519_v<Crypto>) {
            auto ok = Crypto::verify_ed25519(parent.spki, child.tbs, child.signature);
            if (ok) return true;
            if (ok.error().code() == errc::verification_failed) return false;
            return std::move(ok).error();
        } else {
            return fail(errc::unsupported,
                        "x509: an Ed25519 certificate signature needs a crypto policy with verify_ed25519");
        }
    } else {
        auto key = Crypto::parse_public_key(parent.spki.as_chars());
        if (!key) return false;  // a CA key this backend cannot read cannot vouch for anything
        auto ok = Crypto::verify(*key, child.tbs, child.signature, h);
        if (ok) return true;
        if (ok.error().code() == errc::verification_failed) return false;
        return std::move(ok).error();
    }
}

}  // namespace keyless
}  // namespace detail

/// The chain check of keyless verification: `leaf` (DER) chains, through the intermediates of
/// the layer's chain annotation (`chain_pem`, its last certificate, the root, left out; empty is
/// fine) and those the trust root lists, to the root of a Fulcio certificate authority of `root`
/// trusted at `t` (Unix seconds: when the log dated the signature). Every CA certificate on the
/// path must be a CA (basicConstraints), may sign certificates (keyUsage) and be valid at `t`; the
/// leaf must have the code-signing extended key usage. Returns the DER of the leaf's issuer (what
/// the SCT check hashes). errc::verification_failed, the message starting "certificate chain:".
template <class Crypto>
result<bytes> verify_fulcio_chain(byte_view leaf_der, std::string_view chain_pem,
                                  const trust::trust_root& root, std::int64_t t) {
    auto chain_fail = [](const std::string& why) {
        return fail(errc::verification_failed, "certificate chain: " + why);
    };
    COSIGN_TRY(auto leaf, detail::x509::split_certificate(leaf_der));
    bool code_signing = false;
    for (const auto& e : leaf.extended_key_usages)
        code_signing = code_signing || e == detail::x509::eku_code_signing;
    if (!code_signing)
        return chain_fail(
            "x509: certificate specifies an incompatible key usage (no code-signing extended key usage)");
    std::vector<bytes> intermediates;
    if (chain_pem.find("-----BEGIN") != std::string_view::npos) {
        auto blocks = pem::decode_all(chain_pem);
        if (!blocks)
            return chain_fail("the layer's certificate chain annotation is not PEM: " +
                              blocks.error().message());
        for (std::size_t i = 0; i + 1 < blocks->size(); ++i)
            if ((*blocks)[i].label == "CERTIFICATE") intermediates.push_back(std::move((*blocks)[i].der));
    }
    const auto at = trust::instant::from_unix(t);
    const auto cas = root.certificate_authorities_at(at);
    if (cas.empty()) {
        if (root.certificate_authorities.empty())
            return chain_fail(
                "the trust root has no Fulcio certificate authority (a trusted root, SIGSTORE_ROOT_FILE or "
                "TUF)");
        return chain_fail("no Fulcio certificate authority of the trust root was valid at " +
                          detail::keyless::when(t));
    }
    std::string reason;  // the most telling reason a path stopped, for the error
    for (const auto* ca : cas) {
        if (ca->cert_chain.empty()) continue;
        // Candidates: the layer's intermediates, then the CA's own chain (root last).
        std::vector<detail::x509::certificate_parts> pool;
        std::vector<bool> anchor;
        bool malformed = false;
        const std::vector<bytes>* lists[] = {&intermediates, &ca->cert_chain};
        for (const std::vector<bytes>* list : lists)
            for (const auto& der : *list) {
                auto p = detail::x509::split_certificate(der);
                if (!p) {
                    malformed = true;
                    continue;
                }
                pool.push_back(*p);
                anchor.push_back(list == &ca->cert_chain && &der == &ca->cert_chain.back());
            }
        if (malformed && reason.empty()) reason = "a CA certificate does not parse";
        detail::x509::certificate_parts current = leaf;
        bytes issuer_der;
        for (int depth = 0; depth < 8; ++depth) {
            std::size_t found = pool.size();
            for (std::size_t i = 0; i < pool.size(); ++i) {
                COSIGN_TRY(bool ok, detail::keyless::signed_by<Crypto>(current, pool[i]));
                if (ok) {
                    found = i;
                    break;
                }
            }
            if (found == pool.size()) break;
            const auto& parent = pool[found];
            if (!parent.is_ca) {
                reason = "x509: an issuing certificate is not a CA (basicConstraints)";
                break;
            }
            if (parent.has_key_usage && !(parent.key_usage & detail::x509::key_usage_cert_sign)) {
                reason = "x509: an issuing certificate may not sign certificates (keyUsage)";
                break;
            }
            if (t < parent.not_before || t > parent.not_after) {
                reason = "x509: a CA certificate was not valid at " + detail::keyless::when(t) +
                         " (valid from " + detail::keyless::when(parent.not_before) + " to " +
                         detail::keyless::when(parent.not_after) + ")";
                break;
            }
            if (depth == 0) {
                // The issuer's whole DER: the parts are views into the pool's source bytes.
                const std::vector<bytes>& src = found < intermediates.size() ? intermediates : ca->cert_chain;
                issuer_der = src[found < intermediates.size() ? found : found - intermediates.size()];
            }
            if (anchor[found]) return issuer_der;
            current = parent;
        }
    }
    return chain_fail(
        "the certificate does not chain to a Fulcio certificate authority of the trust root (x509: "
        "certificate signed by unknown authority" +
        (reason.empty() ? std::string() : "; " + reason) + ")");
}

/// The certificate was valid at `t` (Unix seconds: when the log dated the signature; cosign
/// takes now only without a log): errc::verification_failed, "certificate validity: ...".
inline result<void> check_certificate_validity(const certificate_info& info, std::int64_t t) {
    if (t < info.not_before || t > info.not_after)
        return fail(errc::verification_failed,
                    "certificate validity: the certificate was not valid when the signature was logged (" +
                        detail::keyless::when(t) + "; valid from " + detail::keyless::when(info.not_before) +
                        " to " + detail::keyless::when(info.not_after) + ")");
    return {};
}

/// Every certificate check of keyless verification, in cosign's order, each error naming its
/// check: the chain to a Fulcio CA trusted at `t` (verify_fulcio_chain), the embedded SCT
/// (verify_embedded_sct; unless policy.ignore_sct), the identity ("none of the expected
/// identities matched ..."), the GitHub workflow claims, and the certificate's validity at `t`
/// (Unix seconds: the log's integratedTime; cosign takes now only without a log). Returns the
/// certificate described.
template <class Crypto>
result<certificate_info> verify_keyless_certificate(const typename Crypto::certificate& leaf,
                                                    std::string_view chain_pem, const keyless_policy& policy,
                                                    std::int64_t t) {
    static_assert(has_x509_v<Crypto>,
                  "verify_keyless_certificate: the crypto policy has no X.509 members (has_x509_v)");
    if (!policy.identity.has_subject() || !policy.identity.has_issuer())
        return fail(
            errc::invalid_argument,
            "keyless verification needs an identity and an issuer (--certificate-identity[-regexp] and "
            "--certificate-oidc-issuer[-regexp])");
    const bytes der = Crypto::certificate_der(leaf);
    COSIGN_TRY(bytes issuer_der, verify_fulcio_chain<Crypto>(der, chain_pem, policy.root, t));
    if (!policy.ignore_sct) {
        COSIGN_TRY(auto issuer, Crypto::parse_certificate(byte_view(issuer_der).as_chars()));
        COSIGN_TRY_VOID(verify_embedded_sct<Crypto>(leaf, issuer, policy.root));
    }
    COSIGN_TRY(auto info, Crypto::describe_certificate(leaf));
    COSIGN_TRY_VOID(policy.identity.check(info));
    COSIGN_TRY_VOID(policy.github_workflow.check(info));
    COSIGN_TRY_VOID(check_certificate_validity(info, t));
    return info;
}

/// `verify --certificate` (cosign's ValidateAndUnpackCert, and ...WithChain when the user gives
/// `--certificate-chain`): the checks on a certificate given beside the image instead of read
/// from its layers. With `chain_pem` (parent first, root last) the chain leads from `leaf` to its
/// last certificate (Crypto::verify_chain: code signing, times at the leaf's NotBefore); without
/// it, the leaf chains to a Fulcio CA of policy.root trusted at its NotBefore (verify_fulcio_chain,
/// as cosign takes Fulcio's roots then). Then, unless policy.ignore_sct, its embedded SCT with the
/// CT log keys of policy.root (the issuer: the chain's first certificate); then the identity and
/// the GitHub workflow claims. Returns the certificate described; its key is what signatures are
/// checked with.
template <class Crypto>
result<certificate_info> verify_supplied_certificate(const typename Crypto::certificate& leaf,
                                                     std::optional<std::string_view> chain_pem,
                                                     const keyless_policy& policy) {
    static_assert(has_x509_v<Crypto>,
                  "verify_supplied_certificate: the crypto policy has no X.509 members (has_x509_v)");
    if (!policy.identity.has_subject() || !policy.identity.has_issuer())
        return fail(
            errc::invalid_argument,
            "keyless verification needs an identity and an issuer (--certificate-identity[-regexp] and "
            "--certificate-oidc-issuer[-regexp])");
    COSIGN_TRY(auto info, Crypto::describe_certificate(leaf));
    std::optional<typename Crypto::certificate> issuer;
    if (chain_pem) {
        COSIGN_TRY(auto chain, Crypto::parse_certificate_chain(*chain_pem));
        COSIGN_TRY_VOID(Crypto::verify_chain(leaf, chain));
        if (!chain.empty()) issuer.emplace(std::move(chain.front()));
    } else {
        const bytes der = Crypto::certificate_der(leaf);
        COSIGN_TRY(bytes issuer_der, verify_fulcio_chain<Crypto>(der, std::string_view(), policy.root, info.not_before));
        COSIGN_TRY(auto parent, Crypto::parse_certificate(byte_view(issuer_der).as_chars()));
        issuer.emplace(std::move(parent));
    }
    if (!policy.ignore_sct) {
        if (!issuer) return fail(errc::verification_failed, "SCT: no issuing certificate to check the SCT with");
        COSIGN_TRY_VOID(verify_embedded_sct<Crypto>(leaf, *issuer, policy.root));
    }
    COSIGN_TRY_VOID(policy.identity.check(info));
    COSIGN_TRY_VOID(policy.github_workflow.check(info));
    return info;
}

}  // namespace v0
}  // namespace cosign
