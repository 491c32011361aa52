// SPDX-License-Identifier: Apache-2.0
/// Reads key passwords as cosign does: COSIGN_PASSWORD, else a terminal prompt, else all of stdin.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <termios.h>
#include <unistd.h>

#include <cosign/core/bytes.hpp>
#include <cosign/core/result.hpp>

namespace cli {

inline bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

/// Reads one line from the terminal without echo (Go's term.ReadPassword).
inline cosign::secure_bytes read_hidden_line(const char* prompt) {
    // Echo goes off before the prompt shows, and without flushing: a password typed (or
    // pasted) as soon as the prompt appears is neither echoed nor lost.
    termios old{};
    bool restore = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (restore) {
        termios quiet = old;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::cerr << prompt << std::flush;
    cosign::secure_bytes out;
    char c;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {
        if (c == '\r') continue;
        out.push_back(static_cast<std::uint8_t>(c));
    }
    if (restore) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return out;
}

/// Reads all of standard input, verbatim (a trailing newline is kept, as cosign keeps it).
inline cosign::secure_bytes read_all_stdin() {
    cosign::secure_bytes out;
    std::uint8_t buf[4096];
    ssize_t n;
    while ((n = ::read(STDIN_FILENO, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
    cosign::secure_zero(buf, sizeof buf);
    return out;
}

/// The password for a private key; `confirm` asks twice on a terminal (generate-key-pair).
inline cosign::result<cosign::secure_bytes> read_password(bool confirm) {
    if (const char* env = std::getenv("COSIGN_PASSWORD")) {
        std::string_view v(env);
        return cosign::secure_bytes(v.begin(), v.end());
    }
    if (stdin_is_terminal()) {
        auto pw = read_hidden_line("Enter password for private key: ");
        if (confirm) {
            auto again = read_hidden_line("Enter password for private key again: ");
            if (!(cosign::byte_view(pw) == cosign::byte_view(again)))
                return cosign::fail(cosign::errc::invalid_argument, "passwords do not match");
        }
        return pw;
    }
    return read_all_stdin();
}

}  // namespace cli
