// SPDX-License-Identifier: Apache-2.0
/// Where an identity token comes from without a browser, in cosign's order: the
/// `--identity-token` value (the token, or a file holding it), then the ambient providers
/// (GitHub Actions, SIGSTORE_ID_TOKEN, cosign's token file), over any transport policy.
///
///     cosign::oidc::options o;
///     o.identity_token = flag_value;                       // "" when not given
///     auto t = cosign::oidc::read_identity_token_flag(o.identity_token);
///     auto a = cosign::oidc::ambient_token(transport, o);  // result<optional<id_token>>
#pragma once

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../keys/file_io.hpp"
#include "../transport/concepts.hpp"
#include "token.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/stat.h>
#endif

namespace cosign {
inline namespace v0 {
namespace oidc {

/// cosign's default OIDC issuer (`--oidc-issuer`): the public-good Sigstore instance.
inline constexpr std::string_view default_issuer = "https://oauth2.sigstore.dev/auth";
/// cosign's default OIDC client ID (`--oidc-client-id`).
inline constexpr std::string_view default_client_id = "sigstore";
/// The audience cosign asks ambient providers for.
inline constexpr std::string_view sigstore_audience = "sigstore";
/// Where cosign's `filesystem` provider reads a token (a Kubernetes projected volume).
inline constexpr std::string_view default_filesystem_token_path = "/var/run/sigstore/cosign/oidc-token";
/// The largest token file or token-endpoint answer read (real tokens are a few KiB).
inline constexpr std::size_t max_token_size = 64 * 1024;

/// How to get an identity token: cosign's flags, and the environment (replaceable for tests).
struct options {
    /// `--identity-token`: the token itself, or the path of a file holding one; "" for none.
    std::string identity_token;
    /// `--oidc-disable-ambient-providers`: read no ambient credentials (nor SIGSTORE_ID_TOKEN,
    /// which is one of them in cosign).
    bool disable_ambient_providers = false;
    /// `--oidc-provider`: only this ambient provider ("github-actions", "envvar",
    /// "filesystem"); "" tries each in cosign's order.
    std::string provider;
    /// `--oidc-issuer`: the issuer of the browser flow.
    std::string issuer = std::string(default_issuer);
    /// `--oidc-client-id`.
    std::string client_id = std::string(default_client_id);
    /// The client secret (the trimmed content of `--oidc-client-secret-file`); "" for none.
    std::string client_secret;
    /// `--oidc-redirect-url`: where the issuer sends the browser back; "" means a listener on
    /// 127.0.0.1 at a free port, `http://localhost:PORT/auth/callback`, as cosign.
    std::string redirect_url;
    /// `--fulcio-auth-flow`: "" (decided by the environment), "normal" (browser) or "token".
    std::string auth_flow;
    /// Whether the browser flow may run when no token was found (cosign: standard input is a
    /// terminal). The CLI sets it; a library caller decides.
    bool interactive = false;
    /// Environment lookup; std::getenv when empty.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    /// The filesystem provider's token file.
    std::string filesystem_token_path = std::string(default_filesystem_token_path);

    /// The value of an environment variable, or nullopt when unset.
    std::optional<std::string> env(const std::string& name) const {
        if (getenv) return getenv(name);
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    }
};

namespace detail {
/// Trims ASCII whitespace at both ends (a token file written with `echo` ends in a newline,
/// which would break the Authorization header).
inline std::string_view trim_space(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
}

/// A token read from a file: trimmed, non-empty, a JWT. `what` names the source for messages.
inline result<id_token> token_from_file(const std::string& path, const std::string& what) {
    auto content = read_file<secure_bytes>(path, max_token_size);
    if (!content) return cosign::error(content.error()).context("reading the identity token from " + what);
    std::string_view text(reinterpret_cast<const char*>(content->data()), content->size());
    text = trim_space(text);
    if (text.empty()) return fail(errc::invalid_argument, "the identity token file " + path + " (" + what + ") is empty");
    if (!looks_like_jws(text))
        return fail(errc::invalid_argument, "the identity token file " + path + " (" + what + ") does not hold a JWT");
    return id_token(text);
}
}  // namespace detail

/// `--identity-token VALUE` as cosign reads it: a value that parses as a JWS is the token
/// (cosign 2 takes any algorithm, cosign 3 only RS256 and opens any other value as a file);
/// anything else is the path of a file holding the token. Surrounding whitespace of the file
/// is dropped (cosign sends a trailing newline on and fails). An empty value yields an empty
/// token (no flag). Messages name the file, never the value when it may be a token.
inline result<id_token> read_identity_token_flag(const std::string& value) {
    if (value.empty()) return id_token();
    if (looks_like_jws(value)) return id_token(value);
    if (value.size() > 4096 || value.find('\n') != std::string::npos)
        return fail(errc::invalid_argument,
                    "--identity-token: the value is neither a JWT nor the name of a file (it is not shown: it may be a "
                    "secret)");
    return detail::token_from_file(value, "--identity-token");
}

/// The ambient GitHub Actions token: GET `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore` with
/// `Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, the JSON answer's `value`, as cosign's
/// github-actions provider (the transport retries lost connections).
template <class Transport>
result<id_token> github_actions_token(Transport& t, const std::string& request_url, const std::string& request_token,
                                      std::string_view audience = sigstore_audience) {
    static_assert(transport::check_transport<Transport>());
    transport::request req;
    req.method = "GET";
    req.url = request_url + "&audience=" + std::string(audience);
    req.max_response_body = max_token_size;
    req.headers.emplace_back("Authorization", "bearer " + request_token);
    req.headers.emplace_back("Accept", "application/json");
    const std::string where = "the GitHub Actions token endpoint " + request_url.substr(0, request_url.find('?'));
    auto resp = t.send(req);
    for (auto& h : req.headers) secure_zero(h.second.data(), h.second.size());
    if (!resp) return cosign::error(resp.error()).context("fetching ambient OIDC credentials from " + where);
    if (resp->status != 200)
        return fail(resp->status == 401 || resp->status == 403 ? errc::unauthorized : errc::network,
                    "fetching ambient OIDC credentials: " + where + " answered HTTP " + std::to_string(resp->status) +
                        " (is ACTIONS_ID_TOKEN_REQUEST_TOKEN current, and does the job have `permissions: id-token: write`?)",
                    resp->status);
    auto doc = json::parse(resp->body);
    secure_zero(resp->body.data(), resp->body.size());
    if (!doc || !doc->IsObject())
        return fail(errc::invalid_json, "fetching ambient OIDC credentials: " + where + " did not answer a JSON object");
    auto value = json::string_member(*doc, "value");
    if (!value || value->empty())
        return fail(errc::invalid_json, "fetching ambient OIDC credentials: " + where + " answered no \"value\"");
    id_token out(*value);
    if (!looks_like_jws(out.str()))
        return fail(errc::invalid_argument, "fetching ambient OIDC credentials: " + where + " answered a value that is not a JWT");
    return out;
}

/// The ambient providers cosign knows, in its order; the ones this build can read are
/// "github-actions", "envvar" and "filesystem".
inline const std::vector<std::string>& ambient_provider_names() {
    static const std::vector<std::string> names = {"github-actions", "buildkite-agent", "envvar", "filesystem",
                                                   "google", "spiffe"};
    return names;
}

namespace detail {
inline bool file_exists(const std::string& path) {
#if defined(__unix__) || defined(__APPLE__)
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
#else
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f) std::fclose(f);
    return f != nullptr;
#endif
}

/// Whether cosign would find the provider enabled here.
inline bool provider_enabled(const options& o, const std::string& name) {
    auto set = [&](const char* v) {
        auto e = o.env(v);
        return e && !e->empty();
    };
    if (name == "github-actions") return set("ACTIONS_ID_TOKEN_REQUEST_TOKEN") && set("ACTIONS_ID_TOKEN_REQUEST_URL");
    if (name == "buildkite-agent") return set("BUILDKITE_AGENT_ACCESS_TOKEN");
    if (name == "envvar") return o.env("SIGSTORE_ID_TOKEN").has_value();
    if (name == "filesystem") return file_exists(o.filesystem_token_path);
    if (name == "google") return set("GOOGLE_SERVICE_ACCOUNT_NAME");
    if (name == "spiffe") {
        auto s = o.env("SPIFFE_ENDPOINT_SOCKET");
        return file_exists(s && !s->empty() ? *s : "/tmp/spire-agent/public/api.sock");
    }
    return false;
}

template <class Transport>
result<id_token> provide(Transport& t, const options& o, const std::string& name) {
    if (name == "github-actions")
        return github_actions_token(t, o.env("ACTIONS_ID_TOKEN_REQUEST_URL").value_or(""),
                                    o.env("ACTIONS_ID_TOKEN_REQUEST_TOKEN").value_or(""));
    if (name == "envvar") {
        auto v = o.env("SIGSTORE_ID_TOKEN").value_or("");
        id_token tok(trim_space(v));
        secure_zero(v.data(), v.size());
        if (!tok.empty() && !looks_like_jws(tok.str()))
            return fail(errc::invalid_argument, "SIGSTORE_ID_TOKEN does not hold a JWT");
        return tok;
    }
    if (name == "filesystem") return token_from_file(o.filesystem_token_path, "the filesystem provider");
    return fail(errc::unsupported, "the ambient OIDC provider \"" + name + "\" is not supported in this build "
                                   "(supported: github-actions, envvar, filesystem; or pass --identity-token)");
}
}  // namespace detail

/// The ambient credentials, as cosign's providers.Provide: with `options::provider` only that
/// provider, otherwise each enabled one in cosign's order until one yields a token (the last
/// error when all fail). nullopt when none is enabled, or when ambient providers are disabled.
/// A provider cosign has and this build lacks is skipped when enabled (named in no_token_error).
template <class Transport>
result<std::optional<id_token>> ambient_token(Transport& t, const options& o) {
    if (o.disable_ambient_providers) return std::optional<id_token>();
    if (!o.provider.empty()) {
        bool known = false;
        for (const auto& n : ambient_provider_names()) known = known || n == o.provider;
        if (!known) return fail(errc::invalid_argument, "getting provider: " + o.provider + " is not a valid provider");
        COSIGN_TRY(auto tok, detail::provide(t, o, o.provider));
        if (tok.empty()) return std::optional<id_token>();
        return std::optional<id_token>(std::move(tok));
    }
    std::optional<cosign::error> last;
    for (const auto& n : ambient_provider_names()) {
        if (!detail::provider_enabled(o, n)) continue;
        if (n != "github-actions" && n != "envvar" && n != "filesystem") continue;
        auto tok = detail::provide(t, o, n);
        if (tok) {
            if (tok->empty()) return std::optional<id_token>();  // SIGSTORE_ID_TOKEN="" : as cosign, no token
            return std::optional<id_token>(std::move(*tok));
        }
        last = tok.error();
    }
    if (last) return *last;
    return std::optional<id_token>();
}

/// The error for "no token and no way to ask for one": how to pass one, and which enabled
/// ambient providers this build could not read.
inline cosign::error no_token_error(const options& o) {
    std::string m =
        "no identity token: pass --identity-token (a token or a file holding one) or set SIGSTORE_ID_TOKEN; in GitHub "
        "Actions give the job `permissions: id-token: write`; on a workstation run the command from a terminal for "
        "the browser login";
    if (o.disable_ambient_providers) m += " (ambient providers are disabled by --oidc-disable-ambient-providers)";
    std::string skipped;
    if (!o.disable_ambient_providers)
        for (const auto& n : ambient_provider_names())
            if (n != "github-actions" && n != "envvar" && n != "filesystem" && detail::provider_enabled(o, n))
                skipped += (skipped.empty() ? "" : ", ") + n;
    if (!skipped.empty()) m += "; ambient credentials found for " + skipped + ", which this build cannot read";
    return fail(errc::invalid_argument, m);
}

}  // namespace oidc
}  // namespace v0
}  // namespace cosign
