// SPDX-License-Identifier: Apache-2.0
/// The key source for `awskms://[ENDPOINT]/<key-id | key-ARN | alias/NAME | alias-ARN>` keys: AWS KMS
/// signs the digest (SigV4-signed `GetPublicKey` and `Sign` calls); the key never leaves AWS.
///
///     using keys = cosign::key_sources<cosign::aws_kms_key_source<crypto, cosign::transport::httplib_transport>,
///                                      cosign::default_key_sources<crypto>>;
///     auto key = keys::load("awskms:///alias/release", pw);   // region and credentials from the environment
///
/// As cosign (sigstore's aws client and the AWS SDK for Go it uses):
/// - the URI's host:port, when given, is the endpoint, always over HTTPS; else AWS_ENDPOINT_URL_KMS,
///   AWS_ENDPOINT_URL, else `https://kms.<region>.amazonaws.com`;
/// - credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the
///   profile AWS_PROFILE (or `default`) of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE
///   or ~/.aws/credentials), else of the shared config file (AWS_CONFIG_FILE or ~/.aws/config);
/// - the region from AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, else the key's ARN;
/// - server certificates verified against AWS_CA_BUNDLE, else SSL_CERT_FILE, else the system's.
///   AWS_TLS_INSECURE_SKIP_VERIFY=1 (which sigstore honours) is refused: give the CA instead.
/// The public key is read once when the key is loaded (GetPublicKey); each signature is one
/// `Sign` call with MessageType DIGEST, checked against that public key before it is returned.
/// `generate-key-pair --kms` (aws_kms_key_source::create) makes an alias's key as sigstore does:
/// CreateKey (ECC_NIST_P256, SIGN_VERIFY) and CreateAlias when the alias names no key yet.
/// Errors name the provider and the key; no secret appears in any message. Not part of
/// <cosign/cosign.hpp>: a program that does not include this header holds none of it.
#pragma once
// Generated from include/cosign/keys/kms/aws.hpp: a KMS key source, kept out of cosign.hpp.

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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
#include "sigv4.hpp"

namespace cosign {
inline namespace v0 {

/// An `awskms://` reference split as sigstore splits it.
struct aws_kms_reference {
    std::string endpoint;  ///< host[:port] from the URI, "" when absent
    std::string key_id;    ///< what KMS is sent as KeyId: the ID, the ARN, `alias/NAME` or the alias ARN
    std::string alias;     ///< `alias/NAME` for the alias forms, else ""
    std::string region;    ///< the region of an ARN, else ""

    /// Parses `awskms://[ENDPOINT]/[ID|ALIAS|ARN]`; errc::invalid_argument with cosign's format
    /// hint otherwise.
    static result<aws_kms_reference> parse(std::string_view ref);
};

/// Everything an aws_kms_signer needs; aws_kms_config::from_environment() fills it as the AWS
/// SDK does. Tests build one by hand.
struct aws_kms_config {
    std::string key_ref;   ///< the `awskms://` reference, for messages
    std::string key_id;    ///< the KeyId sent to KMS
    std::string endpoint;  ///< `https://host[:port]` (no path)
    std::string region;
    sigv4::credentials credentials;
    transport::options tls;  ///< CA bundle and timeouts for the KMS connection
    /// Seconds since the epoch, for X-Amz-Date (the system clock when empty).
    std::function<std::int64_t()> clock;

    /// The configuration of `key_ref` from the environment and the shared AWS files.
    static result<aws_kms_config> from_environment(std::string_view key_ref);
};

namespace detail {
namespace awskms {

inline bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// sigstore's uuidRE, whole string: `m?r?k?-?` then 8-4-4-4-12 hex digits, each dash optional.
inline bool is_key_uuid(std::string_view s) {
    std::size_t i = 0;
    for (char c : {'m', 'r', 'k', '-'})
        if (i < s.size() && s[i] == c) ++i;
    const int groups[] = {8, 4, 4, 4, 12};
    for (int g = 0; g < 5; ++g) {
        if (g > 0 && i < s.size() && s[i] == '-') ++i;
        for (int k = 0; k < groups[g]; ++k, ++i)
            if (i >= s.size() || !is_hex(s[i])) return false;
    }
    return i == s.size();
}

/// `arn:(aws|aws-us-gov):kms:<region>:<12 digits>:` followed by the rest; region and rest out.
inline bool split_arn(std::string_view s, std::string& region, std::string_view& rest) {
    std::string_view p;
    if (s.substr(0, 8) == "arn:aws:") p = s.substr(8);
    else if (s.substr(0, 15) == "arn:aws-us-gov:") p = s.substr(15);
    else return false;
    if (p.substr(0, 4) != "kms:") return false;
    p.remove_prefix(4);
    auto colon = p.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    for (char c : p.substr(0, colon))
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    region = std::string(p.substr(0, colon));
    p.remove_prefix(colon + 1);
    if (p.size() < 13 || p[12] != ':') return false;
    for (std::size_t i = 0; i < 12; ++i)
        if (p[i] < '0' || p[i] > '9') return false;
    rest = p.substr(13);
    return true;
}

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

inline std::string home_dir() { return env("HOME"); }

/// The `key = value` pairs of one `[section]` of an INI file as the AWS SDK reads it (comments
/// with # or ;, names case-sensitive, values trimmed). Values are secure_bytes: they may be keys.
inline std::vector<std::pair<std::string, secure_bytes>> ini_section(const secure_bytes& text,
                                                                      std::string_view section) {
    std::vector<std::pair<std::string, secure_bytes>> out;
    bool in = false;
    std::size_t i = 0;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
        return s;
    };
    const std::string_view all(reinterpret_cast<const char*>(text.data()), text.size());
    while (i < all.size()) {
        auto nl = all.find('\n', i);
        if (nl == std::string_view::npos) nl = all.size();
        std::string_view line = trim(all.substr(i, nl - i));
        i = nl + 1;
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        if (line.front() == '[') {
            auto close = line.find(']');
            in = close != std::string_view::npos && trim(line.substr(1, close - 1)) == section;
            continue;
        }
        if (!in) continue;
        auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view k = trim(line.substr(0, eq));
        std::string_view v = trim(line.substr(eq + 1));
        out.emplace_back(std::string(k), secure_bytes(v.begin(), v.end()));
    }
    return out;
}

inline const secure_bytes* ini_value(const std::vector<std::pair<std::string, secure_bytes>>& s,
                                     std::string_view key) {
    for (const auto& kv : s)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

/// Reads a shared AWS file's section; an absent file is an empty section.
inline std::vector<std::pair<std::string, secure_bytes>> read_profile(const std::string& path,
                                                                       const std::string& section) {
    if (path.empty()) return {};
    auto text = read_file<secure_bytes>(path, max_key_file_size);
    if (!text) return {};
    return ini_section(*text, section);
}

/// The `__type` and `message` of a KMS error answer (`com.amazonaws.kms#NotFoundException` ->
/// `NotFoundException`), with every occurrence of the secrets blanked.
inline std::pair<std::string, std::string> error_of(const std::string& body, const sigv4::credentials& c) {
    std::string type, message;
    if (auto doc = json::parse(body)) {
        if (auto t = json::string_member(*doc, "__type")) type = std::string(*t);
        if (auto m = json::string_member(*doc, "message")) message = std::string(*m);
        else if (auto m2 = json::string_member(*doc, "Message")) message = std::string(*m2);
    }
    if (auto h = type.rfind('#'); h != std::string::npos) type = type.substr(h + 1);
    auto blank = [&](const secure_bytes& s) {
        if (s.empty()) return;
        std::string_view sv(reinterpret_cast<const char*>(s.data()), s.size());
        for (auto p = message.find(sv); p != std::string::npos; p = message.find(sv)) message.replace(p, sv.size(), "***");
    };
    blank(c.secret_access_key);
    blank(c.session_token);
    if (message.size() > 300) message = message.substr(0, 300) + "...";
    return {type, message};
}

inline errc errc_of(int status, const std::string& type) {
    if (type == "NotFoundException") return errc::not_found;
    if (type == "InvalidSignatureException" || type == "UnrecognizedClientException" ||
        type == "AccessDeniedException" || type == "IncompleteSignature" || type == "ExpiredTokenException" ||
        type == "MissingAuthenticationToken" || status == 401 || status == 403)
        return errc::unauthorized;
    if (type == "DisabledException" || type == "KMSInvalidStateException" || type == "InvalidKeyUsageException")
        return errc::invalid_key;
    return errc::registry;
}

}  // namespace awskms
}  // namespace detail

inline result<aws_kms_reference> aws_kms_reference::parse(std::string_view ref) {
    auto bad = [&] {
        return fail(errc::invalid_argument,
                    "invalid awskms key \"" + std::string(ref) +
                        "\": kms specification should be in the format awskms://[ENDPOINT]/[ID/ALIAS/ARN] "
                        "(endpoint optional)");
    };
    if (ref.substr(0, 9) != "awskms://") return bad();
    std::string_view rest = ref.substr(9);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return bad();
    aws_kms_reference r;
    r.endpoint = std::string(rest.substr(0, slash));
    std::string_view id = rest.substr(slash + 1);
    std::string_view arn_rest;
    if (detail::awskms::is_key_uuid(id)) {
        r.key_id = std::string(id);
    } else if (id.substr(0, 6) == "alias/") {
        r.key_id = std::string(id);
        r.alias = r.key_id;
    } else if (detail::awskms::split_arn(id, r.region, arn_rest)) {
        if (arn_rest.substr(0, 4) == "key/" && detail::awskms::is_key_uuid(arn_rest.substr(4))) {
            r.key_id = std::string(id);
        } else if (arn_rest.substr(0, 6) == "alias/") {
            r.key_id = std::string(id);
            r.alias = std::string(arn_rest);
        } else {
            return bad();
        }
    } else {
        return bad();
    }
    for (char c : r.endpoint)
        if (static_cast<unsigned char>(c) <= 0x20 || c == '?' || c == '#' || c == '@') return bad();
    return r;
}

inline result<aws_kms_config> aws_kms_config::from_environment(std::string_view key_ref) {
    namespace d = detail::awskms;
    COSIGN_TRY(auto ref, aws_kms_reference::parse(key_ref));
    const std::string name = "awskms key \"" + std::string(key_ref) + "\"";
    aws_kms_config c;
    c.key_ref = std::string(key_ref);
    c.key_id = ref.key_id;

    const std::string skip = d::env("AWS_TLS_INSECURE_SKIP_VERIFY");
    if (skip == "1" || skip == "true")
        return fail(errc::unsupported, name + ": AWS_TLS_INSECURE_SKIP_VERIFY is not honoured by cosign-cpp (TLS is "
                                              "always verified): give the endpoint's CA certificate with AWS_CA_BUNDLE");

    std::string profile = d::env("AWS_PROFILE");
    if (profile.empty()) profile = "default";
    std::string cred_file = d::env("AWS_SHARED_CREDENTIALS_FILE");
    if (cred_file.empty() && !d::home_dir().empty()) cred_file = d::home_dir() + "/.aws/credentials";
    std::string config_file = d::env("AWS_CONFIG_FILE");
    if (config_file.empty() && !d::home_dir().empty()) config_file = d::home_dir() + "/.aws/config";
    const auto config_section = d::read_profile(config_file, profile == "default" ? "default" : "profile " + profile);

    // credentials: environment, then the credentials file, then the config file (as the SDK)
    const std::string akid = d::env("AWS_ACCESS_KEY_ID");
    const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
    if (!akid.empty() && secret && *secret) {
        c.credentials.access_key_id = akid;
        std::string_view s(secret);
        c.credentials.secret_access_key.assign(s.begin(), s.end());
        if (const char* t = std::getenv("AWS_SESSION_TOKEN"); t && *t) {
            std::string_view ts(t);
            c.credentials.session_token.assign(ts.begin(), ts.end());
        }
    } else {
        auto from = [&](const std::vector<std::pair<std::string, secure_bytes>>& sec) {
            const secure_bytes* id = d::ini_value(sec, "aws_access_key_id");
            const secure_bytes* key = d::ini_value(sec, "aws_secret_access_key");
            if (!id || !key || id->empty() || key->empty()) return false;
            c.credentials.access_key_id.assign(id->begin(), id->end());
            c.credentials.secret_access_key = *key;
            if (const secure_bytes* tok = d::ini_value(sec, "aws_session_token")) c.credentials.session_token = *tok;
            return true;
        };
        if (!from(d::read_profile(cred_file, profile)) && !from(config_section))
            return fail(errc::unauthorized,
                        name + ": no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give "
                               "profile \"" + profile + "\" aws_access_key_id and aws_secret_access_key in " +
                               (cred_file.empty() ? std::string("~/.aws/credentials") : cred_file) +
                               " (instance roles, SSO and credential processes are not supported)");
    }

    // region: environment, then the profile, then the ARN
    c.region = d::env("AWS_REGION");
    if (c.region.empty()) c.region = d::env("AWS_DEFAULT_REGION");
    if (c.region.empty())
        if (const secure_bytes* r = d::ini_value(config_section, "region")) c.region.assign(r->begin(), r->end());
    if (c.region.empty()) c.region = ref.region;
    if (c.region.empty())
        return fail(errc::invalid_argument,
                    name + ": no AWS region: set AWS_REGION, give the profile a region, or use the key's ARN");

    // endpoint: the URI's host (always https, as sigstore), else the SDK's variables, else AWS's
    if (!ref.endpoint.empty()) {
        c.endpoint = "https://" + ref.endpoint;
    } else {
        c.endpoint = d::env("AWS_ENDPOINT_URL_KMS");
        if (c.endpoint.empty()) c.endpoint = d::env("AWS_ENDPOINT_URL");
        if (c.endpoint.empty())
            c.endpoint = "https://kms." + c.region + ".amazonaws.com" +
                         (c.region.substr(0, 3) == "cn-" ? std::string(".cn") : std::string());
        while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
    }
    auto u = transport::parse_url(c.endpoint + "/");
    if (!u) return std::move(u).error().context(name + ": endpoint \"" + c.endpoint + "\"");
    if (u->scheme != "https" && !transport::is_loopback_host(u->host))
        return fail(errc::invalid_argument, name + ": the endpoint \"" + c.endpoint +
                                                "\" is not HTTPS (plain HTTP is accepted for loopback hosts only)");
    c.tls.ca_file = d::env("AWS_CA_BUNDLE");
    return c;
}

/// An AWS KMS client for one key over a transport: SigV4-signed TrentService calls (the
/// remote_signer backend of aws_kms_signer, and what `generate-key-pair --kms` creates keys with).
template <class Transport>
class aws_kms_client {
    static_assert(transport::check_transport<Transport>(), "aws_kms_client needs a transport policy");

public:
    aws_kms_client(aws_kms_config c, Transport t) : cfg_(std::move(c)), t_(std::move(t)) {}

    /// "awskms key \"awskms://...\"", the prefix of every error.
    std::string what() const { return "awskms key \"" + cfg_.key_ref + "\""; }
    const aws_kms_config& config() const noexcept { return cfg_; }

    /// GetPublicKey: the key's public half; picks the signing algorithm cosign verifies with for
    /// it (ECDSA_SHA_256/384/512 by curve, RSASSA_PKCS1_V1_5_SHA_256 for RSA), which sign_digest uses.
    template <class Crypto>
    result<typename Crypto::public_key> read_public_key() {
        const std::string name = what();
        json::writer w;
        w.begin_object().key("KeyId").string(cfg_.key_id).end_object();
        COSIGN_TRY(auto doc, call("GetPublicKey", std::move(w).str()));
        auto b64 = json::string_member(doc, "PublicKey");
        if (!b64) return fail(errc::invalid_key, name + ": GetPublicKey returned no PublicKey");
        auto der = base64::decode(*b64);
        if (!der) return fail(errc::invalid_key, name + ": GetPublicKey returned a PublicKey that is not base64");
        auto pub = Crypto::parse_public_key(byte_view(*der).as_chars());
        if (!pub) return std::move(pub).error().context(name + ": reading the public key from GetPublicKey");
        if (auto usage = json::string_member(doc, "KeyUsage"); usage && *usage != "SIGN_VERIFY")
            return fail(errc::invalid_key, name + ": the key's usage is " + std::string(*usage) + ", not SIGN_VERIFY");
        const key_info info = Crypto::describe(*pub);
        const hash_algorithm h = signing_hash_of(info);
        std::string alg;
        if (info.type == key_type::ecdsa)
            alg = h == hash_algorithm::sha384 ? "ECDSA_SHA_384" : h == hash_algorithm::sha512 ? "ECDSA_SHA_512" : "ECDSA_SHA_256";
        else if (info.type == key_type::rsa)
            alg = "RSASSA_PKCS1_V1_5_SHA_256";
        else
            return fail(errc::unsupported, name + ": only ECDSA and RSA keys can sign");
        if (const json::value* algs = json::member(doc, "SigningAlgorithms"); algs && algs->IsArray()) {
            bool listed = false;
            for (const auto& a : algs->GetArray())
                if (auto s = json::as_string(a); s && *s == alg) listed = true;
            if (!listed) return fail(errc::unsupported, name + ": the key does not offer " + alg + ", which cosign verifies with");
        }
        alg_ = std::move(alg);
        hash_ = h;
        return std::move(*pub);
    }

    /// One Sign call (MessageType DIGEST) over the `h` digest `digest`: the DER signature.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) {
        const std::string name = what();
        if (alg_.empty()) return fail(errc::internal, name + ": the public key was not read before signing");
        if (h != hash_ || digest.size() != digest_size(h))
            return fail(errc::invalid_argument, name + ": this key signs " + to_string(hash_) + " digests");
        json::writer w;
        w.begin_object()
            .key("KeyId").string(cfg_.key_id)
            .key("Message").string(base64::encode(digest))
            .key("MessageType").string("DIGEST")
            .key("SigningAlgorithm").string(alg_)
            .end_object();
        COSIGN_TRY(auto doc, call("Sign", std::move(w).str()));
        auto b64 = json::string_member(doc, "Signature");
        if (!b64) return fail(errc::invalid_key, name + ": Sign returned no Signature");
        auto sig = base64::decode(*b64);
        if (!sig || sig->empty()) return fail(errc::invalid_key, name + ": Sign returned a Signature that is not base64");
        return std::move(*sig);
    }

    /// CreateKey as sigstore calls it for `generate-key-pair --kms`: `spec` (ECC_NIST_P256, its
    /// default) for SIGN_VERIFY, described "Created by Sigstore"; the new key's KeyId.
    result<std::string> create_key(std::string_view spec = "ECC_NIST_P256") {
        json::writer w;
        w.begin_object()
            .key("CustomerMasterKeySpec").string(spec)
            .key("Description").string("Created by Sigstore")
            .key("KeyUsage").string("SIGN_VERIFY")
            .end_object();
        COSIGN_TRY(auto doc, call("CreateKey", std::move(w).str()));
        const json::value* meta = json::member(doc, "KeyMetadata");
        auto id = meta ? json::string_member(*meta, "KeyId") : std::nullopt;
        if (!id || id->empty()) return fail(errc::invalid_json, what() + ": CreateKey returned no KeyMetadata.KeyId");
        return std::string(*id);
    }

    /// CreateAlias: `alias` (`alias/NAME`) names the key `target_key_id`.
    result<void> create_alias(const std::string& alias, const std::string& target_key_id) {
        json::writer w;
        w.begin_object().key("AliasName").string(alias).key("TargetKeyId").string(target_key_id).end_object();
        COSIGN_TRY_VOID(call("CreateAlias", std::move(w).str()));
        return {};
    }

    /// The SigningAlgorithm sent with each Sign call ("" before read_public_key).
    const std::string& signing_algorithm() const noexcept { return alg_; }

    /// One SigV4-signed TrentService call; the parsed answer or an error naming the key and the call.
    result<json::document> call(const std::string& op, std::string body) {
        const std::string where = what() + ": " + op;
        COSIGN_TRY(auto u, transport::parse_url(cfg_.endpoint + "/"));
        const bool default_port = (u.scheme == "https" && u.port == 443) || (u.scheme == "http" && u.port == 80);
        std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
        if (!default_port) host += ":" + std::to_string(u.port);
        sigv4::http_request sreq;
        sreq.method = "POST";
        sreq.path = "/";
        sreq.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                        {"Host", host},
                        {"X-Amz-Target", "TrentService." + op}};
        sreq.body = body;
        const std::int64_t now = cfg_.clock ? cfg_.clock() : static_cast<std::int64_t>(std::time(nullptr));
        sigv4::signing_params p{cfg_.region, "kms", sigv4::amz_date(now)};
        auto s = sigv4::sign(sreq, cfg_.credentials, p);
        if (!s) return std::move(s).error().context(where);
        transport::request req;
        req.method = "POST";
        req.url = cfg_.endpoint + "/";
        req.headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "TrentService." + op}};
        for (auto& h : s->added_headers) req.headers.push_back(std::move(h));
        req.body = std::move(body);
        req.max_response_body = 1 << 20;
        auto res = t_.send(req);
        for (auto& h : req.headers)
            if (transport::header_name_equal(h.first, "X-Amz-Security-Token")) secure_zero(&h.second[0], h.second.size());
        if (!res) return std::move(res).error().context(where);
        if (res->status != 200) {
            auto [type, message] = detail::awskms::error_of(res->body, cfg_.credentials);
            std::string msg = where + ": " + (type.empty() ? std::string("HTTP ") + std::to_string(res->status)
                                                            : type + " (HTTP " + std::to_string(res->status) + ")");
            if (!message.empty()) msg += ": " + message;
            return fail(detail::awskms::errc_of(res->status, type), msg);
        }
        // operations without output (CreateAlias) may answer with an empty body
        auto doc = json::parse(res->body.empty() ? std::string_view("{}") : std::string_view(res->body));
        if (!doc) return std::move(doc).error().context(where + ": the answer");
        if (!doc->IsObject()) return fail(errc::invalid_json, where + ": the answer is not a JSON object");
        return doc;
    }

private:
    aws_kms_config cfg_;
    Transport t_;
    std::string alg_;
    hash_algorithm hash_ = hash_algorithm::sha256;
};

/// A signer whose private key stays in AWS KMS: a remote_signer over aws_kms_client (each
/// signature is checked against the key's public key before it is returned). Copies share one
/// connection; sign() calls are serialised on it, so one signer may be used from several threads.
template <class Crypto, class Transport>
class aws_kms_signer : public remote_signer<Crypto, aws_kms_client<Transport>> {
    static_assert(check_crypto_policy<Crypto>(), "aws_kms_signer needs a crypto policy");
    using base = remote_signer<Crypto, aws_kms_client<Transport>>;

public:
    /// Reads the key's public half (one GetPublicKey call) and the signing algorithm cosign
    /// verifies with for it.
    static result<aws_kms_signer> open(Transport t, aws_kms_config cfg) {
        return open(aws_kms_client<Transport>(std::move(cfg), std::move(t)));
    }

    /// The same over a client (create() reuses its connection).
    static result<aws_kms_signer> open(aws_kms_client<Transport> client) {
        std::string name = client.what();
        COSIGN_TRY(auto pub, client.template read_public_key<Crypto>());
        std::string alg = client.signing_algorithm();
        COSIGN_TRY(auto s, base::make(std::move(client), std::move(pub), std::move(name)));
        return aws_kms_signer(std::move(s), std::move(alg));
    }

    /// The SigningAlgorithm sent with each Sign call.
    const std::string& signing_algorithm() const noexcept { return alg_; }

private:
    aws_kms_signer(base b, std::string alg) : base(std::move(b)), alg_(std::move(alg)) {}
    std::string alg_;
};

/// Loads a signer for an `awskms://` reference, configured from the environment as cosign is
/// (aws_kms_config::from_environment), over a Transport built from transport::options.
template <class Crypto, class Transport>
struct aws_kms_key_source {
    using signer_type = aws_kms_signer<Crypto, Transport>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 9) == "awskms://"; }

    /// `pw` is not used: KMS keys have no password.
    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        COSIGN_TRY(auto cfg, aws_kms_config::from_environment(key_ref));
        transport::options o = cfg.tls;
        return signer_type::open(Transport(std::move(o)), std::move(cfg));
    }

    /// `generate-key-pair --kms awskms://[ENDPOINT]/alias/NAME`, as sigstore's aws client does it:
    /// the key the alias names when there is one (its public key, nothing created); else
    /// CreateKey (ECC_NIST_P256, SIGN_VERIFY) and CreateAlias, then its public key. Only alias
    /// references can be created (a new key's ID is not known beforehand).
    static result<kms_created_key> create(std::string_view key_ref) {
        COSIGN_TRY(auto ref, aws_kms_reference::parse(key_ref));
        COSIGN_TRY_VOID(creatable(ref, key_ref));
        COSIGN_TRY(auto cfg, aws_kms_config::from_environment(key_ref));
        transport::options o = cfg.tls;
        return create(std::move(cfg), Transport(std::move(o)));
    }

    /// The same over a configuration and a transport (tests use a fake).
    static result<kms_created_key> create(aws_kms_config cfg, Transport t) {
        COSIGN_TRY(auto ref, aws_kms_reference::parse(cfg.key_ref));
        COSIGN_TRY_VOID(creatable(ref, cfg.key_ref));
        aws_kms_client<Transport> client(std::move(cfg), std::move(t));
        const std::string name = client.what();
        kms_created_key out;
        auto existing = client.template read_public_key<Crypto>();
        if (!existing && existing.error().code() != errc::not_found)
            return std::move(existing).error().context("looking up the key");
        if (!existing) {
            COSIGN_TRY(auto key_id, client.create_key());
            if (auto a = client.create_alias(ref.alias, key_id); !a)
                return std::move(a).error().context("the key " + key_id + " was created, but naming it " + ref.alias +
                                                    " failed (delete it or alias it by hand)");
            existing = client.template read_public_key<Crypto>();
            if (!existing) return std::move(existing).error().context("reading the new key " + key_id);
            out.created = true;
        }
        out.public_key_pem = Crypto::public_key_pem(*existing);
        if (out.public_key_pem.empty()) return fail(errc::internal, name + ": could not encode the public key");
        return out;
    }

private:
    static result<void> creatable(const aws_kms_reference& ref, std::string_view key_ref) {
        if (!ref.alias.empty()) return {};
        return fail(errc::invalid_argument,
                    "awskms key \"" + std::string(key_ref) +
                        "\": must use alias key format to create a key (awskms://[ENDPOINT]/alias/NAME or an alias "
                        "ARN): a new key's ID is only known once it exists");
    }
};

}  // namespace v0
}  // namespace cosign
