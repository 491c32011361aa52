// SPDX-License-Identifier: Apache-2.0
/// identity_policy: the identity a signing certificate must carry (subject and OIDC issuer,
/// exact or by regular expression), checked as cosign's CheckCertificatePolicy does. Pure: it
/// reads a certificate_info, so it needs no crypto backend.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "../core/result.hpp"
#include "../crypto/x509.hpp"

namespace cosign {
inline namespace v0 {

/// One expected identity (cosign's Identity: `--certificate-identity[-regexp]` and
/// `--certificate-oidc-issuer[-regexp]`). A regular expression wins over its exact string and
/// matches anywhere (unanchored, as Go's regexp.MatchString). An empty subject (both fields)
/// accepts any subject, an empty issuer any issuer.
///
///     cosign::identity_policy id{"dev@example.com", "", "https://accounts.example.com", ""};
///     auto ok = id.check(info);   // errc::verification_failed naming what the certificate holds
struct identity_policy {
    std::string subject;         ///< a subject alternative name, exactly
    std::string subject_regexp;  ///< or a regular expression (ECMAScript) one SAN must match
    std::string issuer;          ///< the Fulcio OIDC issuer extension, exactly
    std::string issuer_regexp;   ///< or a regular expression it must match

    /// True when a subject (exact or regexp) is required.
    bool has_subject() const noexcept { return !subject.empty() || !subject_regexp.empty(); }
    /// True when an issuer (exact or regexp) is required.
    bool has_issuer() const noexcept { return !issuer.empty() || !issuer_regexp.empty(); }

    /// Checks a certificate's SANs and OIDC issuer extension. A malformed regular expression is
    /// errc::invalid_argument (with exceptions enabled; std::regex cannot report it otherwise);
    /// a certificate that does not match is errc::verification_failed listing its subjects and issuer.
    result<void> check(const certificate_info& info) const {
        const std::string oidc_issuer = info.extension(fulcio_oidc_issuer_oid);
        const auto sans = info.subject_alternative_names();
        std::string err;
        bool issuer_ok = true;
        if (!issuer_regexp.empty()) {
            issuer_ok = search(issuer_regexp, oidc_issuer, err);
            if (!err.empty())
                return fail(errc::invalid_argument, "malformed issuer in identity: " + issuer_regexp + " : " + err);
        } else if (!issuer.empty()) {
            issuer_ok = issuer == oidc_issuer;
        }
        bool subject_ok = !has_subject();
        for (const auto& san : sans) {
            if (!subject_regexp.empty()) {
                if (search(subject_regexp, san, err)) subject_ok = true;
                if (!err.empty())
                    return fail(errc::invalid_argument, "malformed subject in identity: " + subject_regexp + " : " + err);
            } else if (!subject.empty() && san == subject) {
                subject_ok = true;
            }
        }
        if (subject_ok && issuer_ok) return {};
        std::string list;
        for (std::size_t i = 0; i < sans.size(); ++i) list += (i ? ", " : "") + sans[i];
        return fail(errc::verification_failed, "none of the expected identities matched what was in the certificate, got subjects [" +
                                                   list + "] with issuer " + oidc_issuer);
    }

private:
    static bool search(const std::string& re, const std::string& s, std::string& err) {
#if defined(__cpp_exceptions)
        try {
            return std::regex_search(s, std::regex(re, std::regex::ECMAScript));
        } catch (const std::regex_error& e) {
            err = e.what();
            return false;
        }
#else
        (void)err;
        return std::regex_search(s, std::regex(re, std::regex::ECMAScript));
#endif
    }
};

}  // namespace v0
}  // namespace cosign
