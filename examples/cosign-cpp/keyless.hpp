// SPDX-License-Identifier: Apache-2.0
/// The CLI's keyless signing (issue 12): the Fulcio flags of sign and sign-blob and the signer
/// Fulcio certifies for the identity token (oidc_flags.hpp: cli::identity_token), its SCT checked
/// against the CT log keys of the trust root as cosign 2 checks it, printed as cosign 2 prints it.
#pragma once

#include <cstdint>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cosign/fulcio/issuer.hpp>
#include <cosign/trust/default_trust_root.hpp>

#include "cli.hpp"
#include "compose.hpp"
#include "oidc_flags.hpp"
#include "tlog_flags.hpp"

namespace cli {

using fulcio_client = cosign::fulcio::basic_fulcio_client<sigstore_transport>;
using fulcio_issuer = cosign::fulcio::fulcio_issuer<crypto, sigstore_transport>;

/// The keyless flags sign and sign-blob take beside oidc_flags(), with cosign's descriptions and
/// defaults.
inline std::vector<flag> keyless_flags() {
    return {
        {"fulcio-url", 0, kind::string, cosign::fulcio::default_fulcio_url,
         "address of sigstore PKI server (this build asks Fulcio's v2 API, and the legacy v1 API when the server has no v2)"},
        {"insecure-skip-verify", 0, kind::boolean, "",
         "skip verifying fulcio published to the SCT (this should only be used for testing)."},
        {"trusted-root", 0, kind::string, "",
         "optional path to a TrustedRoot JSON file to verify a signature after signing (a cosign 3 flag; here its CT log keys check Fulcio's SCT, before SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and TUF)"},
        {"issue-certificate", 0, kind::boolean, "", "issue a code signing certificate from Fulcio, even if a key is provided"},
    };
}

/// The trust root whose CT log keys check Fulcio's SCT at signing time, in cosign's order:
/// --trusted-root FILE (cosign 3), else SIGSTORE_CT_LOG_PUBLIC_KEY_FILE (cosign 2's variable; the
/// other SIGSTORE_* variables come along), else the TUF repository `initialize` recorded (the
/// public-good one otherwise), as cosign 2 falls back to TUF when that variable is not set.
inline cosign::result<cosign::trust::trust_root> sign_ct_trust_root(const args& a) {
    if (!a.get("trusted-root").empty()) return cosign::trust::load_trusted_root_file(a.get("trusted-root"));
    COSIGN_TRY(auto from_env, cosign::trust::trust_root_from_env());
    if (from_env && !from_env->ctlogs.empty()) return std::move(*from_env);
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    return cosign::trust::trust_root_from_tuf<crypto>(std::move(t));
}

/// The Fulcio issuer --fulcio-url names, over the Sigstore transport (which refuses
/// *.sigstore.dev under COSIGN_CPP_FORBID_PUBLIC_SIGSTORE).
inline cosign::result<fulcio_issuer> make_fulcio_issuer(const args& a) {
    std::string url = a.get("fulcio-url");
    if (url.empty()) url = cosign::fulcio::default_fulcio_url;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return cosign::fail(cosign::errc::invalid_argument, "--fulcio-url " + url + ": expected an http(s) URL");
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    cosign::fulcio::fulcio_options o;
    o.url = url;
    return fulcio_issuer(fulcio_client(std::move(t), o));
}

/// The signer for a keyless `sign`/`sign-blob` (no --key): an ephemeral key certified by Fulcio;
/// with --key and --issue-certificate, that key certified. Prints cosign 2's lines. The Fulcio
/// request happens here, before any Rekor or registry request: a refused token writes nothing.
inline cosign::result<cosign::any_signer> keyless_signer(const args& a, std::optional<cosign::any_signer> key,
                                                        bool* privacy_statement_shown = nullptr) {
    if (!key) std::cerr << "Generating ephemeral keys...\n";
    COSIGN_TRY(auto id, identity_token(a, privacy_statement_shown));
    // The token's claims before it goes anywhere: it parses, names a principal, has not expired.
    auto claims = cosign::oidc::check_token(id.str(), static_cast<std::int64_t>(std::time(nullptr)));
    if (!claims) return cosign::error(claims.error()).context("retrieving ID token");
    std::string token(id.str());
    id.clear();
    COSIGN_TRY(auto issuer, make_fulcio_issuer(a));
    std::cerr << "Retrieving signed certificate...\n";
    cosign::result<cosign::any_signer> out = cosign::fail(cosign::errc::internal, "no signer");
    if (key) {
        auto s = issuer.certify(std::move(*key), token);
        if (!s) out = cosign::error(s.error()).context("getting key from Fulcio: retrieving cert");
        else out = cosign::any_signer(std::move(*s));
    } else {
        auto s = issuer.issue(token);
        if (!s) out = cosign::error(s.error()).context("getting key from Fulcio: retrieving cert");
        else out = cosign::any_signer(std::move(*s));
    }
    cosign::secure_zero(token.data(), token.size());
    if (!out) return out;
    if (!a.get_bool("insecure-skip-verify")) {
        // cosign's fulcioverifier: the SCT checked with the CT log keys before the certificate is
        // used, so a certificate no trusted CT log vouches for signs nothing (no Rekor entry, no
        // registry write).
        auto root = sign_ct_trust_root(a);
        if (!root) return cosign::error(root.error()).context("getting key from Fulcio: getting CTFE public keys");
        auto ok = issuer.verify_sct(*root);
        if (!ok) return cosign::error(ok.error()).context("getting key from Fulcio: verifying SCT");
        std::cerr << "Successfully verified SCT...\n";
    }
    return out;
}

}  // namespace cli
