// SPDX-License-Identifier: Apache-2.0
/// The CLI's identity-token flags (cosign's `--identity-token`, `--oidc-*`, `--fulcio-auth-flow`)
/// and cli::identity_token, which turns a parsed command line into a token the way cosign does:
/// the flag, the ambient providers, then the browser login on a terminal.
#pragma once

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <cosign/oidc/oidc.hpp>

#include "cli.hpp"
#include "password.hpp"
#include "tlog_flags.hpp"

namespace cli {

/// The identity-token flags sign, sign-blob and attest take in cosign, with cosign's
/// descriptions and defaults and what this build does differently.
inline std::vector<flag> oidc_flags() {
    return {
        {"identity-token", 0, kind::string, "", "identity token to use for certificate from fulcio. the token or a path to a file containing the token is accepted."},
        {"fulcio-auth-flow", 0, kind::string, "", "fulcio interactive oauth2 flow to use for certificate from fulcio. Defaults to determining the flow based on the runtime environment. (options) normal|device|token|client_credentials (this build: normal and token; device and client_credentials are refused)"},
        {"oidc-issuer", 0, kind::string, std::string(cosign::oidc::default_issuer), "OIDC provider to be used to issue ID token"},
        {"oidc-client-id", 0, kind::string, std::string(cosign::oidc::default_client_id), "OIDC client ID for application"},
        {"oidc-client-secret-file", 0, kind::string, "", "Path to file containing OIDC client secret for application"},
        {"oidc-redirect-url", 0, kind::string, "", "OIDC redirect URL (Optional). The default oidc-redirect-url is 'http://localhost:0/auth/callback'."},
        {"oidc-provider", 0, kind::string, "", "Specify the provider to get the OIDC token from (Optional). If unset, all options will be tried. Options include: [spiffe, google, github-actions, filesystem, buildkite-agent] (this build reads github-actions, envvar and filesystem)"},
        {"oidc-disable-ambient-providers", 0, kind::boolean, "", "Disable ambient OIDC providers. When true, ambient credentials will not be read"},
    };
}

namespace detail {
inline bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += n;
    }
    return true;
}
}  // namespace detail

/// The cosign::oidc::options a command line describes (the client secret read from its file,
/// as cosign's OIDCOptions.ClientSecret: valid UTF-8, surrounding space trimmed).
inline cosign::result<cosign::oidc::options> oidc_options(const args& a) {
    cosign::oidc::options o;
    o.identity_token = a.get("identity-token");
    o.disable_ambient_providers = a.get_bool("oidc-disable-ambient-providers");
    o.provider = a.get("oidc-provider");
    o.issuer = a.get("oidc-issuer");
    if (o.issuer.empty()) o.issuer = std::string(cosign::oidc::default_issuer);
    o.client_id = a.get("oidc-client-id");
    if (o.client_id.empty()) o.client_id = std::string(cosign::oidc::default_client_id);
    o.redirect_url = a.get("oidc-redirect-url");
    o.auth_flow = a.get("fulcio-auth-flow");
    o.interactive = stdin_is_terminal();
    if (const std::string path = a.get("oidc-client-secret-file"); !path.empty()) {
        auto f = cosign::read_file<cosign::secure_bytes>(path, 64 * 1024);
        if (!f) return cosign::error(f.error()).context("reading OIDC client secret");
        std::string_view text(reinterpret_cast<const char*>(f->data()), f->size());
        if (!detail::valid_utf8(text))
            return cosign::fail(cosign::errc::invalid_argument, "OIDC client secret in file " + path + " not valid utf8");
        o.client_secret = std::string(cosign::oidc::detail::trim_space(text));
    }
    return o;
}

/// The identity token for a parsed command line (sign, sign-blob, attest), in cosign's order:
/// --identity-token, the ambient providers (unless --oidc-disable-ambient-providers), then, with a
/// terminal on standard input (or --fulcio-auth-flow=normal), the browser login against
/// --oidc-issuer. Before a login the environment chose, cosign's privacy statement is shown and
/// must be accepted (-y skips the question); `*privacy_statement_shown` is then set, so that the
/// caller does not show it again before the Rekor upload. The token is not checked: call
/// cosign::oidc::check_token on it before use. Messages never hold the token.
inline cosign::result<cosign::oidc::id_token> identity_token(const args& a, bool* privacy_statement_shown = nullptr) {
    COSIGN_TRY(auto o, oidc_options(a));
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    cosign::oidc::interaction ui;
    ui.print = [](const std::string& s) { std::cerr << s << std::flush; };
    const bool yes = a.get_bool("yes") || a.get_bool("force");
    ui.confirm = [yes, privacy_statement_shown]() -> cosign::result<void> {
        if (privacy_statement_shown && *privacy_statement_shown) return {};
        std::cerr << privacy_statement();
        if (privacy_statement_shown) *privacy_statement_shown = true;
        if (!confirm_continue(yes)) return cosign::fail(cosign::errc::cancelled, "user declined the prompt");
        return {};
    };
    auto tok = cosign::oidc::get_identity_token(t, o, ui);
    cosign::secure_zero(o.client_secret.data(), o.client_secret.size());
    cosign::secure_zero(o.identity_token.data(), o.identity_token.size());
    if (!tok) return cosign::error(tok.error()).context("retrieving ID token");
    return tok;
}

}  // namespace cli
