// SPDX-License-Identifier: Apache-2.0
/// The error kinds of cosign-cpp and the error value every fallible call returns.
#pragma once

#include <string>
#include <system_error>
#include <utility>

namespace cosign {
inline namespace v0 {

/// What went wrong, in kinds a caller can act on. "Does not verify" (verification_failed,
/// no_signatures) is kept apart from "could not reach" (network, registry).
enum class errc {
    ok = 0,
    invalid_argument,     ///< a flag, option or value the caller gave is malformed
    invalid_reference,    ///< an image reference does not parse
    invalid_key,          ///< a key or certificate is malformed or of an unsupported type
    wrong_password,       ///< a key file did not decrypt with the password given
    unsupported,          ///< a feature, scheme or algorithm this build does not provide
    invalid_payload,      ///< a signed payload is not a valid simple-signing document
    invalid_json,         ///< JSON that does not parse or breaks the hardened reader's rules
    invalid_manifest,     ///< a manifest or index from a registry is malformed
    limit_exceeded,       ///< input larger or deeper than the configured limits
    io,                   ///< a local file could not be read or written
    network,              ///< the registry or server could not be reached
    registry,             ///< the registry answered with an unexpected status
    unauthorized,         ///< the registry refused our credentials
    not_found,            ///< the image or manifest does not exist
    no_signatures,        ///< the image exists but has no signatures
    verification_failed,  ///< a signature or a claim does not verify
    cancelled,            ///< the user declined a confirmation
    internal,             ///< a bug or a backend failure that should not happen
};

namespace detail {
class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "cosign"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::ok: return "success";
            case errc::invalid_argument: return "invalid argument";
            case errc::invalid_reference: return "invalid image reference";
            case errc::invalid_key: return "invalid key";
            case errc::wrong_password: return "wrong password";
            case errc::unsupported: return "not supported";
            case errc::invalid_payload: return "invalid payload";
            case errc::invalid_json: return "invalid JSON";
            case errc::invalid_manifest: return "invalid manifest";
            case errc::limit_exceeded: return "limit exceeded";
            case errc::io: return "I/O error";
            case errc::network: return "network error";
            case errc::registry: return "registry error";
            case errc::unauthorized: return "unauthorized";
            case errc::not_found: return "not found";
            case errc::no_signatures: return "no signatures found";
            case errc::verification_failed: return "verification failed";
            case errc::cancelled: return "cancelled";
            case errc::internal: return "internal error";
        }
        return "unknown error";
    }
};
}  // namespace detail

/// The std::error_category of cosign's errc.
inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl cat;
    return cat;
}

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// An error: its kind, a message that says what was wrong (never a secret), the backend's own
/// code (mbedTLS return value, HTTP status) for diagnosis, or 0, and the remote service's own
/// code for the failure when it sent one (an OCI registry's `errors[0].code`), to act on without
/// reading the message.
class error {
public:
    error() = default;
    error(errc code, std::string message, int backend_code = 0)
        : code_(code), message_(std::move(message)), backend_code_(backend_code) {}

    errc code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    int backend_code() const noexcept { return backend_code_; }
    /// The code the remote service gave, e.g. "MANIFEST_UNKNOWN" or "DIGEST_INVALID"; "" if none.
    const std::string& remote_code() const noexcept { return remote_code_; }
    /// Sets remote_code(); returns *this.
    error& with_remote_code(std::string code) {
        remote_code_ = std::move(code);
        return *this;
    }
    std::error_code error_code() const noexcept { return make_error_code(code_); }

    /// Prefixes the message with context: `e.context("reading cosign.key")`.
    error& context(const std::string& what) {
        message_ = what + ": " + message_;
        return *this;
    }

private:
    errc code_ = errc::internal;
    std::string message_;
    int backend_code_ = 0;
    std::string remote_code_;
};

}  // namespace v0
}  // namespace cosign

namespace std {
template <>
struct is_error_code_enum<cosign::errc> : true_type {};
}  // namespace std
