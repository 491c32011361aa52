// SPDX-License-Identifier: Apache-2.0
// cosign_oidc_check: a test hook for tests/integration/test_oidc.sh (not a user command). It takes
// the identity-token flags sign and sign-blob take, gets a token with cli::identity_token (the
// function the keyless signer calls), checks it with cosign::oidc::check_token, and prints its
// claims as one JSON line on stdout, with the token's SHA-256 instead of the token:
//
//   cosign_oidc_check [--identity-token T|FILE] [--oidc-issuer URL] [--fulcio-auth-flow normal] ... [-y]
//   {"iss":"...","sub":"...","email":"...","email_verified":true,"aud":["sigstore"],"exp":N,
//    "principal":"...","token_sha256":"<hex>"}
//
// Errors are printed as the CLI prints them (Error: ...), exit 1.
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <cosign/core/sha256.hpp>

#include "cosign-cpp/cli.hpp"
#include "cosign-cpp/oidc_flags.hpp"
#include "cosign-cpp/registry_flags.hpp"

namespace {
std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}
}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<cli::flag> spec = cli::oidc_flags();
    spec.push_back({"yes", 'y', cli::kind::boolean, "", "skip confirmation prompts"});
    spec.push_back({"timeout", 't', cli::kind::string, "3m0s", "timeout for commands"});
    cli::args a;
    if (auto e = cli::parse(spec, args, a); !e.empty()) return cli::report(e);
    auto tok = cli::identity_token(a);
    if (!tok) return cli::report(tok.error().message());
    auto claims = cosign::oidc::check_token(tok->str(), static_cast<std::int64_t>(std::time(nullptr)));
    if (!claims) return cli::report(claims.error().message());
    const auto digest = cosign::sha256(cosign::byte_view(tok->str().data(), tok->str().size())).hex();
    tok->clear();
    std::string aud = "[";
    for (std::size_t i = 0; i < claims->audience.size(); ++i) aud += (i ? "," : "") + json_quote(claims->audience[i]);
    aud += "]";
    std::cout << "{\"iss\":" << json_quote(claims->issuer) << ",\"sub\":" << json_quote(claims->subject)
              << ",\"email\":" << json_quote(claims->email) << ",\"email_verified\":" << (claims->email_verified ? "true" : "false")
              << ",\"aud\":" << aud << ",\"exp\":" << claims->expiry.value_or(0)
              << ",\"principal\":" << json_quote(claims->principal) << ",\"token_sha256\":\"" << digest << "\"}\n";
    return 0;
}
