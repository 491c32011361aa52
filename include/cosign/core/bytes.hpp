// SPDX-License-Identifier: Apache-2.0
/// Byte containers: bytes, secure_bytes (wiped when freed, for secrets) and a non-owning byte_view.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cosign {
inline namespace v0 {

/// Overwrites memory in a way the optimiser does not remove.
inline void secure_zero(void* p, std::size_t n) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    // memset at full speed (scrypt wipes 32 MiB per key), then an empty asm that may read the
    // memory, so the stores cannot be dropped as dead (BoringSSL's OPENSSL_cleanse).
    if (n == 0) return;
    std::memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile unsigned char* vp = static_cast<volatile unsigned char*>(p);
    while (n--) *vp++ = 0;
#endif
}

/// An allocator that wipes every block before it is freed, including on vector growth.
template <class T>
struct wiping_allocator {
    using value_type = T;
    wiping_allocator() noexcept = default;
    template <class U>
    wiping_allocator(const wiping_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        secure_zero(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    bool operator==(const wiping_allocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const wiping_allocator<U>&) const noexcept { return false; }
};

/// Plain bytes.
using bytes = std::vector<std::uint8_t>;

/// Bytes that hold a secret (private key, password, token): wiped when freed.
using secure_bytes = std::vector<std::uint8_t, wiping_allocator<std::uint8_t>>;

/// A non-owning view of contiguous bytes; converts from every byte container and from text.
class byte_view {
public:
    constexpr byte_view() noexcept = default;
    constexpr byte_view(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}
    byte_view(const void* data, std::size_t size) noexcept
        : data_(static_cast<const std::uint8_t*>(data)), size_(size) {}
    template <class Alloc>
    byte_view(const std::vector<std::uint8_t, Alloc>& v) noexcept : data_(v.data()), size_(v.size()) {}
    template <std::size_t N>
    byte_view(const std::array<std::uint8_t, N>& a) noexcept : data_(a.data()), size_(N) {}
    byte_view(std::string_view s) noexcept
        : data_(reinterpret_cast<const std::uint8_t*>(s.data())), size_(s.size()) {}
    byte_view(const std::string& s) noexcept
        : data_(reinterpret_cast<const std::uint8_t*>(s.data())), size_(s.size()) {}
    byte_view(const char* s) noexcept : byte_view(std::string_view(s)) {}

    constexpr const std::uint8_t* data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const std::uint8_t* begin() const noexcept { return data_; }
    constexpr const std::uint8_t* end() const noexcept { return data_ + size_; }
    constexpr std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
    constexpr byte_view subview(std::size_t pos, std::size_t n = std::size_t(-1)) const noexcept {
        return pos >= size_ ? byte_view() : byte_view(data_ + pos, n < size_ - pos ? n : size_ - pos);
    }
    std::string_view as_chars() const noexcept {
        return {reinterpret_cast<const char*>(data_), size_};
    }
    bytes to_bytes() const { return bytes(begin(), end()); }
    std::string to_string() const { return std::string(as_chars()); }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

/// Compares two byte ranges in time independent of their contents.
inline bool constant_time_equal(byte_view a, byte_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
    return d == 0;
}

inline bool operator==(byte_view a, byte_view b) noexcept {
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
inline bool operator!=(byte_view a, byte_view b) noexcept { return !(a == b); }

}  // namespace v0
}  // namespace cosign
