// SPDX-License-Identifier: Apache-2.0
/// The key source for `azurekms://VAULT-HOST/KEY[/VERSION]`: a key in Azure Key Vault, which
/// signs digests (keys/sign) and never hands the key out.
///
///     using keys = cosign::key_sources<cosign::azurekms_key_source<crypto, transport>, ...>;
///     auto key = keys::load("azurekms://myvault.vault.azure.net/release", pw);
///
/// As cosign (sigstore's kms/azure, the Azure SDK's client-secret credential):
/// - the vault is `https://VAULT-HOST/` (always TLS, CAs from SSL_CERT_FILE or the system);
/// - credentials AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET; the token comes from
///   `POST {AZURE_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/token` (client_credentials), the
///   authority host defaulting to the cloud of AZURE_ENVIRONMENT (public cloud by default); the
///   tenant is the one the vault's challenge names (azkeys >= 1.2), which must be AZURE_TENANT_ID
///   or listed in AZURE_ADDITIONALLY_ALLOWED_TENANTS ("*": any), as azidentity requires;
/// - the first call goes without a token and its 401 challenge names the token's resource, as
///   the SDK's challenge policy does; the resource's domain must be the vault's domain unless
///   COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true (the SDK's
///   DisableChallengeResourceVerification, for a local endpoint);
/// - `GET keys/KEY[/VERSION]` gives the JWK public key; `POST keys/KEY/VERSION/sign` with ES256
///   (ES384, ES512 by curve; RS256 for RSA) over the digest gives raw r||s, made DER here.
/// Managed identity, workload identity, certificates and the Azure CLI are not supported: the
/// error says which variables to set. Not part of <cosign/cosign.hpp>.
#pragma once
// Generated from include/cosign/keys/kms/azure.hpp: a KMS key source, kept out of cosign.hpp.

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../cosign.hpp"  // was: ../../core/base64.hpp
#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/json_reader.hpp
#include "../../cosign.hpp"  // was: ../../core/json_writer.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../crypto/asn1.hpp
#include "../../cosign.hpp"  // was: ../../crypto/key_info.hpp
#include "../../cosign.hpp"  // was: ../../transport/concepts.hpp
#include "../../cosign.hpp"  // was: ../../transport/options.hpp
#include "../../cosign.hpp"  // was: ../../transport/url.hpp
#include "../../cosign.hpp"  // was: ../concepts.hpp
#include "remote_signer.hpp"

namespace cosign {
inline namespace v0 {

/// The parts of an `azurekms://VAULT-HOST/KEY[/VERSION]` reference.
struct azurekms_reference {
    std::string host;     ///< "myvault.vault.azure.net" (may carry a port)
    std::string key;      ///< key name
    std::string version;  ///< key version, "" for the latest

    /// Parses as sigstore's `^azurekms://([^/]+)/([^/]+)(/[a-z0-9]*)?$`.
    static result<azurekms_reference> parse(std::string_view ref) {
        auto bad = [&] {
            return fail(errc::invalid_argument, "invalid azurekms format \"" + std::string(ref) +
                                                    "\": kms specification should be in the format "
                                                    "azurekms://[VAULT_NAME][VAULT_URI]/[KEY]");
        };
        constexpr std::string_view scheme = "azurekms://";
        if (ref.substr(0, scheme.size()) != scheme) return bad();
        std::string_view rest = ref.substr(scheme.size());
        azurekms_reference r;
        std::size_t slash = rest.find('/');
        if (slash == std::string_view::npos || slash == 0) return bad();
        r.host = std::string(rest.substr(0, slash));
        rest = rest.substr(slash + 1);
        slash = rest.find('/');
        r.key = std::string(rest.substr(0, slash));
        if (r.key.empty()) return bad();
        if (slash != std::string_view::npos) {
            r.version = std::string(rest.substr(slash + 1));
            for (char ch : r.version)
                if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) return bad();
        }
        for (char ch : r.host + r.key)
            if (static_cast<unsigned char>(ch) <= 0x20 || ch == '?' || ch == '#' || ch == '%' || ch == '@')
                return bad();
        return r;
    }
};

/// What an Azure Key Vault key is reached with. The client secret is never put in a message.
struct azurekms_config {
    std::string reference;  ///< the key reference, for messages
    azurekms_reference ref;
    std::string vault_url;  ///< "https://VAULT-HOST" (no trailing slash)
    std::string tenant_id;
    /// Other tenants a vault's challenge may name (AZURE_ADDITIONALLY_ALLOWED_TENANTS; "*": any).
    std::vector<std::string> allowed_tenants;
    std::string client_id;
    secure_bytes client_secret;
    std::string authority_host = "https://login.microsoftonline.com";
    /// The Key Vault REST version sent as api-version.
    std::string api_version = "7.6";
    /// Accept a challenge whose resource is not the vault's domain (a local endpoint).
    bool skip_resource_check = false;
    transport::options tls;

    /// The configuration from the environment (see the file's comment).
    static result<azurekms_config> from_env(std::string_view key_ref);
};

namespace detail {
namespace azure {

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

/// base64url without padding (RFC 4648 section 5), as JOSE writes it.
inline std::string b64url_encode(byte_view in) {
    std::string s = base64::encode(in);
    while (!s.empty() && s.back() == '=') s.pop_back();
    for (char& ch : s) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    return s;
}

inline result<bytes> b64url_decode(std::string_view in) {
    std::string s(in);
    for (char& ch : s) {
        if (ch == '+' || ch == '/') return fail(errc::invalid_argument, "invalid base64url: unexpected character");
        ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    }
    while (s.size() % 4) s += '=';
    return base64::decode(s);
}

/// The parameters of a `Bearer k1="v1", k2="v2"` challenge.
inline std::vector<std::pair<std::string, std::string>> challenge_params(std::string_view h) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = h.find(' ');
    if (i == std::string_view::npos) return out;
    while (i < h.size()) {
        while (i < h.size() && (h[i] == ' ' || h[i] == ',')) ++i;
        std::size_t eq = h.find('=', i);
        if (eq == std::string_view::npos) break;
        std::string k(h.substr(i, eq - i));
        i = eq + 1;
        std::string v;
        if (i < h.size() && h[i] == '"') {
            std::size_t end = h.find('"', i + 1);
            if (end == std::string_view::npos) end = h.size();
            v = std::string(h.substr(i + 1, end - i - 1));
            i = end + 1;
        } else {
            std::size_t end = h.find(',', i);
            if (end == std::string_view::npos) end = h.size();
            v = std::string(h.substr(i, end - i));
            i = end;
        }
        out.emplace_back(std::move(k), std::move(v));
    }
    return out;
}

/// The host of an absolute URL, lower-case, without port ("" when it does not parse).
inline std::string host_of(std::string_view u) {
    auto p = transport::parse_url(u);
    if (!p) return {};
    std::string h = p->host;
    for (char& ch : h) ch = transport::detail::ascii_lower(ch);
    return h;
}

/// The SDK's check: the vault's host must end with the challenge resource's host
/// ("x.vault.azure.net" and "https://vault.azure.net").
inline bool resource_matches_vault(std::string_view vault_host, std::string_view resource) {
    std::string rh = host_of(resource);
    if (rh.empty()) return false;
    std::string vh(vault_host.substr(0, vault_host.find(':')));
    for (char& ch : vh) ch = transport::detail::ascii_lower(ch);
    return vh == rh || (vh.size() > rh.size() && vh.compare(vh.size() - rh.size(), rh.size(), rh) == 0 &&
                        vh[vh.size() - rh.size() - 1] == '.');
}

/// The OID content of a JWK curve name.
inline bytes curve_oid(std::string_view crv) {
    if (crv == "P-256") return {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    if (crv == "P-384") return {0x2b, 0x81, 0x04, 0x00, 0x22};
    if (crv == "P-521") return {0x2b, 0x81, 0x04, 0x00, 0x23};
    return {};
}

}  // namespace azure
}  // namespace detail

inline result<azurekms_config> azurekms_config::from_env(std::string_view key_ref) {
    namespace da = detail::azure;
    azurekms_config c;
    COSIGN_TRY(c.ref, azurekms_reference::parse(key_ref));
    c.reference = std::string(key_ref);
    c.vault_url = "https://" + c.ref.host;
    const std::string what = "azurekms key \"" + c.reference + "\"";
    c.tenant_id = da::env("AZURE_TENANT_ID");
    c.client_id = da::env("AZURE_CLIENT_ID");
    std::string secret = da::env("AZURE_CLIENT_SECRET");
    if (c.tenant_id.empty() || c.client_id.empty() || secret.empty())
        return fail(errc::invalid_argument,
                    what + ": set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (this build supports "
                           "the client-secret credential only)");
    c.client_secret.assign(secret.begin(), secret.end());
    secure_zero(secret.data(), secret.size());
    const std::string cloud = da::env("AZURE_ENVIRONMENT");
    if (cloud == "AZUREUSGOVERNMENT" || cloud == "AzureUSGovernmentCloud" || cloud == "AzureUSGovernment")
        c.authority_host = "https://login.microsoftonline.us";
    else if (cloud == "AZURECHINACLOUD" || cloud == "AzureChinaCloud")
        c.authority_host = "https://login.chinacloudapi.cn";
    if (std::string a = da::env("AZURE_AUTHORITY_HOST"); !a.empty()) c.authority_host = a;
    while (!c.authority_host.empty() && c.authority_host.back() == '/') c.authority_host.pop_back();
    if (c.authority_host.rfind("https://", 0) != 0)
        return fail(errc::invalid_argument, what + ": AZURE_AUTHORITY_HOST must be an https:// URL");
    const std::string allowed = da::env("AZURE_ADDITIONALLY_ALLOWED_TENANTS");
    for (std::size_t start = 0; start < allowed.size();) {
        std::size_t end = allowed.find_first_of(",;", start);
        if (end == std::string::npos) end = allowed.size();
        std::string t = allowed.substr(start, end - start);
        while (!t.empty() && t.front() == ' ') t.erase(t.begin());
        while (!t.empty() && t.back() == ' ') t.pop_back();
        if (!t.empty()) c.allowed_tenants.push_back(t);
        start = end + 1;
    }
    const std::string skip = da::env("COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION");
    c.skip_resource_check = skip == "1" || skip == "true";
    return c;
}

/// An Azure Key Vault client for one key over a transport (the remote_signer backend).
template <class Transport>
class azurekms_client {
    static_assert(transport::check_transport<Transport>());

public:
    azurekms_client(azurekms_config c, Transport t) : c_(std::move(c)), t_(std::move(t)) {}

    std::string what() const { return "azurekms key \"" + c_.reference + "\""; }

    /// The key's JWK (`GET keys/KEY[/VERSION]`), after the challenge and token; remembers the
    /// version signatures will use (the URI's, else the one the vault names in `kid`).
    result<bytes> public_key_der() {
        std::string path = "/keys/" + c_.ref.key + (c_.ref.version.empty() ? "" : "/" + c_.ref.version);
        COSIGN_TRY(auto r, call("GET", path, ""));
        if (r.status != 200)
            return fail(detail::kms::errc_of_status(r.status),
                        what() + ": reading the key: " + detail::kms::status_text(r));
        auto doc = json::parse(r.body);
        if (!doc) return std::move(doc).error().context(what() + ": reading the key");
        const json::value* key = json::member(*doc, "key");
        if (!key) return fail(errc::invalid_key, what() + ": the answer holds no key");
        auto kty = json::string_member(*key, "kty");
        auto kid = json::string_member(*key, "kid");
        if (c_.ref.version.empty() && kid) {
            std::string_view k = *kid;
            version_ = std::string(k.substr(k.rfind('/') + 1));
        } else {
            version_ = c_.ref.version;
        }
        if (version_.empty()) return fail(errc::invalid_key, what() + ": the vault did not name the key's version");
        std::string type = kty ? std::string(*kty) : std::string();
        if (type == "EC-HSM") type = "EC";
        if (type == "RSA-HSM") type = "RSA";
        if (type == "EC") return ec_spki(*key);
        if (type == "RSA") return rsa_pkcs1(*key);
        return fail(errc::unsupported, what() + ": key type \"" + type + "\" cannot sign");
    }

    /// The DER signature over `digest`: keys/KEY/VERSION/sign.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) {
        const std::string alg = algorithm(h);
        if (alg.empty()) return fail(errc::unsupported, what() + ": no Key Vault algorithm for this key and digest");
        json::writer w;
        w.begin_object().key("alg").string(alg).key("value").string(detail::azure::b64url_encode(digest)).end_object();
        COSIGN_TRY(auto r, call("POST", "/keys/" + c_.ref.key + "/" + version_ + "/sign", std::move(w).str()));
        if (r.status != 200)
            return fail(detail::kms::errc_of_status(r.status), what() + ": signing: " + detail::kms::status_text(r));
        auto doc = json::parse(r.body);
        if (!doc) return std::move(doc).error().context(what() + ": the signing answer");
        auto value = json::string_member(*doc, "value");
        if (!value) return fail(errc::invalid_key, what() + ": the signing answer holds no value");
        auto raw = detail::azure::b64url_decode(*value);
        if (!raw || raw->empty()) return fail(errc::invalid_key, what() + ": the signature is not base64url");
        if (!is_rsa_) {
            if (raw->size() != 2 * coordinate_size_)
                return fail(errc::invalid_key, what() + ": the vault returned a " + std::to_string(raw->size()) +
                                                   "-byte signature, not r||s of " +
                                                   std::to_string(2 * coordinate_size_) + " bytes");
            return detail::der::p1363_to_der(*raw);
        }
        return std::move(*raw);
    }

    /// `generate-key-pair --kms azurekms://...`: creates an EC P-256 key (keys/KEY/create), as
    /// sigstore does, and returns its public key.
    result<bytes> create_key() {
        COSIGN_TRY(auto r, call("POST", "/keys/" + c_.ref.key + "/create",
                                R"({"kty":"EC","crv":"P-256","key_ops":["sign","verify"]})"));
        if (r.status != 200)
            return fail(detail::kms::errc_of_status(r.status),
                        what() + ": creating the key: " + detail::kms::status_text(r));
        return public_key_der();
    }

    /// How many token requests were made (tests: 1 per signer).
    int token_requests() const noexcept { return token_requests_; }

private:
    std::string algorithm(hash_algorithm h) const {
        if (is_rsa_) return h == hash_algorithm::sha256 ? "RS256" : h == hash_algorithm::sha384 ? "RS384" : "RS512";
        if (curve_ == "P-256" && h == hash_algorithm::sha256) return "ES256";
        if (curve_ == "P-384" && h == hash_algorithm::sha384) return "ES384";
        if (curve_ == "P-521" && h == hash_algorithm::sha512) return "ES512";
        return {};
    }

    result<bytes> ec_spki(const json::value& key) {
        auto crv = json::string_member(key, "crv");
        auto x = json::string_member(key, "x");
        auto y = json::string_member(key, "y");
        if (!crv || !x || !y) return fail(errc::invalid_key, what() + ": the EC key lacks crv, x or y");
        bytes oid = detail::azure::curve_oid(*crv);
        if (oid.empty()) return fail(errc::unsupported, what() + ": curve \"" + std::string(*crv) + "\" is not supported");
        auto xb = detail::azure::b64url_decode(*x);
        auto yb = detail::azure::b64url_decode(*y);
        const std::size_t n = *crv == "P-256" ? 32 : *crv == "P-384" ? 48 : 66;
        if (!xb || !yb || xb->size() != n || yb->size() != n)
            return fail(errc::invalid_key, what() + ": the EC key's x or y is malformed");
        curve_ = std::string(*crv);
        coordinate_size_ = n;
        is_rsa_ = false;
        namespace der = detail::der;
        bytes alg;
        der::write(alg, der::tag_oid, der::view_of(der::oid_ec_public_key));
        der::write(alg, der::tag_oid, oid);
        bytes bits = {0, 0x04};
        bits.insert(bits.end(), xb->begin(), xb->end());
        bits.insert(bits.end(), yb->begin(), yb->end());
        bytes body;
        der::write(body, der::tag_sequence, alg);
        der::write(body, der::tag_bit_string, bits);
        bytes out;
        der::write(out, der::tag_sequence, body);
        return out;
    }

    result<bytes> rsa_pkcs1(const json::value& key) {
        auto n = json::string_member(key, "n");
        auto e = json::string_member(key, "e");
        if (!n || !e) return fail(errc::invalid_key, what() + ": the RSA key lacks n or e");
        auto nb = detail::azure::b64url_decode(*n);
        auto eb = detail::azure::b64url_decode(*e);
        if (!nb || !eb || nb->empty() || eb->empty()) return fail(errc::invalid_key, what() + ": the RSA key is malformed");
        is_rsa_ = true;
        namespace der = detail::der;
        bytes body;
        der::write_unsigned_integer(body, *nb);
        der::write_unsigned_integer(body, *eb);
        bytes out;
        der::write(out, der::tag_sequence, body);
        return out;
    }

    /// One vault call: with the token when there is one; a 401 with a Bearer challenge gets a
    /// token for the challenge's resource and the call once more.
    result<transport::response> call(const char* method, const std::string& path, std::string body) {
        transport::request req;
        req.method = method;
        req.url = c_.vault_url + path + "?api-version=" + c_.api_version;
        if (!body.empty()) req.set_header("Content-Type", "application/json");
        req.body = std::move(body);
        if (!token_.empty()) req.set_header("Authorization", "Bearer " + std::string(token_.begin(), token_.end()));
        COSIGN_TRY(auto r, detail::kms::send(t_, req, what()));
        if (r.status != 401) return r;
        std::string challenge;
        for (const auto& h : r.header_values("WWW-Authenticate"))
            if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) challenge = h;
        if (challenge.empty())
            return fail(errc::unauthorized, what() + ": the vault refused the call without a Bearer challenge: " +
                                                detail::kms::status_text(r));
        if (token_requests_ > 1)
            return fail(errc::unauthorized, what() + ": the vault refused the token: " + detail::kms::status_text(r));
        COSIGN_TRY_VOID(fetch_token(challenge));
        req.set_header("Authorization", "Bearer " + std::string(token_.begin(), token_.end()));
        auto again = detail::kms::send(t_, req, what());
        if (again && again->status == 401)
            return fail(errc::unauthorized, what() + ": the vault refused the token: " + detail::kms::status_text(*again));
        return again;
    }

    /// client_credentials against the authority host, for the challenge's resource (or scope).
    result<void> fetch_token(const std::string& challenge) {
        std::string resource, scope, authorization;
        for (auto& kv : detail::azure::challenge_params(challenge)) {
            if (kv.first == "resource") resource = kv.second;
            if (kv.first == "scope") scope = kv.second;
            if (kv.first == "authorization" || kv.first == "authorization_uri") authorization = kv.second;
        }
        if (scope.empty() && !resource.empty()) scope = resource + "/.default";
        if (scope.empty())
            return fail(errc::unauthorized, what() + ": the vault's challenge names no resource or scope");
        const std::string res = resource.empty() ? scope.substr(0, scope.rfind('/')) : resource;
        if (!c_.skip_resource_check && !detail::azure::resource_matches_vault(c_.ref.host, res))
            return fail(errc::unauthorized,
                        what() + ": the challenge's resource \"" + res + "\" is not the vault's domain \"" +
                            c_.ref.host +
                            "\" (set COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true for a local endpoint)");
        // The tenant the vault names (the last segment of its authorization URL), as azkeys asks
        // for it; azidentity refuses one that is neither AZURE_TENANT_ID nor allowed.
        std::string tenant = c_.tenant_id;
        if (std::string_view a = authorization; !a.empty()) {
            while (!a.empty() && a.back() == '/') a.remove_suffix(1);
            std::string named(a.substr(a.rfind('/') + 1));
            if (!named.empty() && named != tenant && a.find("://") + 3 <= a.rfind('/')) {
                bool ok = false;
                for (const auto& t : c_.allowed_tenants) ok = ok || t == "*" || t == named;
                if (!ok)
                    return fail(errc::unauthorized,
                                what() + ": the vault's tenant \"" + named + "\" is not AZURE_TENANT_ID \"" + tenant +
                                    "\" (add it to AZURE_ADDITIONALLY_ALLOWED_TENANTS to allow it)");
                tenant = named;
            }
        }
        ++token_requests_;
        transport::request req;
        req.method = "POST";
        req.url = c_.authority_host + "/" + transport::query_escape(tenant) + "/oauth2/v2.0/token";
        req.set_header("Content-Type", "application/x-www-form-urlencoded");
        std::string secret(c_.client_secret.begin(), c_.client_secret.end());
        req.body = "grant_type=client_credentials&client_id=" + transport::query_escape(c_.client_id) +
                   "&client_secret=" + transport::query_escape(secret) + "&scope=" + transport::query_escape(scope);
        secure_zero(secret.data(), secret.size());
        auto r = t_.send(req);
        secure_zero(req.body.data(), req.body.size());
        if (!r) return std::move(r).error().context(what() + ": getting a token from " + c_.authority_host);
        if (r->status != 200)
            return fail(errc::unauthorized, what() + ": the authority " + c_.authority_host +
                                                " refused the client credentials of AZURE_CLIENT_ID \"" +
                                                c_.client_id + "\": " + detail::kms::status_text(*r));
        auto doc = json::parse(r->body);
        auto tok = doc ? json::string_member(*doc, "access_token") : std::nullopt;
        if (!tok || tok->empty()) return fail(errc::unauthorized, what() + ": the token answer holds no access_token");
        for (char ch : *tok)
            if (static_cast<unsigned char>(ch) < 0x21 || ch == 0x7f)
                return fail(errc::unauthorized, what() + ": the access token holds a control character");
        token_.assign(tok->begin(), tok->end());
        return {};
    }

    azurekms_config c_;
    Transport t_;
    secure_bytes token_;
    std::string version_;
    std::string curve_;
    std::size_t coordinate_size_ = 0;
    bool is_rsa_ = false;
    int token_requests_ = 0;
};

/// Loads a signer for `azurekms://VAULT-HOST/KEY[/VERSION]` from the environment (see above).
/// load() makes 3 requests (challenge, token, key); each signature is 1.
template <class Crypto, class Transport>
struct azurekms_key_source {
    using signer_type = remote_signer<Crypto, azurekms_client<Transport>>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 11) == "azurekms://"; }

    /// `pw` is not used: the client secret authenticates.
    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        COSIGN_TRY(auto c, azurekms_config::from_env(key_ref));
        Transport t(c.tls);
        return open(std::move(c), std::move(t));
    }

    /// A signer over a configuration and a transport (tests use a fake).
    static result<signer_type> open(azurekms_config c, Transport t) {
        azurekms_client<Transport> client(std::move(c), std::move(t));
        const std::string what = client.what();
        COSIGN_TRY(auto der, client.public_key_der());
        auto pub = Crypto::parse_public_key(byte_view(der).as_chars());
        if (!pub) return std::move(pub).error().context(what + ": reading its public key");
        return signer_type::make(std::move(client), std::move(*pub), what);
    }

    /// `generate-key-pair --kms azurekms://...`: creates the key; returns its PEM public key.
    static result<std::string> create(std::string_view key_ref) {
        COSIGN_TRY(auto c, azurekms_config::from_env(key_ref));
        Transport t(c.tls);
        azurekms_client<Transport> client(std::move(c), std::move(t));
        COSIGN_TRY(auto der, client.create_key());
        auto pub = Crypto::parse_public_key(byte_view(der).as_chars());
        if (!pub) return std::move(pub).error().context(client.what() + ": reading its public key");
        return Crypto::public_key_pem(*pub);
    }
};

}  // namespace v0
}  // namespace cosign
