// SPDX-License-Identifier: Apache-2.0
/// cosign's `attach signature`: stores a signature made elsewhere (openssl, an HSM, another
/// host) in the image's .sig image, appended without de-duplication as cosign does.
#pragma once

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <cosign/tlog/bundle_annotation.hpp>
#include <cosign/tlog/rekor_entry.hpp>
#include <cosign/tlog/set.hpp>

#include "cli.hpp"
#include "commands_image.hpp"
#include "compose.hpp"
#include "password.hpp"
#include "registry_flags.hpp"

namespace cli {

/// The text of `--signature`: `-` reads standard input, a readable file gives its bytes
/// (verbatim, as cosign stores them), anything else must itself be the base64 signature (the
/// documented form cosign 2.5 reads as a file name).
inline cosign::result<std::string> attach_signature_text(const std::string& ref) {
    if (ref == "-") {
        auto in = read_all_stdin();
        return std::string(in.begin(), in.end());
    }
    auto f = read_text_file(ref, 1u << 20);
    if (f) return f;
    if (f.error().code() == cosign::errc::limit_exceeded) return std::move(f).error();
    // A real signature is dozens of bytes: a short token is a mistyped file name, not base64.
    if (auto raw = cosign::base64::decode(verifier::without_newlines(ref)); raw && raw->size() >= 16) return ref;
    return cosign::fail(cosign::errc::invalid_argument,
                        "--signature " + ref + " is neither a readable file nor a base64 signature (" +
                            f.error().message() + ")");
}

/// `--rekor-response FILE`: the "rekorBundle" of a file in cosign's LocalSignedPayload form
/// (`{"base64Signature":…,"cert":…,"rekorBundle":{"SignedEntryTimestamp":…,"Payload":{…}}}`,
/// what `sign-blob --bundle` writes), read strictly.
inline cosign::result<cosign::tlog::rekor_bundle> read_rekor_response(const std::string& path) {
    auto text = read_text_file(path, 4u << 20);
    if (!text) return cosign::error(text.error()).context("--rekor-response");
    auto doc = cosign::json::parse(*text);
    if (!doc) return cosign::error(doc.error()).context("--rekor-response " + path);
    const cosign::json::value* rb = cosign::json::member(*doc, "rekorBundle");
    if (!rb || !rb->IsObject())
        return cosign::fail(cosign::errc::invalid_json, "--rekor-response " + path + " has no \"rekorBundle\" object");
    cosign::json::writer w;
    cosign::json::write_go(w, *rb);
    auto b = cosign::tlog::parse_annotation(std::move(w).str());
    if (!b) return cosign::error(b.error()).context("--rekor-response " + path + ": \"rekorBundle\"");
    return *b;
}

/// The logged entry must record this signature over this payload (and, with --certificate, that
/// certificate): cosign would store any bundle, and verify would then fail on it.
inline cosign::result<void> check_rekor_response(const cosign::tlog::rekor_bundle& b, const std::string& sig_b64,
                                                 const std::string& payload, const std::string& cert_pem) {
    COSIGN_TRY(auto body, cosign::tlog::parse_entry_body(b.body));
    auto raw = cosign::base64::decode(body.signature);
    if (!raw || cosign::base64::encode(*raw) != verifier::without_newlines(sig_b64))
        return cosign::fail(cosign::errc::invalid_argument, "the logged entry records another signature than --signature");
    if (body.hash_algorithm != "sha256" || body.hash_value != cosign::sha256(cosign::byte_view(payload)).hex())
        return cosign::fail(cosign::errc::invalid_argument, "the logged entry records the hash of another payload");
    if (!cert_pem.empty()) {
        cosign::tlog::signed_layer layer{sig_b64, cosign::byte_view(payload), cert_pem};
        COSIGN_TRY_VOID(cosign::tlog::check_body(b.body, layer));
    }
    return {};
}

/// attach signature's flags: cosign's, with cosign's descriptions and what this build does differently.
inline std::vector<flag> attach_signature_flags() {
    return std::vector<flag>{
        {"signature", 0, kind::string, "", "path to the signature, or {-} for stdin (this build also takes the base64 signature itself, as cosign's signing page shows)"},
        {"payload", 0, kind::string, "", "path to the payload covered by the signature"},
        {"certificate", 0, kind::string, "", "path to the X.509 certificate in PEM format to include in the OCI Signature"},
        {"certificate-chain", 0, kind::string, "", "path to a list of CA X.509 certificates in PEM format which will be needed when building the certificate chain for the signing certificate. Must start with the parent intermediate CA certificate of the signing certificate and end with the root certificate. Included in the OCI Signature"},
        {"tsr", 0, kind::string, "", "path to the Time Stamped Signature Response from RFC3161 compliant TSA (not supported in this build)", true},
        {"rekor-response", 0, kind::string, "", "path to the rekor bundle"},
    } + registry_flags();
}

inline int cmd_attach_signature(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = attach_signature_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1)
        return report("accepts 1 arg(s), received " + std::to_string(a.positional.size()));
    if (!a.get("tsr").empty()) return report("--tsr is not supported in this build");
    if (a.get("signature").empty())
        return report("--signature is required: a file with the base64 signature, - for standard input, or the base64 text");

    // Everything local is read and checked before the first request: bad input writes nothing.
    auto sig = attach_signature_text(a.get("signature"));
    if (!sig) return report(sig.error().message());
    if (sig->empty()) return report("empty signature");
    auto raw_sig = cosign::base64::decode(verifier::without_newlines(*sig));
    if (!raw_sig) return report("--signature is not valid base64: " + raw_sig.error().message());

    std::string payload;
    if (!a.get("payload").empty()) {
        auto p = read_text_file(a.get("payload"));
        if (!p) return report(p.error().message());
        if (p->empty()) return report("empty payload file " + a.get("payload"));
        payload = std::move(*p);
    }

    std::map<std::string, std::string> ann;
    std::optional<crypto::certificate> leaf;
    if (!a.get("certificate").empty()) {
        auto text = read_text_file(a.get("certificate"));
        if (!text) return report(text.error().message());
        auto c = crypto::parse_certificate(*text);
        if (!c) return report("parse x509 certificate " + a.get("certificate") + ": " + c.error().message());
        leaf = *c;
        // cosign stores the file as it is; a DER file is stored as PEM so that readers can use it.
        bool is_pem = text->find("-----BEGIN CERTIFICATE-----") != std::string::npos;
        ann[std::string(cosign::oci::annotation::certificate)] = is_pem ? *text : crypto::certificate_pem(*c);
    }
    if (!a.get("certificate-chain").empty()) {
        if (!leaf) return report("no leaf certificate found or provided while specifying chain");
        auto text = read_text_file(a.get("certificate-chain"));
        if (!text) return report("reading certificate chain from path: " + text.error().message());
        auto chain = crypto::parse_certificate_chain(*text);
        if (!chain) return report("loading certificate chain: " + chain.error().message());
        if (auto ok = crypto::verify_chain(*leaf, *chain); !ok)
            return report("unable to validate certificate chain: " + ok.error().message());
        ann[std::string(cosign::oci::annotation::chain)] = *text;
    }

    std::optional<cosign::tlog::rekor_bundle> rekor_bundle;
    if (!a.get("rekor-response").empty()) {
        auto b = read_rekor_response(a.get("rekor-response"));
        if (!b) return report(b.error().message());
        rekor_bundle = *b;
        ann[cosign::tlog::bundle_annotation_key] = cosign::tlog::to_annotation(*b);
    }

    auto ref = cosign::oci::reference::parse(a.positional[0]);
    if (!ref) return report(ref.error().message());
    cosign::sign_options opts;
    opts.tag_prefix = a.get("attachment-tag-prefix");
    if (const char* dm = std::getenv("COSIGN_DOCKER_MEDIA_TYPES")) {
        bool b = false;
        opts.docker_media_types = parse_bool_text(dm, b) && b;
    }
    auto repo = signature_repository();
    if (!repo) return report(repo.error().message());
    opts.signature_repository = *repo;
    std::vector<std::string> hosts{ref->registry};
    if (opts.signature_repository) hosts.push_back(opts.signature_repository->registry);
    auto c = make_client(a, hosts);
    if (!c) return report(c.error().message());
    signer s(*c);

    if (leaf || payload.empty()) {
        // The payload must be known to check it against the certificate's key: resolve first.
        auto head = s.resolve(*ref);
        if (!head) return report(head.error().message());
        auto d = cosign::oci::digest::parse(head->digest);
        if (!d) return report(d.error().message());
        if (payload.empty()) {
            std::cerr << "WARNING: using obsolete implied signature payload data (with digested reference "
                      << ref->repo().str() << "@" << d->str() << "); specify it explicitly with --payload instead\n";
            payload = signer::payload_for(*ref, *d, {});
        }
        if (leaf) {
            auto pub = crypto::certificate_public_key(*leaf);
            if (!pub) return report(pub.error().message());
            if (auto ok = crypto::verify(*pub, payload, *raw_sig); !ok)
                return report("the signature does not verify over the payload with the certificate's public key: " +
                              ok.error().message());
        }
    }
    if (rekor_bundle) {
        if (payload.empty()) {
            auto head = s.resolve(*ref);
            if (!head) return report(head.error().message());
            auto d = cosign::oci::digest::parse(head->digest);
            if (!d) return report(d.error().message());
            payload = signer::payload_for(*ref, *d, {});
        }
        if (auto ok = check_rekor_response(*rekor_bundle, *sig, payload, leaf ? ann[std::string(cosign::oci::annotation::certificate)] : ""); !ok)
            return report("--rekor-response " + a.get("rekor-response") + ": " + ok.error().message());
    }
    auto out = s.attach(*ref, payload, *sig, ann, opts);
    if (!out) return report(out.error().message());
    return exit_code::ok;
}

/// `cosign attach <kind>`: only `signature` in this build.
inline int cmd_attach(const std::vector<std::string>& argv) {
    if (argv.empty()) return report("attach requires a subcommand: signature");
    std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (argv[0] == "signature") return cmd_attach_signature(rest);
    if (argv[0] == "sbom" || argv[0] == "attestation")
        return report("attach " + argv[0] + " is not supported in this build");
    return report("unknown command \"" + argv[0] + "\" for \"cosign attach\"");
}

}  // namespace cli
