// SPDX-License-Identifier: Apache-2.0
/// `pkcs11-tool list-tokens` and `pkcs11-tool list-keys-uris`: cosign's output, byte for byte,
/// except that the key URIs never carry the PIN.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <cosign/core/hex.hpp>
#include <cosign/keys/pkcs11.hpp>

#include "cli.hpp"
#include "password.hpp"

namespace cli {

inline std::string pkcs11_module_default() {
    const char* e = std::getenv("COSIGN_PKCS11_MODULE_PATH");
    return e ? e : "";
}

inline std::vector<flag> pkcs11_list_tokens_flags() {
    return {
        {"module-path", 0, kind::string, pkcs11_module_default(), "absolute path to the PKCS11 module"},
    };
}

inline std::vector<flag> pkcs11_list_keys_uris_flags() {
    return {
        {"module-path", 0, kind::string, pkcs11_module_default(), "absolute path to the PKCS11 module"},
        {"pin", 0, kind::string, "", "pin of the PKCS11 slot, uses environment variable COSIGN_PKCS11_PIN if empty"},
        {"slot-id", 0, kind::number, "0", "id of the PKCS11 slot, uses 0 if empty"},
    };
}

inline int pkcs11_list_tokens(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = pkcs11_list_tokens_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    const std::string module_path = a.get("module-path");
    if (module_path.empty()) return report("please specify --module-path or set COSIGN_PKCS11_MODULE_PATH");
    auto module = cosign::pkcs11_module::load(module_path);
    if (!module) return report(module.error().message());
    auto tokens = cosign::pkcs11_tokens(**module);
    if (!tokens) return report(tokens.error().message());
    std::cout << "\nListing tokens of PKCS11 module '" << module_path << "'\n";
    for (const auto& t : *tokens) {
        std::cout << "Token in slot " << t.slot << "\n"
                  << "\tLabel: " << t.label << "\n"
                  << "\tManufacturer: " << t.manufacturer << "\n"
                  << "\tModel: " << t.model << "\n"
                  << "\tS/N: " << t.serial << "\n\n";
    }
    std::cout << std::flush;
    return exit_code::ok;
}

inline int pkcs11_list_keys_uris(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = pkcs11_list_keys_uris_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    const std::string module_path = a.get("module-path");
    if (module_path.empty()) return report("please specify --module-path or set COSIGN_PKCS11_MODULE_PATH");
    const std::string slot_text = a.get("slot-id");
    char* end = nullptr;
    const unsigned long slot = std::strtoul(slot_text.c_str(), &end, 10);
    if (slot_text.empty() || *end != '\0' || slot_text[0] == '-')
        return report("invalid argument \"" + slot_text + "\" for \"--slot-id\" flag: not a slot number");
    std::string pin_text = a.get("pin");
    cosign::secure_bytes pin(pin_text.begin(), pin_text.end());
    cosign::secure_zero(pin_text.data(), pin_text.size());
    auto prompt = [](const cosign::pkcs11_token& t) -> cosign::result<cosign::secure_bytes> {
        if (!stdin_is_terminal())
            return cosign::fail(cosign::errc::invalid_argument,
                                "the token \"" + t.label + "\" needs a PIN: give --pin or set COSIGN_PKCS11_PIN");
        std::string q = "Enter PIN for PKCS11 token '" + t.label + "': ";
        return read_hidden_line(q.c_str());
    };
    auto found = cosign::pkcs11_list_keys(module_path, slot, std::move(pin), prompt);
    if (!found) return report(found.error().message());
    std::cout << "\nListing URIs of keys in slot '" << slot << "' of PKCS11 module '" << module_path << "'\n";
    for (std::size_t i = 0; i < found->size(); ++i) {
        const auto& k = (*found)[i];
        std::cout << "Object " << i << "\n";
        if (!k.label.empty()) std::cout << "\tLabel: " << k.label << "\n";
        if (!k.id.empty()) std::cout << "\tID: " << cosign::hex::encode(k.id) << "\n";
        std::cout << "\tURI: " << k.uri << "\n";
    }
    std::cout << std::flush;
    return exit_code::ok;
}

/// `cosign-cpp pkcs11-tool list-tokens|list-keys-uris [flags]`.
inline int cmd_pkcs11_tool(const std::vector<std::string>& argv) {
    const std::string usage =
        "Provides utilities for retrieving information from a PKCS11 token.\n\n"
        "Usage:\n  cosign-cpp pkcs11-tool [command]\n\nAvailable Commands:\n"
        "  list-keys-uris List URIs of all keys in a PKCS11 token\n"
        "  list-tokens    List all PKCS11 tokens linked to a module\n";
    std::vector<std::string> rest;
    std::string sub;
    for (const auto& x : argv) {
        if (x == "-f" || x == "--no-input" || x == "--no-input=true") continue;  // cosign accepts it, unused
        if (sub.empty() && !x.empty() && x[0] != '-') sub = x;
        else rest.push_back(x);
    }
    if (sub == "list-tokens") return pkcs11_list_tokens(rest);
    if (sub == "list-keys-uris") return pkcs11_list_keys_uris(rest);
    if (sub.empty()) {
        std::cout << usage;
        return exit_code::ok;
    }
    return report("unknown command \"" + sub + "\" for \"cosign pkcs11-tool\"");
}

}  // namespace cli
