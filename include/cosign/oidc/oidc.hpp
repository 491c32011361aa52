// SPDX-License-Identifier: Apache-2.0
/// Identity-token acquisition for keyless signing, in cosign's order: `--identity-token`, the
/// ambient providers (GitHub Actions, SIGSTORE_ID_TOKEN, cosign's token file) unless disabled,
/// then, on a terminal, the browser login; with none of these a clear error saying how to pass
/// a token. A Fulcio client takes the result (and check_token's claims).
///
///     cosign::oidc::options o;                      // the flags
///     o.interactive = isatty(0);
///     auto tok = cosign::oidc::get_identity_token(transport, o, ui);
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "../core/result.hpp"
#include "../transport/concepts.hpp"
#include "interactive.hpp"
#include "pkce.hpp"
#include "sources.hpp"
#include "token.hpp"

namespace cosign {
inline namespace v0 {
namespace oidc {

/// Gets an identity token as cosign's RetrieveIDToken does. The flow is `options::auth_flow`
/// when set ("normal": the browser; "token": a token must have been found), else the browser
/// when `options::interactive` (after `ui.confirm`, cosign's privacy statement), else an error
/// saying how to pass a token (cosign would start the device flow, which this build lacks).
/// The token is returned unchecked: call check_token() before sending it.
template <class Transport>
result<id_token> get_identity_token(Transport& t, const options& o, const interaction& ui = {}) {
    static_assert(transport::check_transport<Transport>());
    COSIGN_TRY(auto flag, read_identity_token_flag(o.identity_token));
    if (!flag.empty()) return flag;
    auto ambient = ambient_token(t, o);
    if (!ambient) return cosign::error(ambient.error());
    if (*ambient) return std::move(**ambient);

    const std::string& flow = o.auth_flow;
    if (flow == "normal") return browser_flow(t, o, ui);
    if (flow == "token") return no_token_error(o).context("--fulcio-auth-flow=token");
    if (flow == "device" || flow == "client_credentials")
        return fail(errc::unsupported, "--fulcio-auth-flow=" + flow + " is not supported in this build: pass "
                                       "--identity-token, or use the normal (browser) flow");
    if (!flow.empty()) return fail(errc::invalid_argument, "setting auth flow: unsupported oauth flow: " + flow);
    if (!o.interactive) return no_token_error(o);
    if (ui.confirm) COSIGN_TRY_VOID(ui.confirm());
    return browser_flow(t, o, ui);
}

}  // namespace oidc
}  // namespace v0
}  // namespace cosign
