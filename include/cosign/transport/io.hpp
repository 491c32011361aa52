// SPDX-License-Identifier: Apache-2.0
/// What every exchange of every transport shares: its time limits (stall timeout and deadline), its
/// error texts and its retries.
#pragma once

#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "../core/deadline.hpp"
#include "../core/duration.hpp"
#include "../core/result.hpp"
#include "concepts.hpp"
#include "options.hpp"
#include "url.hpp"

namespace cosign {
inline namespace v0 {
namespace transport {
namespace detail {

/// "cannot reach https://host:443: <why>" (errc::network).
inline error unreachable(const url& u, const std::string& why, int code = 0) {
    return fail(errc::network, "cannot reach " + u.origin() + ": " + why, code);
}

/// "response body larger than N bytes" (errc::limit_exceeded).
inline error body_too_large(std::size_t max) {
    return fail(errc::limit_exceeded, "response body larger than " + std::to_string(max) + " bytes");
}

/// The time limits of one exchange: each wait for the network lasts at most the stall timeout
/// and never past the deadline.
class exchange_clock {
public:
    using clock = std::chrono::steady_clock;

    exchange_clock(const url& u, const cosign::deadline& d, std::chrono::milliseconds stall)
        : origin_(u.origin()), deadline_(d), stall_(stall) {}

    /// True when the operation's deadline has come.
    bool expired() const { return deadline_.passed(); }
    /// How long the next wait for one byte (or a connection, when `limit` is the connect timeout)
    /// may last: min(limit, time left), at least 1 ms; 0 when the deadline has passed.
    std::chrono::milliseconds wait(std::chrono::milliseconds limit) const {
        if (limit.count() <= 0) limit = std::chrono::milliseconds(1);
        auto w = deadline_.clamp(limit);
        return deadline_.passed() ? std::chrono::milliseconds(0)
                                  : (w.count() < 1 ? std::chrono::milliseconds(1) : w);
    }
    /// The next wait for one byte.
    std::chrono::milliseconds wait() const { return wait(stall_); }
    std::chrono::milliseconds stall_timeout() const noexcept { return stall_; }

    /// "http://host:port: the operation timed out after 2s (-t/--timeout)" (errc::network).
    error timed_out(int code = 0) const {
        return fail(errc::network, origin_ + ": " + deadline_.expired_message(), code);
    }
    /// "http://host:port: no data for 30s while reading the response: the connection stalled".
    error stalled(std::string_view doing, int code = 0) const {
        return fail(errc::network,
                    origin_ + ": no data for " + format_go_duration(stall_) + " while " + std::string(doing) +
                        ": the connection stalled",
                    code);
    }
    /// The error for a wait that ended without a byte: the deadline's when it has passed, else a stall.
    error waited_in_vain(std::string_view doing, int code = 0) const {
        return expired() ? timed_out(code) : stalled(doing, code);
    }

private:
    std::string origin_;
    cosign::deadline deadline_;
    std::chrono::milliseconds stall_;
};

inline bool idempotent_method(const std::string& m) {
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}
inline bool retry_status(int s) {
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

/// Sends req with `once(req, retryable_failure)` (one attempt, no redirects) and retries an
/// idempotent request (GET, HEAD, PUT, DELETE) on 408, 429, 5xx and on failures `once` marks
/// retryable: exponential backoff from o.initial_backoff, Retry-After (seconds) honoured, each
/// wait at most o.max_backoff, all waits at most o.max_retry_time, never a wait past
/// req.deadline (the last answer or error is returned instead). POST and PATCH are never retried.
template <class Once>
result<response> send_with_retries(const request& req, const options& o, Once&& once) {
    auto start = std::chrono::steady_clock::now();
    bool may_retry = idempotent_method(req.method);
    for (unsigned attempt = 0;; ++attempt) {
        bool retryable_failure = false;
        result<response> r = once(req, retryable_failure);
        bool retry =
            may_retry && attempt < o.max_retries && (r ? retry_status(r->status) : retryable_failure);
        if (!retry) return r;
        auto wait = o.initial_backoff * (1u << (attempt < 16 ? attempt : 16));
        if (r) {
            std::string ra = r->header("Retry-After");
            if (!ra.empty() && ra.size() < 7 && ra.find_first_not_of("0123456789") == std::string::npos)
                wait = std::chrono::seconds(std::atoi(ra.c_str()));
        }
        if (wait > o.max_backoff) wait = o.max_backoff;
        auto spent =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (spent + wait > o.max_retry_time) return r;
        if (req.deadline.clamp(wait) < wait) return r;  // no sleep past the deadline
        std::this_thread::sleep_for(wait);
    }
}

/// What send() is in every shipped transport: redirects followed (transport::follow_redirects),
/// each hop sent with retries (send_with_retries) by `once(req, retryable_failure)`.
template <class Once>
result<response> send_with_policies(const request& req, const options& o, Once&& once) {
    return follow_redirects(
        req, [&](const request& hop) { return send_with_retries(hop, o, once); }, o.max_redirects);
}

}  // namespace detail
}  // namespace transport
}  // namespace v0
}  // namespace cosign
