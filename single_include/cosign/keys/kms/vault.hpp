// SPDX-License-Identifier: Apache-2.0
/// The key source for `hashivault://KEY` and `openbao://KEY`: a key in a HashiCorp Vault or
/// OpenBao transit engine, which signs digests and never hands the key out.
///
///     using keys = cosign::key_sources<cosign::hashivault_key_source<crypto, transport>, ...>;
///     auto key = keys::load("hashivault://release", pw);   // VAULT_ADDR, VAULT_TOKEN
///
/// As cosign (sigstore's kms/hashivault): the address from VAULT_ADDR (else BAO_ADDR), the token
/// from VAULT_TOKEN (else BAO_TOKEN, else ~/.vault-token), the mount from
/// TRANSIT_SECRET_ENGINE_PATH (default `transit`), VAULT_NAMESPACE as X-Vault-Namespace,
/// VAULT_CACERT for TLS (VAULT_SKIP_VERIFY turns verification off, as the Vault client does).
/// The public key is `GET /v1/<mount>/keys/<key>` (its latest version), a signature is
/// `POST /v1/<mount>/sign/<key>/sha2-256` with the prehashed digest; the `vault:vN:` prefix of
/// the answer is removed. Not part of <cosign/cosign.hpp>.
#pragma once
// Generated from include/cosign/keys/kms/vault.hpp: a KMS key source, kept out of cosign.hpp.

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "../../cosign.hpp"  // was: ../../core/base64.hpp
#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/json_reader.hpp
#include "../../cosign.hpp"  // was: ../../core/json_writer.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../crypto/key_info.hpp
#include "../../cosign.hpp"  // was: ../../transport/concepts.hpp
#include "../../cosign.hpp"  // was: ../../transport/options.hpp
#include "../../cosign.hpp"  // was: ../concepts.hpp
#include "../../cosign.hpp"  // was: ../file_io.hpp
#include "remote_signer.hpp"

namespace cosign {
inline namespace v0 {

/// Where and how a Vault transit key is reached. The token is a secret: it is never put in a
/// message.
struct vault_config {
    std::string reference;     ///< the key reference, for messages: "hashivault://KEY"
    std::string key;           ///< the transit key name
    std::string address;       ///< "https://vault.example:8200" (no trailing slash)
    secure_bytes token;        ///< X-Vault-Token
    std::string mount = "transit";  ///< the transit engine's mount path
    std::string vault_namespace;    ///< X-Vault-Namespace, when set
    transport::options tls;         ///< CA file, verification

    /// The configuration from the environment, as cosign's hashivault client reads it.
    static result<vault_config> from_env(std::string_view key_ref);
};

/// The key name of a `hashivault://KEY` or `openbao://KEY` reference, checked as cosign checks
/// it (`^\w(([\w-.]+)?\w)?$`).
inline result<std::string> vault_key_name(std::string_view key_ref) {
    std::string_view rest;
    if (key_ref.substr(0, 13) == "hashivault://") rest = key_ref.substr(13);
    else if (key_ref.substr(0, 10) == "openbao://") rest = key_ref.substr(10);
    else return fail(errc::invalid_argument, "\"" + std::string(key_ref) + "\" is not a hashivault:// reference");
    auto word = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    };
    bool ok = !rest.empty() && word(rest.front()) && word(rest.back());
    for (char ch : rest) ok = ok && (word(ch) || ch == '-' || ch == '.');
    std::string name(rest);
    if (!ok)
        return fail(errc::invalid_argument, "invalid vault format \"" + std::string(key_ref) +
                                                "\": kms specification should be in the format hashivault://<key>");
    return name;
}

namespace detail {
namespace vault {
inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}
inline bool env_true(const char* name) {
    std::string v = env(name);
    return v == "1" || v == "true" || v == "TRUE" || v == "True" || v == "t" || v == "T";
}
}  // namespace vault
}  // namespace detail

inline result<vault_config> vault_config::from_env(std::string_view key_ref) {
    namespace dv = detail::vault;
    vault_config c;
    COSIGN_TRY(c.key, vault_key_name(key_ref));
    c.reference = std::string(key_ref);
    const std::string what = "hashivault key \"" + c.reference + "\"";
    c.address = dv::env("VAULT_ADDR");
    if (c.address.empty()) c.address = dv::env("BAO_ADDR");
    if (c.address.empty()) return fail(errc::invalid_argument, what + ": VAULT_ADDR or BAO_ADDR is not set");
    while (!c.address.empty() && c.address.back() == '/') c.address.pop_back();
    if (c.address.rfind("http://", 0) != 0 && c.address.rfind("https://", 0) != 0)
        return fail(errc::invalid_argument, what + ": VAULT_ADDR must start with http:// or https://");
    std::string token = dv::env("VAULT_TOKEN");
    if (token.empty()) token = dv::env("BAO_TOKEN");
    if (token.empty()) {
        // The Vault CLI's default token helper keeps the token in ~/.vault-token.
        std::string home = dv::env("HOME");
        if (!home.empty()) {
            auto file = read_file<secure_bytes>(home + "/.vault-token", 64 * 1024);
            if (file) {
                secure_bytes t = std::move(*file);
                while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
                c.token = std::move(t);
            }
        }
        if (c.token.empty())
            return fail(errc::invalid_argument,
                        what + ": no Vault token found in VAULT_TOKEN, BAO_TOKEN or ~/.vault-token");
    } else {
        c.token.assign(token.begin(), token.end());
        secure_zero(token.data(), token.size());
    }
    for (std::uint8_t ch : c.token)
        if (ch < 0x20 || ch == 0x7f)
            return fail(errc::invalid_argument, what + ": the Vault token holds a control character");
    c.mount = dv::env("TRANSIT_SECRET_ENGINE_PATH");
    if (c.mount.empty()) c.mount = "transit";
    while (!c.mount.empty() && c.mount.front() == '/') c.mount.erase(c.mount.begin());
    while (!c.mount.empty() && c.mount.back() == '/') c.mount.pop_back();
    c.vault_namespace = dv::env("VAULT_NAMESPACE");
    if (c.vault_namespace.empty()) c.vault_namespace = dv::env("BAO_NAMESPACE");
    c.tls.ca_file = dv::env("VAULT_CACERT");
    if (c.tls.ca_file.empty()) c.tls.ca_file = dv::env("BAO_CACERT");
    c.tls.ca_dir = dv::env("VAULT_CAPATH");
    if (dv::env_true("VAULT_SKIP_VERIFY") || dv::env_true("BAO_SKIP_VERIFY")) c.tls.tls_verify = false;
    return c;
}

/// A Vault transit client for one key over a transport (the remote_signer backend).
template <class Transport>
class vault_client {
    static_assert(transport::check_transport<Transport>());

public:
    vault_client(vault_config c, Transport t) : c_(std::move(c)), t_(std::move(t)) {}

    /// "hashivault key \"hashivault://KEY\"", the prefix of every error.
    std::string what() const { return "hashivault key \"" + c_.reference + "\""; }

    /// The PEM public key of the key's latest version (`GET /v1/<mount>/keys/<key>`).
    result<std::string> public_key_pem() {
        transport::request req = make("GET", "/keys/" + c_.key);
        COSIGN_TRY(auto r, detail::kms::send(t_, req, what()));
        if (r.status != 200)
            return fail(detail::kms::errc_of_status(r.status), what() + ": reading the key from " + c_.address +
                                                                     ": " + detail::kms::status_text(r));
        auto doc = json::parse(r.body);
        if (!doc) return std::move(doc).error().context(what() + ": reading the key");
        const json::value* data = json::member(*doc, "data");
        const json::value* keys = data ? json::member(*data, "keys") : nullptr;
        const json::value* latest = data ? json::member(*data, "latest_version") : nullptr;
        if (!keys || !keys->IsObject() || !latest || !latest->IsUint64())
            return fail(errc::invalid_key, what() + ": failed to read transit key keys: corrupted response");
        const std::string version = std::to_string(latest->GetUint64());
        const json::value* entry = json::member(*keys, version);
        if (!entry) return fail(errc::invalid_key, what() + ": the answer has no version " + version + " of the key");
        auto pem = json::string_member(*entry, "public_key");
        auto name = json::string_member(*entry, "name");
        if (name && *name == "ed25519")
            return fail(errc::unsupported, what() + ": ed25519 transit keys are not supported in this build");
        if (!pem || pem->empty())
            return fail(errc::invalid_key, what() + ": the key has no public key (is it a signing key?)");
        return std::string(*pem);
    }

    /// The DER signature of the transit key over `digest` (prehashed).
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) {
        const char* alg = h == hash_algorithm::sha224   ? "sha2-224"
                          : h == hash_algorithm::sha384 ? "sha2-384"
                          : h == hash_algorithm::sha512 ? "sha2-512"
                                                        : "sha2-256";
        json::writer w;
        w.begin_object()
            .key("input").string(base64::encode(digest))
            .key("key_version").string("0")
            .key("prehashed").boolean(true)
            .key("signature_algorithm").string("pkcs1v15")
            .end_object();
        transport::request req = make("POST", "/sign/" + c_.key + "/" + alg);
        req.body = std::move(w).str();
        req.set_header("Content-Type", "application/json");
        COSIGN_TRY(auto r, detail::kms::send(t_, req, what()));
        if (r.status != 200)
            return fail(detail::kms::errc_of_status(r.status),
                        what() + ": transit: failed to sign payload: " + detail::kms::status_text(r));
        auto doc = json::parse(r.body);
        if (!doc) return std::move(doc).error().context(what() + ": the signing answer");
        const json::value* data = json::member(*doc, "data");
        auto sig = data ? json::string_member(*data, "signature") : std::nullopt;
        if (!sig) return fail(errc::invalid_key, what() + ": transit: response corrupted in-transit");
        return decode_signature(*sig, what());
    }

    /// Creates the transit key as `cosign generate-key-pair --kms` does
    /// (`POST /v1/<mount>/keys/<key>` with type ecdsa-p256), then reads its public key.
    result<std::string> create_key() {
        transport::request req = make("POST", "/keys/" + c_.key);
        req.body = R"({"type":"ecdsa-p256"})";
        req.set_header("Content-Type", "application/json");
        COSIGN_TRY(auto r, detail::kms::send(t_, req, what()));
        if (r.status != 200 && r.status != 204)
            return fail(detail::kms::errc_of_status(r.status),
                        what() + ": failed to create transit key: " + detail::kms::status_text(r));
        return public_key_pem();
    }

    /// `vault:vN:<base64 DER>` -> DER (the prefix as sigstore's `^vault:v[0-9]+:`).
    static result<bytes> decode_signature(std::string_view s, const std::string& what) {
        std::size_t i = 0;
        if (s.substr(0, 7) == "vault:v") {
            i = 7;
            std::size_t digits = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
            if (digits == 0 || i >= s.size() || s[i] != ':')
                return fail(errc::invalid_key, what + ": malformed transit signature prefix");
            ++i;
        }
        auto der = base64::decode(s.substr(i));
        if (!der || der->empty())
            return fail(errc::invalid_key, what + ": the transit signature is not base64 DER");
        return std::move(*der);
    }

private:
    transport::request make(const char* method, const std::string& path) const {
        transport::request req;
        req.method = method;
        req.url = c_.address + "/v1/" + c_.mount + path;
        req.set_header("X-Vault-Token", std::string(c_.token.begin(), c_.token.end()));
        req.set_header("X-Vault-Request", "true");
        if (!c_.vault_namespace.empty()) req.set_header("X-Vault-Namespace", c_.vault_namespace);
        return req;
    }

    vault_config c_;
    Transport t_;
};

/// Loads a signer for `hashivault://KEY` (or `openbao://KEY`) from the environment (see above).
/// Transport is constructed from transport::options (CA file, verification). One request reads
/// the public key at load(); each signature is one request.
template <class Crypto, class Transport>
struct hashivault_key_source {
    using signer_type = remote_signer<Crypto, vault_client<Transport>>;

    static bool handles(std::string_view key_ref) {
        return key_ref.substr(0, 13) == "hashivault://" || key_ref.substr(0, 10) == "openbao://";
    }

    /// `pw` is not used: the Vault token authenticates.
    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        COSIGN_TRY(auto c, vault_config::from_env(key_ref));
        return open(std::move(c));
    }

    /// A signer over a configuration (load() with the environment read already).
    static result<signer_type> open(vault_config c) {
        Transport t(c.tls);
        return open(std::move(c), std::move(t));
    }

    /// The same, over a given transport (tests use a fake).
    static result<signer_type> open(vault_config c, Transport t) {
        vault_client<Transport> client(std::move(c), std::move(t));
        const std::string what = client.what();
        COSIGN_TRY(auto pem, client.public_key_pem());
        auto pub = Crypto::parse_public_key(pem);
        if (!pub) return std::move(pub).error().context(what + ": reading its public key");
        return signer_type::make(std::move(client), std::move(*pub), what);
    }

    /// `generate-key-pair --kms hashivault://KEY`: creates the key; returns its PEM public key.
    static result<std::string> create(std::string_view key_ref) {
        COSIGN_TRY(auto c, vault_config::from_env(key_ref));
        Transport t(c.tls);
        vault_client<Transport> client(std::move(c), std::move(t));
        return client.create_key();
    }
};

}  // namespace v0
}  // namespace cosign
