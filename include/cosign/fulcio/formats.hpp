// SPDX-License-Identifier: Apache-2.0
/// Fulcio's certificate request and response formats, as values: the v2 `signingCert` body
/// (what cosign 3 sends through sigstore-go), the legacy v1 body (cosign 2), and both answers
/// parsed into the leaf and chain cosign stores. Pure: no transport, no crypto.
///
///     std::string body = fulcio::v2_request_json(pub_pem, "ECDSA", base64::encode(proof));
///     COSIGN_TRY(fulcio::certificate_response r, fulcio::parse_v2_response(answer));
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../crypto/key_info.hpp"

namespace cosign {
inline namespace v0 {
namespace fulcio {

/// A certificate Fulcio issued, as cosign keeps it.
struct certificate_response {
    /// The leaf, one PEM block re-encoded as Go's pem.EncodeToMemory writes it (64 columns,
    /// trailing newline): cosign's `dev.sigstore.cosign/certificate` value and the PEM uploaded
    /// to Rekor.
    std::string leaf_pem;
    /// The issuing chain after the leaf (intermediates, then the root): cosign's
    /// `dev.sigstore.cosign/chain` value. From the v1 API, the bytes after the leaf's PEM block as
    /// Fulcio sent them (cosign 2 stores them so); from v2, each certificate re-encoded.
    std::string chain_pem;
    /// The chain's certificates one by one (PEM), parent first.
    std::vector<std::string> chain;
    /// The detached SCT (v1: the `SCT` header, v2: `signedCertificateTimestamp`), base64; empty
    /// when the SCT is embedded in the leaf (the usual case).
    std::string detached_sct;
};

/// The algorithm name the v2 API takes for a key (`ECDSA`, `RSA_PSS`, `ED25519`; Fulcio ignores
/// it and reads the key).
inline const char* v2_algorithm(key_type t) noexcept {
    switch (t) {
        case key_type::rsa:
            return "RSA_PSS";
        case key_type::ed25519:
            return "ED25519";
        default:
            return "ECDSA";
    }
}

/// The body of `POST /api/v2/signingCert`, as sigstore-go sends it:
/// `{"publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":"<PEM>"},"proofOfPossession":"<b64>"}}`.
/// The token goes in the Authorization header, not in the body.
inline std::string v2_request_json(std::string_view public_key_pem, std::string_view algorithm,
                                   std::string_view proof_b64) {
    json::writer w;
    w.begin_object().key("publicKeyRequest").begin_object();
    w.key("publicKey").begin_object().key("algorithm").string(algorithm).key("content").string(public_key_pem).end_object();
    w.key("proofOfPossession").string(proof_b64);
    w.end_object().end_object();
    return std::move(w).str();
}

/// The body of the legacy `POST /api/v1/signingCert`, byte for byte as cosign 2.5 sends it
/// (fulcio's pkg/api client, Go's encoding/json; tests/data/keyless/certreq-v1-cosign2.json): the
/// PEM as base64 (a []byte field), no algorithm, the proof, and a null CSR:
/// `{"publicKey":{"content":"<b64 of PEM>"},"signedEmailAddress":"<b64>","certificateSigningRequest":null}`.
inline std::string v1_request_json(std::string_view public_key_pem, std::string_view proof_b64) {
    json::writer w;
    w.begin_object().key("publicKey").begin_object();
    w.key("content").string(base64::encode(public_key_pem));
    w.end_object().key("signedEmailAddress").string(proof_b64);
    w.key("certificateSigningRequest").null().end_object();
    return std::move(w).str();
}

namespace detail {

/// One PEM "CERTIFICATE" block, re-encoded; an error naming `what` otherwise.
inline result<std::string> one_certificate_pem(std::string_view text, const std::string& what) {
    auto blocks = pem::decode_all(text);
    if (!blocks) return fail(errc::invalid_json, what + " is not PEM: " + blocks.error().message());
    if (blocks->size() != 1)
        return fail(errc::invalid_json, what + " holds " + std::to_string(blocks->size()) + " PEM blocks instead of one");
    if (blocks->front().label != "CERTIFICATE")
        return fail(errc::invalid_json, what + " is a PEM \"" + blocks->front().label + "\" block, not a CERTIFICATE");
    if (blocks->front().der.empty()) return fail(errc::invalid_json, what + " is an empty certificate");
    return pem::encode("CERTIFICATE", blocks->front().der);
}

}  // namespace detail

/// Parses the v2 answer: `{"signedCertificateEmbeddedSct":{"chain":{"certificates":[PEM…]}}}` or
/// `{"signedCertificateDetachedSct":{"chain":{…},"signedCertificateTimestamp":"<b64>"}}`, leaf
/// first. Every certificate must be one PEM CERTIFICATE block.
inline result<certificate_response> parse_v2_response(std::string_view body) {
    auto doc = json::parse(body);
    if (!doc) return std::move(doc).error().context("Fulcio's answer");
    if (!doc->IsObject()) return fail(errc::invalid_json, "Fulcio's answer is not a JSON object");
    const json::value* embedded = json::member(*doc, "signedCertificateEmbeddedSct");
    const json::value* detached = json::member(*doc, "signedCertificateDetachedSct");
    const json::value* which = embedded && !embedded->IsNull() ? embedded : detached;
    if (!which || which->IsNull() || !which->IsObject())
        return fail(errc::invalid_json,
                    "Fulcio's answer has neither \"signedCertificateEmbeddedSct\" nor \"signedCertificateDetachedSct\"");
    certificate_response out;
    if (which == detached) {
        auto sct = json::string_member(*which, "signedCertificateTimestamp");
        if (!sct || sct->empty() || !base64::decode(*sct))
            return fail(errc::invalid_json, "Fulcio's answer has a detached SCT that is missing or not base64");
        out.detached_sct = std::string(*sct);
    }
    const json::value* chain = json::member(*which, "chain");
    const json::value* certs = chain ? json::member(*chain, "certificates") : nullptr;
    if (!certs || !certs->IsArray())
        return fail(errc::invalid_json, "Fulcio's answer has no \"chain.certificates\" array");
    if (certs->GetArray().Empty()) return fail(errc::invalid_json, "Fulcio's answer has an empty certificate chain");
    std::size_t i = 0;
    for (const auto& c : certs->GetArray()) {
        auto s = json::as_string(c);
        const std::string what = "certificate " + std::to_string(i) + " of Fulcio's chain";
        if (!s) return fail(errc::invalid_json, what + " is not a string");
        COSIGN_TRY(std::string one, detail::one_certificate_pem(*s, what));
        if (i == 0) {
            out.leaf_pem = std::move(one);
        } else {
            out.chain_pem += one;
            out.chain.push_back(std::move(one));
        }
        ++i;
    }
    return out;
}

/// Parses the v1 answer: a PEM chain (`application/pem-certificate-chain`, leaf first) and the
/// `SCT` header (base64 of a detached SCT, or empty). As cosign 2 does, the leaf is the first PEM
/// block, re-encoded, and the chain is the rest of the text verbatim, from the line after the
/// leaf's END line.
inline result<certificate_response> parse_v1_response(std::string_view body, std::string_view sct_header) {
    static constexpr std::string_view end = "-----END CERTIFICATE-----";
    if (!sct_header.empty() && !base64::decode(sct_header))
        return fail(errc::invalid_json, "Fulcio's SCT header is not base64");
    const auto begin = body.find("-----BEGIN ");
    const auto e = body.find(end);
    if (begin == std::string_view::npos || e == std::string_view::npos || e < begin)
        return fail(errc::invalid_json, "Fulcio's answer holds no PEM certificate");
    std::size_t rest = e + end.size();
    const auto nl = body.find('\n', rest);
    rest = nl == std::string_view::npos ? body.size() : nl + 1;
    certificate_response out;
    COSIGN_TRY(out.leaf_pem, detail::one_certificate_pem(body.substr(begin, rest - begin), "Fulcio's leaf certificate"));
    out.chain_pem = std::string(body.substr(rest));
    auto blocks = pem::decode_all(out.chain_pem);
    if (!blocks) return fail(errc::invalid_json, "Fulcio's certificate chain is not PEM: " + blocks.error().message());
    for (const auto& b : *blocks) {
        if (b.label != "CERTIFICATE")
            return fail(errc::invalid_json, "Fulcio's certificate chain holds a PEM \"" + b.label + "\" block");
        out.chain.push_back(pem::encode("CERTIFICATE", b.der));
    }
    out.detached_sct = std::string(sct_header);
    return out;
}

}  // namespace fulcio
}  // namespace v0
}  // namespace cosign
