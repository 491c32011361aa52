// SPDX-License-Identifier: Apache-2.0
/// The CLI's keyless signing (issue 12): the Fulcio flags of sign and sign-blob, the identity
/// token (a minimal source until identity/oidc.hpp lands: --identity-token, then
/// SIGSTORE_ID_TOKEN), and the signer Fulcio certifies, printed as cosign 2 prints it.
#pragma once

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cosign/fulcio/issuer.hpp>

#include "cli.hpp"
#include "compose.hpp"
#include "tlog_flags.hpp"

namespace cli {

using fulcio_client = cosign::fulcio::basic_fulcio_client<sigstore_transport>;
using fulcio_issuer = cosign::fulcio::fulcio_issuer<crypto, sigstore_transport>;

/// cosign's default --oidc-issuer.
inline constexpr const char* default_oidc_issuer = "https://oauth2.sigstore.dev/auth";

/// The keyless flags sign and sign-blob share, with cosign's descriptions and defaults.
inline std::vector<flag> keyless_flags() {
    return {
        {"fulcio-url", 0, kind::string, cosign::fulcio::default_fulcio_url,
         "address of sigstore PKI server (this build asks Fulcio's v2 API, and the legacy v1 API when the server has no v2)"},
        {"identity-token", 0, kind::string, "",
         "identity token to use for certificate from fulcio. the token or a path to a file containing the token is accepted."},
        {"oidc-issuer", 0, kind::string, default_oidc_issuer,
         "OIDC provider to be used to issue ID token (this build takes the token from --identity-token or SIGSTORE_ID_TOKEN only: no interactive login yet)"},
        {"insecure-skip-verify", 0, kind::boolean, "",
         "skip verifying fulcio published to the SCT (this should only be used for testing)."},
        {"issue-certificate", 0, kind::boolean, "", "issue a code signing certificate from Fulcio, even if a key is provided"},
    };
}

/// True when `s` has the shape of a compact JWS whose payload is a JSON object: cosign (2) then
/// takes --identity-token as the token itself, otherwise as the name of a file holding it.
inline bool looks_like_token(const std::string& s) { return static_cast<bool>(cosign::fulcio::read_token_claims(s)); }

/// The identity token, from --identity-token (the token, or a file holding it, read byte for byte
/// as cosign reads it), else SIGSTORE_ID_TOKEN. A minimal source: the oidc work (identity/oidc.hpp:
/// GitHub Actions ambient credentials, the browser flow) replaces it.
// TODO(lead, oidc): replace with the token sources of identity/oidc.hpp when it lands.
inline cosign::result<std::string> identity_token(const args& a) {
    const std::string flag_value = a.get("identity-token");
    if (!flag_value.empty()) {
        if (looks_like_token(flag_value)) return flag_value;
        auto f = cosign::read_file<cosign::bytes>(flag_value, 64u << 10);
        if (!f) {
            // A malformed token must not be echoed: name the file only when it does not look like one.
            const bool token_like = flag_value.rfind("eyJ", 0) == 0 || flag_value.size() > 512;
            return cosign::fail(cosign::errc::invalid_argument,
                                "--identity-token is neither a token (a JWT whose payload is a JSON object) nor a readable file" +
                                    (token_like ? std::string(" (the value is not shown: it may be a token)") : ": " + f.error().message()));
        }
        return cosign::byte_view(*f).to_string();
    }
    if (const char* env = std::getenv("SIGSTORE_ID_TOKEN"); env && *env) return std::string(env);
    return cosign::fail(cosign::errc::invalid_argument,
                        "no identity token for keyless signing: pass --identity-token TOKEN|FILE or set SIGSTORE_ID_TOKEN "
                        "(this build has no interactive OIDC login yet), or sign with --key");
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
inline cosign::result<cosign::any_signer> keyless_signer(const args& a, std::optional<cosign::any_signer> key) {
    if (!key) std::cerr << "Generating ephemeral keys...\n";
    COSIGN_TRY(std::string token, identity_token(a));
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
