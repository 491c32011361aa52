// SPDX-License-Identifier: Apache-2.0
/// deadline: the moment by which a whole operation (a sign, a verify) must end; every request observes it.
///
///     auto d = cosign::deadline::after(std::chrono::minutes(3), "-t/--timeout");
///     d.clamp(std::chrono::seconds(30));   // how long the next wait for a byte may be
///     d.expired_message();                 // "the operation timed out after 3m0s (-t/--timeout)"
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "duration.hpp"

namespace cosign {
inline namespace v0 {

/// An absolute point on the steady clock plus what it was derived from, for messages. A default
/// deadline is "none": never passes, clamps nothing.
class deadline {
public:
    using clock = std::chrono::steady_clock;

    deadline() = default;
    /// `budget` from now. `source` names what set it, for messages ("-t/--timeout"); may be empty.
    static deadline after(std::chrono::nanoseconds budget, std::string source = {}) {
        auto now = clock::now();
        auto room = clock::time_point::max() - now;  // Go allows 290 years: do not overflow
        auto span = std::chrono::duration_cast<clock::duration>(budget);
        return deadline(span >= room ? clock::time_point::max() : now + span, budget, std::move(source));
    }
    /// A deadline at a given point; `budget` is the whole time it stands for (for messages).
    deadline(clock::time_point when, std::chrono::nanoseconds budget, std::string source = {})
        : set_(true), when_(when), budget_(budget), source_(std::move(source)) {}

    /// True when a deadline was set.
    bool is_set() const noexcept { return set_; }
    /// True when set and reached.
    bool passed(clock::time_point now = clock::now()) const noexcept { return set_ && now >= when_; }
    /// The point itself (meaningless when !is_set()).
    clock::time_point when() const noexcept { return when_; }
    /// The whole time the operation was given.
    std::chrono::nanoseconds budget() const noexcept { return budget_; }
    /// What set it ("-t/--timeout"), or "".
    const std::string& source() const noexcept { return source_; }

    /// Time left (zero once passed); `wait` itself when no deadline is set.
    std::chrono::milliseconds clamp(std::chrono::milliseconds wait,
                                    clock::time_point now = clock::now()) const {
        if (!set_) return wait;
        if (now >= when_) return std::chrono::milliseconds(0);
        // Rounded up: a wait of 0 ms would mean "do not wait" where a few microseconds remain.
        auto left = std::chrono::ceil<std::chrono::milliseconds>(when_ - now);
        return left < wait ? left : wait;
    }

    /// "the operation timed out after 3m0s (-t/--timeout)".
    std::string expired_message() const {
        std::string m = "the operation timed out after " + format_go_duration(budget_);
        if (!source_.empty()) m += " (" + source_ + ")";
        return m;
    }

private:
    bool set_ = false;
    clock::time_point when_{};
    std::chrono::nanoseconds budget_{0};
    std::string source_;
};

}  // namespace v0
}  // namespace cosign
