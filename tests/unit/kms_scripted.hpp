// SPDX-License-Identifier: Apache-2.0
// A scripted transport for the KMS key source tests: each request goes to a handler the test sets
// (a small fake of the provider's REST API), and is recorded; an environment guard that restores
// the variables a test changes; and ECDSA helpers for the fakes' signatures.
#pragma once

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cosign/core/result.hpp>
#include <cosign/crypto/asn1.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/transport/concepts.hpp>
#include <cosign/transport/options.hpp>

namespace kms_test {

using cosign::transport::request;
using cosign::transport::response;

/// A transport whose answers come from `handler()`; every request lands in `log()`.
struct scripted_transport {
    using handler_fn = std::function<cosign::result<response>(const request&)>;
    static handler_fn& handler() {
        static handler_fn h;
        return h;
    }
    static std::vector<request>& log() {
        static std::vector<request> l;
        return l;
    }
    /// The options the last transport was made with (CA file, verification).
    static cosign::transport::options& last_options() {
        static cosign::transport::options o;
        return o;
    }
    static void reset(handler_fn h) {
        handler() = std::move(h);
        log().clear();
        last_options() = cosign::transport::options{};
    }

    scripted_transport() = default;
    explicit scripted_transport(const cosign::transport::options& o) { last_options() = o; }

    cosign::result<response> send(const request& r) {
        log().push_back(r);
        if (!handler()) return cosign::fail(cosign::errc::network, "connection refused (no handler)");
        return handler()(r);
    }
};

inline response json_response(int status, std::string body,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json");
    return r;
}

/// Sets and unsets environment variables; restores the old values at the end of the scope.
class env_guard {
public:
    env_guard() = default;
    env_guard(const env_guard&) = delete;
    env_guard& operator=(const env_guard&) = delete;
    ~env_guard() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else ::unsetenv(it->first.c_str());
        }
    }
    void set(const std::string& name, const std::string& value) {
        save(name);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        save(name);
        ::unsetenv(name.c_str());
    }

private:
    void save(const std::string& name) {
        const char* v = std::getenv(name.c_str());
        saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

/// DER ECDSA -> raw r||s of `n` bytes each (what Azure Key Vault returns).
inline cosign::bytes der_to_p1363(cosign::byte_view der, std::size_t n) {
    namespace d = cosign::detail::der;
    d::tlv seq, r, s;
    std::size_t pos = 0;
    if (!d::read_single(der, d::tag_sequence, seq)) return {};
    if (!d::expect(seq.content, pos, d::tag_integer, r) || !d::expect(seq.content, pos, d::tag_integer, s)) return {};
    cosign::bytes out(2 * n, 0);
    auto put = [&](cosign::byte_view v, std::size_t at) {
        while (v.size() > n && v[0] == 0) v = v.subview(1, v.size() - 1);
        std::copy(v.begin(), v.end(), out.begin() + static_cast<std::ptrdiff_t>(at + n - v.size()));
    };
    put(r.content, 0);
    put(s.content, n);
    return out;
}

/// The query-less path of a request URL after the origin: "https://h:1/v1/x?y" -> "/v1/x".
inline std::string path_of(const std::string& url) {
    std::size_t p = url.find("://");
    p = url.find('/', p == std::string::npos ? 0 : p + 3);
    if (p == std::string::npos) return "/";
    std::string t = url.substr(p);
    return t.substr(0, t.find('?'));
}

}  // namespace kms_test
