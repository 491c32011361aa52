// SPDX-License-Identifier: Apache-2.0
/// `verify-blob --bundle FILE` with a key: cosign's legacy bundle (LocalSignedPayload:
/// `{"base64Signature":…,"cert":…,"rekorBundle":{"SignedEntryTimestamp":…,"Payload":{…}}}`, what
/// `sign-blob --bundle` writes), read strictly, and its Rekor entry checked offline as cosign does.
#pragma once

#include <optional>
#include <string>

#include <cosign/core/json_reader.hpp>
#include <cosign/core/json_writer.hpp>
#include <cosign/core/json_go.hpp>
#include <cosign/tlog/bundle_annotation.hpp>
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

/// verify-blob's transparency-log check of a key-signed blob, offline from the bundle (cosign's
/// order: the entry body against the signature, key and blob hash, the SET with the trusted Rekor
/// key for its log ID and time, integratedTime not in the future). This build does not look blob
/// entries up in Rekor: without a bundle, it says which flag to pass.
inline cosign::result<void> check_blob_tlog(const args& a, const std::optional<legacy_bundle>& bundle,
                                            const std::string& signature_b64, const std::string& blob_sha256_hex,
                                            const std::string& key_pem) {
    if (!bundle || !bundle->rekor)
        return cosign::fail(cosign::errc::unsupported,
                            "the blob's signature comes with no Rekor bundle and this build does not look blob entries "
                            "up in Rekor: pass --bundle with a \"rekorBundle\" (sign-blob --bundle), or "
                            "--insecure-ignore-tlog");
    COSIGN_TRY(auto rekor_keys, verify_rekor_keys(a));
    const auto& b = *bundle->rekor;
    auto ok = cosign::tlog::check_body_digest(b.body, signature_b64, blob_sha256_hex, key_pem);
    if (ok) ok = cosign::tlog::verify_set<crypto>(b, rekor_keys);
    if (ok) ok = cosign::tlog::check_integrated_time(b, cosign::tlog::unix_now());
    if (!ok) return cosign::error(ok.error()).context("error verifying bundle");
    return {};
}

}  // namespace cli
