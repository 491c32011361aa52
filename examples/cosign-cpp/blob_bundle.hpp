// SPDX-License-Identifier: Apache-2.0
/// The transparency log of key-signed blobs: cosign 2's legacy bundle (LocalSignedPayload:
/// `{"base64Signature":…,"cert":…,"rekorBundle":{"SignedEntryTimestamp":…,"Payload":{…}}}`), which
/// `sign-blob --bundle` writes and `verify-blob --bundle` reads strictly; sign-blob's Rekor upload;
/// verify-blob's checks, offline from a bundle or by looking the entry up in Rekor.
#pragma once

#include <optional>
#include <string>

#include <cosign/core/json_reader.hpp>
#include <cosign/core/json_writer.hpp>
#include <cosign/core/json_go.hpp>
#include <cosign/tlog/bundle_annotation.hpp>
#include <cosign/tlog/log_step.hpp>
#include <cosign/tlog/set.hpp>

#include "cli.hpp"
#include "compose.hpp"
#include "tlog_flags.hpp"

namespace cli {

/// cosign's LocalSignedPayload.
struct legacy_bundle {
    std::string signature_b64;                        ///< "base64Signature"
    std::string cert;                                 ///< "cert" (PEM; empty for a key)
    std::optional<cosign::tlog::rekor_bundle> rekor;  ///< "rekorBundle"
};

/// Reads a legacy bundle file; errors name the file and the field.
inline cosign::result<legacy_bundle> read_legacy_bundle(const std::string& path) {
    auto f = cosign::read_file<cosign::bytes>(path, 4u << 20);
    if (!f) return cosign::error(f.error()).context("--bundle");
    auto doc = cosign::json::parse(cosign::byte_view(*f).to_string());
    if (!doc) return cosign::error(doc.error()).context("--bundle " + path);
    legacy_bundle out;
    if (auto s = cosign::json::string_member(*doc, "base64Signature")) out.signature_b64 = std::string(*s);
    if (auto c = cosign::json::string_member(*doc, "cert")) out.cert = std::string(*c);
    if (const cosign::json::value* rb = cosign::json::member(*doc, "rekorBundle"); rb && !rb->IsNull()) {
        if (!rb->IsObject())
            return cosign::fail(cosign::errc::invalid_json, "--bundle " + path + ": \"rekorBundle\" is not an object");
        cosign::json::writer w;
        cosign::json::write_go(w, *rb);
        auto b = cosign::tlog::parse_annotation(std::move(w).str());
        if (!b) return cosign::error(b.error()).context("--bundle " + path + ": \"rekorBundle\"");
        out.rekor = *b;
    }
    return out;
}

/// cosign 2's legacy bundle (LocalSignedPayload) for a key-signed blob, as `sign-blob --bundle`
/// writes it: `base64Signature`, then `rekorBundle` when the signature was logged (`cert` is
/// left out for a key, as Go's omitempty does).
inline std::string legacy_bundle_json(const std::string& signature_b64,
                                      const std::optional<cosign::tlog::rekor_bundle>& rekor,
                                      const std::string& cert_pem = {}) {
    std::string out = "{\"base64Signature\":\"" + signature_b64 + "\"";
    // Keyless: the certificate, base64 of its PEM, as cosign's LocalSignedPayload.Cert.
    if (!cert_pem.empty()) out += ",\"cert\":\"" + cosign::base64::encode(cert_pem) + "\"";
    if (rekor) out += ",\"rekorBundle\":" + cosign::tlog::to_annotation(*rekor);
    return out + "}";
}

/// sign-blob's transparency-log step: cosign's privacy statement and prompt (-y skips it), then a
/// hashedrekord entry for the blob's SHA-256 uploaded to --rekor-url; the answer is checked
/// (body, and the SET when SIGSTORE_REKOR_PUBLIC_KEY is set) before anything is written. The
/// record holds Rekor's entry (with its inclusion proof and checkpoint) and cosign's bundle of it.
template <class Signer>
cosign::result<cosign::tlog::log_record> log_blob_signature(const args& a, const Signer& key,
                                                              const cosign::blob_digest& digest,
                                                              const std::string& signature_b64) {
    if (digest.algorithm != cosign::hash_algorithm::sha256)
        return cosign::fail(cosign::errc::unsupported,
                            "upload to tlog: a hashedrekord entry logs the blob's sha256, but this key signs its " +
                                std::string(cosign::to_string(digest.algorithm)) +
                                " (sign with --tlog-upload=false, or with a P-256 key)");
    std::cerr << privacy_statement();
    if (!confirm_continue(a.get_bool("yes")))
        return cosign::fail(cosign::errc::cancelled, "upload to tlog: user declined the prompt");
    COSIGN_TRY(auto rekor_keys, sign_rekor_keys());
    COSIGN_TRY(auto rekor, make_rekor_client(a));
    cosign::tlog::rekor_upload_step<crypto, sigstore_transport> step(std::move(rekor), std::move(rekor_keys));
    // The certificate when the signer carries one (keyless, --issue-certificate), else the key.
    std::string pem = key.public_key_pem();
    if constexpr (cosign::has_certificate_v<Signer>)
        if (auto c = key.certificate(); !c.certificate_pem.empty()) pem = c.certificate_pem;
    COSIGN_TRY(auto rec, step.log_digest(signature_b64, cosign::hex::encode(digest.value), pem));
    if (!rec) return cosign::fail(cosign::errc::internal, "upload to tlog: Rekor gave no entry");
    return std::move(*rec);
}

/// verify-blob's transparency-log check of a key-signed blob, as cosign 2 does it: with a
/// bundle, offline (the entry body against the signature, key and blob hash, the SET with the
/// trusted Rekor key for its log ID and time, integratedTime not in the future); without one,
/// the entry is looked up at --rekor-url (unless --offline) and the same checks run on it.
inline cosign::result<void> check_blob_tlog(const args& a, const std::optional<legacy_bundle>& bundle,
                                            const std::string& signature_b64, const std::string& blob_sha256_hex,
                                            const std::string& key_pem) {
    const bool has_entry = bundle && bundle->rekor;
    if (!has_entry && a.get_bool("offline"))
        return cosign::fail(cosign::errc::verification_failed,
                            "the blob's signature comes with no Rekor bundle and --offline forbids looking it up: pass "
                            "--bundle with a \"rekorBundle\" (sign-blob --bundle), or --insecure-ignore-tlog");
    COSIGN_TRY(auto rekor_keys, verify_rekor_keys(a));
    const cosign::tlog::signed_digest signed_{signature_b64, blob_sha256_hex, key_pem};
    if (!has_entry) {
        COSIGN_TRY(auto rekor, make_rekor_client(a));
        auto found = cosign::tlog::find_verified_entry<crypto>(rekor, signed_, rekor_keys, cosign::tlog::unix_now());
        if (!found) return cosign::error(found.error()).context("searching the transparency log");
        return {};
    }
    auto ok = cosign::tlog::verify_bundle<crypto>(*bundle->rekor, signed_, rekor_keys, cosign::tlog::unix_now());
    if (!ok) return cosign::error(ok.error()).context("error verifying bundle");
    return {};
}

}  // namespace cli
