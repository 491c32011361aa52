// SPDX-License-Identifier: Apache-2.0
/// The key source for `pkcs11:` URIs: a key held in an HSM or token, reached through a PKCS#11
/// module loaded at run time. The key never leaves its token; the signer asks it to sign.
///
///     using keys = cosign::key_sources<cosign::pkcs11_key_source<cosign::crypto::mbedtls>,
///                                      cosign::default_key_sources<cosign::crypto::mbedtls>>;
///     auto key = keys::load("pkcs11:token=ci;object=release?module-path=/usr/lib/softhsm/libsofthsm2.so", pw);
///
/// ECDSA keys sign with CKM_ECDSA over the SHA-256 digest (the raw r||s becomes DER, as cosign
/// writes it); RSA keys with CKM_RSA_PKCS over the SHA-256 DigestInfo. The public key is read
/// from the token (public key object, else the key's certificate, else an RSA private key's
/// public attributes). Link with `${CMAKE_DL_LIBS}` (dlopen). Not part of <cosign/cosign.hpp>:
/// a program that does not include this header holds none of it.
#pragma once
// Generated from include/cosign/keys/pkcs11.hpp: a backend policy, kept out of cosign.hpp.

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../cosign.hpp"  // was: ../core/bytes.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: ../core/sha256.hpp
#include "../cosign.hpp"  // was: ../crypto/asn1.hpp
#include "../cosign.hpp"  // was: ../crypto/concepts.hpp
#include "../cosign.hpp"  // was: concepts.hpp
#include "pkcs11/module.hpp"
#include "../cosign.hpp"  // was: pkcs11/uri.hpp

namespace cosign {
inline namespace v0 {

/// What a PIN prompt is told: which key, in which token. Never holds the PIN.
struct pkcs11_pin_request {
    std::string token_label;  ///< label of the token that asks for the PIN
    std::string key_label;    ///< `object=` of the URI (may be empty when only `id=` was given)
    std::string key;          ///< the URI without its query, for messages
};

/// The PIN prompt policy that never prompts: a key source using it asks for pin-value or
/// COSIGN_PKCS11_PIN instead. A prompt policy has `static result<secure_bytes>
/// read_pin(const pkcs11_pin_request&)` (the cosign-cpp CLI reads the terminal).
struct no_pin_prompt {
    static result<secure_bytes> read_pin(const pkcs11_pin_request& r) {
        return fail(errc::invalid_argument, "the token \"" + r.token_label +
                                                "\" needs a PIN: add pin-value to the URI or set COSIGN_PKCS11_PIN");
    }
};

namespace detail {
namespace p11 {

/// The session, key handle and mechanism a pkcs11_signer shares between its moves.
struct signing_key {
    std::unique_ptr<session> s;
    ck_object_handle key = 0;
    ck_ulong key_type = 0;
    std::mutex lock;  // one operation at a time on the session
};

/// SEQUENCE { SEQUENCE { ecPublicKey, params }, BIT STRING point }.
inline bytes ec_spki(byte_view params, byte_view point) {
    bytes alg;
    der::write(alg, der::tag_oid, der::view_of(der::oid_ec_public_key));
    alg.insert(alg.end(), params.begin(), params.end());
    bytes bits = {0};
    bits.insert(bits.end(), point.begin(), point.end());
    bytes body;
    der::write(body, der::tag_sequence, alg);
    der::write(body, der::tag_bit_string, bits);
    bytes out;
    der::write(out, der::tag_sequence, body);
    return out;
}

/// PKCS#1 RSAPublicKey from modulus and exponent.
inline bytes rsa_pkcs1(byte_view modulus, byte_view exponent) {
    bytes body;
    der::write_unsigned_integer(body, modulus);
    der::write_unsigned_integer(body, exponent);
    bytes out;
    der::write(out, der::tag_sequence, body);
    return out;
}

/// CKA_EC_POINT is a DER OCTET STRING around the point; a few tokens return the bare point.
inline byte_view ec_point_of(byte_view attr) {
    der::tlv t;
    if (der::read_single(attr, der::tag_octet_string, t) && !t.content.empty() && t.content[0] == 0x04)
        return t.content;
    return attr;
}

/// The DigestInfo prefix of `h` (RFC 8017 section 9.2, note 1): SEQUENCE { AlgorithmIdentifier
/// { OID 2.16.840.1.101.3.4.2.n, NULL }, OCTET STRING (digest follows) }.
inline bytes digest_info_prefix(hash_algorithm h) {
    std::uint8_t n = 1;
    switch (h) {
        case hash_algorithm::sha256: n = 1; break;
        case hash_algorithm::sha384: n = 2; break;
        case hash_algorithm::sha512: n = 3; break;
        case hash_algorithm::sha224: n = 4; break;
    }
    const auto len = static_cast<std::uint8_t>(digest_size(h));
    return {0x30, static_cast<std::uint8_t>(0x11 + len), 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
            0x03, 0x04, 0x02, n, 0x05, 0x00, 0x04, len};
}

}  // namespace p11
}  // namespace detail

/// A signer whose private key stays in a PKCS#11 token. Its session is closed, and the module
/// finalised (C_Finalize, dlclose) once no signer uses it, when the last copy is destroyed. sign() is serialised
/// on the session, so one signer may be used from several threads.
template <class Crypto>
class pkcs11_signer {
    static_assert(check_crypto_policy<Crypto>(), "pkcs11_signer needs a crypto policy");

public:
    /// cosign's signature over `payload`: DER ECDSA or PKCS#1 v1.5 over SHA-256 (as cosign's
    /// pkcs11key, for every curve). Each signature is checked against the public key before it
    /// is returned.
    result<bytes> sign(byte_view payload) const {
        const sha256_hash digest = sha256(payload);
        COSIGN_TRY(auto sig, sign_hash(digest.bytes, hash_algorithm::sha256));
        if (auto ok = Crypto::verify(public_key_, payload, sig); !ok) return mismatch();
        return sig;
    }

    /// The signature over the message whose `h` digest is `digest` (blobs stream through a hasher
    /// and are signed this way); checked against the public key when the crypto policy can.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const {
        if (digest.size() != digest_size(h))
            return fail(errc::invalid_argument, "pkcs11 key \"" + name_ + "\": the digest has " +
                                                    std::to_string(digest.size()) + " bytes, not " +
                                                    std::to_string(digest_size(h)) + " for " + to_string(h));
        COSIGN_TRY(auto sig, sign_hash(digest, h));
        if constexpr (has_verify_prehashed_v<Crypto>) {
            if (auto ok = Crypto::verify_prehashed(public_key_, digest, sig, h); !ok) return mismatch();
        }
        return sig;
    }
    /// The "PUBLIC KEY" PEM of the key, as cosign's public-key writes it.
    std::string public_key_pem() const { return pem_; }
    key_info describe() const { return info_; }
    /// The key's URI without its query (no module path, no PIN).
    const std::string& name() const noexcept { return name_; }

    /// Builds a signer over an open, logged-in session (pkcs11_key_source does this).
    static result<pkcs11_signer> open(std::unique_ptr<detail::p11::session> s, const pkcs11_uri& uri) {
        namespace p11 = detail::p11;
        const std::string name = uri.display();
        auto where = [&](error e) { return std::move(e.context("pkcs11 key \"" + name + "\"")); };
        std::vector<p11::ck_attribute> tmpl;
        p11::ck_ulong cls = p11::cko_private_key;
        tmpl.push_back({p11::cka_class, &cls, sizeof cls});
        // As cosign: when both id= and object= are given, id= decides.
        bytes label(uri.object.begin(), uri.object.end());
        if (!uri.id.empty()) tmpl.push_back({p11::cka_id, const_cast<std::uint8_t*>(uri.id.data()), uri.id.size()});
        else tmpl.push_back({p11::cka_label, label.data(), label.size()});
        auto found = s->find(tmpl);
        if (!found) return where(std::move(found).error());
        if (found->empty())
            return fail(errc::invalid_argument, "pkcs11 key \"" + name + "\": no private key with this " +
                                                    (uri.id.empty() ? "label" : "id") + " in the token");
        if (found->size() > 1)
            return fail(errc::invalid_argument, "pkcs11 key \"" + name + "\": " + std::to_string(found->size()) +
                                                    " private keys match; give id= to choose one");
        const p11::ck_object_handle key = found->front();
        auto type = s->ulong_attribute(key, p11::cka_key_type);
        if (!type || (*type != p11::ckk_ec && *type != p11::ckk_rsa))
            return fail(errc::unsupported, "pkcs11 key \"" + name + "\": only EC and RSA keys can sign");

        COSIGN_TRY(auto pub, read_public_key(*s, key, *type, name));
        std::string pem = Crypto::public_key_pem(pub);
        if (pem.empty()) return fail(errc::internal, "pkcs11 key \"" + name + "\": could not encode the public key");
        key_info info = Crypto::describe(pub);
        auto shared = std::make_shared<p11::signing_key>();
        shared->s = std::move(s);
        shared->key = key;
        shared->key_type = *type;
        return pkcs11_signer(std::move(shared), std::move(pub), std::move(pem), std::move(info), name);
    }

private:
    using public_key_t = typename Crypto::public_key;

    error mismatch() const {
        return fail(errc::invalid_key, "pkcs11 key \"" + name_ +
                                           "\": the token's signature does not verify with the public key read "
                                           "from the token (does its public key object belong to another key?)");
    }

    /// CKM_ECDSA over the digest (raw r||s to DER), or CKM_RSA_PKCS over its DigestInfo.
    result<bytes> sign_hash(byte_view digest, hash_algorithm h) const {
        namespace p11 = detail::p11;
        std::lock_guard<std::mutex> guard(key_->lock);
        if (key_->key_type == p11::ckk_ec) {
            auto raw = key_->s->sign(key_->key, p11::ckm_ecdsa, digest);
            if (!raw) return std::move(raw).error().context("pkcs11 key \"" + name_ + "\"");
            if (raw->empty() || raw->size() % 2)
                return fail(errc::io, "pkcs11 key \"" + name_ + "\": the token returned a malformed ECDSA signature");
            return detail::der::p1363_to_der(*raw);
        }
        bytes info = p11::digest_info_prefix(h);
        info.insert(info.end(), digest.begin(), digest.end());
        auto sig = key_->s->sign(key_->key, p11::ckm_rsa_pkcs, info);
        if (!sig) return std::move(sig).error().context("pkcs11 key \"" + name_ + "\"");
        return sig;
    }

    pkcs11_signer(std::shared_ptr<detail::p11::signing_key> k, public_key_t pub, std::string pem, key_info info,
                  std::string name)
        : key_(std::move(k)), public_key_(std::move(pub)), pem_(std::move(pem)), info_(std::move(info)),
          name_(std::move(name)) {}

    /// The public half: a public key object with the private key's CKA_ID (else its label),
    /// else a certificate with it, else (RSA) the private key's own public attributes.
    static result<public_key_t> read_public_key(const detail::p11::session& s, detail::p11::ck_object_handle key,
                                                detail::p11::ck_ulong type, const std::string& name) {
        namespace p11 = detail::p11;
        auto by = [&](p11::ck_ulong cls) -> std::vector<p11::ck_object_handle> {
            std::vector<p11::ck_attribute> tmpl;
            tmpl.push_back({p11::cka_class, &cls, sizeof cls});
            auto id = s.attribute(key, p11::cka_id);
            auto label = s.attribute(key, p11::cka_label);
            if (id && !id->empty()) tmpl.push_back({p11::cka_id, id->data(), id->size()});
            else if (label && !label->empty()) tmpl.push_back({p11::cka_label, label->data(), label->size()});
            else return {};
            auto r = s.find(tmpl);
            return r ? *r : std::vector<p11::ck_object_handle>{};
        };
        auto parse = [&](const bytes& der) -> result<public_key_t> {
            auto p = Crypto::parse_public_key(byte_view(der).as_chars());
            if (!p) return std::move(p).error().context("pkcs11 key \"" + name + "\": reading its public key");
            return p;
        };
        for (p11::ck_object_handle pub : by(p11::cko_public_key)) {
            if (type == p11::ckk_ec) {
                auto params = s.attribute(pub, p11::cka_ec_params);
                auto point = s.attribute(pub, p11::cka_ec_point);
                if (params && point) return parse(p11::ec_spki(*params, p11::ec_point_of(*point)));
            } else {
                auto n = s.attribute(pub, p11::cka_modulus);
                auto e = s.attribute(pub, p11::cka_public_exponent);
                if (n && e) return parse(p11::rsa_pkcs1(*n, *e));
            }
        }
        if constexpr (has_x509_v<Crypto>) {
            for (p11::ck_object_handle c : by(p11::cko_certificate)) {
                auto value = s.attribute(c, p11::cka_value);
                if (!value) continue;
                auto cert = Crypto::parse_certificate(byte_view(*value).as_chars());
                if (cert) return Crypto::certificate_public_key(*cert);
            }
        }
        if (type == p11::ckk_rsa) {
            auto n = s.attribute(key, p11::cka_modulus);
            auto e = s.attribute(key, p11::cka_public_exponent);
            if (n && e) return parse(p11::rsa_pkcs1(*n, *e));
        }
        return fail(errc::invalid_key, "pkcs11 key \"" + name +
                                           "\": the token holds no public key or certificate for it");
    }

    std::shared_ptr<detail::p11::signing_key> key_;
    public_key_t public_key_;
    std::string pem_;
    key_info info_;
    std::string name_;
};

namespace detail {
namespace p11 {

/// The PIN: pin-value, else COSIGN_PKCS11_PIN, else (only when the token needs one) the prompt.
template <class PinPrompt>
result<secure_bytes> pin_for(const pkcs11_uri& uri, const pkcs11_token& token) {
    if (uri.has_pin && !uri.pin.empty()) return uri.pin;
    if (const char* env = std::getenv("COSIGN_PKCS11_PIN"); env && *env) {
        std::string_view v(env);
        return secure_bytes(v.begin(), v.end());
    }
    if (!token.login_required) return secure_bytes{};
    return PinPrompt::read_pin(pkcs11_pin_request{token.label, uri.object, uri.display()});
}

/// The token the URI names: slot-id first (as cosign), else the token label.
inline result<pkcs11_token> find_token(const pkcs11_module& m, const pkcs11_uri& uri) {
    COSIGN_TRY(auto tokens, pkcs11_tokens(m));
    for (auto& t : tokens) {
        if (uri.slot_id ? t.slot == *uri.slot_id : t.label == uri.token) return std::move(t);
    }
    if (uri.slot_id)
        return fail(errc::invalid_argument, "no token in slot " + std::to_string(*uri.slot_id) + " of module \"" +
                                                m.path() + "\"");
    return fail(errc::invalid_argument, "could not find a slot for the token '" + uri.token + "' in module \"" +
                                            m.path() + "\"");
}

/// The module path: module-path, else COSIGN_PKCS11_MODULE_PATH.
inline result<std::string> module_path_for(const pkcs11_uri& uri) {
    if (!uri.module_path.empty()) return uri.module_path;
    if (const char* env = std::getenv("COSIGN_PKCS11_MODULE_PATH"); env && *env) return std::string(env);
    return fail(errc::invalid_argument,
                "module-path or COSIGN_PKCS11_MODULE_PATH must be set to the absolute path of the PKCS11 module");
}

}  // namespace p11
}  // namespace detail

/// Loads a signer for a `pkcs11:` URI (RFC 7512, as cosign): the module from module-path or
/// COSIGN_PKCS11_MODULE_PATH, the token by slot-id or token label, the key by id or object
/// label, the PIN from pin-value, COSIGN_PKCS11_PIN or PinPrompt. Every error names the key
/// (its URI without module path and PIN) and never holds the PIN.
template <class Crypto, class PinPrompt = no_pin_prompt>
struct pkcs11_key_source {
    using signer_type = pkcs11_signer<Crypto>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 7) == "pkcs11:"; }

    /// `pw` is not used: the PIN is not the key password (COSIGN_PASSWORD is never sent to a token).
    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        namespace p11 = detail::p11;
        COSIGN_TRY(auto uri, pkcs11_uri::parse(key_ref));
        auto where = [&](error e) { return std::move(e.context("pkcs11 key \"" + uri.display() + "\"")); };
        auto path = p11::module_path_for(uri);
        if (!path) return where(std::move(path).error());
        auto module = pkcs11_module::load(*path);
        if (!module) return where(std::move(module).error());
        auto token = p11::find_token(**module, uri);
        if (!token) return where(std::move(token).error());
        auto s = p11::session::open(*module, token->slot);
        if (!s) return where(std::move(s).error());
        {
            auto pin = p11::pin_for<PinPrompt>(uri, *token);
            if (!pin) return where(std::move(pin).error());
            if (!pin->empty() || token->login_required) {
                auto in = (*s)->login(*pin);
                if (!in) return where(std::move(in).error().context("token \"" + token->label + "\""));
            }
        }  // the PIN is wiped here (secure_bytes)
        return signer_type::open(std::move(*s), uri);
    }
};

/// One private key of a token, as cosign's `pkcs11-tool list-keys-uris` lists it.
struct pkcs11_key_entry {
    std::string label;  ///< CKA_LABEL, may be empty
    bytes id;           ///< CKA_ID, may be empty
    std::string uri;    ///< pkcs11:token=..;slot-id=..;id=..;object=..?module-path=.. (no PIN)
};

/// The private keys in `slot` of the module at `module_path`, logged in with `pin` (when empty:
/// COSIGN_PKCS11_PIN, else `prompt` if the token needs a login; `prompt` may be empty).
inline result<std::vector<pkcs11_key_entry>> pkcs11_list_keys(
    const std::string& module_path, unsigned long slot, secure_bytes pin,
    const std::function<result<secure_bytes>(const pkcs11_token&)>& prompt) {
    namespace p11 = detail::p11;
    COSIGN_TRY(auto module, pkcs11_module::load(module_path));
    COSIGN_TRY(auto tokens, pkcs11_tokens(*module));
    pkcs11_token token;
    bool found = false;
    for (auto& t : tokens)
        if (t.slot == slot) {
            token = t;
            found = true;
        }
    if (!found)
        return fail(errc::invalid_argument, "pkcs11: get token info: no token in slot " + std::to_string(slot) +
                                                " of module \"" + module_path + "\"");
    if (pin.empty()) {
        if (const char* env = std::getenv("COSIGN_PKCS11_PIN"); env && *env)
            pin.assign(env, env + std::string_view(env).size());
        else if (token.login_required && prompt) {
            COSIGN_TRY(auto typed, prompt(token));
            pin = std::move(typed);
        }
    }
    COSIGN_TRY(auto s, p11::session::open(module, slot));
    if (auto in = s->login(pin); !in) return std::move(in).error().context("pkcs11: token \"" + token.label + "\"");
    p11::ck_ulong cls = p11::cko_private_key;
    COSIGN_TRY(auto keys, s->find({{p11::cka_class, &cls, sizeof cls}}));
    std::vector<pkcs11_key_entry> out;
    for (auto k : keys) {
        pkcs11_key_entry e;
        if (auto id = s->attribute(k, p11::cka_id)) e.id = *id;
        if (auto label = s->attribute(k, p11::cka_label)) e.label.assign(label->begin(), label->end());
        if (e.id.empty() && e.label.empty()) continue;  // as cosign: nothing to name it by
        pkcs11_uri u;
        u.token = token.label;
        u.slot_id = slot;
        u.id = e.id;
        u.object = e.label;
        u.module_path = module_path;
        e.uri = u.to_string();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace v0
}  // namespace cosign
