// SPDX-License-Identifier: Apache-2.0
/// cosign-cpp: the command-line tool. It mirrors cosign's commands, flags, environment
/// variables, output and exit codes; flags become options, options go to the library, and
/// results become cosign's output.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands_attach.hpp"
#include "commands_blob.hpp"
#include "commands_clean.hpp"
#include "commands_image.hpp"
#include "commands_keys.hpp"
#include "commands_trust.hpp"
#if !defined(COSIGN_CLI_NO_PKCS11)
#include "commands_pkcs11.hpp"
#endif

namespace {

struct command {
    const char* name;
    int (*run)(const std::vector<std::string>&);
    const char* summary;
};

const command commands[] = {
    {"generate-key-pair", cli::cmd_generate_key_pair, "Generates a key-pair."},
    {"public-key", cli::cmd_public_key, "Gets a public key from the key-pair."},
    {"import-key-pair", cli::cmd_import_key_pair, "Imports a PEM-encoded RSA or EC private key."},
    {"sign", cli::cmd_sign, "Sign the supplied container image."},
    {"verify", cli::cmd_verify, "Verify a signature on the supplied container image"},
    {"generate", cli::cmd_generate, "Generates (unsigned) signature payloads from the supplied container image."},
    {"triangulate", cli::cmd_triangulate, "Outputs the located cosign image reference."},
    {"attach", cli::cmd_attach, "Provides utilities for attaching artifacts to other artifacts in a registry (signature)."},
    {"clean", cli::cmd_clean, "Remove all signatures from an image."},
    {"sign-blob", cli::cmd_sign_blob, "Sign the supplied blob, outputting the base64-encoded signature to stdout."},
    {"verify-blob", cli::cmd_verify_blob, "Verify a signature on the supplied blob"},
    {"initialize", cli::cmd_initialize, "Initializes SigStore root to retrieve trusted certificate and key targets for verification."},
#if !defined(COSIGN_CLI_NO_PKCS11)
    {"pkcs11-tool", cli::cmd_pkcs11_tool, "Provides utilities for retrieving information from a PKCS11 token."},
#endif
};

void usage(std::ostream& os) {
    os << "A tool for Container Signing, Verification and Storage in an OCI registry (C++ edition).\n\n"
       << "Usage:\n  cosign-cpp [command]\n\nAvailable Commands:\n";
    for (const auto& c : commands) {
        std::string n = c.name;
        os << "  " << n << std::string(n.size() < 20 ? 20 - n.size() : 1, ' ') << c.summary << "\n";
    }
    os << "  version             Prints the cosign-cpp version\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 1;
    }
    std::string name = argv[1];
    std::vector<std::string> rest(argv + 2, argv + argc);
    if (name == "-h" || name == "--help" || name == "help") {
        usage(std::cout);
        return 0;
    }
    if (name == "version" || name == "--version") {
        std::cout << "cosign-cpp " << cosign::version_string << "\n";
        return 0;
    }
    for (const auto& c : commands) {
        if (name == c.name) {
            for (const auto& r : rest)
                if (r == "-h" || r == "--help") {
                    std::cout << c.summary << "\n\nSee cosign's documentation for `cosign " << c.name
                              << "`: cosign-cpp takes the same flags.\n";
                    return 0;
                }
            return c.run(rest);
        }
    }
    return cli::report("unknown command \"" + name + "\" for \"cosign\"");
}
