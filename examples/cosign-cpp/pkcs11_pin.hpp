// SPDX-License-Identifier: Apache-2.0
/// The PIN prompt of cosign-cpp's pkcs11: keys: cosign's question on the terminal, no echo.
#pragma once

#include <string>

#include <cosign/core/bytes.hpp>
#include <cosign/core/result.hpp>
#include <cosign/keys/pkcs11.hpp>

#include "password.hpp"

namespace cli {

/// Asks "Enter PIN for key '<label>' in PKCS11 token '<token>': " as cosign does; off a terminal
/// it says how to give the PIN instead (cosign fails reading the terminal there).
struct terminal_pin_prompt {
    static cosign::result<cosign::secure_bytes> read_pin(const cosign::pkcs11_pin_request& r) {
        if (!stdin_is_terminal()) return cosign::no_pin_prompt::read_pin(r);
        std::string prompt = "Enter PIN for key '" + r.key_label + "' in PKCS11 token '" + r.token_label + "': ";
        return read_hidden_line(prompt.c_str());
    }
};

}  // namespace cli
