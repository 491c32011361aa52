// SPDX-License-Identifier: Apache-2.0
/// The CLI's keyless signing (issue 12): the Fulcio flags of sign and sign-blob and the signer
/// Fulcio certifies for the identity token (oidc_flags.hpp: cli::identity_token), printed as
/// cosign 2 prints it.
#pragma once

#include <cstdint>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cosign/fulcio/issuer.hpp>

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
        {"issue-certificate", 0, kind::boolean, "", "issue a code signing certificate from Fulcio, even if a key is provided"},
    };
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
        // TODO(lead, kverify): verify Fulcio's SCT here once identity/sct.hpp is on main, with the
        // CT log keys of the trust root (SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, --trusted-root, TUF):
        //   auto leaf = crypto::parse_certificate(issuer.last_response().leaf_pem);
        //   auto parent = crypto::parse_certificate(issuer.last_response().chain.at(0));
        //   COSIGN_TRY_VOID(cosign::verify_embedded_sct<crypto>(*leaf, *parent, root));
        //   std::cerr << "Successfully verified SCT...\n";
        std::cerr << "Note: this build does not verify Fulcio's SCT yet (pass --insecure-skip-verify to silence this).\n";
    }
    return out;
}

}  // namespace cli
