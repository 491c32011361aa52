// SPDX-License-Identifier: Apache-2.0
/// cosign's image commands: sign, verify, generate, triangulate.
#pragma once

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "annotations.hpp"
#include "cli.hpp"
#include "compose.hpp"
#include "keyless.hpp"
#include "oidc_flags.hpp"
#include "output.hpp"
#include "password.hpp"
#include "registry_flags.hpp"
#include "tlog_flags.hpp"

namespace cli {

inline std::string join_args(const std::vector<std::string>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + v[i];
    return s + "]";
}

inline void warn_tag_reference(const std::string& input) {
    std::cerr << "WARNING: Image reference " << input
              << " uses a tag, not a digest, to identify the image to sign.\n"
                 "    This can lead you to sign a different image than the intended one. Please use a\n"
                 "    digest (example.com/ubuntu@sha256:abc123...) rather than tag\n"
                 "    (example.com/ubuntu:latest) for the input to cosign. The ability to refer to\n"
                 "    images by tag will be removed in a future release.\n\n";
}

/// Reads a whole file for a flag, as os.ReadFile does; the message names the file.
inline cosign::result<std::string> read_text_file(const std::string& path, std::size_t limit = COSIGN_MAX_PAYLOAD_SIZE) {
    auto f = cosign::read_file<cosign::bytes>(path, limit);
    if (!f) return std::move(f).error();
    return cosign::byte_view(*f).to_string();
}

/// `sign --certificate/--certificate-chain` with a key: reads the files the flags name and has
/// the library check them (cosign::signing_certificate, cosign::check_certificate_chain).
/// Returns the layer annotations; `cert_pem` gets the certificate as cosign re-encodes it
/// (empty without --certificate).
inline cosign::result<std::map<std::string, std::string>> signing_certificate(const args& a, const std::string& key_pem,
                                                                             std::string& cert_pem) {
    std::map<std::string, std::string> ann;
    const std::string cert_path = a.get("certificate"), chain_path = a.get("certificate-chain");
    std::optional<crypto::certificate> leaf;
    if (!cert_path.empty()) {
        auto text = read_text_file(cert_path);
        if (!text) return cosign::error(text.error()).context("read certificate");
        COSIGN_TRY(leaf, cosign::signing_certificate<crypto>(*text, cert_path, key_pem));
        cert_pem = crypto::certificate_pem(*leaf);
        ann[std::string(cosign::oci::annotation::certificate)] = cert_pem;
    }
    if (chain_path.empty()) return ann;
    if (!leaf) return cosign::fail(cosign::errc::invalid_argument, "no leaf certificate found or provided while specifying chain");
    auto text = read_text_file(chain_path);
    if (!text) return cosign::error(text.error()).context("reading certificate chain from path");
    COSIGN_TRY_VOID(cosign::check_certificate_chain<crypto>(*leaf, *text));
    ann[std::string(cosign::oci::annotation::chain)] = *text;  // the file's bytes, as cosign stores them
    return ann;
}

/// The identity flags of keyless verification, both kinds required as cosign requires them, and
/// their regular expressions (Go RE2 syntax) checked before any request.
inline cosign::result<cosign::identity_policy> identity_flags(const args& a) {
    cosign::identity_policy id{a.get("certificate-identity"), a.get("certificate-identity-regexp"),
                               a.get("certificate-oidc-issuer"), a.get("certificate-oidc-issuer-regexp")};
    if (!id.has_subject())
        return cosign::fail(cosign::errc::invalid_argument,
                            "--certificate-identity or --certificate-identity-regexp is required for verification in keyless mode");
    if (!id.has_issuer())
        return cosign::fail(cosign::errc::invalid_argument,
                            "--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required for verification in keyless mode");
    COSIGN_TRY_VOID(id.check_regexps());
    return id;
}

/// `--certificate-github-workflow-*`.
inline cosign::github_workflow_policy github_workflow_flags(const args& a) {
    return {a.get("certificate-github-workflow-trigger"), a.get("certificate-github-workflow-sha"),
            a.get("certificate-github-workflow-name"), a.get("certificate-github-workflow-repository"),
            a.get("certificate-github-workflow-ref")};
}

/// `verify --certificate C [--certificate-chain CH]` (no --key): the identity flags cosign
/// requires in keyless mode, then the key of the certificate once the library has checked it
/// (cosign::verify_supplied_certificate): its chain (to CH's last certificate, or without CH to a
/// Fulcio CA of the trust root), its SCT with the trust root's CT log keys (unless
/// --insecure-ignore-sct), its identity and GitHub workflow claims. The trust root is resolved
/// as verify resolves it (--trusted-root, SIGSTORE_*, TUF), only when one of those needs it, and
/// kept in `root` for the Rekor keys.
inline cosign::result<crypto::public_key> key_from_certificate(const args& a,
                                                              std::optional<cosign::trust::trust_root>& root,
                                                              std::string* cert_pem = nullptr) {
    cosign::keyless_policy policy;
    COSIGN_TRY(policy.identity, identity_flags(a));
    policy.github_workflow = github_workflow_flags(a);
    policy.ignore_sct = a.get_bool("insecure-ignore-sct");
    COSIGN_TRY(auto text, read_text_file(a.get("certificate")));
    COSIGN_TRY(auto cert, crypto::parse_certificate(text));
    std::optional<std::string> chain_text;
    if (!a.get("certificate-chain").empty()) {
        COSIGN_TRY(chain_text, read_text_file(a.get("certificate-chain")));
    }
    if (!chain_text || !policy.ignore_sct) {
        auto r = verify_trust_root(a);
        if (!r) return cosign::error(r.error()).context("getting trusted root");
        root = std::move(*r);
        policy.root = *root;
    }
    std::optional<std::string_view> chain;
    if (chain_text) chain = *chain_text;
    COSIGN_TRY_VOID(cosign::verify_supplied_certificate<crypto>(cert, chain, policy));
    if (cert_pem) *cert_pem = crypto::certificate_pem(cert);
    return crypto::certificate_public_key(cert);
}

/// `verify-blob --certificate`: the transparency-log check of the blob's signature when a
/// certificate signed it (the entry carries `cert_pem`: checked offline from the bundle's
/// `rekorBundle`, else looked up in Rekor), then the certificate's validity at the entry's
/// integratedTime, as cosign dates a certificate; with --insecure-ignore-tlog (`rekor_checked`
/// false), at the present time, as cosign does without a log.
inline cosign::result<void> check_blob_certificate(const args& a, const std::optional<cosign::tlog::rekor_bundle>& rekor,
                                                   bool rekor_checked, const std::string& signature_b64,
                                                   const std::string& blob_sha256_hex, const std::string& cert_pem,
                                                   const std::optional<cosign::trust::trust_root>& root) {
    std::int64_t t = cosign::tlog::unix_now();
    if (rekor_checked) {
        if (!rekor && a.get_bool("offline"))
            return cosign::fail(cosign::errc::verification_failed,
                                "the blob's signature comes with no Rekor bundle and --offline forbids looking it up: "
                                "pass --bundle with a \"rekorBundle\" (sign-blob --bundle), or --insecure-ignore-tlog");
        cosign::result<cosign::tlog::log_keys> rekor_keys = root ? rekor_keys_of(*root) : verify_rekor_keys(a);
        if (!rekor_keys) return std::move(rekor_keys).error();
        const cosign::tlog::signed_digest signed_{signature_b64, blob_sha256_hex, cert_pem};
        if (rekor) {
            auto ok = cosign::tlog::verify_bundle<crypto>(*rekor, signed_, *rekor_keys, cosign::tlog::unix_now());
            if (!ok) return cosign::error(ok.error()).context("error verifying bundle");
            t = rekor->integrated_time;
        } else {
            COSIGN_TRY(auto lookup, make_rekor_client(a));
            auto found = cosign::tlog::find_verified_entry<crypto>(lookup, signed_, *rekor_keys, cosign::tlog::unix_now());
            if (!found) return cosign::error(found.error()).context("searching the transparency log");
            t = found->integrated_time;
        }
    }
    COSIGN_TRY(auto cert, crypto::parse_certificate(cert_pem));
    COSIGN_TRY(auto info, crypto::describe_certificate(cert));
    return cosign::check_certificate_validity(info, t);
}

/// sign's work once the key, the flags and the composition are settled: signs each reference,
/// writes the --output-* files and prints what cosign prints.
template <class Signer>
int sign_all(Signer& s, const args& a, const std::vector<cosign::oci::reference>& refs,
             const typename Signer::key_signer& key, const cosign::sign_options& opts, const std::string& cert_pem,
             const std::string& prefix) {
    for (std::size_t i = 0; i < refs.size(); ++i) {
        if (!refs[i].has_digest()) warn_tag_reference(a.positional[i]);
        auto out = s.sign(refs[i], key, opts);
        if (!out) return report(prefix + "accessing entity: " + out.error().message());
        for (const auto& one : *out) {
            // cosign suffixes the files with the digest whenever -r is given.
            std::string suffix = opts.recursive ? "-" + std::string(one.digest.algorithm()) + "-" + std::string(one.digest.hex()) : "";
            if (!a.get("output-signature").empty()) {
                auto w = cosign::write_file_0600(a.get("output-signature") + suffix, one.signature_b64);
                if (!w) return report(prefix + w.error().message());
            }
            if (!a.get("output-payload").empty()) {
                auto w = cosign::write_file_0600(a.get("output-payload") + suffix, one.payload);
                if (!w) return report(prefix + w.error().message());
            }
            if (!a.get("output-certificate").empty()) {
                // The certificate, or the public key when there is none (cosign's sv.Bytes), no suffix.
                auto w = cosign::write_file_0600(a.get("output-certificate"), cert_pem.empty() ? key.public_key_pem() : cert_pem);
                if (!w) return report(prefix + "create certificate file: " + w.error().message());
                std::cerr << "Certificate wrote in the file " << a.get("output-certificate") << "\n";
            }
            if (one.tlog_entry) std::cerr << "tlog entry created with index: " << one.tlog_entry->log_index << "\n";
            if (opts.upload) std::cerr << "Pushing signature to: " << one.repository << "\n";
        }
    }
    return exit_code::ok;
}

/// sign's flags: cosign's, with cosign's descriptions and what this build does differently.
inline std::vector<flag> sign_flags() {
    return std::vector<flag>{
        {"key", 0, kind::string, "", "path to the private key file, KMS URI or Kubernetes Secret (this build: a key file, env://VAR, pkcs11: or a KMS URI; without it, keyless: a certificate from Fulcio)"},
        {"annotations", 'a', kind::slice, "", "extra key=value pairs to sign"},
        {"yes", 'y', kind::boolean, "", "skip confirmation prompts for non-destructive operations"},
        {"force", 'f', kind::boolean, "", "skip confirmation prompts (a cosign-cpp addition: cosign 1.x's -f, which cosign's signing page still shows)"},
        {"tlog-upload", 0, kind::boolean, "true", "whether or not to upload to the tlog"},
        rekor_url_flag(),
        {"upload", 0, kind::boolean, "true", "whether to upload the signature"},
        {"payload", 0, kind::string, "", "path to a payload file to use rather than generating one"},
        {"output-signature", 0, kind::string, "", "write the signature to FILE"},
        {"output-payload", 0, kind::string, "", "write the signed payload to FILE"},
        {"output-certificate", 0, kind::string, "", "write the certificate to FILE"},
        {"certificate", 0, kind::string, "", "path to the X.509 certificate in PEM format to include in the OCI Signature"},
        {"certificate-chain", 0, kind::string, "", "path to a list of CA X.509 certificates in PEM format which will be needed when building the certificate chain for the signing certificate. Must start with the parent intermediate CA certificate of the signing certificate and end with the root certificate. Included in the OCI Signature"},
        {"recursive", 'r', kind::boolean, "", "if a multi-arch image is specified, additionally sign each discrete image"},
        {"record-creation-timestamp", 0, kind::boolean, "", "set the createdAt timestamp in the signature artifact to the time it was created; by default, cosign sets this to the zero value (not supported in this build: true is refused)", true},
        {"new-bundle-format", 0, kind::boolean, "false", "sign in the Sigstore bundle format (a cosign 3 flag; not supported in this build: true is refused)", true},
        {"use-signing-config", 0, kind::boolean, "false", "whether to use a TUF-provided signing config for the service URLs (a cosign 3 flag; this build takes the Rekor URL from --rekor-url, so it has no effect)"},
    } + keyless_flags() + registry_flags() + oidc_flags();
}

inline int cmd_sign(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = sign_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.empty()) return report("sign requires at least one image reference");
    const bool keyless = a.get("key").empty();
    if (a.get_bool("new-bundle-format")) return report("--new-bundle-format=true is not supported in this build");
    if (a.get_bool("record-creation-timestamp")) return report("--record-creation-timestamp is not supported in this build");
    const std::string prefix = "signing " + join_args(a.positional) + ": ";

    cosign::sign_options opts;
    auto ann = parse_annotation_flags(a.get_all("annotations"));
    if (!ann) return report(ann.error().message());
    opts.annotations = *ann;
    opts.upload = a.get_bool("upload");
    opts.recursive = a.get_bool("recursive");
    opts.tag_prefix = a.get("attachment-tag-prefix");
    if (const char* dm = std::getenv("COSIGN_DOCKER_MEDIA_TYPES")) {
        bool b = false;
        opts.docker_media_types = parse_bool_text(dm, b) && b;
    }
    auto repo = signature_repository();
    if (!repo) return report(repo.error().message());
    opts.signature_repository = *repo;
    if (!a.get("payload").empty()) {
        std::cerr << "Using payload from: " << a.get("payload") << "\n";
        auto p = cosign::read_file<cosign::bytes>(a.get("payload"), COSIGN_MAX_PAYLOAD_SIZE);
        if (!p) return report(prefix + "payload from file: " + p.error().message());
        opts.payload = cosign::byte_view(*p).to_string();
    }
    std::vector<cosign::oci::reference> refs;
    std::vector<std::string> hosts;
    for (const auto& s : a.positional) {
        auto r = cosign::oci::reference::parse(s);
        if (!r) return report(prefix + r.error().message());
        hosts.push_back(r->registry);
        refs.push_back(*r);
    }
    if (opts.signature_repository) hosts.push_back(opts.signature_repository->registry);

    // The key first: a wrong password fails before any request, as in cosign.
    std::optional<cosign::any_signer> key;
    std::string cert_pem;
    if (!keyless) {
        auto k = signer::load_key(a.get("key"), [] { return read_password(false); });
        if (!k) return report(prefix + "getting signer: reading key: " + k.error().message());
        key.emplace(std::move(*k));
        // Certificate and chain next, still before any request: bad input writes nothing.
        auto cert_ann = signing_certificate(a, key->public_key_pem(), cert_pem);
        if (!cert_ann) return report(prefix + "getting signer: " + cert_ann.error().message());
        opts.layer_annotations = *cert_ann;
    }
    // Keyless (or --issue-certificate): Fulcio certifies the key before any Rekor or registry
    // request, so a refused token writes nothing; the signer then carries the certificate, which
    // basic_signer stores in the certificate and chain annotations and logs to Rekor.
    bool statement_shown = false;  // before a browser login, identity_token shows it already
    if (keyless || a.get_bool("issue-certificate")) {
        auto s = keyless_signer(a, std::move(key), &statement_shown);
        if (!s) return report(prefix + "getting signer: " + s.error().message());
        key.emplace(std::move(*s));
        cert_pem = key->certificate().certificate_pem;
    }

    const bool tlog = a.get_bool("tlog-upload");
    cosign::tlog::log_keys rekor_keys;
    std::optional<rekor_client> rekor;
    if (tlog) {
        // cosign's statement, once, before the first upload; without -y the user must agree.
        if (!statement_shown) {
            std::cerr << privacy_statement();
            if (!confirm_continue(a.get_bool("yes") || a.get_bool("force")))
                return report(prefix + "signing digest: should upload to tlog: user declined the prompt");
        }
        auto k = sign_rekor_keys();
        if (!k) return report(prefix + "getting rekor public keys: " + k.error().message());
        rekor_keys = std::move(*k);
        auto r = make_rekor_client(a);
        if (!r) return report(prefix + r.error().message());
        rekor.emplace(std::move(*r));
    }
    auto c = make_client(a, hosts);
    if (!c) return report(prefix + c.error().message());
    if (tlog) {
        logged_signer s(*c, cosign::tlog::rekor_upload_step<crypto, sigstore_transport>(std::move(*rekor), rekor_keys));
        return sign_all(s, a, refs, *key, opts, cert_pem, prefix);
    }
    signer s(*c);
    return sign_all(s, a, refs, *key, opts, cert_pem, prefix);
}

/// verify's work once the key, the trust and the composition are settled: verifies each
/// reference and prints what cosign prints.
/// (key nullptr: keyless, with `keyless`.)
template <class Verifier>
int verify_all(Verifier& v, const std::vector<cosign::oci::reference>& refs, const crypto::public_key* key,
               const cosign::keyless_policy* keyless, const cosign::verify_options& opts, const std::string& fmt) {
    for (const auto& ref : refs) {
        auto out = key ? v.verify(ref, *key, opts) : v.verify_keyless(ref, *keyless, opts);
        if (!out) return report(out.error().message(), exit_code_for(out.error().code()));
        std::cerr << "\nVerification for " << ref.str() << " --\n"
                  << "The following checks were performed on each of these signatures:\n";
        if (opts.check_claims && !opts.annotations.empty()) std::cerr << "  - The specified annotations were verified.\n";
        if (opts.check_claims) std::cerr << "  - The cosign claims were validated\n";
        // cosign 2.5 prints this line for an entry found in Rekor too (its lookup yields a bundle
        // that it then verifies as it verifies a stored one), so it follows the check, not where
        // the entry came from (verified_signature::tlog_offline tells that).
        if (opts.tlog_keys) std::cerr << "  - Existence of the claims in the transparency log was verified offline\n";
        if (key) std::cerr << "  - The signatures were verified against the specified public key\n";
        else std::cerr << "  - The code-signing certificate was verified using trusted certificate authority certificates\n";
        if (fmt == "text") {
            for (const auto& sig : out->signatures) {
                if (sig.certificate) {
                    auto claims = printed_claims(sig);
                    std::cerr << "Certificate subject: " << claims["Subject"] << "\n";
                    if (!claims["Issuer"].empty()) std::cerr << "Certificate issuer URL: " << claims["Issuer"] << "\n";
                }
                std::cout << sig.payload << "\n";
            }
        } else {
            std::string arr = "[";
            for (std::size_t i = 0; i < out->signatures.size(); ++i)
                arr += (i ? "," : "") + reencode_payload(out->signatures[i].payload, printed_claims(out->signatures[i]),
                                                         printed_bundle(out->signatures[i]), printed_timestamp(out->signatures[i]));
            std::cout << "\n" << arr << "]\n";
        }
    }
    std::cout << std::flush;
    return exit_code::ok;
}

/// The flags of verify and verify-blob for a certificate: --certificate, --certificate-chain, the
/// identity and GitHub workflow flags and --insecure-ignore-sct, with cosign's descriptions.
inline std::vector<flag> certificate_verify_flags() {
    return std::vector<flag>{
        {"certificate", 0, kind::string, "", "path to the public certificate. The certificate will be verified against the Fulcio roots if the --certificate-chain option is not passed."},
        {"certificate-chain", 0, kind::string, "", "path to a list of CA certificates in PEM format which will be needed when building the certificate chain for the signing certificate. Must start with the parent intermediate CA certificate of the signing certificate and end with the root certificate. Conflicts with --ca-roots and --ca-intermediates."},
        {"certificate-identity", 0, kind::string, "", "The identity expected in a valid Fulcio certificate. Valid values include email address, DNS names, IP addresses, and URIs. Either --certificate-identity or --certificate-identity-regexp must be set for keyless flows."},
        {"certificate-identity-regexp", 0, kind::string, "", "A regular expression alternative to --certificate-identity. Accepts the Go regular expression syntax described at https://golang.org/s/re2syntax. Either --certificate-identity or --certificate-identity-regexp must be set for keyless flows."},
        {"certificate-oidc-issuer", 0, kind::string, "", "The OIDC issuer expected in a valid Fulcio certificate, e.g. https://token.actions.githubusercontent.com or https://oauth2.sigstore.dev/auth. Either --certificate-oidc-issuer or --certificate-oidc-issuer-regexp must be set for keyless flows."},
        {"certificate-oidc-issuer-regexp", 0, kind::string, "", "A regular expression alternative to --certificate-oidc-issuer. Accepts the Go regular expression syntax described at https://golang.org/s/re2syntax. Either --certificate-oidc-issuer or --certificate-oidc-issuer-regexp must be set for keyless flows."},
        {"certificate-github-workflow-trigger", 0, kind::string, "", "contains the event_name claim from the GitHub OIDC Identity token that contains the name of the event that triggered the workflow run"},
        {"certificate-github-workflow-sha", 0, kind::string, "", "contains the sha claim from the GitHub OIDC Identity token that contains the commit SHA that the workflow run was based upon."},
        {"certificate-github-workflow-name", 0, kind::string, "", "contains the workflow claim from the GitHub OIDC Identity token that contains the name of the executed workflow."},
        {"certificate-github-workflow-repository", 0, kind::string, "", "contains the repository claim from the GitHub OIDC Identity token that contains the repository that the workflow run was based upon"},
        {"certificate-github-workflow-ref", 0, kind::string, "", "contains the ref claim from the GitHub OIDC Identity token that contains the git ref that the workflow run was based upon."},
        {"insecure-ignore-sct", 0, kind::boolean, "", "when set, verification will not check that a certificate contains an embedded SCT, a proof of inclusion in a certificate transparency log (checked against the trust root's CT log keys)"},
    };
}

/// verify's flags: cosign's, with cosign's descriptions and what this build does differently.
inline std::vector<flag> verify_flags() {
    return std::vector<flag>{
        {"key", 0, kind::string, "", "path to the public key file, KMS URI or Kubernetes Secret (this build: a key file, env://VAR, pkcs11:, awskms:// or gcpkms://)"},
        {"annotations", 'a', kind::slice, "", "extra key=value pairs to verify"},
        {"check-claims", 0, kind::boolean, "true", "whether to check the claims found"},
        {"insecure-ignore-tlog", 0, kind::boolean, "", "ignore transparency log verification, to be used when an artifact signature has not been uploaded to the transparency log. Artifacts cannot be publicly verified when not included in a log"},
        {"output", 'o', kind::string, "json", "output format for the signing image information (json|text)"},
        {"new-bundle-format", 0, kind::boolean, "false", "expect the signature/attestation to be packaged in a Sigstore bundle (this build reads the .sig image, where cosign 3 also looks when it finds no bundle)"},
        {"offline", 0, kind::boolean, "", "only allow offline verification"},
        rekor_url_flag(),
        {"trusted-root", 0, kind::string, "", "Path to a Sigstore TrustedRoot JSON file"},
        {"max-workers", 0, kind::number, "10", "the amount of maximum workers for parallel executions"},
    } + certificate_verify_flags() + registry_flags();
}

inline int cmd_verify(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = verify_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.empty()) return report("verify requires at least one image reference");
    // Neither --key nor --certificate: keyless, each layer's Fulcio certificate checked against
    // the trust root and the identity flags.
    const bool keyless_mode = a.get("key").empty() && a.get("certificate").empty();
    std::optional<cosign::keyless_policy> keyless;
    if (keyless_mode) {
        auto id = identity_flags(a);
        if (!id) return report(id.error().message());
        keyless.emplace();
        keyless->identity = std::move(*id);
        keyless->github_workflow = github_workflow_flags(a);
        keyless->ignore_sct = a.get_bool("insecure-ignore-sct");
    }
    const bool ignore_tlog = a.get_bool("insecure-ignore-tlog");
    std::string fmt = a.get("output");
    if (fmt != "json" && fmt != "text") return report("unsupported output format \"" + fmt + "\" (json or text)");
    if (ignore_tlog) std::cerr << ignore_tlog_warning();

    cosign::verify_options opts;
    auto ann = parse_annotation_flags(a.get_all("annotations"));
    if (!ann) return report(ann.error().message());
    opts.annotations = *ann;
    opts.check_claims = a.get_bool("check-claims");
    {
        const std::string w = a.get("max-workers");
        char* end = nullptr;
        unsigned long n = std::strtoul(w.c_str(), &end, 10);
        if (w.empty() || *end || n == 0 || n > 1024)
            return report("invalid argument \"" + w + "\" for \"--max-workers\": a whole number from 1 to 1024");
        opts.max_workers = static_cast<unsigned>(n);
    }
    opts.tag_prefix = a.get("attachment-tag-prefix");
    auto repo = signature_repository();
    if (!repo) return report(repo.error().message());
    opts.signature_repository = *repo;

    // --key wins over --certificate, as in cosign.
    std::optional<cosign::trust::trust_root> certificate_root;  // resolved for --certificate, reused for Rekor
    cosign::result<crypto::public_key> key = cosign::fail(cosign::errc::internal, "no key");
    if (!a.get("key").empty()) {
        key = verification_key(a.get("key"));
        if (!key) return report("loading public key: " + key.error().message());
    } else if (!keyless_mode) {
        key = key_from_certificate(a, certificate_root);
        if (!key) return report(key.error().message());
    }

    std::vector<cosign::oci::reference> refs;
    std::vector<std::string> hosts;
    for (const auto& s : a.positional) {
        auto r = cosign::oci::reference::parse(s);
        if (!r) return report(r.error().message());
        hosts.push_back(r->registry);
        refs.push_back(*r);
    }
    if (opts.signature_repository) hosts.push_back(opts.signature_repository->registry);
    if (keyless) {
        // One trust root for both: the Fulcio CAs and CT logs, and the Rekor keys.
        auto root = verify_trust_root(a);
        if (!root) return report("getting trusted root: " + root.error().message());
        keyless->root = std::move(*root);
        if (!ignore_tlog) {
            auto k = rekor_keys_of(keyless->root);
            if (!k) return report(k.error().message());
            opts.tlog_keys = std::move(*k);
            opts.offline = a.get_bool("offline");
        }
    } else if (!ignore_tlog && certificate_root) {
        auto k = rekor_keys_of(*certificate_root);
        if (!k) return report(k.error().message());
        opts.tlog_keys = std::move(*k);
        opts.offline = a.get_bool("offline");
    } else if (!ignore_tlog) {
        auto k = verify_rekor_keys(a);
        if (!k) return report(k.error().message());
        opts.tlog_keys = std::move(*k);
        opts.offline = a.get_bool("offline");
    }
    const crypto::public_key* key_ptr = keyless ? nullptr : &*key;
    const cosign::keyless_policy* keyless_ptr = keyless ? &*keyless : nullptr;
    auto c = make_client(a, hosts);
    if (!c) return report(c.error().message());
    if (opts.tlog_keys && !opts.offline) {
        auto r = make_rekor_client(a);
        if (!r) return report(r.error().message());
        online_verifier v(*c, cosign::tlog::rekor_lookup<crypto, sigstore_transport>(std::move(*r)));
        return verify_all(v, refs, key_ptr, keyless_ptr, opts, fmt);
    }
    verifier v(*c);
    return verify_all(v, refs, key_ptr, keyless_ptr, opts, fmt);
}

/// The digest a reference names: its own, or that of the manifest bytes its tag names (one GET,
/// as verify resolves it).
inline cosign::result<cosign::oci::digest> digest_of(const args& a, const cosign::oci::reference& ref) {
    if (ref.has_digest()) return *ref.digest;
    COSIGN_TRY(auto c, make_client(a, {ref.registry}));
    return verifier(c).image_digest(ref);
}

/// generate's flags: cosign's, with cosign's descriptions.
inline std::vector<flag> generate_flags() {
    return std::vector<flag>{
        {"annotations", 'a', kind::slice, "", "extra key=value pairs to sign"},
    } + registry_flags();
}

inline int cmd_generate(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = generate_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("generate requires exactly one image reference");
    auto ann = parse_annotation_flags(a.get_all("annotations"));
    if (!ann) return report(ann.error().message());
    auto ref = cosign::oci::reference::parse(a.positional[0]);
    if (!ref) return report(ref.error().message());
    auto d = digest_of(a, *ref);
    if (!d) return report(d.error().message());
    std::cout << signer::payload_for(*ref, *d, *ann) << std::flush;
    return exit_code::ok;
}

/// triangulate's flags: cosign's, with cosign's descriptions.
inline std::vector<flag> triangulate_flags() {
    return std::vector<flag>{
        {"type", 0, kind::string, "signature", "related attachment to triangulate (attestation|sbom|signature|digest), default signature (sbom is deprecated)"},
    } + registry_flags();
}

inline int cmd_triangulate(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = triangulate_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("triangulate requires exactly one image reference");
    std::string type = a.get("type");
    std::string suffix;
    if (type == "signature") suffix = std::string(cosign::oci::tag_suffix::signature);
    else if (type == "attestation") suffix = std::string(cosign::oci::tag_suffix::attestation);
    else if (type == "sbom") suffix = std::string(cosign::oci::tag_suffix::sbom);
    else if (type != "digest") return report("unknown attachment type " + type);
    if (type == "sbom")
        std::cerr << "WARNING: SBOM attachments are deprecated and support will be removed in a Cosign release soon "
                     "after 2024-02-22 (see https://github.com/sigstore/cosign/issues/2755). Instead, please use SBOM "
                     "attestations.\n";
    auto ref = cosign::oci::reference::parse(a.positional[0]);
    if (!ref) return report(ref.error().message());
    auto repo = signature_repository();
    if (!repo) return report(repo.error().message());
    auto d = digest_of(a, *ref);
    if (!d) return report(d.error().message());
    cosign::oci::repository_name target = repo->value_or(ref->repo());
    if (type == "digest") std::cout << target.str() << "@" << d->str() << "\n";
    else std::cout << target.str() << ":" << cosign::oci::signature_tag(*d, suffix, a.get("attachment-tag-prefix")) << "\n";
    return exit_code::ok;
}

}  // namespace cli
