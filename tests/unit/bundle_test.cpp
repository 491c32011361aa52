// SPDX-License-Identifier: Apache-2.0
// Unit tests of Sigstore bundles on real data: bundles cosign 3 and cosign 2 wrote for a blob
// against the local Rekor mock (tests/data/bundles/README.md), and the public-good attestation of
// cosign's testdata. Parsing (every protojson spelling, errors naming the JSON path), writing v0.3
// byte for byte as cosign 3, DSSE PAE, checkpoints, and key verification, each altered bundle
// refused naming its check.
#include "catch.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include <cosign/bundle/blob_bundle.hpp>
#include <cosign/bundle/bundle.hpp>
#include <cosign/bundle/dsse.hpp>
#include <cosign/bundle/verify.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/tlog/checkpoint.hpp>
#include <cosign/trust/trusted_root_json.hpp>

using namespace cosign;
using crypto_policy = crypto::mbedtls;

namespace {

std::string data(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text with `from` (which must occur once) replaced by `to`.
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(from, at + 1) == std::string::npos);
    return text.replace(at, from.size(), to);
}

// protojson's random spaces (cosign 2 writes them) removed: the compact form.
std::string compact(const std::string& text) {
    std::string out;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            out += c;
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
            out += c;
        } else if (c != ' ' && c != '\n') {
            out += c;
        }
    }
    return out;
}

// The JSON string value following `"key":"` in text (the first one).
std::string string_after(const std::string& text, const std::string& key) {
    const std::string k = "\"" + key + "\":\"";
    const auto at = text.find(k);
    REQUIRE(at != std::string::npos);
    const auto end = text.find('"', at + k.size());
    return text.substr(at + k.size(), end - at - k.size());
}

blob_digest blob_txt_digest() {
    return *parse_blob_digest("sha256:" + sha256(data("bundles/blob.txt")).hex());
}

crypto_policy::public_key blob_key() {
    auto k = crypto_policy::parse_public_key(data("bundles/cosign.pub"));
    REQUIRE(k);
    return std::move(*k);
}

bundle::key_verify_options mock_options(std::int64_t now = 1796690000) {
    auto root = trust::parse_trusted_root(data("bundles/mock-trusted_root.json"));
    REQUIRE(root);
    bundle::key_verify_options o;
    o.log_keys = tlog::log_keys_from(*root);
    o.now = now;
    return o;
}

// Verifies `text` (a bundle) for blob.txt with cosign.pub and the mock's Rekor key.
result<bundle::bundle_verification> verify_text(const std::string& text,
                                                const bundle::key_verify_options& o = mock_options(),
                                                const blob_digest& artifact = blob_txt_digest()) {
    COSIGN_TRY(auto b, bundle::parse_bundle(text));
    return bundle::verify_blob_bundle<crypto_policy>(b, artifact, blob_key(), o);
}

// Requires that verifying `text` fails and that the message names `check`.
void require_refused(const std::string& text, const std::string& check,
                     const bundle::key_verify_options& o = mock_options()) {
    auto r = verify_text(text, o);
    REQUIRE_FALSE(r);
    INFO(r.error().message());
    CHECK(r.error().message().find(check) != std::string::npos);
}

}  // namespace

TEST_CASE("DSSE PAE is the spec's encoding", "[bundle]") {
    CHECK(bundle::pae("http://example.com/HelloWorld", byte_view("hello world")) ==
          "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    CHECK(bundle::pae("", byte_view("")) == "DSSEv1 0  0 ");
}

TEST_CASE("Bundles of cosign 3, cosign 2 and the public-good instance parse", "[bundle]") {
    auto c3 = bundle::parse_bundle(data("bundles/cosign3-blob.sigstore.json"));
    REQUIRE(c3);
    CHECK(c3->minor_version == 3);
    CHECK(c3->material.material == bundle::verification_material::kind::public_key);
    CHECK(c3->material.public_key_hint == "u9vsGU30ZrJ6RAh1QPlItsfE0NKNnwaWAinufMVJyOo=");
    REQUIRE(c3->message);
    CHECK(c3->message->digest == blob_txt_digest().value);
    REQUIRE(c3->material.tlog_entries.size() == 1);
    const auto& e = c3->material.tlog_entries[0];
    CHECK(e.log_index == 6899776);
    CHECK(e.kind == "hashedrekord");
    CHECK(e.version == "0.0.1");
    CHECK(e.integrated_time == 1796685682);
    REQUIRE(e.proof);
    CHECK(e.proof->log_index == 0);  // omitted by protojson: zero
    CHECK(e.proof->tree_size == 1);
    CHECK(e.proof->hashes.empty());
    CHECK(e.proof->checkpoint.rfind("127.0.0.1:44739 - ", 0) == 0);

    auto c2 = bundle::parse_bundle(data("bundles/cosign2-blob.sigstore.json"));
    REQUIRE(c2);
    CHECK(c2->message);

    auto att = bundle::parse_bundle(data("bundles/cosign3-attest-blob.sigstore.json"));
    REQUIRE(att);
    REQUIRE(att->dsse);
    CHECK(att->dsse->payload_type == bundle::in_toto_payload_type);
    CHECK(att->material.tlog_entries.at(0).kind == "dsse");

    auto pg = bundle::parse_bundle(data("bundles/oci-attestation.sigstore.json"));
    REQUIRE(pg);
    CHECK(pg->material.material == bundle::verification_material::kind::certificate);
    CHECK(pg->material.certificates.size() == 1);
    REQUIRE(pg->material.tlog_entries.size() == 1);
    CHECK(pg->material.tlog_entries[0].proof->hashes.size() == 16);
    CHECK(pg->material.tlog_entries[0].proof->log_index == 53604734);
}

TEST_CASE("v0.3 bundles are written byte for byte as cosign 3 writes them", "[bundle]") {
    for (const char* f : {"bundles/cosign3-blob.sigstore.json", "bundles/cosign3-attest-blob.sigstore.json"}) {
        INFO(f);
        const std::string text = data(f);
        auto b = bundle::parse_bundle(text);
        REQUIRE(b);
        CHECK(bundle::to_json(*b) == text);
    }
    // cosign 2 writes the same fields with protojson's random spaces.
    const std::string c2 = data("bundles/cosign2-blob.sigstore.json");
    auto b2 = bundle::parse_bundle(c2);
    REQUIRE(b2);
    CHECK(bundle::to_json(*b2) == compact(c2));
    // The public-good bundle: the same fields and order (it ends in a newline).
    const std::string pg = data("bundles/oci-attestation.sigstore.json");
    auto b3 = bundle::parse_bundle(pg);
    REQUIRE(b3);
    CHECK(bundle::to_json(*b3) + "\n" == pg);
}

TEST_CASE("make_blob_bundle from a Rekor entry gives cosign 3's bundle", "[bundle]") {
    const std::string text = data("bundles/cosign3-blob.sigstore.json");
    auto b = bundle::parse_bundle(text);
    REQUIRE(b);
    const auto& e = b->material.tlog_entries[0];
    // The Rekor v1 entry this bundle entry came from.
    tlog::log_entry le;
    le.uuid = std::string(64, 'a');
    le.body = base64::encode(e.canonicalized_body);
    le.integrated_time = e.integrated_time;
    le.log_id = hex::encode(e.log_id);
    le.log_index = e.log_index;
    le.signed_entry_timestamp = base64::encode(*e.signed_entry_timestamp);
    tlog::inclusion_proof p;
    p.log_index = e.proof->log_index;
    p.tree_size = e.proof->tree_size;
    p.root_hash = hex::encode(e.proof->root_hash);
    p.checkpoint = e.proof->checkpoint;
    le.proof = p;
    auto key_der = crypto_policy::public_key_der(blob_key());
    REQUIRE(key_der);
    auto made = bundle::make_blob_bundle(blob_txt_digest(), b->message->signature, *key_der, le);
    REQUIRE(made);
    CHECK(bundle::to_json(*made) == text);
    CHECK(bundle::public_key_hint(*key_der) == b->material.public_key_hint);
}

TEST_CASE("Bundle JSON: protojson's spellings are read, anything else refused naming the path", "[bundle]") {
    const std::string text = data("bundles/cosign3-blob.sigstore.json");
    SECTION("proto field names, int64 as numbers, unpadded URL-safe base64") {
        std::string t = replace_once(text, "\"verificationMaterial\"", "\"verification_material\"");
        t = replace_once(t, "\"tlogEntries\"", "\"tlog_entries\"");
        t = replace_once(t, "\"logIndex\":\"6899776\"", "\"log_index\":6899776");
        t = replace_once(t, "\"integratedTime\":\"1796685682\"", "\"integrated_time\":1796685682");
        t = replace_once(t, "\"keyId\":\"vyeqNeipZPiqLKrzv+ae0rovf6HrptR31KM7Ot9Zpjk=\"",
                         "\"key_id\":\"vyeqNeipZPiqLKrzv-ae0rovf6HrptR31KM7Ot9Zpjk\"");
        auto b = bundle::parse_bundle(t);
        REQUIRE(b);
        CHECK(b->material.tlog_entries.at(0).log_index == 6899776);
        CHECK(bundle::to_json(*b) == text);
        REQUIRE(verify_text(t));
    }
    SECTION("zeros are left out by protojson: read as 0, written back the same (a fuzzer's find)") {
        const std::string t = replace_once(replace_once(text, "\"logIndex\":\"6899776\",", ""), "\"treeSize\":\"1\",", "");
        auto b = bundle::parse_bundle(t);
        REQUIRE(b);
        CHECK(b->material.tlog_entries.at(0).log_index == 0);
        CHECK(b->material.tlog_entries.at(0).proof->tree_size == 0);
        CHECK(bundle::to_json(*b) == t);
        require_refused(t, "tlog entry 0: SET:");
    }
    auto refused = [](const std::string& t, const std::string& what) {
        auto b = bundle::parse_bundle(t);
        REQUIRE_FALSE(b);
        INFO(b.error().message());
        CHECK(b.error().message().find(what) != std::string::npos);
    };
    SECTION("errors name the field") {
        refused(replace_once(text, "\"logIndex\":\"6899776\"", "\"logIndex\":\"68x\""),
                "verificationMaterial.tlogEntries[0].logIndex");
        refused(replace_once(text, "\"treeSize\":\"1\"", "\"treeSize\":\"1\",\"extra\":1"),
                "verificationMaterial.tlogEntries[0].inclusionProof.extra: unknown field");
        refused(replace_once(text, "\"hint\":", "\"hint\":\"x\",\"hint_\":"), "verificationMaterial.publicKey.hint_");
        refused(replace_once(text, "\"kindVersion\":{", "\"kind_version\":{},\"kindVersion\":{"), "given twice");
        refused(replace_once(text, "\"signature\":\"MEYC", "\"signature\":\"!EYC"), "messageSignature.signature: not base64");
        refused(replace_once(text, "\"algorithm\":\"SHA2_256\"", "\"algorithm\":\"MD5\""),
                "messageSignature.messageDigest.algorithm");
        refused(replace_once(text, "\"digest\":\"oBRb", "\"digest\":\"AAoBRb"), "messageSignature.messageDigest.digest");
        refused(replace_once(text, "bundle.v0.3+json", "bundle.v0.9+json"), "mediaType");
        refused(replace_once(text, "{\"mediaType\"", "{\"dsseEnvelope\":{},\"mediaType\""), "dsseEnvelope");
        refused(replace_once(text, "\"publicKey\":{\"hint\":\"u9vsGU30ZrJ6RAh1QPlItsfE0NKNnwaWAinufMVJyOo=\"},", ""),
                "none of publicKey, x509CertificateChain, certificate");
    }
    SECTION("v0.1 needs inclusion promises; v0.2+ inclusion proofs with checkpoints") {
        const std::string v01 = replace_once(text, "bundle.v0.3+json", "bundle+json;version=0.1");
        REQUIRE(bundle::parse_bundle(v01));
        const std::string promise = "\"inclusionPromise\":{\"signedEntryTimestamp\":\"" +
                                    string_after(text, "signedEntryTimestamp") + "\"},";
        refused(replace_once(v01, promise, ""), "inclusionPromise: missing");
        const std::string no_proof = text.substr(0, text.find(",\"inclusionProof\"")) +
                                     text.substr(text.find(",\"canonicalizedBody\""));
        REQUIRE(bundle::parse_bundle(replace_once(no_proof, "bundle.v0.3+json", "bundle+json;version=0.1")));
        refused(no_proof, "inclusionProof: missing");
        refused(replace_once(text, "\"checkpoint\":{\"envelope\":", "\"checkpoint\":{\"envelop\":"), "checkpoint.envelop");
    }
    SECTION("a certificate chain (v0.1/v0.2), a certificate (v0.3 only)") {
        const std::string pg = data("bundles/oci-attestation.sigstore.json");
        const std::string raw = string_after(pg, "rawBytes");
        std::string v02 = replace_once(pg, "bundle.v0.3+json", "bundle+json;version=0.2");
        refused(v02, "certificate: a single certificate needs bundle v0.3");
        v02 = replace_once(v02, "\"certificate\":{\"rawBytes\":\"" + raw + "\"}",
                           "\"x509CertificateChain\":{\"certificates\":[{\"rawBytes\":\"" + raw + "\"}]}");
        auto b = bundle::parse_bundle(v02);
        REQUIRE(b);
        CHECK(b->minor_version == 2);
        CHECK(b->material.material == bundle::verification_material::kind::x509_chain);
        CHECK(b->material.certificates.size() == 1);
    }
}

TEST_CASE("Checkpoints: the public-good one and the mock's verify; altered, they do not", "[bundle]") {
    auto pg = bundle::parse_bundle(data("bundles/oci-attestation.sigstore.json"));
    REQUIRE(pg);
    const auto& proof = *pg->material.tlog_entries[0].proof;
    auto cp = tlog::parse_checkpoint(proof.checkpoint);
    REQUIRE(cp);
    CHECK(cp->origin == "rekor.sigstore" ".dev - 1193050959916656506");
    CHECK(cp->size == 53604735u);
    CHECK(cp->root_hash == proof.root_hash);
    REQUIRE(cp->signatures.size() == 1);
    CHECK(cp->signatures[0].name == "rekor.sigstore" ".dev");
    auto key = tlog::log_key::from_pem(data("cosign/trust/sigstore-rekor.pub"));
    REQUIRE(key);
    CHECK(cp->signatures[0].key_hint == tlog::checkpoint_key_hint(key->public_key_der));
    REQUIRE(tlog::verify_checkpoint<crypto_policy>(*cp, *key));
    // The whole log evidence of the public-good entry: SET, 16-hash proof, checkpoint.
    tlog::log_keys keys{*key};
    REQUIRE(bundle::verify_entry_evidence<crypto_policy>(pg->material.tlog_entries[0], 0, keys, 1740770291 + 60));

    auto mock_key = tlog::log_key::from_pem(data("bundles/mock-rekor.pub"));
    REQUIRE(mock_key);
    auto refused = [&](const std::string& text, const tlog::log_key& k, const std::string& what) {
        auto c = tlog::parse_checkpoint(text);
        auto ok = c ? tlog::verify_checkpoint<crypto_policy>(*c, k) : result<void>(c.error());
        REQUIRE_FALSE(ok);
        INFO(ok.error().message());
        CHECK(ok.error().message().rfind("checkpoint: ", 0) == 0);
        CHECK(ok.error().message().find(what) != std::string::npos);
    };
    const std::string& env = proof.checkpoint;
    refused(env, *mock_key, "names another key");
    refused(replace_once(env, "\n53604735\n", "\n53604736\n"), *key, "does not verify");
    refused(replace_once(env, "\n\n\xe2\x80\x94 ", "\n\n- "), *key, "does not start with");
    refused(replace_once(env, "\n\n", "\n"), *key, "no blank line");
    refused(env.substr(0, env.size() - 1), *key, "does not end in a newline");
    refused(replace_once(env, "\n53604735\n", "\n5360x735\n"), *key, "tree size");
    refused(replace_once(env, "wNI9ajBFAiEAuh6", "wNI9ajBFAiEAuh7"), *key, "does not verify");
}

TEST_CASE("A cosign 3 and a cosign 2 blob bundle verify with the key and the mock's Rekor key", "[bundle]") {
    for (const char* f : {"bundles/cosign3-blob.sigstore.json", "bundles/cosign2-blob.sigstore.json",
                          "bundles/cosign3-attest-blob.sigstore.json"}) {
        INFO(f);
        auto r = verify_text(data(f));
        REQUIRE(r);
        CHECK(r->tlog_entries_verified == 1);
        CHECK(r->integrated_time);
    }
}

TEST_CASE("A blob bundle altered in any one field is refused naming the check", "[bundle]") {
    const std::string text = data("bundles/cosign3-blob.sigstore.json");
    const std::string sig = string_after(text, "signature");
    const std::string set = string_after(text, "signedEntryTimestamp");
    const std::string root = string_after(text, "rootHash");
    const std::string body = string_after(text, "canonicalizedBody");
    auto flip = [](std::string b64) {  // another valid base64 string of the same length
        b64[10] = b64[10] == 'A' ? 'B' : 'A';
        return b64;
    };
    SECTION("the signature") { require_refused(replace_once(text, sig, flip(sig)), "bundle signature:"); }
    SECTION("the message digest") {
        const std::string d = string_after(text, "digest");
        require_refused(replace_once(text, d, flip(d)), "artifact:");
    }
    SECTION("another artifact") {
        auto r = verify_text(text, mock_options(), *parse_blob_digest("sha256:" + std::string(64, '0')));
        REQUIRE_FALSE(r);
        CHECK(r.error().message().rfind("artifact: ", 0) == 0);
    }
    SECTION("another key") {
        auto b = bundle::parse_bundle(text);
        auto other = crypto_policy::parse_public_key(data("bundles/mock-rekor.pub"));
        REQUIRE(other);
        auto r = bundle::verify_blob_bundle<crypto_policy>(*b, blob_txt_digest(), *other, mock_options());
        REQUIRE_FALSE(r);
        CHECK(r.error().message().rfind("bundle signature: ", 0) == 0);
    }
    SECTION("the SET") { require_refused(replace_once(text, set, flip(set)), "tlog entry 0: SET:"); }
    SECTION("integratedTime") {
        require_refused(replace_once(text, "\"integratedTime\":\"1796685682\"", "\"integratedTime\":\"1796685683\""),
                        "tlog entry 0: SET:");
    }
    SECTION("logIndex") {
        require_refused(replace_once(text, "\"logIndex\":\"6899776\"", "\"logIndex\":\"6899777\""), "tlog entry 0: SET:");
    }
    SECTION("the log ID") {
        require_refused(replace_once(text, "\"keyId\":\"vyeq", "\"keyId\":\"wyeq"), "no trusted Rekor key has log ID");
    }
    SECTION("the proof's root hash") {
        require_refused(replace_once(text, "\"rootHash\":\"" + root, "\"rootHash\":\"" + flip(root)),
                        "tlog entry 0: inclusion proof:");
    }
    SECTION("the proof's tree size") {
        require_refused(replace_once(text, "\"treeSize\":\"1\"", "\"treeSize\":\"2\""), "tlog entry 0: inclusion proof:");
        require_refused(replace_once(text, "\"treeSize\":\"1\"", "\"treeSize\":\"0\""), "tlog entry 0: inclusion proof:");
        require_refused(replace_once(text, "\"rootHash\":\"" + root + "\",", ""), "tlog entry 0: inclusion proof:");
    }
    SECTION("the checkpoint's signature") {
        const std::string cps = text.substr(text.find("vyeqNTBGAiEA"), 30);
        require_refused(replace_once(text, cps, flip(cps)), "tlog entry 0: checkpoint:");
    }
    SECTION("the checkpoint's tree size (then its signature fails)") {
        require_refused(replace_once(text, " - 102908572474421\\n1\\n", " - 102908572474421\\n2\\n"),
                        "tlog entry 0: checkpoint:");
    }
    SECTION("the entry body: another signature's") {
        const std::string other = string_after(data("bundles/cosign2-blob.sigstore.json"), "canonicalizedBody");
        require_refused(replace_once(text, body, other), "tlog entry 0: body:");
    }
    SECTION("kindVersion") {
        require_refused(replace_once(text, "\"version\":\"0.0.1\"", "\"version\":\"0.0.2\""), "tlog entry 0: body:");
    }
    SECTION("no tlog entry: refused, unless the log is ignored") {
        const std::string entries = text.substr(text.find(",\"tlogEntries\""),
                                                text.find("]},\"messageSignature\"") + 1 - text.find(",\"tlogEntries\""));
        const std::string none = replace_once(text, entries, "");
        require_refused(none, "transparency log:");
        auto o = mock_options();
        o.ignore_tlog = true;
        REQUIRE(verify_text(none, o));
    }
    SECTION("the Rekor key outside its validity window, or the entry in the future") {
        auto o = mock_options();
        o.log_keys.at(0).valid_from = 1796685682 + 1;
        require_refused(text, "tlog entry 0: SET:", o);
        require_refused(text, "integratedTime", mock_options(1796685682 - 1));
    }
    SECTION("a certificate instead of the key's hint") {
        const std::string pg = data("bundles/oci-attestation.sigstore.json");
        const std::string cert = "\"certificate\":{\"rawBytes\":\"" + string_after(pg, "rawBytes") + "\"}";
        require_refused(replace_once(text, "\"publicKey\":{\"hint\":\"u9vsGU30ZrJ6RAh1QPlItsfE0NKNnwaWAinufMVJyOo=\"}", cert),
                        "verification material:");
    }
}

TEST_CASE("A DSSE blob bundle altered in one field is refused naming the check", "[bundle]") {
    const std::string text = data("bundles/cosign3-attest-blob.sigstore.json");
    const std::string payload = string_after(text, "payload");
    const std::string sig = string_after(text, "sig");
    SECTION("the envelope's signature") {
        std::string s = sig;
        s[12] = s[12] == 'A' ? 'B' : 'A';
        require_refused(replace_once(text, "\"sig\":\"" + sig, "\"sig\":\"" + s), "bundle signature:");
    }
    SECTION("the payload type (signed by PAE)") {
        require_refused(replace_once(text, "\"payloadType\":\"application/vnd.in-toto+json\"", "\"payloadType\":\"text/plain\""),
                        "bundle signature:");
    }
    SECTION("another artifact") {
        auto r = verify_text(text, mock_options(), *parse_blob_digest("sha256:" + std::string(64, '1')));
        REQUIRE_FALSE(r);
        CHECK(r.error().message().rfind("artifact: no subject", 0) == 0);
    }
    SECTION("two signatures") {
        require_refused(replace_once(text, "\"signatures\":[{\"sig\":\"" + sig + "\"}]",
                                     "\"signatures\":[{\"sig\":\"" + sig + "\"},{\"sig\":\"" + sig + "\"}]"),
                        "exactly one");
    }
}

namespace {
// The public-good attestation's subject (an image digest) stands for the artifact.
const char* pg_subject = "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";

keyless_policy public_good_policy() {
    auto root = trust::parse_trusted_root(data("cosign/trust/sigstore-trusted_root.json"));
    REQUIRE(root);
    keyless_policy p;
    p.root = *root;
    p.identity = {"cody@soyland.com", "", "https://github.com/login/oauth", ""};
    return p;
}

bundle::key_verify_options public_good_options() {
    bundle::key_verify_options o;
    o.log_keys = tlog::log_keys_from(public_good_policy().root);
    o.now = 1740770291 + 3600;
    return o;
}

result<bundle::keyless_bundle_verification> verify_keyless_text(const std::string& text,
                                                                const keyless_policy& p = public_good_policy(),
                                                                const char* artifact = pg_subject) {
    COSIGN_TRY(auto b, bundle::parse_bundle(text));
    return bundle::verify_blob_bundle_keyless<crypto_policy>(b, *parse_blob_digest(artifact), p, public_good_options());
}
}  // namespace

TEST_CASE("The public-good keyless bundle verifies keyless: chain, SCT, identity, log at its time", "[bundle]") {
    const std::string text = data("bundles/oci-attestation.sigstore.json");
    auto r = verify_keyless_text(text);
    if (!r) FAIL(r.error().message());
    CHECK(r->log.tlog_entries_verified == 1);
    CHECK(*r->log.integrated_time == 1740770291);
    CHECK(r->certificate.emails == std::vector<std::string>{"cody@soyland.com"});
    // As a v0.2 bundle with the leaf as a one-certificate chain.
    const std::string raw = string_after(text, "rawBytes");
    std::string v02 = replace_once(text, "bundle.v0.3+json", "bundle+json;version=0.2");
    v02 = replace_once(v02, "\"certificate\":{\"rawBytes\":\"" + raw + "\"}",
                       "\"x509CertificateChain\":{\"certificates\":[{\"rawBytes\":\"" + raw + "\"}]}");
    REQUIRE(verify_keyless_text(v02));

    auto refused = [](const result<bundle::keyless_bundle_verification>& v, const std::string& what) {
        REQUIRE_FALSE(v);
        INFO(v.error().message());
        CHECK(v.error().message().find(what) != std::string::npos);
    };
    auto other_identity = public_good_policy();
    other_identity.identity.subject = "someone@example.com";
    refused(verify_keyless_text(text, other_identity), "none of the expected identities matched");
    auto no_ca = public_good_policy();
    no_ca.root.certificate_authorities.clear();
    refused(verify_keyless_text(text, no_ca), "certificate chain:");
    refused(verify_keyless_text(text, public_good_policy(), "sha256:" "1111111111111111111111111111111111111111111111111111111111111111"),
            "artifact: no subject");
    const std::string set = string_after(text, "signedEntryTimestamp");
    std::string bad_set = set;
    bad_set[10] = bad_set[10] == 'A' ? 'B' : 'A';
    refused(verify_keyless_text(replace_once(text, set, bad_set)), "tlog entry 0: SET:");
    const std::string h0 = "p7adBuLwiHyxFA7sjjx9Jt+YJ9NJ6pPRsqrlFv/Prl4=";
    refused(verify_keyless_text(replace_once(text, h0, "q7adBuLwiHyxFA7sjjx9Jt+YJ9NJ6pPRsqrlFv/Prl4=")),
            "tlog entry 0: inclusion proof:");
    // The key's bundle with the key hint: not keyless.
    auto key_bundle = bundle::parse_bundle(data("bundles/cosign3-blob.sigstore.json"));
    REQUIRE(key_bundle);
    refused(bundle::verify_blob_bundle_keyless<crypto_policy>(*key_bundle, blob_txt_digest(), public_good_policy(),
                                                              public_good_options()),
            "verification material:");
}

namespace {
// The Rekor v1 entry a bundle entry came from (the inverse of bundle::from_rekor_entry).
tlog::log_entry rekor_entry_of(const bundle::tlog_entry& e) {
    tlog::log_entry le;
    le.uuid = std::string(64, 'a');
    le.body = base64::encode(e.canonicalized_body);
    le.integrated_time = e.integrated_time;
    le.log_id = hex::encode(e.log_id);
    le.log_index = e.log_index;
    le.signed_entry_timestamp = base64::encode(*e.signed_entry_timestamp);
    tlog::inclusion_proof p;
    p.log_index = e.proof->log_index;
    p.tree_size = e.proof->tree_size;
    p.root_hash = hex::encode(e.proof->root_hash);
    for (const auto& h : e.proof->hashes) p.hashes.push_back(hex::encode(h));
    p.checkpoint = e.proof->checkpoint;
    le.proof = p;
    return le;
}
}  // namespace

TEST_CASE("make_certified_blob_bundle gives cosign 3's keyless bundle, which verifies keyless", "[bundle]") {
    // cosign 3.1.1 sign-blob keyless against the local OIDC issuer, Fulcio and Rekor mocks
    // (tests/data/bundles/README.md).
    const std::string text = data("bundles/cosign3-keyless-blob.sigstore.json");
    auto b = bundle::parse_bundle(text);
    REQUIRE(b);
    REQUIRE(b->material.material == bundle::verification_material::kind::certificate);
    REQUIRE(b->material.certificates.size() == 1);
    REQUIRE(b->material.tlog_entries.size() == 1);
    const auto le = rekor_entry_of(b->material.tlog_entries[0]);
    auto made = bundle::make_certified_blob_bundle(blob_txt_digest(), b->message->signature,
                                                   b->material.certificates[0], le);
    REQUIRE(made);
    CHECK(bundle::to_json(*made) == text);
    // Without a log entry: the certificate and the signature, no tlogEntries.
    auto unlogged = bundle::make_certified_blob_bundle(blob_txt_digest(), b->message->signature,
                                                       b->material.certificates[0], std::nullopt);
    REQUIRE(unlogged);
    CHECK(bundle::to_json(*unlogged).find("tlogEntries") == std::string::npos);
    CHECK(bundle::to_json(*unlogged).find("\"certificate\":{\"rawBytes\":") != std::string::npos);
    auto none = bundle::make_certified_blob_bundle(blob_txt_digest(), b->message->signature, bytes{}, le);
    REQUIRE_FALSE(none);
    CHECK(none.error().message().find("needs the signing certificate") != std::string::npos);

    // What was made verifies keyless with the mock's trust root and the token's identity.
    auto root = trust::parse_trusted_root(data("bundles/mock-keyless-trusted_root.json"));
    REQUIRE(root);
    keyless_policy p;
    p.root = *root;
    p.identity = {"alice@example.com", "", "http://127.0.0.1:42835", ""};
    bundle::key_verify_options o;
    o.log_keys = tlog::log_keys_from(*root);
    o.now = b->material.tlog_entries[0].integrated_time + 60;
    auto reparsed = bundle::parse_bundle(bundle::to_json(*made));
    REQUIRE(reparsed);
    auto r = bundle::verify_blob_bundle_keyless<crypto_policy>(*reparsed, blob_txt_digest(), p, o);
    if (!r) FAIL(r.error().message());
    CHECK(r->log.tlog_entries_verified == 1);
    auto other = p;
    other.identity.subject = "mallory@example.com";
    auto refused = bundle::verify_blob_bundle_keyless<crypto_policy>(*reparsed, blob_txt_digest(), other, o);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message().find("none of the expected identities matched") != std::string::npos);
}
