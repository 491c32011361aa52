// SPDX-License-Identifier: Apache-2.0
/// The key source for `gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/V]`
/// keys: Google Cloud KMS signs the digest (REST `publicKey` and `asymmetricSign`, CRC32C-checked
/// both ways); the key never leaves Google.
///
///     using keys = cosign::key_sources<cosign::gcp_kms_key_source<crypto, cosign::transport::httplib_transport>,
///                                      cosign::default_key_sources<crypto>>;
///     auto key = keys::load("gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1", pw);
///
/// cosign (sigstore's gcp client) speaks gRPC; this speaks the REST API of the same service
/// (`https://cloudkms.googleapis.com/v1/...`), with the same calls and checks:
/// - no version in the URI: the newest enabled version (`cryptoKeyVersions?filter=state=ENABLED
///   &orderBy=name desc`, the first one), as sigstore;
/// - the public key (`.../publicKey`, its pemCrc32c checked) is read once, when the key is loaded;
/// - each signature is one `:asymmetricSign` with `digestCrc32c`; `verifiedDigestCrc32c`, the
///   version name and `signatureCrc32c` are checked, then the signature against the public key;
/// - `generate-key-pair --kms` (gcp_kms_key_source::create) makes the key ring and the key
///   (ASYMMETRIC_SIGN, EC_SIGN_P256_SHA256) when they do not exist, as sigstore does.
/// OAuth2 access token, as Google's client libraries find one: GOOGLE_APPLICATION_CREDENTIALS (a
/// service-account file: an RS256 JWT assertion exchanged at its token_uri; or an authorized_user
/// file: its refresh token), else gcloud's application-default file
/// (`$CLOUDSDK_CONFIG` or ~/.config/gcloud, `application_default_credentials.json`), else the
/// metadata server named by GCE_METADATA_HOST. The API endpoint can be overridden as gcloud does,
/// `CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS=https://host:port/` (cosign has no override). TLS is
/// verified against SSL_CERT_FILE or the system's CAs. Errors name the provider and the key; no
/// token or private key appears in any message. Not part of <cosign/cosign.hpp>.
#pragma once
// Generated from include/cosign/keys/kms/gcp.hpp: a KMS key source, kept out of cosign.hpp.

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../../cosign.hpp"  // was: ../../core/base64.hpp
#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/json_reader.hpp
#include "../../cosign.hpp"  // was: ../../core/json_writer.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../crypto/concepts.hpp
#include "../../cosign.hpp"  // was: ../../transport/concepts.hpp
#include "../../cosign.hpp"  // was: ../../transport/options.hpp
#include "../../cosign.hpp"  // was: ../../transport/url.hpp
#include "../../cosign.hpp"  // was: ../concepts.hpp
#include "../../cosign.hpp"  // was: ../file_io.hpp
#include "remote_signer.hpp"

namespace cosign {
inline namespace v0 {

/// CRC32C (Castagnoli), as Cloud KMS checksums requests and answers: crc32c("123456789") == 0xE3069283.
inline std::uint32_t crc32c(byte_view data) noexcept {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xffffffffu;
    for (std::uint8_t b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/// A `gcpkms://` reference: the CryptoKey, and the CryptoKeyVersion when the URI names one.
struct gcp_kms_reference {
    std::string key;      ///< projects/P/locations/L/keyRings/R/cryptoKeys/K
    std::string version;  ///< key + "/cryptoKeyVersions/V", or "" (the newest enabled one is used)

    /// Parses `gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/V]`
    /// (`/versions/V` as cosign's help writes it is accepted too).
    static result<gcp_kms_reference> parse(std::string_view ref);
};

/// Where the OAuth2 access token comes from.
struct gcp_credentials {
    enum class kind { service_account, authorized_user, metadata_server };
    kind type = kind::metadata_server;
    std::string source;        ///< the credentials file, or the metadata host, for messages
    std::string token_uri;     ///< where tokens are asked for
    std::string client_email;  ///< service account
    std::string private_key_id;
    std::string client_id;     ///< authorized user
    secure_bytes private_key;  ///< service account, PEM
    secure_bytes client_secret;
    secure_bytes refresh_token;

    /// Reads a Google credentials JSON file (service_account or authorized_user).
    static result<gcp_credentials> from_file(const std::string& path);
};

/// Everything a gcp_kms_signer needs; from_environment() fills it as Google's libraries do.
struct gcp_kms_config {
    std::string key_ref;  ///< the `gcpkms://` reference, for messages
    gcp_kms_reference reference;
    std::string endpoint = "https://cloudkms.googleapis.com";  ///< scheme://host[:port][/prefix], no trailing '/'
    gcp_credentials credentials;
    transport::options tls;
    /// Seconds since the epoch, for JWT times and token expiry (the system clock when empty).
    std::function<std::int64_t()> clock;
    /// Waits between two polls of a key being generated (std::this_thread::sleep_for when empty).
    std::function<void(std::chrono::milliseconds)> sleep;

    static result<gcp_kms_config> from_environment(std::string_view key_ref);
};

namespace detail {
namespace gcpkms {

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

inline bool id_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

inline std::string base64url(byte_view in) {
    std::string s = base64::encode(in);
    while (!s.empty() && s.back() == '=') s.pop_back();
    for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return s;
}

inline std::string form_escape(std::string_view s) { return transport::query_escape(s); }

/// http is accepted only for loopback hosts (and the metadata server); everything else must be https.
inline result<void> check_url(const std::string& u, const std::string& what) {
    auto p = transport::parse_url(u);
    if (!p) return std::move(p).error().context(what + " \"" + u + "\"");
    if (p->scheme != "https" && !transport::is_loopback_host(p->host))
        return fail(errc::invalid_argument,
                    what + " \"" + u + "\" is not HTTPS (plain HTTP is accepted for loopback hosts only)");
    return {};
}

/// `error.message`/`error.status` of a Google API error, or OAuth2's `error`/`error_description`.
inline std::string error_of(const std::string& body) {
    auto doc = json::parse(body);
    if (!doc) return {};
    std::string out;
    if (const json::value* e = json::member(*doc, "error"); e && e->IsObject()) {
        if (auto s = json::string_member(*e, "status")) out = std::string(*s);
        if (auto m = json::string_member(*e, "message")) out += (out.empty() ? "" : ": ") + std::string(*m);
    } else if (auto code = json::string_member(*doc, "error")) {
        out = std::string(*code);
        if (auto d = json::string_member(*doc, "error_description")) out += ": " + std::string(*d);
    }
    if (out.size() > 300) out = out.substr(0, 300) + "...";
    return out;
}

inline errc errc_of(int status) {
    if (status == 401 || status == 403) return errc::unauthorized;
    if (status == 404) return errc::not_found;
    if (status == 400) return errc::invalid_argument;
    return errc::registry;
}

/// An int64 JSON field that proto3 JSON writes as a string (and may write as a number).
inline bool uint32_field(const json::value& doc, std::string_view name, std::uint32_t& out) {
    const json::value* v = json::member(doc, name);
    if (!v) return false;
    std::uint64_t n = 0;
    if (v->IsUint64()) {
        n = v->GetUint64();
    } else if (auto s = json::as_string(*v); s && !s->empty() && s->size() <= 10) {
        for (char c : *s) {
            if (c < '0' || c > '9') return false;
            n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
    } else {
        return false;
    }
    if (n > 0xffffffffu) return false;
    out = static_cast<std::uint32_t>(n);
    return true;
}

}  // namespace gcpkms
}  // namespace detail

inline result<gcp_kms_reference> gcp_kms_reference::parse(std::string_view ref) {
    auto bad = [&] {
        return fail(errc::invalid_argument,
                    "invalid gcpkms key \"" + std::string(ref) +
                        "\": kms specification should be in the format gcpkms://projects/[PROJECT_ID]/locations/"
                        "[LOCATION]/keyRings/[KEY_RING]/cryptoKeys/[KEY][/cryptoKeyVersions/[VERSION]]");
    };
    if (ref.substr(0, 9) != "gcpkms://") return bad();
    std::string_view rest = ref.substr(9);
    std::vector<std::string_view> parts;
    while (true) {
        auto slash = rest.find('/');
        parts.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    if (parts.size() != 8 && parts.size() != 10) return bad();
    const char* fixed[] = {"projects", "locations", "keyRings", "cryptoKeys"};
    for (std::size_t i = 0; i < 4; ++i)
        if (parts[2 * i] != fixed[i]) return bad();
    if (parts.size() == 10 && parts[8] != "cryptoKeyVersions" && parts[8] != "versions") return bad();
    for (std::size_t i = 1; i < parts.size(); i += 2) {
        if (parts[i].empty()) return bad();
        for (char c : parts[i])
            if (!detail::gcpkms::id_char(c)) return bad();
    }
    gcp_kms_reference r;
    r.key = "projects/" + std::string(parts[1]) + "/locations/" + std::string(parts[3]) + "/keyRings/" +
            std::string(parts[5]) + "/cryptoKeys/" + std::string(parts[7]);
    if (parts.size() == 10) r.version = r.key + "/cryptoKeyVersions/" + std::string(parts[9]);
    return r;
}

inline result<gcp_credentials> gcp_credentials::from_file(const std::string& path) {
    auto where = [&](const std::string& what) { return "Google credentials file " + path + ": " + what; };
    COSIGN_TRY(auto text, read_file<secure_bytes>(path, max_key_file_size));
    auto doc = json::parse(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
    if (!doc) return fail(errc::invalid_json, where("not valid JSON"));
    auto str = [&](std::string_view k) { return std::string(json::string_member(*doc, k).value_or("")); };
    auto secret = [&](std::string_view k) {
        auto v = json::string_member(*doc, k).value_or("");
        return secure_bytes(v.begin(), v.end());
    };
    gcp_credentials c;
    c.source = path;
    const std::string type = str("type");
    if (type == "service_account") {
        c.type = kind::service_account;
        c.client_email = str("client_email");
        c.private_key_id = str("private_key_id");
        c.private_key = secret("private_key");
        c.token_uri = str("token_uri");
        if (c.token_uri.empty()) c.token_uri = "https://oauth2.googleapis.com/token";
        if (c.client_email.empty() || c.private_key.empty())
            return fail(errc::invalid_key, where("a service account needs client_email and private_key"));
    } else if (type == "authorized_user") {
        c.type = kind::authorized_user;
        c.client_id = str("client_id");
        c.client_secret = secret("client_secret");
        c.refresh_token = secret("refresh_token");
        c.token_uri = str("token_uri");
        if (c.token_uri.empty()) c.token_uri = "https://oauth2.googleapis.com/token";
        if (c.client_id.empty() || c.refresh_token.empty())
            return fail(errc::invalid_key, where("an authorized user needs client_id and refresh_token"));
    } else {
        return fail(errc::unsupported, where("credentials of type \"" + type +
                                             "\" are not supported (service_account and authorized_user are)"));
    }
    COSIGN_TRY_VOID(detail::gcpkms::check_url(c.token_uri, where("token_uri")));
    // the parsed document holds copies of the secrets: wipe them
    for (auto& m : doc->GetObject())
        if (m.value.IsString() && m.value.GetStringLength())
            secure_zero(const_cast<char*>(m.value.GetString()), m.value.GetStringLength());
    return c;
}

inline result<gcp_kms_config> gcp_kms_config::from_environment(std::string_view key_ref) {
    namespace d = detail::gcpkms;
    COSIGN_TRY(auto ref, gcp_kms_reference::parse(key_ref));
    const std::string name = "gcpkms key \"" + std::string(key_ref) + "\"";
    gcp_kms_config c;
    c.key_ref = std::string(key_ref);
    c.reference = std::move(ref);
    if (std::string o = d::env("CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS"); !o.empty()) {
        while (!o.empty() && o.back() == '/') o.pop_back();
        if (o.size() >= 3 && o.substr(o.size() - 3) == "/v1") o.resize(o.size() - 3);
        auto ok = d::check_url(o + "/", "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS");
        if (!ok) return std::move(ok).error().context(name);
        c.endpoint = o;
    }
    std::string file = d::env("GOOGLE_APPLICATION_CREDENTIALS");
    if (file.empty()) {
        std::string dir = d::env("CLOUDSDK_CONFIG");
        if (dir.empty() && !d::env("HOME").empty()) dir = d::env("HOME") + "/.config/gcloud";
        std::string adc = dir.empty() ? std::string() : dir + "/application_default_credentials.json";
        if (!adc.empty() && transport::detail::readable_file(adc)) file = adc;
    }
    if (!file.empty()) {
        auto cred = gcp_credentials::from_file(file);
        if (!cred) return std::move(cred).error().context(name);
        c.credentials = std::move(*cred);
    } else if (std::string host = d::env("GCE_METADATA_HOST"); !host.empty()) {
        c.credentials.type = gcp_credentials::kind::metadata_server;
        c.credentials.source = host;
        c.credentials.token_uri = "http://" + host + "/computeMetadata/v1/instance/service-accounts/default/token";
        auto u = transport::parse_url(c.credentials.token_uri);
        if (!u) return std::move(u).error().context(name + ": GCE_METADATA_HOST");
    } else {
        return fail(errc::unauthorized,
                    name + ": no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service-account or "
                           "authorized-user JSON file, run `gcloud auth application-default login`, or set "
                           "GCE_METADATA_HOST");
    }
    return c;
}

/// A Cloud KMS client for one key over a transport: the OAuth2 token (fetched again when it
/// expires) and the REST calls (the remote_signer backend of gcp_kms_signer, and what
/// `generate-key-pair --kms` creates key rings and keys with).
template <class Crypto, class Transport>
class gcp_kms_client {
    static_assert(check_crypto_policy<Crypto>(), "gcp_kms_client needs a crypto policy (it signs JWT assertions)");
    static_assert(transport::check_transport<Transport>(), "gcp_kms_client needs a transport policy");

public:
    gcp_kms_client(gcp_kms_config c, Transport t) : cfg_(std::move(c)), t_(std::move(t)) {}

    /// "gcpkms key \"gcpkms://...\"", the prefix of every error.
    std::string what() const { return "gcpkms key \"" + cfg_.key_ref + "\""; }
    const gcp_kms_config& config() const noexcept { return cfg_; }
    /// The CryptoKeyVersion that signs ("" before read_public_key).
    const std::string& key_version() const noexcept { return version_; }

    /// Picks the version (the URI's, else the newest enabled one, as sigstore) and reads its
    /// public key (pemCrc32c checked); the key's algorithm must be one cosign verifies.
    result<typename Crypto::public_key> read_public_key() {
        const std::string name = what();
        std::string version = cfg_.reference.version;
        if (version.empty()) {
            COSIGN_TRY(auto list, call("GET", "/v1/" + cfg_.reference.key +
                                                  "/cryptoKeyVersions?filter=state%3DENABLED&orderBy=name%20desc",
                                       "", "listing the key's versions"));
            const json::value* vs = json::member(list, "cryptoKeyVersions");
            if (!vs || !vs->IsArray() || vs->GetArray().Empty())
                return fail(errc::not_found, name + ": the key has no enabled version");
            auto n = json::string_member(vs->GetArray()[0], "name");
            if (!n || n->substr(0, cfg_.reference.key.size() + 19) != cfg_.reference.key + "/cryptoKeyVersions/")
                return fail(errc::invalid_json, name + ": listing the key's versions: a version without a valid name");
            version = std::string(*n);
        }
        COSIGN_TRY(auto doc, call("GET", "/v1/" + version + "/publicKey", "", "getPublicKey"));
        auto pem = json::string_member(doc, "pem");
        if (!pem) return fail(errc::invalid_key, name + ": getPublicKey returned no pem");
        std::uint32_t crc = 0;
        if (detail::gcpkms::uint32_field(doc, "pemCrc32c", crc) && crc != crc32c(*pem))
            return fail(errc::invalid_key, name + ": getPublicKey: the public key does not match its pemCrc32c");
        auto pub = Crypto::parse_public_key(*pem);
        if (!pub) return std::move(pub).error().context(name + ": reading the public key from getPublicKey");
        const std::string algorithm(json::string_member(doc, "algorithm").value_or(""));
        const key_info info = Crypto::describe(*pub);
        const bool ok = algorithm == "EC_SIGN_P256_SHA256" || algorithm == "EC_SIGN_P384_SHA384" ||
                        algorithm == "RSA_SIGN_PKCS1_2048_SHA256" || algorithm == "RSA_SIGN_PKCS1_3072_SHA256" ||
                        algorithm == "RSA_SIGN_PKCS1_4096_SHA256";
        if (!ok || (info.type != key_type::ecdsa && info.type != key_type::rsa))
            return fail(errc::unsupported, name + ": the key's algorithm " +
                                               (algorithm.empty() ? std::string("(none given)") : algorithm) +
                                               " is not one cosign verifies (EC_SIGN_P256_SHA256, EC_SIGN_P384_SHA384, "
                                               "RSA_SIGN_PKCS1_*_SHA256)");
        version_ = std::move(version);
        hash_ = signing_hash_of(info);
        return std::move(*pub);
    }

    /// One asymmetricSign call over the `h` digest `digest`, its checksums checked both ways: the
    /// DER signature.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) {
        const std::string name = what();
        if (version_.empty()) return fail(errc::internal, name + ": the public key was not read before signing");
        if (h != hash_ || digest.size() != digest_size(h))
            return fail(errc::invalid_argument, name + ": this key signs " + to_string(hash_) + " digests");
        json::writer w;
        w.begin_object()
            .key("digest").begin_object().key(h == hash_algorithm::sha384 ? "sha384" : "sha256")
            .string(base64::encode(digest)).end_object()
            .key("digestCrc32c").string(std::to_string(crc32c(digest)))
            .end_object();
        COSIGN_TRY(auto doc, call("POST", "/v1/" + version_ + ":asymmetricSign", std::move(w).str(), "asymmetricSign"));
        const json::value* verified = json::member(doc, "verifiedDigestCrc32c");
        if (!verified || !verified->IsBool() || !verified->GetBool())
            return fail(errc::io, name + ": asymmetricSign: the request was corrupted in transit (verifiedDigestCrc32c is not true)");
        if (auto n = json::string_member(doc, "name"); n && *n != version_)
            return fail(errc::invalid_key, name + ": asymmetricSign answered for another key version, " + std::string(*n));
        auto b64 = json::string_member(doc, "signature");
        if (!b64) return fail(errc::invalid_key, name + ": asymmetricSign returned no signature");
        auto sig = base64::decode(*b64);
        if (!sig || sig->empty()) return fail(errc::invalid_key, name + ": asymmetricSign returned a signature that is not base64");
        std::uint32_t crc = 0;
        if (!detail::gcpkms::uint32_field(doc, "signatureCrc32c", crc) || crc != crc32c(*sig))
            return fail(errc::io, name + ": asymmetricSign: the answer was corrupted in transit (signatureCrc32c does not match)");
        return std::move(*sig);
    }

    /// One authenticated call to the KMS API; the parsed answer or an error naming the key and `what`.
    result<json::document> call(const std::string& method, const std::string& path, std::string body,
                                const std::string& what_call) {
        COSIGN_TRY_VOID(ensure_token());
        const std::string where = what() + ": " + what_call;
        transport::request req;
        req.method = method;
        req.url = cfg_.endpoint + path;
        std::string auth = "Bearer ";
        auth.append(reinterpret_cast<const char*>(token_.data()), token_.size());
        req.headers = {{"Authorization", std::move(auth)}};
        if (method == "POST") req.headers.emplace_back("Content-Type", "application/json");
        req.body = std::move(body);
        req.max_response_body = 1 << 20;
        auto res = send(req);
        if (!res) return std::move(res).error().context(where);
        if (res->status == 401) token_.clear();  // fetched again next time
        if (res->status != 200) {
            std::string why = detail::gcpkms::error_of(res->body);
            return fail(detail::gcpkms::errc_of(res->status),
                        where + ": HTTP " + std::to_string(res->status) + (why.empty() ? "" : ": " + why));
        }
        auto doc = json::parse(res->body);
        if (!doc) return std::move(doc).error().context(where + ": the answer");
        if (!doc->IsObject()) return fail(errc::invalid_json, where + ": the answer is not a JSON object");
        return doc;
    }

private:
    std::int64_t now() const { return cfg_.clock ? cfg_.clock() : static_cast<std::int64_t>(std::time(nullptr)); }

    /// Sends req, wiping its Authorization header and body afterwards.
    result<transport::response> send(transport::request& req) {
        auto res = t_.send(req);
        for (auto& h : req.headers)
            if (transport::header_name_equal(h.first, "Authorization") && !h.second.empty())
                secure_zero(&h.second[0], h.second.size());
        secure_zero(req.body.empty() ? nullptr : &req.body[0], req.body.size());
        return res;
    }

    /// An access token, fetched when there is none or it expires within a minute.
    result<void> ensure_token() {
        if (!token_.empty() && now() + 60 < token_expiry_) return {};
        const gcp_credentials& cr = cfg_.credentials;
        const std::string where = what() + ": getting an access token from " + cr.token_uri +
                                  " (credentials: " + cr.source + ")";
        transport::request req;
        req.url = cr.token_uri;
        req.max_response_body = 1 << 20;
        if (cr.type == gcp_credentials::kind::metadata_server) {
            req.method = "GET";
            req.headers = {{"Metadata-Flavor", "Google"}};
        } else {
            req.method = "POST";
            req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
            if (cr.type == gcp_credentials::kind::service_account) {
                COSIGN_TRY(auto assertion, jwt_assertion());
                req.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
                req.body.append(reinterpret_cast<const char*>(assertion.data()), assertion.size());
            } else {
                req.body = "grant_type=refresh_token&client_id=" + detail::gcpkms::form_escape(cr.client_id) +
                           "&client_secret=" +
                           detail::gcpkms::form_escape(std::string_view(
                               reinterpret_cast<const char*>(cr.client_secret.data()), cr.client_secret.size())) +
                           "&refresh_token=" +
                           detail::gcpkms::form_escape(std::string_view(
                               reinterpret_cast<const char*>(cr.refresh_token.data()), cr.refresh_token.size()));
            }
        }
        auto res = send(req);
        if (!res) return std::move(res).error().context(where);
        if (res->status != 200) {
            std::string why = detail::gcpkms::error_of(res->body);
            return fail(res->status == 400 || res->status == 401 || res->status == 403 ? errc::unauthorized
                                                                                       : errc::registry,
                        where + ": HTTP " + std::to_string(res->status) + (why.empty() ? "" : ": " + why));
        }
        auto doc = json::parse(res->body);
        secure_zero(res->body.empty() ? nullptr : &res->body[0], res->body.size());
        if (!doc) return fail(errc::invalid_json, where + ": the answer is not JSON");
        auto t = json::string_member(*doc, "access_token");
        if (!t || t->empty()) return fail(errc::unauthorized, where + ": the answer holds no access_token");
        token_.assign(t->begin(), t->end());
        secure_zero(const_cast<char*>(t->data()), t->size());
        std::int64_t ttl = 3600;
        if (const json::value* e = json::member(*doc, "expires_in"); e && e->IsInt64()) ttl = e->GetInt64();
        token_expiry_ = now() + ttl;
        return {};
    }

    /// The RS256 JWT a service account presents (RFC 7523), signed with its private key.
    result<secure_bytes> jwt_assertion() const {
        const gcp_credentials& cr = cfg_.credentials;
        auto key = Crypto::parse_private_key_pem(
            std::string_view(reinterpret_cast<const char*>(cr.private_key.data()), cr.private_key.size()));
        if (!key) return fail(errc::invalid_key, "the service account's private_key in " + cr.source + " does not parse");
        if (Crypto::describe(*key).type != key_type::rsa)
            return fail(errc::invalid_key, "the service account's private_key in " + cr.source + " is not an RSA key");
        const std::int64_t iat = now();
        json::writer hw;
        hw.begin_object().key("alg").string("RS256").key("typ").string("JWT");
        if (!cr.private_key_id.empty()) hw.key("kid").string(cr.private_key_id);
        hw.end_object();
        json::writer cw;
        cw.begin_object()
            .key("iss").string(cr.client_email)
            .key("scope").string("https://www.googleapis.com/auth/cloud-platform")
            .key("aud").string(cr.token_uri)
            .key("iat").integer(iat)
            .key("exp").integer(iat + 3600)
            .end_object();
        std::string input = detail::gcpkms::base64url(hw.str()) + "." + detail::gcpkms::base64url(cw.str());
        COSIGN_TRY(auto sig, Crypto::sign(*key, input));
        input += "." + detail::gcpkms::base64url(sig);
        secure_bytes out(input.begin(), input.end());
        secure_zero(&input[0], input.size());
        return out;
    }

    gcp_kms_config cfg_;
    Transport t_;
    std::string version_;
    hash_algorithm hash_ = hash_algorithm::sha256;
    secure_bytes token_;
    std::int64_t token_expiry_ = 0;
};

/// A signer whose private key stays in Cloud KMS: a remote_signer over gcp_kms_client (each
/// signature is checked against the key's public key before it is returned). Copies share one
/// connection and one access token; sign() calls are serialised, so one signer may be used from
/// several threads.
template <class Crypto, class Transport>
class gcp_kms_signer : public remote_signer<Crypto, gcp_kms_client<Crypto, Transport>> {
    using base = remote_signer<Crypto, gcp_kms_client<Crypto, Transport>>;

public:
    /// Gets a token, picks the version (when the URI names none) and reads its public key.
    static result<gcp_kms_signer> open(Transport t, gcp_kms_config cfg) {
        return open(gcp_kms_client<Crypto, Transport>(std::move(cfg), std::move(t)));
    }

    /// The same over a client (create() reuses its connection and token).
    static result<gcp_kms_signer> open(gcp_kms_client<Crypto, Transport> client) {
        std::string name = client.what();
        COSIGN_TRY(auto pub, client.read_public_key());
        std::string version = client.key_version();
        COSIGN_TRY(auto s, base::make(std::move(client), std::move(pub), std::move(name)));
        return gcp_kms_signer(std::move(s), std::move(version));
    }

    /// The CryptoKeyVersion that signs (`projects/.../cryptoKeyVersions/V`).
    const std::string& key_version() const noexcept { return version_; }

private:
    gcp_kms_signer(base b, std::string version) : base(std::move(b)), version_(std::move(version)) {}
    std::string version_;
};

/// Loads a signer for a `gcpkms://` reference, configured from the environment
/// (gcp_kms_config::from_environment), over a Transport built from transport::options.
template <class Crypto, class Transport>
struct gcp_kms_key_source {
    using signer_type = gcp_kms_signer<Crypto, Transport>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 9) == "gcpkms://"; }

    /// `pw` is not used: KMS keys have no password.
    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        COSIGN_TRY(auto cfg, gcp_kms_config::from_environment(key_ref));
        transport::options o = cfg.tls;
        return signer_type::open(Transport(std::move(o)), std::move(cfg));
    }

    /// `generate-key-pair --kms gcpkms://...`, as sigstore's gcp client does it: the key ring is
    /// created when it does not exist (`keyRings.get`, then `keyRings.create`); an existing
    /// crypto key is kept (it must be ASYMMETRIC_SIGN), else it is created with purpose
    /// ASYMMETRIC_SIGN and algorithm EC_SIGN_P256_SHA256 (`cryptoKeys.create`); then its public
    /// key is read as load() reads it.
    static result<kms_created_key> create(std::string_view key_ref) {
        COSIGN_TRY(auto cfg, gcp_kms_config::from_environment(key_ref));
        transport::options o = cfg.tls;
        return create(std::move(cfg), Transport(std::move(o)));
    }

    /// The same over a configuration and a transport (tests use a fake).
    static result<kms_created_key> create(gcp_kms_config cfg, Transport t) {
        const std::string key = cfg.reference.key;
        const std::string ring = key.substr(0, key.rfind("/cryptoKeys/"));
        const std::string location = ring.substr(0, ring.rfind("/keyRings/"));
        gcp_kms_client<Crypto, Transport> client(std::move(cfg), std::move(t));
        kms_created_key out;
        out.key_ring = ring;
        auto got_ring = client.call("GET", "/v1/" + ring, "", "keyRings.get");
        if (!got_ring && got_ring.error().code() != errc::not_found) return std::move(got_ring).error();
        if (!got_ring) {
            COSIGN_TRY_VOID(client.call("POST", "/v1/" + location + "/keyRings?keyRingId=" +
                                                    transport::query_escape(ring.substr(ring.rfind('/') + 1)),
                                        "{}", "keyRings.create"));
            out.key_ring_created = true;
        }
        auto got_key = client.call("GET", "/v1/" + key, "", "cryptoKeys.get");
        if (!got_key && got_key.error().code() != errc::not_found) return std::move(got_key).error();
        if (got_key) {
            if (auto purpose = json::string_member(*got_key, "purpose"); !purpose || *purpose != "ASYMMETRIC_SIGN")
                return fail(errc::invalid_key, client.what() + ": the key exists and its purpose is " +
                                                   std::string(purpose.value_or("(none given)")) +
                                                   ", not ASYMMETRIC_SIGN: it cannot sign");
        } else {
            json::writer w;
            w.begin_object()
                .key("purpose").string("ASYMMETRIC_SIGN")
                .key("versionTemplate").begin_object().key("algorithm").string("EC_SIGN_P256_SHA256").end_object()
                .end_object();
            COSIGN_TRY_VOID(client.call("POST", "/v1/" + ring + "/cryptoKeys?cryptoKeyId=" +
                                                    transport::query_escape(key.substr(key.rfind('/') + 1)),
                                        std::move(w).str(), "cryptoKeys.create"));
            out.created = true;
            COSIGN_TRY_VOID(await_generation(client, key));
        }
        auto pub = client.read_public_key();
        if (!pub) return std::move(pub).error();
        out.public_key_pem = Crypto::public_key_pem(*pub);
        if (out.public_key_pem.empty()) return fail(errc::internal, client.what() + ": could not encode the public key");
        return out;
    }

private:
    /// Cloud KMS generates a new asymmetric key's first version asynchronously
    /// (PENDING_GENERATION, when its public key cannot be read yet): polls it once a second,
    /// for a minute at most, until it is ENABLED. (sigstore does not wait, and fails then.)
    static result<void> await_generation(gcp_kms_client<Crypto, Transport>& client, const std::string& key) {
        const auto& sleep = client.config().sleep;
        for (int polls = 1;; ++polls) {
            COSIGN_TRY(auto v, client.call("GET", "/v1/" + key + "/cryptoKeyVersions/1", "",
                                           "waiting for the new key's version 1"));
            const std::string state(json::string_member(v, "state").value_or(""));
            if (state == "ENABLED") return {};
            if (state != "PENDING_GENERATION")
                return fail(errc::invalid_key, client.what() + ": the new key's version 1 is " +
                                                   (state.empty() ? std::string("in no state") : state) +
                                                   ", not ENABLED");
            if (polls == 60)
                return fail(errc::network, client.what() + ": the new key's version 1 is still PENDING_GENERATION "
                                                           "after 60 s: run generate-key-pair again later");
            if (sleep) sleep(std::chrono::milliseconds(1000));
            else std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        }
    }
};

}  // namespace v0
}  // namespace cosign
