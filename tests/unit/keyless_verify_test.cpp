// SPDX-License-Identifier: Apache-2.0
// Unit tests of keyless verification on real material: the .sig layers the real cosign 2.5 and
// 3.1 wrote signing keyless against the local Fulcio/CT/Rekor mock (tests/data/keyless/, captured
// from tests/integration/test_keyless_verify.sh's services), checked with the mbedTLS policy
// alone: the chain to the trust root's Fulcio CA, the embedded SCT, the identity, the certificate's
// validity at integratedTime, the GitHub workflow claims, and RE2 expressions carried to std::regex.
#include "catch.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/testing/fake_registry.hpp>
#include <cosign/trust/sigstore_env.hpp>
#include <cosign/trust/trusted_root_json.hpp>

using namespace cosign;
using crypto_t = crypto::mbedtls;

namespace {
std::string data(const std::string& name) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/keyless/" + name, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

// One signature layer as cosign wrote it.
struct layer {
    std::map<std::string, std::string> annotations;
    std::string cert() const { return annotations.at("dev.sigstore.cosign/certificate"); }
    std::string chain() const {
        auto it = annotations.find("dev.sigstore.cosign/chain");
        return it == annotations.end() ? std::string() : it->second;
    }
    std::int64_t integrated_time() const {
        auto b = tlog::parse_annotation(annotations.at("dev.sigstore.cosign/bundle"));
        REQUIRE(b);
        return b->integrated_time;
    }
};

layer sig_layer(const std::string& who) {
    auto m = oci::parse_manifest(data(who + "-sig-manifest.json"));
    REQUIRE(m);
    REQUIRE(m->layers.size() == 1);
    return layer{m->layers[0].annotations};
}

trust::trust_root mock_root() {
    auto r = trust::parse_trusted_root(data("trusted_root.json"));
    REQUIRE(r);
    return *r;
}

crypto_t::certificate fulcio_root_cert() {
    auto c = crypto_t::parse_certificate(data("fulcio_root.pem"));
    REQUIRE(c);
    return *c;
}

keyless_policy alice(const trust::trust_root& root) {
    keyless_policy p;
    p.root = root;
    p.identity = identity_policy{"alice@example.com", "", trimmed(data("issuer")), ""};
    return p;
}

// The leaf's DER with one byte of its (first) SCT's signature changed.
bytes with_forged_sct(const bytes& der) {
    auto scts = embedded_scts(der);
    REQUIRE(scts);
    REQUIRE(scts->size() == 1);
    const bytes& sig = scts->front().signature;
    auto at = std::search(der.begin(), der.end(), sig.begin(), sig.end());
    REQUIRE(at != der.end());
    bytes out = der;
    out[static_cast<std::size_t>(at - der.begin()) + sig.size() - 1] ^= 0x01;
    return out;
}
}  // namespace

TEST_CASE("keyless: the certificates cosign 2.5 and 3.1 got from Fulcio verify at integratedTime",
          "[keyless]") {
    const auto root = mock_root();
    for (const char* who : {"c2", "c3"}) {
        INFO(who);
        const layer l = sig_layer(who);
        auto leaf = crypto_t::parse_certificate(l.cert());
        REQUIRE(leaf);
        auto info = verify_keyless_certificate<crypto_t>(*leaf, l.chain(), alice(root), l.integrated_time());
        REQUIRE(info);
        CHECK(info->emails == std::vector<std::string>{"alice@example.com"});
        CHECK(info->oidc_issuer() == trimmed(data("issuer")));
        // cosign 3 writes an empty chain annotation: the trust root's CA is enough.
        if (std::string(who) == "c3") CHECK(trimmed(l.chain()).empty());
    }
}

TEST_CASE(
    "keyless: the embedded SCT verifies with the trust root's CT log key; a forged or missing one fails",
    "[keyless][sct]") {
    const auto root = mock_root();
    const layer l = sig_layer("c2");
    auto leaf = crypto_t::parse_certificate(l.cert());
    REQUIRE(leaf);
    const auto issuer = fulcio_root_cert();
    REQUIRE(verify_embedded_sct<crypto_t>(*leaf, issuer, root));

    SECTION("a forged SCT signature") {
        auto forged = crypto_t::parse_certificate(
            byte_view(with_forged_sct(crypto_t::certificate_der(*leaf))).as_chars());
        REQUIRE(forged);
        auto r = verify_embedded_sct<crypto_t>(*forged, issuer, root);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK_THAT(r.error().message(), Catch::Contains("SCT: the embedded SCT's signature does not verify"));
        // Through the whole keyless check the chain fails first: the CA's signature covers the
        // SCT list, so a forged SCT is also a certificate the CA never signed.
        auto p = alice(root);
        auto all = verify_keyless_certificate<crypto_t>(*forged, l.chain(), p, l.integrated_time());
        REQUIRE_FALSE(all);
        CHECK_THAT(all.error().message(), Catch::StartsWith("certificate chain: "));
    }
    SECTION("no SCT: the leaf rebuilt without the SCT extension") {
        const bytes der = crypto_t::certificate_der(*leaf);
        auto parts = detail::x509::split_certificate(der);
        REQUIRE(parts);
        auto tbs = detail::sct::precertificate_tbs(parts->tbs);
        REQUIRE(tbs);
        CHECK(tbs->size() < parts->tbs.size());
        // The same certificate shape (tbs, algorithm, signature) around the precertificate TBS.
        const bytes leaf_der = crypto_t::certificate_der(*leaf);
        detail::der::tlv whole;
        REQUIRE(detail::der::read_single(leaf_der, detail::der::tag_sequence, whole));
        auto kids = detail::der::children(whole.content);
        REQUIRE(kids);
        REQUIRE(kids->size() == 3);
        bytes no_sct = detail::der::assemble(detail::der::tag_sequence,
                                             {byte_view(*tbs), (*kids)[1].whole, (*kids)[2].whole});
        auto cert = crypto_t::parse_certificate(byte_view(no_sct).as_chars());
        REQUIRE(cert);
        auto r = verify_embedded_sct<crypto_t>(*cert, issuer, root);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("SCT: the certificate has no embedded SCT"));
    }
    SECTION("a CT log the trust root does not have") {
        auto other = root;
        other.ctlogs.clear();
        auto r = verify_embedded_sct<crypto_t>(*leaf, issuer, other);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("SCT: no trusted CT log has log id"));
    }
    SECTION("the CT log key's window ends before the SCT") {
        auto other = root;
        REQUIRE_FALSE(other.ctlogs.empty());
        other.ctlogs[0].public_key.valid_for.end = trust::instant::from_unix(l.integrated_time() - 3600);
        auto r = verify_embedded_sct<crypto_t>(*leaf, issuer, other);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("was not trusted at the SCT's time"));
    }
}

TEST_CASE("keyless: each check fails by name", "[keyless]") {
    const auto root = mock_root();
    const layer l = sig_layer("c2");
    auto leaf = crypto_t::parse_certificate(l.cert());
    REQUIRE(leaf);
    const std::int64_t t = l.integrated_time();
    auto fails_with = [&](const keyless_policy& p, std::int64_t at, const std::string& prefix) {
        auto r = verify_keyless_certificate<crypto_t>(*leaf, l.chain(), p, at);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK_THAT(r.error().message(), Catch::StartsWith(prefix));
    };
    SECTION("wrong identity, wrong issuer") {
        auto p = alice(root);
        p.identity.subject = "bob@example.com";
        fails_with(p, t,
                   "none of the expected identities matched what was in the certificate, got subjects "
                   "[alice@example.com]");
        p = alice(root);
        p.identity.issuer = "http://127.0.0.1:1";
        fails_with(p, t, "none of the expected identities matched");
    }
    SECTION("regular expressions, RE2 style") {
        auto p = alice(root);
        p.identity = identity_policy{"", "(?i)^ALICE@example\\.COM$", "", "^http://127\\.0\\.0\\.1:[0-9]+$"};
        CHECK(verify_keyless_certificate<crypto_t>(*leaf, l.chain(), p, t));
        p.identity.subject_regexp = "^ALICE@example\\.COM$";  // without (?i): case matters
        fails_with(p, t, "none of the expected identities matched");
        p.identity.subject_regexp = "@example\\.org";
        fails_with(p, t, "none of the expected identities matched");
    }
    SECTION("expired, or not yet valid, at integratedTime") {
        auto info = crypto_t::describe_certificate(*leaf);
        REQUIRE(info);
        fails_with(alice(root), info->not_after + 1,
                   "certificate validity: the certificate was not valid when the signature was logged");
        fails_with(alice(root), info->not_before - 1, "certificate validity: ");
        CHECK(verify_keyless_certificate<crypto_t>(*leaf, l.chain(), alice(root), info->not_after));
    }
    SECTION("a trust root whose Fulcio CA is another") {
        auto other = root;
        auto ca = crypto_t::parse_certificate(data("other_ca.pem"));
        REQUIRE(ca);
        REQUIRE_FALSE(other.certificate_authorities.empty());
        other.certificate_authorities[0].cert_chain = {crypto_t::certificate_der(*ca)};
        fails_with(alice(other), t,
                   "certificate chain: the certificate does not chain to a Fulcio certificate authority");
        // The chain annotation's root is not trusted just because the layer carries it.
        auto r = verify_keyless_certificate<crypto_t>(
            *leaf, data("fulcio_root.pem") + data("fulcio_root.pem"), alice(other), t);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::StartsWith("certificate chain: "));
        other.certificate_authorities.clear();
        fails_with(alice(other), t, "certificate chain: the trust root has no Fulcio certificate authority");
    }
    SECTION("the Fulcio CA's window in the trust root ends before integratedTime") {
        auto other = root;
        other.certificate_authorities[0].valid_for.end = trust::instant::from_unix(t - 1);
        fails_with(alice(other), t,
                   "certificate chain: no Fulcio certificate authority of the trust root was valid at");
    }
    SECTION("identity and issuer are both required") {
        auto p = alice(root);
        p.identity.subject.clear();
        auto r = verify_keyless_certificate<crypto_t>(*leaf, l.chain(), p, t);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_argument);
    }
    SECTION("GitHub workflow claims: the mock's certificate has none") {
        auto p = alice(root);
        p.github_workflow.repository = "org/repo";
        fails_with(p, t, "expected GitHub Workflow Repository not found in certificate");
    }
}

TEST_CASE("keyless: GitHub workflow claims compare the raw extensions", "[keyless]") {
    certificate_info info;
    info.extensions[fulcio_github_workflow_trigger_oid] = "push";
    info.extensions[fulcio_github_workflow_sha_oid] = "0123abc";
    info.extensions[fulcio_github_workflow_name_oid] = "release";
    info.extensions[fulcio_github_workflow_repository_oid] = "org/repo";
    info.extensions[fulcio_github_workflow_ref_oid] = "refs/heads/main";
    CHECK(github_workflow_policy{"push", "0123abc", "release", "org/repo", "refs/heads/main"}.check(info));
    CHECK(github_workflow_policy{}.check(info));
    auto r = github_workflow_policy{"", "", "", "", "refs/heads/dev"}.check(info);
    REQUIRE_FALSE(r);
    CHECK(r.error().message() ==
          "expected GitHub Workflow Ref not found in certificate: want \"refs/heads/dev\", got "
          "\"refs/heads/main\"");
}

TEST_CASE("keyless: the OIDC issuer is read from .1.8 (DER UTF8String), else .1.1 (raw)", "[keyless]") {
    certificate_info info;
    info.extensions[fulcio_oidc_issuer_oid] = "https://old.example";
    CHECK(info.oidc_issuer() == "https://old.example");
    info.extensions[fulcio_oidc_issuer_v2_oid] = std::string("\x0c\x13https://new.example", 21);
    CHECK(info.oidc_issuer() == "https://new.example");
    info.extensions.erase(fulcio_oidc_issuer_oid);
    CHECK(info.oidc_issuer() == "https://new.example");
    CHECK_FALSE(identity_policy{"", ".", "https://new.example", ""}.check(info));  // no SAN at all
}

TEST_CASE("keyless: RE2 expressions carried over to ECMAScript", "[keyless][regexp]") {
    auto tr = [](const char* re) {
        auto t = re2_to_ecmascript(re);
        REQUIRE(t);
        return *t;
    };
    CHECK(tr("(?i)abc").icase);
    CHECK(tr("(?i)abc").pattern == "abc");
    CHECK(tr("(?im)^a$").multiline);
    CHECK(tr("(?s)a.b").pattern == "a[\\s\\S]b");
    CHECK(tr("\\Aa\\.b\\z").pattern == "^a\\.b$");
    CHECK(tr("\\Qa.b*\\E+").pattern == "a\\.b\\*+");
    CHECK(tr("(?P<repo>[a-z]+)/x").pattern == "([a-z]+)/x");
    CHECK(tr("[]a]").pattern == "[\\]a]");
    CHECK(tr("[[:alpha:]]+").pattern == "[[:alpha:]]+");
    CHECK(tr("a{2,3}b{").pattern == "a{2,3}b\\{");
    CHECK(tr("\\x{41}").pattern == "\\x41");
    for (const char* bad : {"a(?i)b", "(?U)a+", "\\pL", "\\p{Greek}", "(a)\\1", "(?=a)", "(?<!a)b", "\\x{e9}",
                            "\\C", "[abc", "\\y", "(?i:a)"}) {
        INFO(bad);
        auto t = re2_to_ecmascript(bad);
        REQUIRE_FALSE(t);
        CHECK(t.error().code() == errc::invalid_argument);
        CHECK_THAT(t.error().message(), Catch::StartsWith(std::string("regular expression ") + bad + ": "));
    }
    // Through the policy: (?i) matches case-insensitively, unanchored as Go's MatchString.
    certificate_info info;
    info.emails = {"Alice@Example.com"};
    info.extensions[fulcio_oidc_issuer_oid] = "https://issuer.example";
    CHECK(identity_policy{"", "(?i)alice@example", "", "issuer\\.example"}.check(info));
    auto refused = identity_policy{"", "(?=alice)", "", "x"}.check(info);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::invalid_argument);
    CHECK(identity_policy{"", "(?=alice)", "", "x"}.check_regexps().error().code() == errc::invalid_argument);
}

TEST_CASE("keyless: the verifier checks cosign's .sig layers end to end (fake registry, mbedTLS only)",
          "[keyless]") {
    const auto root = mock_root();
    for (const char* who : {"c2", "c3"}) {
        INFO(who);
        const std::string manifest = data(std::string(who) + "-sig-manifest.json");
        const std::string payload = data(std::string(who) + "-payload.json");
        const std::string digest_text = trimmed(data(std::string(who) + "-digest"));
        auto image_digest = oci::digest::parse(digest_text);
        REQUIRE(image_digest);
        auto payload_doc = json::parse(payload);
        REQUIRE(payload_doc);
        auto docker_ref = json::member(*json::member(*json::member(*payload_doc, "critical"), "identity"),
                                       "docker-reference");
        REQUIRE(docker_ref);
        const std::string repo_ref = std::string(*json::as_string(*docker_ref));
        const std::string repo = repo_ref.substr(repo_ref.find('/') + 1);

        transport::fake_transport fake;
        fake.put_blob("registry.test", repo, payload);
        fake.put_manifest("registry.test", repo,
                          oci::signature_tag(*image_digest, oci::tag_suffix::signature, ""), manifest,
                          std::string(oci::media_type::oci_manifest));
        registry::basic_client<transport::fake_transport> client(fake);
        basic_verifier<crypto_t, transport::fake_transport> v(client);
        auto ref = oci::reference::parse("registry.test/" + repo + "@" + digest_text);
        REQUIRE(ref);
        verify_options opts;
        opts.tlog_keys = tlog::log_keys_from(root);
        opts.offline = true;
        opts.now = sig_layer(who).integrated_time() +
                   86400;  // a day later: the 10-minute certificate has long expired

        auto ok = v.verify_keyless(*ref, alice(root), opts);
        REQUIRE(ok);
        REQUIRE(ok->signatures.size() == 1);
        CHECK(ok->signatures[0].tlog_entry);
        REQUIRE(ok->signatures[0].certificate);
        CHECK(ok->signatures[0].certificate->emails.front() == "alice@example.com");

        auto p = alice(root);
        p.identity.subject = "bob@example.com";
        auto wrong = v.verify_keyless(*ref, p, opts);
        REQUIRE_FALSE(wrong);
        CHECK(wrong.error().code() == errc::verification_failed);
        CHECK_THAT(wrong.error().message(), Catch::Contains("none of the expected identities matched"));

        // Without the log, the certificate is judged now: expired.
        verify_options no_log;
        no_log.now = opts.now;
        no_log.certificate_time = opts.now;
        auto expired = v.verify_keyless(*ref, alice(root), no_log);
        REQUIRE_FALSE(expired);
        CHECK_THAT(expired.error().message(), Catch::Contains("certificate validity: "));
    }
}

namespace {
std::string pki(const std::string& name) { return data("pki/" + name); }

bytes der_of(const std::string& pem_text) {
    auto c = crypto_t::parse_certificate(pem_text);
    REQUIRE(c);
    return crypto_t::certificate_der(*c);
}

// A trust root whose one Fulcio CA lists `chain` (DER, root last), valid from 2000 on.
trust::trust_root root_with(std::vector<bytes> chain) {
    trust::trust_root r;
    trust::certificate_authority ca;
    ca.cert_chain = std::move(chain);
    ca.valid_for.start = trust::instant::from_unix(946684800);
    r.certificate_authorities.push_back(std::move(ca));
    return r;
}
}  // namespace

TEST_CASE("keyless: a chain through an intermediate (openssl-made PKI), from the trust root or the layer",
          "[keyless]") {
    auto leaf = crypto_t::parse_certificate(pki("leaf.pem"));
    REQUIRE(leaf);
    auto info = crypto_t::describe_certificate(*leaf);
    REQUIRE(info);
    const std::int64_t t = info->not_before + 60;
    keyless_policy p;
    p.identity =
        identity_policy{"dev@example.com", "", "https://issuer.example", ""};  // issuer from .1.8 alone
    p.ignore_sct = true;                                                       // openssl issues no SCT
    const bytes root = der_of(pki("root.pem")), inter = der_of(pki("int.pem"));

    p.root = root_with({inter, root});  // the intermediate listed in the trust root
    CHECK(verify_keyless_certificate<crypto_t>(*leaf, "", p, t));
    auto issuer = verify_fulcio_chain<crypto_t>(crypto_t::certificate_der(*leaf), "", p.root, t);
    REQUIRE(issuer);
    CHECK(*issuer == inter);  // what the SCT check hashes: the leaf's issuer

    p.root = root_with({root});  // only the root: the intermediate comes from the chain annotation
    CHECK(verify_keyless_certificate<crypto_t>(*leaf, pki("int.pem") + pki("root.pem"), p, t));
    auto no_int = verify_keyless_certificate<crypto_t>(*leaf, "", p, t);
    REQUIRE_FALSE(no_int);
    CHECK_THAT(no_int.error().message(),
               Catch::StartsWith("certificate chain: the certificate does not chain"));
    // The annotation's last certificate is its root: never used, so an intermediate alone there is ignored.
    CHECK_FALSE(verify_keyless_certificate<crypto_t>(*leaf, pki("int.pem"), p, t));

    p.root = root_with({inter});  // the intermediate as the trust anchor itself
    CHECK(verify_keyless_certificate<crypto_t>(*leaf, "", p, t));

    p.root = root_with({inter, root});
    SECTION("a leaf without the code-signing usage") {
        auto other = crypto_t::parse_certificate(pki("leaf-no-codesigning.pem"));
        REQUIRE(other);
        auto r = verify_keyless_certificate<crypto_t>(*other, "", p, t);
        REQUIRE_FALSE(r);
        CHECK_THAT(
            r.error().message(),
            Catch::Contains("certificate chain: x509: certificate specifies an incompatible key usage"));
    }
    SECTION("an issuer that is not a CA") {
        auto other = crypto_t::parse_certificate(pki("leaf-under-not-ca.pem"));
        REQUIRE(other);
        p.root = root_with({root});
        auto r = verify_keyless_certificate<crypto_t>(*other, pki("int-not-ca.pem") + pki("root.pem"), p, t);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("is not a CA (basicConstraints)"));
    }
    SECTION("a CA certificate not valid at the time") {
        auto r = verify_keyless_certificate<crypto_t>(*leaf, "", p, t + 20LL * 365 * 86400);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("a CA certificate was not valid at"));
    }
    SECTION("without the SCT skip: no SCT") {
        p.ignore_sct = false;
        auto r = verify_keyless_certificate<crypto_t>(*leaf, "", p, t);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: the certificate has no embedded SCT"));
    }
}

namespace {
// A CT log of our own (a fresh P-256 key) and a detached SCT it signs for a certificate, as
// Fulcio's add-chain response: what a Fulcio without embedded SCTs hands out.
struct own_ct_log {
    crypto_t::private_key key;
    bytes spki;
    trust::trust_root root;

    static own_ct_log make() {
        auto k = crypto_t::generate_p256();
        REQUIRE(k);
        auto pub = crypto_t::public_key_of(*k);
        REQUIRE(pub);
        auto der = crypto_t::public_key_der(*pub);
        REQUIRE(der);
        own_ct_log out{std::move(*k), *der, {}};
        REQUIRE(trust::add_log_key(out.root.ctlogs, byte_view(out.spki).as_chars(), "test CT log"));
        return out;
    }
    bytes log_id() const { return trust::log_id_of(spki); }

    // The add-chain response JSON for `cert_der`, signed at `ms`; `tamper` flips a bit of the
    // signed message's timestamp, so that the signature no longer matches.
    std::string detached_for(const bytes& cert_der, std::uint64_t ms, bool tamper = false) const {
        signed_certificate_timestamp s;
        s.timestamp = ms;
        auto msg = detail::sct::signed_data_x509(s, cert_der);
        auto sig = crypto_t::sign(key, msg);
        REQUIRE(sig);
        bytes ds{4, 3, static_cast<std::uint8_t>(sig->size() >> 8), static_cast<std::uint8_t>(sig->size() & 0xff)};
        ds.insert(ds.end(), sig->begin(), sig->end());
        return "{\"sct_version\":0,\"id\":\"" + base64::encode(log_id()) + "\",\"timestamp\":" +
               std::to_string(tamper ? ms ^ 1 : ms) + ",\"extensions\":\"\",\"signature\":\"" + base64::encode(ds) +
               "\"}";
    }
};
}  // namespace

TEST_CASE("keyless: a detached SCT (Fulcio's add-chain response) parses and verifies over the certificate",
          "[keyless][sct]") {
    const layer l = sig_layer("c2");
    auto leaf = crypto_t::parse_certificate(l.cert());
    REQUIRE(leaf);
    const bytes der = crypto_t::certificate_der(*leaf);
    const auto ct = own_ct_log::make();
    const std::uint64_t ms = static_cast<std::uint64_t>(l.integrated_time()) * 1000 + 123;

    // RFC 6962 section 3.2's digitally-signed struct for an x509_entry, byte by byte: version 0,
    // certificate_timestamp 0, the timestamp (8 bytes), x509_entry (0, 2 bytes), the certificate
    // (3-byte length), the extensions (2-byte length).
    {
        signed_certificate_timestamp s;
        s.timestamp = 0x0102030405060708ULL;
        s.extensions = bytes{0xee};
        const bytes cert{0xaa, 0xbb};
        CHECK(detail::sct::signed_data_x509(s, cert) ==
              bytes{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 2, 0xaa, 0xbb, 0, 1, 0xee});
    }
    auto sct = parse_detached_sct(ct.detached_for(der, ms));
    REQUIRE(sct);
    CHECK(sct->version == 0);
    CHECK(sct->timestamp == ms);
    CHECK(sct->log_id == ct.log_id());
    CHECK(sct->hash_algorithm == 4);
    CHECK(sct->signature_algorithm == 3);
    CHECK(sct->extensions.empty());
    CHECK(verify_detached_sct<crypto_t>(*leaf, *sct, ct.root));

    SECTION("another certificate: the SCT signs this one only") {
        auto other = crypto_t::parse_certificate(sig_layer("c3").cert());
        REQUIRE(other);
        auto r = verify_detached_sct<crypto_t>(*other, *sct, ct.root);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: the detached SCT's signature does not verify"));
    }
    SECTION("a timestamp the log did not sign") {
        auto forged = parse_detached_sct(ct.detached_for(der, ms, true));
        REQUIRE(forged);
        auto r = verify_detached_sct<crypto_t>(*leaf, *forged, ct.root);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("detached SCT's signature does not verify"));
    }
    SECTION("a log the trust root does not have (the mock's CT log only)") {
        auto r = verify_detached_sct<crypto_t>(*leaf, *sct, mock_root());
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: no trusted CT log has log id " + hex::encode(ct.log_id())));
    }
    SECTION("malformed responses are refused naming the field") {
        const std::string good = ct.detached_for(der, ms);
        auto with = [&](const std::string& from, const std::string& to) {
            std::string s = good;
            auto at = s.find(from);
            REQUIRE(at != std::string::npos);
            return s.replace(at, from.size(), to);
        };
        const struct {
            std::string text;
            const char* message;
        } cases[] = {
            {"not json", "SCT: malformed detached SCT (not JSON"},
            {"[]", "not a JSON object"},
            {with("\"sct_version\":0", "\"sct_version\":1"), "SCT: version 1 is not v1"},
            {with("\"sct_version\":0,", ""), "\"sct_version\" is missing"},
            {with("\"timestamp\":", "\"timestamp\":-"), "\"timestamp\" is missing or not a whole number"},
            {with("\"id\":\"", "\"id\":\"!"), "\"id\" is not base64"},
            {with("\"id\":\"", "\"id\":\"AAAA"), "\"id\" is not 32 bytes"},
            {with("\"signature\":\"", "\"signature\":\"AAAA"), "\"signature\" is not a TLS DigitallySigned struct"},
            {with("\"extensions\":\"\"", "\"extensions\":7"), "\"extensions\" is missing or not a string"},
        };
        for (const auto& c : cases) {
            INFO(c.text);
            auto r = parse_detached_sct(c.text);
            REQUIRE_FALSE(r);
            CHECK(r.error().code() == errc::verification_failed);
            CHECK_THAT(r.error().message(), Catch::Contains(c.message));
        }
        // No "extensions" member at all is an empty one (Go's zero value).
        CHECK(parse_detached_sct(with(",\"extensions\":\"\"", "")));
    }
}

TEST_CASE("keyless: at signing time the embedded SCT is checked first, else the detached one (cosign's VerifySCT)",
          "[keyless][sct]") {
    const auto root = mock_root();
    const layer l = sig_layer("c2");
    auto leaf = crypto_t::parse_certificate(l.cert());
    REQUIRE(leaf);
    const auto issuer = fulcio_root_cert();
    CHECK(verify_certificate_sct<crypto_t>(*leaf, &issuer, "", root));
    // Embedded SCTs win: a detached one beside them is not read (even a malformed one).
    CHECK(verify_certificate_sct<crypto_t>(*leaf, &issuer, "not json", root));
    auto no_issuer = verify_certificate_sct<crypto_t>(*leaf, nullptr, "", root);
    REQUIRE_FALSE(no_issuer);
    CHECK_THAT(no_issuer.error().message(), Catch::Contains("the certificate chain is empty"));
    auto other_ct = root;
    other_ct.ctlogs.clear();
    auto r = verify_certificate_sct<crypto_t>(*leaf, &issuer, "", other_ct);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: no trusted CT log has log id"));

    // A certificate without embedded SCTs (openssl-made): the detached SCT, or an error.
    auto plain = crypto_t::parse_certificate(data("pki/leaf.pem"));
    REQUIRE(plain);
    auto none = verify_certificate_sct<crypto_t>(*plain, &issuer, "", root);
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == errc::verification_failed);
    CHECK_THAT(none.error().message(), Catch::StartsWith("SCT: the certificate has no embedded SCT and no detached SCT"));
    const auto ct = own_ct_log::make();
    const std::string detached = ct.detached_for(crypto_t::certificate_der(*plain), 1700000000000);
    CHECK(verify_certificate_sct<crypto_t>(*plain, nullptr, detached, ct.root));
    auto wrong_log = verify_certificate_sct<crypto_t>(*plain, nullptr, detached, root);
    REQUIRE_FALSE(wrong_log);
    CHECK_THAT(wrong_log.error().message(), Catch::StartsWith("SCT: no trusted CT log"));
}

TEST_CASE("keyless: verify --certificate checks the certificate against the trust root or the given chain",
          "[keyless]") {
    const auto root = mock_root();
    const layer l = sig_layer("c2");
    auto leaf = crypto_t::parse_certificate(l.cert());
    REQUIRE(leaf);
    auto p = alice(root);
    const std::string fulcio_root_pem = data("fulcio_root.pem");

    // No chain: a Fulcio CA of the trust root at the certificate's NotBefore, and the SCT.
    auto info = verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p);
    REQUIRE(info);
    CHECK(info->emails == std::vector<std::string>{"alice@example.com"});
    // A chain file: trusted as given (its last certificate the root), the SCT still checked.
    CHECK(verify_supplied_certificate<crypto_t>(*leaf, std::string_view(fulcio_root_pem), p));

    SECTION("another CA in the trust root: the chain check fails by name") {
        const bytes other_root = der_of(pki("root.pem"));
        p.root.certificate_authorities = root_with({other_root}).certificate_authorities;
        auto r = verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK_THAT(r.error().message(),
                   Catch::StartsWith("certificate chain: the certificate does not chain to a Fulcio certificate authority"));
        // The chain file is the trust then: the trust root's CAs do not matter.
        CHECK(verify_supplied_certificate<crypto_t>(*leaf, std::string_view(fulcio_root_pem), p));
    }
    SECTION("a chain file from another CA") {
        auto r = verify_supplied_certificate<crypto_t>(*leaf, std::string_view(pki("root.pem")), p);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("certificate signed by unknown authority"));
    }
    SECTION("the SCT with the trust root's CT log keys, unless ignored") {
        p.root.ctlogs.clear();
        for (auto chain : {std::optional<std::string_view>(), std::optional<std::string_view>(fulcio_root_pem)}) {
            auto r = verify_supplied_certificate<crypto_t>(*leaf, chain, p);
            REQUIRE_FALSE(r);
            CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: no trusted CT log has log id"));
        }
        p.ignore_sct = true;
        CHECK(verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p));
    }
    SECTION("the identity and the GitHub workflow claims apply to it") {
        p.identity = identity_policy{"bob@example.com", "", trimmed(data("issuer")), ""};
        auto r = verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("none of the expected identities matched"));
        p = alice(root);
        p.github_workflow.repository = "octo/repo";
        auto w = verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p);
        REQUIRE_FALSE(w);
        CHECK_THAT(w.error().message(), Catch::Contains("expected GitHub Workflow Repository not found"));
        p = alice(root);
        p.identity = identity_policy{"alice@example.com", "", "", ""};
        auto no_issuer = verify_supplied_certificate<crypto_t>(*leaf, std::nullopt, p);
        REQUIRE_FALSE(no_issuer);
        CHECK(no_issuer.error().code() == errc::invalid_argument);
    }
}
