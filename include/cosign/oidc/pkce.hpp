// SPDX-License-Identifier: Apache-2.0
/// PKCE (RFC 7636) with S256, and the random URL-safe strings of the OIDC browser flow (state,
/// nonce, code verifier), made as sigstore's oauthflow makes them.
///
///     auto p = cosign::oidc::make_pkce();       // p->verifier: 64 characters, p->challenge: 43
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#if defined(__linux__)
#include <sys/random.h>
#endif

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "token.hpp"

namespace cosign {
inline namespace v0 {
namespace oidc {

/// One PKCE pair: the secret verifier sent with the code, the challenge sent with the login URL.
struct pkce {
    std::string verifier;   ///< 43-128 unreserved characters (RFC 7636 §4.1)
    std::string challenge;  ///< BASE64URL(SHA256(verifier)), no padding
    std::string method = "S256";
};

/// The S256 challenge of a verifier: BASE64URL-ENCODE(SHA256(ASCII(verifier))) (RFC 7636 §4.2).
inline std::string pkce_s256_challenge(std::string_view verifier) {
    auto h = sha256(byte_view(verifier.data(), verifier.size()));
    return detail::base64url_encode(byte_view(h.bytes.data(), h.bytes.size()));
}

namespace detail {
/// Fills out with bytes from the operating system's CSPRNG (getrandom, else /dev/urandom).
inline result<void> os_random(std::uint8_t* out, std::size_t n) {
#if defined(__linux__)
    std::size_t done = 0;
    while (done < n) {
        ssize_t r = ::getrandom(out + done, n - done, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;  // ENOSYS on an old kernel: fall back to the device
        }
        done += static_cast<std::size_t>(r);
    }
    if (done == n) return {};
#endif
    std::FILE* f = std::fopen("/dev/urandom", "rb");
    if (!f) return fail(errc::internal, "no random source: getrandom failed and /dev/urandom cannot be opened");
    std::size_t got = std::fread(out, 1, n, f);
    std::fclose(f);
    if (got != n) return fail(errc::internal, "short read from /dev/urandom");
    return {};
}
}  // namespace detail

/// A random URL-safe string of `bits` bits of entropy (rounded up to bytes), base64url without
/// padding: sigstore's cryptoutils.GenerateRandomURLSafeString. 128 bits gives 22 characters.
inline result<std::string> random_url_safe_string(std::size_t bits) {
    secure_bytes b((bits + 7) / 8);
    COSIGN_TRY_VOID(detail::os_random(b.data(), b.size()));
    return detail::base64url_encode(byte_view(b.data(), b.size()));
}

/// A fresh S256 PKCE pair with a 384-bit verifier (64 characters), as sigstore's NewPKCE.
inline result<pkce> make_pkce() {
    pkce p;
    COSIGN_TRY(p.verifier, random_url_safe_string(384));
    p.challenge = pkce_s256_challenge(p.verifier);
    return p;
}

}  // namespace oidc
}  // namespace v0
}  // namespace cosign
