// SPDX-License-Identifier: Apache-2.0
/// Reading key files with a size limit and writing secrets with mode 0600 (POSIX).
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/bytes.hpp"
#include "../core/result.hpp"

namespace cosign {
inline namespace v0 {

/// Largest key file (private or public key, PEM or DER) the key loaders read.
inline constexpr std::size_t max_key_file_size = 1024 * 1024;

namespace detail {
inline cosign::error io_fail(const std::string& what, const std::string& path, int err) {
    return fail(errc::io, what + " " + path + ": " + std::strerror(err), err);
}

struct fd_guard {
    int fd;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
};
}  // namespace detail

/// Reads a whole file of at most `max_size` bytes into a byte container (use secure_bytes for
/// secrets). errc::io names the path; errc::limit_exceeded when the file is larger.
template <class Bytes = bytes>
result<Bytes> read_file(const std::string& path, std::size_t max_size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return detail::io_fail("cannot open", path, errno);
    detail::fd_guard guard{fd};
    Bytes out;
    std::uint8_t buf[4096];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            secure_zero(buf, sizeof buf);
            return detail::io_fail("cannot read", path, err);
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_size) {
            secure_zero(buf, sizeof buf);
            return fail(errc::limit_exceeded, "file " + path + " is larger than the limit of " +
                                                  std::to_string(max_size) + " bytes");
        }
        out.insert(out.end(), buf, buf + n);
    }
    secure_zero(buf, sizeof buf);
    return out;
}

/// Writes `content` to `path`, created or truncated, readable and writable by the owner only
/// (mode 0600, also when the file existed with another mode).
inline result<void> write_file_0600(const std::string& path, std::string_view content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return detail::io_fail("cannot create", path, errno);
    detail::fd_guard guard{fd};
    if (::fchmod(fd, 0600) != 0) return detail::io_fail("cannot set mode 0600 on", path, errno);
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return detail::io_fail("cannot write", path, errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    guard.fd = -1;
    if (::close(fd) != 0) return detail::io_fail("cannot write", path, errno);
    return {};
}

}  // namespace v0
}  // namespace cosign
