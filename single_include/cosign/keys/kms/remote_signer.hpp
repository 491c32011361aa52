// SPDX-License-Identifier: Apache-2.0
/// remote_signer: a signer whose key stays in a remote service (Vault transit, Azure Key Vault,
/// AWS KMS, Cloud KMS), and the small HTTP/JSON helpers those providers' clients share.
///
/// A provider client (a `Backend`) is a movable type with
///
/// | expression | meaning |
/// | --- | --- |
/// | `b.sign_digest(byte_view digest, hash_algorithm h)` -> `result<bytes>` (`b` non-const) | DER signature |
///
/// remote_signer hashes the payload, asks the backend to sign the digest under a mutex (one
/// request at a time on the backend's connection), and checks every signature against the public
/// key read from the service before handing it out, so a service that signs with another key is
/// caught before anything is written.
#pragma once
// Generated from include/cosign/keys/kms/remote_signer.hpp: a KMS key source, kept out of cosign.hpp.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/json_reader.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../core/sha256.hpp
#include "../../cosign.hpp"  // was: ../../crypto/concepts.hpp
#include "../../cosign.hpp"  // was: ../../crypto/key_info.hpp
#include "../../cosign.hpp"  // was: ../../transport/concepts.hpp
#include "../../cosign.hpp"  // was: ../concepts.hpp

namespace cosign {
inline namespace v0 {

namespace detail {
namespace kms {

/// The backend and the lock that serialises its requests, shared by the copies of a signer.
template <class Backend>
struct shared_backend {
    explicit shared_backend(Backend b) : backend(std::move(b)) {}
    Backend backend;
    std::mutex lock;
};

/// Sends `req`; a transport failure becomes an error naming `what` (the key), without the
/// request's headers (they hold the token).
template <class Transport>
result<transport::response> send(Transport& t, const transport::request& req, const std::string& what) {
    auto r = t.send(req);
    if (!r) return std::move(r).error().context(what);
    return r;
}

/// The first string of a JSON `errors` array (Vault), `error.message` (Azure, Kubernetes
/// Status `message`), or `error_description` (OAuth2), cut to 300 characters; "" when none.
inline std::string service_message(std::string_view body) {
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject()) return {};
    std::string out;
    if (const json::value* errs = json::member(*doc, "errors"); errs && errs->IsArray()) {
        for (const auto& e : errs->GetArray())
            if (auto s = json::as_string(e)) {
                out = std::string(*s);
                break;
            }
    } else if (const json::value* e = json::member(*doc, "error"); e && e->IsObject()) {
        if (auto code = json::string_member(*e, "code")) out = std::string(*code);
        if (auto m = json::string_member(*e, "message")) out += (out.empty() ? "" : ": ") + std::string(*m);
    } else if (auto d = json::string_member(*doc, "error_description")) {
        out = std::string(*d);
    } else if (auto m = json::string_member(*doc, "message")) {
        out = std::string(*m);
    }
    if (out.size() > 300) out = out.substr(0, 300) + "...";
    return out;
}

/// "HTTP 403 (permission denied)" for an answer that is not 2xx.
inline std::string status_text(const transport::response& r) {
    std::string m = service_message(r.body);
    return "HTTP " + std::to_string(r.status) + (m.empty() ? std::string() : " (" + m + ")");
}

/// The errc an HTTP status maps to: 401/403 are refused credentials, 404 an unknown key.
inline errc errc_of_status(int status) {
    if (status == 401 || status == 403) return errc::unauthorized;
    if (status == 404) return errc::not_found;
    if (status == 429 || status >= 500) return errc::network;
    return errc::invalid_argument;
}

}  // namespace kms
}  // namespace detail

/// What `generate-key-pair --kms` found or made in a service that creates keys on demand
/// (awskms://, gcpkms://): the public key cosign writes to cosign.pub, and what was created.
struct kms_created_key {
    std::string public_key_pem;      ///< the key's "PUBLIC KEY" PEM
    bool created = false;            ///< false: the key existed and was left as it was (as cosign does)
    std::string key_ring;            ///< gcpkms: the key ring's resource name
    bool key_ring_created = false;   ///< gcpkms: the key ring did not exist and was created
};

/// A signer whose key lives in a remote service reached through `Backend` (see above).
/// Copies share the backend; sign() may be called from several threads.
template <class Crypto, class Backend>
class remote_signer {
    static_assert(check_verify_crypto<Crypto>(), "remote_signer needs a crypto policy that verifies");

public:
    using public_key_t = typename Crypto::public_key;

    /// A signer over `backend`, whose key's public half is `pub`; `name` (the key reference,
    /// without secrets) prefixes every error.
    static result<remote_signer> make(Backend backend, public_key_t pub, std::string name) {
        std::string pem = Crypto::public_key_pem(pub);
        if (pem.empty()) return fail(errc::internal, name + ": could not encode the public key");
        key_info info = Crypto::describe(pub);
        return remote_signer(std::make_shared<detail::kms::shared_backend<Backend>>(std::move(backend)),
                             std::move(pub), std::move(pem), std::move(info), std::move(name));
    }

    /// cosign's signature over `payload`: the service signs its digest (SHA-256 for P-256, the
    /// key's signing hash otherwise); the signature is verified with the public key.
    result<bytes> sign(byte_view payload) const {
        const hash_algorithm h = signing_hash_of(info_);
        COSIGN_TRY(auto digest, Crypto::digest(h, payload));
        COSIGN_TRY(auto sig, ask(digest, h));
        if (auto ok = Crypto::verify(public_key_, payload, sig); !ok) return mismatch();
        return sig;
    }

    /// The signature over the message whose `h` digest is `digest`.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const {
        if (digest.size() != digest_size(h))
            return fail(errc::invalid_argument, name_ + ": the digest has " + std::to_string(digest.size()) +
                                                    " bytes, not " + std::to_string(digest_size(h)) + " for " +
                                                    to_string(h));
        COSIGN_TRY(auto sig, ask(digest, h));
        if constexpr (has_verify_prehashed_v<Crypto>) {
            if (auto ok = Crypto::verify_prehashed(public_key_, digest, sig, h); !ok) return mismatch();
        }
        return sig;
    }

    /// The "PUBLIC KEY" PEM of the key, as `cosign public-key` writes it.
    std::string public_key_pem() const { return pem_; }
    key_info describe() const { return info_; }
    /// The key reference, as errors name it.
    const std::string& name() const noexcept { return name_; }

private:
    remote_signer(std::shared_ptr<detail::kms::shared_backend<Backend>> b, public_key_t pub, std::string pem,
                  key_info info, std::string name)
        : backend_(std::move(b)), public_key_(std::move(pub)), pem_(std::move(pem)), info_(std::move(info)),
          name_(std::move(name)) {}

    result<bytes> ask(byte_view digest, hash_algorithm h) const {
        std::lock_guard<std::mutex> guard(backend_->lock);
        return backend_->backend.sign_digest(digest, h);
    }

    error mismatch() const {
        return fail(errc::invalid_key, name_ +
                                           ": the service's signature does not verify with the key's public "
                                           "key (was the key rotated while signing?)");
    }

    std::shared_ptr<detail::kms::shared_backend<Backend>> backend_;
    public_key_t public_key_;
    std::string pem_;
    key_info info_;
    std::string name_;
};

}  // namespace v0
}  // namespace cosign
