// SPDX-License-Identifier: Apache-2.0
/// The CLI's transparency-log plumbing (issue 11): the --rekor-url and --trusted-root flags, the
/// signer and verifier compositions with Rekor, the trust root verify resolves (--trusted-root,
/// SIGSTORE_*, then the TUF cache `initialize` wrote), cosign's privacy statement, and the
/// guard that makes tests fail loudly instead of reaching a public Sigstore service.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cosign/tlog/log_step.hpp>
#include <cosign/tlog/rekor_client.hpp>
#include <cosign/trust/default_trust_root.hpp>

#include "cli.hpp"
#include "compose.hpp"
#include "registry_flags.hpp"

namespace cli {

/// True when COSIGN_CPP_FORBID_PUBLIC_SIGSTORE is set to a true value (the integration tests'
/// lib.sh sets it): then no request may go to a *.sigstore.dev host.
inline bool public_sigstore_forbidden() {
    const char* v = std::getenv("COSIGN_CPP_FORBID_PUBLIC_SIGSTORE");
    bool b = false;
    return v && parse_bool_text(v, b) && b;
}

/// The host of an absolute URL, lower-cased, without port.
inline std::string url_host(std::string_view url) {
    auto p = url.find("://");
    std::string_view rest = p == std::string_view::npos ? url : url.substr(p + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    if (!rest.empty() && rest.front() == '[') rest = rest.substr(0, rest.find(']') + 1);
    else rest = rest.substr(0, rest.find(':'));
    std::string out;
    for (char c : rest) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

/// True for sigstore.dev and its subdomains (rekor.sigstore.dev, tuf-repo-cdn.sigstore.dev, ...).
inline bool is_public_sigstore_host(const std::string& host) {
    const std::string suffix = "sigstore.dev";
    return host == suffix ||
           (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            host[host.size() - suffix.size() - 1] == '.');
}

/// The transport for Sigstore services (Rekor, Fulcio, TUF): the CLI's transport, with the command's
/// -t/--timeout deadline on every request, that refuses *.sigstore.dev under
/// COSIGN_CPP_FORBID_PUBLIC_SIGSTORE=1 with an error naming the URL and the flags to use.
struct sigstore_transport {
    transport inner;
    cosign::deadline deadline;

    cosign::result<cosign::transport::response> send(const cosign::transport::request& req) {
        if (public_sigstore_forbidden() && is_public_sigstore_host(url_host(req.url)))
            return cosign::fail(cosign::errc::network,
                                "COSIGN_CPP_FORBID_PUBLIC_SIGSTORE is set: refusing to contact the public Sigstore "
                                "service at " + req.url.substr(0, req.url.find('?')) +
                                    " (point the command at local services: --rekor-url, --fulcio-url, --trusted-root, "
                                    "SIGSTORE_REKOR_PUBLIC_KEY, `initialize --mirror`; or pass --tlog-upload=false / "
                                    "--insecure-ignore-tlog)");
        if (!deadline.is_set() || req.deadline.is_set()) return inner.send(req);
        cosign::transport::request r = req;
        r.deadline = deadline;
        return inner.send(r);
    }
};

using rekor_client = cosign::tlog::basic_rekor_client<sigstore_transport>;
/// `sign` with --tlog-upload (the default): every signature is logged before the registry write.
using logged_signer = cosign::basic_signer<crypto, transport, keys, cosign::tlog::rekor_upload_step<crypto, sigstore_transport>>;
/// `verify` without --offline: layers without a bundle are looked up in Rekor.
using online_verifier = cosign::basic_verifier<crypto, transport, cosign::tlog::rekor_lookup<crypto, sigstore_transport>>;

/// --rekor-url, as cosign's sign and verify take it.
inline flag rekor_url_flag() {
    return {"rekor-url", 0, kind::string, cosign::tlog::default_rekor_url, "address of rekor STL server"};
}

/// A transport for Sigstore services with the command's deadline.
inline cosign::result<sigstore_transport> make_sigstore_transport(const args& a) {
    COSIGN_TRY(auto timeout, command_timeout(a));
    return sigstore_transport{transport(cosign::transport::options{}), cosign::deadline::after(timeout, "-t/--timeout")};
}

/// The Rekor client --rekor-url names.
inline cosign::result<rekor_client> make_rekor_client(const args& a) {
    std::string url = a.get("rekor-url");
    if (url.empty()) url = cosign::tlog::default_rekor_url;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return cosign::fail(cosign::errc::invalid_argument, "--rekor-url " + url + ": expected an http(s) URL");
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    cosign::tlog::rekor_options o;
    o.url = url;
    return rekor_client(std::move(t), o);
}

/// The Rekor keys sign checks Rekor's answers with: SIGSTORE_REKOR_PUBLIC_KEY when set (cosign 2's
/// variable); otherwise none (the body is still checked against the signature).
inline cosign::result<cosign::tlog::log_keys> sign_rekor_keys() {
    const char* path = std::getenv("SIGSTORE_REKOR_PUBLIC_KEY");
    if (!path || !*path) return cosign::tlog::log_keys{};
    COSIGN_TRY(auto root, cosign::trust::trust_root_from_env());
    if (!root) return cosign::tlog::log_keys{};
    return cosign::tlog::log_keys_from(*root);
}

/// The Rekor keys of a trust root; an error when it names none.
inline cosign::result<cosign::tlog::log_keys> rekor_keys_of(const cosign::trust::trust_root& root) {
    auto rekor_keys = cosign::tlog::log_keys_from(root);
    if (rekor_keys.empty())
        return cosign::fail(cosign::errc::invalid_argument,
                            "getting rekor public keys: the trust root names no transparency log (Rekor) key");
    return rekor_keys;
}

/// The Rekor keys verify trusts, in cosign's order: --trusted-root FILE, else the SIGSTORE_*
/// variables, else the TUF repository `initialize` recorded (its cache, refreshed when older
/// than a day; the public-good repository when none was initialized).
inline cosign::result<cosign::tlog::log_keys> verify_rekor_keys(const args& a) {
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    auto root = cosign::trust::resolve_trust_root<crypto>(a.get("trusted-root"), std::move(t));
    if (!root) return cosign::error(root.error()).context("getting rekor public keys");
    return rekor_keys_of(*root);
}

/// The trust root verify resolves, in cosign's order (as verify_rekor_keys): keyless needs its
/// Fulcio CAs and CT log keys too.
inline cosign::result<cosign::trust::trust_root> verify_trust_root(const args& a) {
    COSIGN_TRY(auto t, make_sigstore_transport(a));
    return cosign::trust::resolve_trust_root<crypto>(a.get("trusted-root"), std::move(t));
}

/// What cosign prints before the first upload to the transparency log (once per command).
inline const char* privacy_statement() {
    return "\n\tThe sigstore service, hosted by sigstore a Series of LF Projects, LLC, is provided pursuant to the "
           "Hosted Project Tools Terms of Use, available at "
           "https://lfprojects.org/policies/hosted-project-tools-terms-of-use/.\n"
           "\tNote that if your submission includes personal data associated with this signed artifact, it will be "
           "part of an immutable record.\n"
           "\tThis may include the email address associated with the account with which you authenticate your "
           "contractual Agreement.\n"
           "\tThis information will be used for signing this artifact and will be stored in public transparency logs "
           "and cannot be removed later, and is subject to the Immutable Record notice at "
           "https://lfprojects.org/policies/hosted-project-tools-immutable-records/.\n"
           "\nBy typing 'y', you attest that (1) you are not submitting the personal data of any other person; and (2) "
           "you understand and agree to the statement and the Agreement terms at the URLs listed above.\n";
}

/// cosign's warning for `verify --insecure-ignore-tlog`.
inline const char* ignore_tlog_warning() {
    return "WARNING: Skipping tlog verification is an insecure practice that lacks transparency and auditability "
           "verification for the signature.\n";
}

}  // namespace cli
