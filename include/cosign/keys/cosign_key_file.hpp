// SPDX-License-Identifier: Apache-2.0
/// cosign's encrypted private key file (cosign.key): scrypt + NaCl secretbox around a PKCS#8 key,
/// in JSON, in PEM, exactly as cosign and go-securesystemslib read and write it.
///
///     using key_file = cosign::cosign_key_file<cosign::crypto::mbedtls>;
///     auto key = key_file::decrypt(pem_text, password);   // errc::wrong_password if it does not open
///     auto pem = key_file::encrypt(*key, password);       // "ENCRYPTED SIGSTORE PRIVATE KEY"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../crypto/asn1.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/key_file_crypto.hpp"

namespace cosign {
inline namespace v0 {

/// PEM label cosign writes since v2.2.0.
inline constexpr std::string_view sigstore_private_key_pem_label = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// PEM label written by cosign up to v2.1.x; still accepted on load.
inline constexpr std::string_view cosign_private_key_pem_label = "ENCRYPTED COSIGN PRIVATE KEY";

/// scrypt parameter sets go-securesystemslib accepts on decryption (CheckParams), N with r=8, p=1.
inline constexpr std::uint64_t scrypt_n_legacy = 32768;    ///< cosign <= v2.1.x writes this
inline constexpr std::uint64_t scrypt_n_standard = 65536;  ///< cosign >= v2.2.0 writes this
inline constexpr std::uint64_t scrypt_n_owasp = 131072;

/// Reads and writes cosign's encrypted key files with crypto policy Crypto.
template <class Crypto>
struct cosign_key_file {
    static_assert(check_crypto_policy<Crypto>(), "cosign_key_file needs a crypto policy");

    using private_key = typename Crypto::private_key;

    /// Decrypts a cosign key file (either PEM label). Errors: errc::invalid_key (not a cosign key,
    /// malformed, inner key not PKCS#8), errc::unsupported (other KDF, cipher or scrypt
    /// parameters), errc::wrong_password ("decrypt: encrypted: decryption failed").
    static result<private_key> decrypt(std::string_view pem_text, byte_view password) {
        COSIGN_TRY(auto plain, decrypt_payload(pem_text, password));
        // cosign parses the plaintext with x509.ParsePKCS8PrivateKey only.
        if (!detail::der::parse_pkcs8(plain))
            return fail(errc::invalid_key,
                        "parsing private key: the key inside the file is not PKCS#8 (" +
                            std::string(detail::der::is_sec1(plain) ? "it is a SEC1 EC PRIVATE KEY"
                                                                    : "unknown format") +
                            "); cosign does not load such keys");
        auto key = Crypto::parse_private_key_der(plain);
        if (!key) return cosign::error(key.error()).context("parsing private key");
        return key;
    }

    /// Decrypts the JSON document of go-securesystemslib's `encrypted` package (the PEM body).
    static result<secure_bytes> decrypt_json(std::string_view json_text, byte_view password) {
        auto parsed = json::parse(json_text);
        if (!parsed) return fail(errc::invalid_key, "encrypted key: " + parsed.error().message());
        const json::document& doc = *parsed;
        if (!doc.IsObject()) return fail(errc::invalid_key, "encrypted key: the JSON is not an object");
        const json::value* kdf = json::member(doc, "kdf");
        const json::value* cipher = json::member(doc, "cipher");
        if (!kdf || !kdf->IsObject()) return fail(errc::invalid_key, "encrypted key: missing \"kdf\" object");
        if (!cipher || !cipher->IsObject())
            return fail(errc::invalid_key, "encrypted key: missing \"cipher\" object");

        // Same order of checks as go-securesystemslib's Decrypt: names, then parameters.
        auto kdf_name = json::string_member(*kdf, "name");
        if (!kdf_name || *kdf_name != "scrypt")
            return fail(errc::unsupported, "encrypted: unknown kdf name \"" +
                                               std::string(kdf_name.value_or("")) +
                                               "\" (only \"scrypt\" is supported)");
        auto cipher_name = json::string_member(*cipher, "name");
        if (!cipher_name || *cipher_name != "nacl/secretbox")
            return fail(errc::unsupported, "encrypted: unknown cipher name \"" +
                                               std::string(cipher_name.value_or("")) +
                                               "\" (only \"nacl/secretbox\" is supported)");

        const json::value* params = json::member(*kdf, "params");
        std::uint64_t n = 0, r = 0, p = 0;
        if (!params || !read_uint(*params, "N", n) || !read_uint(*params, "r", r) ||
            !read_uint(*params, "p", p))
            return fail(errc::invalid_key, "encrypted key: \"kdf.params\" must hold integers N, r and p");
        if (!((n == scrypt_n_legacy || n == scrypt_n_standard || n == scrypt_n_owasp) && r == 8 && p == 1))
            return fail(errc::unsupported, "encrypted: unsupported scrypt parameters N=" + std::to_string(n) +
                                               ", r=" + std::to_string(r) + ", p=" + std::to_string(p) +
                                               " (accepted: N=32768, 65536 or 131072 with r=8, p=1)");

        COSIGN_TRY(auto salt, b64_member(*kdf, "salt"));
        COSIGN_TRY(auto nonce, b64_member(*cipher, "nonce"));
        COSIGN_TRY(auto ciphertext, b64_member(doc, "ciphertext"));
        if (nonce.size() != 24) return fail(errc::invalid_key, "encrypted: incorrect nonce size");

        COSIGN_TRY(auto key, crypto::scrypt<Crypto>(password, salt, n, static_cast<std::uint32_t>(r),
                                                    static_cast<std::uint32_t>(p), 32));
        auto plain = crypto::secretbox_open<Crypto>(ciphertext, nonce, key);
        if (!plain) {
            if (plain.error().code() == errc::verification_failed)
                return fail(errc::wrong_password, "decrypt: encrypted: decryption failed");
            return std::move(plain).error();
        }
        return std::move(*plain);
    }

    /// Decrypts a cosign key file to its plaintext (a PKCS#8 DER key, unchecked).
    static result<secure_bytes> decrypt_payload(std::string_view pem_text, byte_view password) {
        COSIGN_TRY(auto block, read_pem(pem_text));
        return decrypt_json(block.der.empty() ? std::string_view() : byte_view(block.der).as_chars(),
                            password);
    }

    /// Checks that `pem_text` holds a cosign encrypted key block, without decrypting it (so that a
    /// caller can refuse a wrong file before asking for a password).
    static result<void> check_pem(std::string_view pem_text) {
        COSIGN_TRY_VOID(read_pem(pem_text));
        return {};
    }

    /// Encrypts a key as current cosign does: PKCS#8 plaintext, scrypt N=65536 r=8 p=1 (or another
    /// accepted N: 32768 for cosign <= v2.1.x readers), 32-byte salt, 24-byte nonce, JSON members in
    /// go-securesystemslib's order, PEM "ENCRYPTED SIGSTORE PRIVATE KEY" at 64 columns.
    static result<std::string> encrypt(const private_key& key, byte_view password,
                                       std::uint64_t scrypt_n = scrypt_n_standard) {
        if (scrypt_n != scrypt_n_legacy && scrypt_n != scrypt_n_standard && scrypt_n != scrypt_n_owasp)
            return fail(errc::invalid_argument,
                        "scrypt N must be 32768, 65536 or 131072 (what cosign can read)");
        COSIGN_TRY(auto plain, crypto::to_pkcs8_der<Crypto>(key));
        std::uint8_t salt[32], nonce[24];
        COSIGN_TRY_VOID(Crypto::random(salt, sizeof salt));
        COSIGN_TRY_VOID(Crypto::random(nonce, sizeof nonce));
        COSIGN_TRY(auto box_key, crypto::scrypt<Crypto>(password, byte_view(salt, sizeof salt), scrypt_n, 8, 1, 32));
        COSIGN_TRY(auto boxed, crypto::secretbox_seal<Crypto>(plain, byte_view(nonce, sizeof nonce), box_key));
        json::writer w;
        // clang-format off
        w.begin_object()
            .key("kdf").begin_object()
                .key("name").string("scrypt")
                .key("params").begin_object()
                    .key("N").unsigned_integer(scrypt_n)
                    .key("r").unsigned_integer(8)
                    .key("p").unsigned_integer(1)
                .end_object()
                .key("salt").string(base64::encode(byte_view(salt, sizeof salt)))
            .end_object()
            .key("cipher").begin_object()
                .key("name").string("nacl/secretbox")
                .key("nonce").string(base64::encode(byte_view(nonce, sizeof nonce)))
            .end_object()
            .key("ciphertext").string(base64::encode(boxed))
        .end_object();
        // clang-format on
        return pem::encode(sigstore_private_key_pem_label, w.str());
    }

private:
    static result<pem::block<bytes>> read_pem(std::string_view pem_text) {
        auto block = pem::decode(pem_text);
        if (!block) {
            if (pem_text.find("-----BEGIN ") == std::string_view::npos)
                return fail(errc::invalid_key, "invalid pem block: no PEM block found in the key");
            return std::move(block).error();
        }
        if (block->label != sigstore_private_key_pem_label && block->label != cosign_private_key_pem_label)
            return fail(errc::invalid_key, "unsupported pem type: " + block->label + " (expected " +
                                               std::string(sigstore_private_key_pem_label) + " or " +
                                               std::string(cosign_private_key_pem_label) + ")");
        return block;
    }

    static bool read_uint(const json::value& obj, std::string_view name, std::uint64_t& out) {
        const json::value* v = json::member(obj, name);
        if (!v || !v->IsUint64()) return false;
        out = v->GetUint64();
        return true;
    }

    static result<bytes> b64_member(const json::value& obj, std::string_view name) {
        auto s = json::string_member(obj, name);
        if (!s)
            return fail(errc::invalid_key,
                        "encrypted key: missing base64 member \"" + std::string(name) + "\"");
        auto b = base64::decode(*s);
        if (!b)
            return fail(errc::invalid_key,
                        "encrypted key: \"" + std::string(name) + "\" is not valid base64");
        return b;
    }
};

}  // namespace v0
}  // namespace cosign
