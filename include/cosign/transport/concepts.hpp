// SPDX-License-Identifier: Apache-2.0
/// The transport policy: one HTTP exchange (request in, response out), its requirement table and trait.
///
/// A transport T is a movable type with one member:
///
/// | expression                      | type                               | meaning                     |
/// |---------------------------------|------------------------------------|-----------------------------|
/// | `t.send(req)` (`t` a `T&`,      | `cosign::result<transport::response>` | performs the exchange    |
/// |  `req` a `const request&`)      |                                    |                             |
///
/// What send() must do (the registry client relies on it):
/// - report "could not connect / TLS failed / timed out" as errc::network, and return every
///   HTTP answer, whatever its status, as a response (the caller maps statuses to errors);
/// - follow up to 10 redirects (301, 302, 303, 307, 308) itself, resolving relative Location
///   values, keeping the Location URL's percent-encoding byte for byte (signed storage URLs
///   break otherwise), dropping Authorization when the scheme, host or port changes, and
///   refusing a redirect from https to http;
/// - stop reading a body larger than request::max_response_body (errc::limit_exceeded);
/// - end by request::deadline, whatever the server does (a byte every few seconds included), and
///   fail a connection on which nothing moves for its stall timeout (both errc::network, naming
///   the host).
/// transport::follow_redirects (transport/url.hpp) implements the redirect part for any one-hop
/// sender; transport/options.hpp and transport/io.hpp hold what the shipped transports share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/deadline.hpp"
#include "../core/result.hpp"

namespace cosign {
inline namespace v0 {
namespace transport {

/// Header names compare case-insensitively (ASCII).
inline bool header_name_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

/// One HTTP request.
struct request {
    std::string method;  ///< "GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"
    std::string url;     ///< absolute `http(s)://host[:port]/path?query`, already percent-encoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// Bodies longer than this are not read: send() fails with errc::limit_exceeded.
    std::size_t max_response_body = COSIGN_MAX_MANIFEST_SIZE;
    /// When the whole operation this request belongs to must end (none by default): send()
    /// fails with errc::network once it passes, and never waits or retries beyond it.
    cosign::deadline deadline;

    /// The first value of a header (case-insensitive name), or "" when absent.
    std::string header(std::string_view name) const {
        for (const auto& h : headers)
            if (header_name_equal(h.first, name)) return h.second;
        return {};
    }
    /// Replaces every header of that name with one value.
    void set_header(std::string_view name, std::string value) {
        remove_header(name);
        headers.emplace_back(std::string(name), std::move(value));
    }
    /// Removes every header of that name.
    void remove_header(std::string_view name) {
        std::vector<std::pair<std::string, std::string>> kept;
        for (auto& h : headers)
            if (!header_name_equal(h.first, name)) kept.push_back(std::move(h));
        headers = std::move(kept);
    }
};

/// One HTTP response (after redirects were followed).
struct response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first value of a header (case-insensitive name), or "" when absent.
    std::string header(std::string_view name) const {
        for (const auto& h : headers)
            if (header_name_equal(h.first, name)) return h.second;
        return {};
    }
    /// Every value of a header, in order (WWW-Authenticate may come several times).
    std::vector<std::string> header_values(std::string_view name) const {
        std::vector<std::string> out;
        for (const auto& h : headers)
            if (header_name_equal(h.first, name)) out.push_back(h.second);
        return out;
    }
};

namespace detail {
template <class T, class = void>
struct has_send : std::false_type {};
template <class T>
struct has_send<T, std::void_t<decltype(std::declval<T&>().send(std::declval<const request&>()))>>
    : std::is_same<decltype(std::declval<T&>().send(std::declval<const request&>())), result<response>> {};
}  // namespace detail

namespace detail {
template <class T, class = void>
struct has_fresh : std::false_type {};
template <class T>
struct has_fresh<T, std::void_t<decltype(std::declval<const T&>().fresh())>>
    : std::is_same<decltype(std::declval<const T&>().fresh()), T> {};
}  // namespace detail

/// Optional member `T fresh() const`: a transport with the same options and no shared state,
/// which another thread may use. With it the verifier reads payloads on several connections.
template <class T>
inline constexpr bool can_fork_v = detail::has_fresh<T>::value;

/// True when T meets the transport requirement above.
template <class T>
inline constexpr bool is_transport_v = detail::has_send<T>::value&& std::is_move_constructible<T>::value;

/// Checks T against the transport requirement, one readable message per missing member.
/// Hosts call it in their body: `static_assert(transport::check_transport<T>());`.
template <class T>
constexpr bool check_transport() {
    static_assert(detail::has_send<T>::value,
                  "transport policy: T needs a member "
                  "`cosign::result<cosign::transport::response> send(const cosign::transport::request&)`");
    static_assert(std::is_move_constructible<T>::value, "transport policy: T must be move-constructible");
    return detail::has_send<T>::value && std::is_move_constructible<T>::value;
}

}  // namespace transport
}  // namespace v0
}  // namespace cosign
