// SPDX-License-Identifier: Apache-2.0
/// result<T>: a value or an error, returned by every fallible call (no exceptions cross the API).
#pragma once

#include <cassert>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

#include "error.hpp"

namespace cosign {
inline namespace v0 {

/// Holds either a T or a cosign::error, like std::expected<T, error>.
///
///     auto k = cosign::key_file::read(path, password);
///     if (!k) { std::cerr << k.error().message(); return 1; }
///     use(*k);
template <class T>
class [[nodiscard]] result {
    static_assert(!std::is_reference<T>::value, "result<T&> is not supported");

public:
    using value_type = T;

    result(const T& v) : ok_(true) { new (&storage_.value) T(v); }
    result(T&& v) : ok_(true) { new (&storage_.value) T(std::move(v)); }
    result(cosign::error e) : ok_(false) { new (&storage_.err) cosign::error(std::move(e)); }
    template <class U, class = std::enable_if_t<std::is_constructible<T, U&&>::value &&
                                                !std::is_same<std::decay_t<U>, T>::value &&
                                                !std::is_same<std::decay_t<U>, cosign::error>::value &&
                                                !std::is_same<std::decay_t<U>, result>::value>>
    result(U&& u) : ok_(true) {
        new (&storage_.value) T(std::forward<U>(u));
    }

    result(const result& o) : ok_(o.ok_) {
        if (ok_) new (&storage_.value) T(o.storage_.value);
        else new (&storage_.err) cosign::error(o.storage_.err);
    }
    result(result&& o) noexcept(std::is_nothrow_move_constructible<T>::value) : ok_(o.ok_) {
        if (ok_) new (&storage_.value) T(std::move(o.storage_.value));
        else new (&storage_.err) cosign::error(std::move(o.storage_.err));
    }
    result& operator=(result o) {
        destroy();
        ok_ = o.ok_;
        if (ok_) new (&storage_.value) T(std::move(o.storage_.value));
        else new (&storage_.err) cosign::error(std::move(o.storage_.err));
        return *this;
    }
    ~result() { destroy(); }

    explicit operator bool() const noexcept { return ok_; }
    bool has_value() const noexcept { return ok_; }

    T& value() & { check_value(); return storage_.value; }
    const T& value() const& { check_value(); return storage_.value; }
    T&& value() && { check_value(); return std::move(storage_.value); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only valid when !has_value().
    const cosign::error& error() const& { check_error(); return storage_.err; }
    cosign::error&& error() && { check_error(); return std::move(storage_.err); }

    template <class U>
    T value_or(U&& fallback) const& {
        return ok_ ? storage_.value : static_cast<T>(std::forward<U>(fallback));
    }

private:
    void check_value() const {
        if (!ok_) std::abort();  // using the value of a failed result is a bug
    }
    void check_error() const {
        if (ok_) std::abort();
    }
    void destroy() {
        if (ok_) storage_.value.~T();
        else storage_.err.~error();
    }
    union storage {
        storage() {}
        ~storage() {}
        T value;
        cosign::error err;
    } storage_;
    bool ok_;
};

/// result<void>: success, or an error.
template <>
class [[nodiscard]] result<void> {
public:
    using value_type = void;
    result() = default;
    result(cosign::error e) : ok_(false), err_(std::move(e)) {}
    explicit operator bool() const noexcept { return ok_; }
    bool has_value() const noexcept { return ok_; }
    void value() const {
        if (!ok_) std::abort();
    }
    const cosign::error& error() const& {
        if (ok_) std::abort();
        return err_;
    }
    cosign::error&& error() && {
        if (ok_) std::abort();
        return std::move(err_);
    }

private:
    bool ok_ = true;
    cosign::error err_;
};

/// Shorthand to build a failed result: `return cosign::fail(errc::invalid_key, "…");`
inline cosign::error fail(errc code, std::string message, int backend_code = 0) {
    return cosign::error(code, std::move(message), backend_code);
}

}  // namespace v0
}  // namespace cosign

#define COSIGN_DETAIL_CAT2(a, b) a##b
#define COSIGN_DETAIL_CAT(a, b) COSIGN_DETAIL_CAT2(a, b)

/// Propagates an error: `COSIGN_TRY(auto key, parse_key(pem));` declares `key` on success and
/// returns the error from the enclosing function otherwise.
#define COSIGN_TRY(decl, expr)                                                   \
    auto COSIGN_DETAIL_CAT(cosign_try_, __LINE__) = (expr);                      \
    if (!COSIGN_DETAIL_CAT(cosign_try_, __LINE__))                               \
        return std::move(COSIGN_DETAIL_CAT(cosign_try_, __LINE__)).error();      \
    decl = std::move(*COSIGN_DETAIL_CAT(cosign_try_, __LINE__))

/// Propagates an error of a result<void> (or any result whose value is not needed).
#define COSIGN_TRY_VOID(expr)                                                    \
    do {                                                                         \
        auto cosign_try_v_ = (expr);                                             \
        if (!cosign_try_v_) return std::move(cosign_try_v_).error();             \
    } while (0)
