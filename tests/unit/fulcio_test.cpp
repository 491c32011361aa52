// SPDX-License-Identifier: Apache-2.0
// Unit tests of keyless signing (issue 12): Fulcio's request bodies (v2
// compared with a captured request, tests/data/keyless/certreq.json) and answers (a real answer of
// the local Fulcio, fulcio-resp.json), the client's API choice and errors, the issuer against an
// in-memory Fulcio that mints real certificates, and basic_signer with a keyless signer: the
// certificate and chain annotations, the certificate in the Rekor entry, nothing written when
// Fulcio refuses the token.
#include "catch.hpp"

#include <cstring>
#include <functional>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/fulcio/client.hpp>
#include <cosign/fulcio/issuer.hpp>
#include <cosign/testing/fake_registry.hpp>
#include <cosign/tlog/log_step.hpp>
#include <cosign/trust/sigstore_env.hpp>

#include "fake_rekor.hpp"

using namespace cosign;
using crypto_t = crypto::mbedtls;

namespace {

std::string read_data(const std::string& name) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/keyless/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string b64url(std::string_view s) {
    std::string b = base64::encode(byte_view(s));
    for (auto& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!b.empty() && b.back() == '=') b.pop_back();
    return b;
}

// An unsigned JWT with the given payload (Fulcio checks signatures; the client does not).
std::string jwt(const std::string& payload) {
    return b64url(R"({"alg":"RS256","kid":"k"})") + "." + b64url(payload) + ".c2lnbmF0dXJl";
}

const std::string alice_token =
    jwt(R"({"iss":"http://127.0.0.1:9999","sub":"alice-sub","aud":"sigstore","exp":1900000000,)"
        R"("email":"alice@example.com","email_verified":true})");

// A minimal certificate authority over mbedTLS's x509write: a self-signed root and leaves for
// any public key, enough for a Fulcio stand-in.
struct mini_ca {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
    std::string root_pem;
    long serial = 2;

    mini_ca() {
        mbedtls_entropy_init(&entropy);
        mbedtls_ctr_drbg_init(&drbg);
        mbedtls_pk_init(&key);
        REQUIRE(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, nullptr, 0) == 0);
        auto k = crypto_t::generate_p256();
        REQUIRE(k);
        auto der = crypto_t::private_key_der(*k);
        REQUIRE(der);
#if MBEDTLS_VERSION_MAJOR >= 3
        REQUIRE(mbedtls_pk_parse_key(&key, der->data(), der->size(), nullptr, 0, mbedtls_ctr_drbg_random, &drbg) == 0);
#else
        REQUIRE(mbedtls_pk_parse_key(&key, der->data(), der->size(), nullptr, 0) == 0);
#endif
        root_pem = issue_for(key, "CN=sigstore,O=fake", 1);
    }
    ~mini_ca() {
        mbedtls_pk_free(&key);
        mbedtls_ctr_drbg_free(&drbg);
        mbedtls_entropy_free(&entropy);
    }
    mini_ca(const mini_ca&) = delete;
    mini_ca& operator=(const mini_ca&) = delete;

    std::string issue_for(mbedtls_pk_context& subject, const char* subject_name, long sn) {
        mbedtls_x509write_cert crt;
        mbedtls_x509write_crt_init(&crt);
        mbedtls_mpi serial_mpi;
        mbedtls_mpi_init(&serial_mpi);
        mbedtls_mpi_lset(&serial_mpi, sn);
        mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
        mbedtls_x509write_crt_set_serial(&crt, &serial_mpi);
        mbedtls_x509write_crt_set_validity(&crt, "20200101000000", "20400101000000");
        mbedtls_x509write_crt_set_issuer_name(&crt, "CN=sigstore,O=fake");
        mbedtls_x509write_crt_set_subject_name(&crt, subject_name);
        mbedtls_x509write_crt_set_subject_key(&crt, &subject);
        mbedtls_x509write_crt_set_issuer_key(&crt, &key);
        mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
        std::vector<unsigned char> buf(4096);
        int rc = mbedtls_x509write_crt_pem(&crt, buf.data(), buf.size(), mbedtls_ctr_drbg_random, &drbg);
        mbedtls_x509write_crt_free(&crt);
        mbedtls_mpi_free(&serial_mpi);
        REQUIRE(rc == 0);
        return std::string(reinterpret_cast<const char*>(buf.data()));
    }

    // A leaf for a "PUBLIC KEY" PEM.
    std::string leaf_for(const std::string& pub_pem) {
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        int rc = mbedtls_pk_parse_public_key(&pk, reinterpret_cast<const unsigned char*>(pub_pem.c_str()), pub_pem.size() + 1);
        std::string out = rc == 0 ? issue_for(pk, "CN=keyless", serial++) : std::string();
        mbedtls_pk_free(&pk);
        return out;
    }
};

// An in-memory Fulcio (v2 and legacy v1, or v1 only): checks the bearer token's subject proof with
// the key sent, as real Fulcio does, and answers with a leaf for that key and its root. Records
// every request.
struct fake_fulcio {
    mini_ca ca;
    bool v2 = true;
    bool refuse_token = false;
    bool wrong_key = false;  // issue the certificate for another key
    // When set (v2 only): the answer is signedCertificateDetachedSct, with this SCT (the
    // add-chain response JSON) for the leaf's DER.
    std::function<std::string(const bytes&)> detached_sct;
    std::string expected_subject = "alice@example.com";
    std::vector<transport::request> log;

    static transport::response answer(int status, std::string body, std::string type = "application/json") {
        transport::response r;
        r.status = status;
        r.body = std::move(body);
        r.headers.emplace_back("Content-Type", std::move(type));
        return r;
    }

    result<transport::response> handle(const transport::request& req) {
        log.push_back(req);
        const std::string base = "http://fulcio.test";
        const std::string path = req.url.substr(base.size());
        const bool is_v2 = path == "/api/v2/signingCert", is_v1 = path == "/api/v1/signingCert";
        if (req.method != "POST" || (!is_v1 && !(is_v2 && v2)))
            return answer(404, R"({"code":5,"message":"Not Found"})");
        if (refuse_token || req.header("Authorization").rfind("Bearer ey", 0) != 0)
            return answer(401, R"({"code":401,"message":"OIDC token rejected: no applicable key found in the JSON Web Key Set"})");
        auto doc = json::parse(req.body);
        if (!doc) return answer(400, R"({"code":400,"message":"bad json"})");
        std::string pub, proof;
        if (is_v2) {
            const auto& pkr = (*doc)["publicKeyRequest"];
            pub = pkr["publicKey"]["content"].GetString();
            proof = pkr["proofOfPossession"].GetString();
        } else {
            auto pem = base64::decode((*doc)["publicKey"]["content"].GetString());
            if (!pem) return answer(400, R"({"code":400,"message":"content is not base64"})");
            pub = byte_view(*pem).to_string();
            proof = (*doc)["signedEmailAddress"].GetString();
        }
        auto key = crypto_t::parse_public_key(pub);
        auto sig = base64::decode(proof);
        if (!key || !sig || !crypto_t::verify(*key, byte_view(expected_subject), *sig))
            return answer(400, R"({"code":400,"message":"proofOfPossession is not a valid signature over the email claim"})");
        std::string for_key = pub;
        if (wrong_key) {
            auto other = crypto_t::generate_p256();
            for_key = crypto_t::public_key_pem(*crypto_t::public_key_of(*other));
        }
        std::string leaf = ca.leaf_for(for_key);
        if (is_v2) {
            json::writer w;
            w.begin_object().key(detached_sct ? "signedCertificateDetachedSct" : "signedCertificateEmbeddedSct").begin_object();
            w.key("chain").begin_object();
            w.key("certificates").begin_array().string(leaf).string(ca.root_pem).end_array();
            w.end_object();
            if (detached_sct) {
                auto der = crypto_t::parse_certificate(leaf);
                w.key("signedCertificateTimestamp").string(base64::encode(detached_sct(crypto_t::certificate_der(*der))));
            }
            w.end_object().end_object();
            return answer(200, std::move(w).str());
        }
        std::string root = ca.root_pem;
        root.pop_back();  // real Fulcio's legacy gateway: joined by "\n", no trailing newline
        return answer(201, leaf + root, "application/pem-certificate-chain");
    }
};

struct fake_fulcio_transport {
    std::shared_ptr<fake_fulcio> fulcio = std::make_shared<fake_fulcio>();
    result<transport::response> send(const transport::request& req) { return fulcio->handle(req); }
};

fulcio::fulcio_options at_fake(fulcio::fulcio_api api = fulcio::fulcio_api::automatic) {
    fulcio::fulcio_options o;
    o.url = "http://fulcio.test/";
    o.api = api;
    return o;
}

using issuer_t = fulcio::fulcio_issuer<crypto_t, fake_fulcio_transport>;
using client_t = fulcio::basic_fulcio_client<fake_fulcio_transport>;

}  // namespace

TEST_CASE("Fulcio request bodies: v2 as the captured request, legacy v1 as cosign 2 sends it", "[fulcio][format]") {
    auto captured = json::parse(read_data("certreq.json"));
    REQUIRE(captured);
    const auto& pkr = (*captured)["publicKeyRequest"];
    const std::string pub = pkr["publicKey"]["content"].GetString();
    const std::string proof = pkr["proofOfPossession"].GetString();

    const std::string v2 = fulcio::v2_request_json(pub, fulcio::v2_algorithm(key_type::ecdsa), proof);
    CHECK(v2 == R"({"publicKeyRequest":{"publicKey":{"algorithm":"ECDSA","content":")" + json::go_quote(pub).substr(1, json::go_quote(pub).size() - 2) +
                    R"("},"proofOfPossession":")" + proof + R"("}})");
    // Same document as the captured one, member for member.
    auto ours = json::parse(v2);
    REQUIRE(ours);
    CHECK(*ours == *captured);

    CHECK(std::string(fulcio::v2_algorithm(key_type::rsa)) == "RSA_PSS");
    CHECK(std::string(fulcio::v2_algorithm(key_type::ed25519)) == "ED25519");

    // v1: byte for byte cosign 2.5's own request (captured), from its key and proof.
    const std::string c2 = read_data("certreq-v1-cosign2.json");
    auto c2doc = json::parse(c2);
    REQUIRE(c2doc);
    auto c2pem = base64::decode((*c2doc)["publicKey"]["content"].GetString());
    REQUIRE(c2pem);
    CHECK(fulcio::v1_request_json(byte_view(*c2pem).to_string(), (*c2doc)["signedEmailAddress"].GetString()) == c2);
}

TEST_CASE("Fulcio answers: the local Fulcio's v2 answer parses into cosign's leaf and chain", "[fulcio][format]") {
    const std::string body = read_data("fulcio-resp.json");
    auto r = fulcio::parse_v2_response(body);
    REQUIRE(r);
    auto doc = json::parse(body);
    const auto& certs = (*doc)["signedCertificateEmbeddedSct"]["chain"]["certificates"];
    // Each certificate re-encoded as Go writes PEM (64 columns; this answer has one long line).
    auto reencoded = [](const char* text) { return pem::encode("CERTIFICATE", pem::decode(text)->der); };
    CHECK(std::string(certs[0].GetString()) != reencoded(certs[0].GetString()));
    CHECK(r->leaf_pem == reencoded(certs[0].GetString()));
    REQUIRE(r->chain.size() == 1);
    CHECK(r->chain[0] == reencoded(certs[1].GetString()));
    CHECK(r->chain_pem == r->chain[0]);
    CHECK(r->detached_sct.empty());
    // The leaf is for the key of the captured request.
    auto leaf = crypto_t::parse_certificate(r->leaf_pem);
    REQUIRE(leaf);
    auto leaf_key = crypto_t::certificate_public_key(*leaf);
    REQUIRE(leaf_key);
    auto req = json::parse(read_data("certreq.json"));
    auto sent_key = crypto_t::parse_public_key((*req)["publicKeyRequest"]["publicKey"]["content"].GetString());
    REQUIRE(sent_key);
    CHECK(crypto_t::public_key_pem(*leaf_key) == crypto_t::public_key_pem(*sent_key));

    // A detached SCT is kept.
    auto d = fulcio::parse_v2_response(R"({"signedCertificateDetachedSct":{"chain":{"certificates":[)" +
                                       json::go_quote(r->leaf_pem) + R"(]},"signedCertificateTimestamp":"AAEC"}})");
    REQUIRE(d);
    CHECK(d->detached_sct == "AAEC");
    CHECK(d->chain.empty());
}

TEST_CASE("Fulcio answers: bad answers are refused with what is wrong", "[fulcio][format]") {
    auto sample = fulcio::parse_v2_response(read_data("fulcio-resp.json"));
    REQUIRE(sample);
    const std::string leaf = sample->leaf_pem;
    struct bad {
        std::string body, needle;
    };
    const std::string q = json::go_quote(leaf);
    for (const bad& b : std::vector<bad>{
             {"not json", "Fulcio's answer"},
             {"[]", "not a JSON object"},
             {"{}", "neither"},
             {R"({"signedCertificateEmbeddedSct":{}})", "chain.certificates"},
             {R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[]}}})", "empty certificate chain"},
             {R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[5]}}})", "not a string"},
             {R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":["hello"]}}})", "0 PEM blocks"},
             {R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":[)" + q + R"(,"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"]}}})",
              "certificate 1 of Fulcio's chain is a PEM \"PUBLIC KEY\""},
             {R"({"signedCertificateEmbeddedSct":{"chain":{"certificates":["-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"]}}})",
              "not PEM"},
             {R"({"signedCertificateDetachedSct":{"chain":{"certificates":[)" + q + R"(]},"signedCertificateTimestamp":"%%"}})",
              "detached SCT"},
         }) {
        auto r = fulcio::parse_v2_response(b.body);
        REQUIRE_FALSE(r);
        INFO(r.error().message());
        CHECK(r.error().message().find(b.needle) != std::string::npos);
    }

    // v1: the leaf re-encoded, the chain verbatim (no trailing newline, as Fulcio sends it).
    std::string root = sample->chain_pem;
    root.pop_back();
    auto v1 = fulcio::parse_v1_response(leaf + root, "");
    REQUIRE(v1);
    CHECK(v1->leaf_pem == leaf);
    CHECK(v1->chain_pem == root);
    REQUIRE(v1->chain.size() == 1);
    CHECK(v1->chain[0] == root + "\n");
    CHECK(fulcio::parse_v1_response(leaf, "AAEC")->detached_sct == "AAEC");
    CHECK(fulcio::parse_v1_response(leaf, "AAEC")->chain_pem.empty());
    CHECK(fulcio::parse_v1_response("", "").error().message().find("no PEM certificate") != std::string::npos);
    CHECK(fulcio::parse_v1_response(leaf, "%").error().message().find("SCT header") != std::string::npos);
    CHECK(fulcio::parse_v1_response(leaf + "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "")
              .error()
              .message()
              .find("\"EC PRIVATE KEY\"") != std::string::npos);
}

TEST_CASE("Fulcio client: v2 first, the legacy v1 when the server has no v2 route; a refused token is unauthorized",
          "[fulcio][client]") {
    auto key = crypto_t::generate_p256();
    auto signer = local_signer<crypto_t>::from_key(std::move(*key));
    REQUIRE(signer);
    const std::string pub = signer->public_key_pem();
    auto proof = signer->sign(byte_view(std::string("alice@example.com")));
    REQUIRE(proof);

    SECTION("v2") {
        fake_fulcio_transport t;
        client_t c(t, at_fake());
        auto r = c.signing_cert(alice_token, pub, key_type::ecdsa, *proof);
        REQUIRE(r);
        CHECK(c.api_used() == fulcio::fulcio_api::v2);
        REQUIRE(t.fulcio->log.size() == 1);
        const auto& req = t.fulcio->log[0];
        CHECK(req.url == "http://fulcio.test/api/v2/signingCert");
        CHECK(req.header("Authorization") == "Bearer " + alice_token);
        CHECK(req.header("Content-Type") == "application/json");
        CHECK(req.body == fulcio::v2_request_json(pub, "ECDSA", base64::encode(*proof)));
        CHECK(r->chain_pem == t.fulcio->ca.root_pem);
    }
    SECTION("automatic falls back to v1 on 404; v1 pinned asks v1 only") {
        fake_fulcio_transport t;
        t.fulcio->v2 = false;
        client_t c(t, at_fake());
        auto r = c.signing_cert(alice_token, pub, key_type::ecdsa, *proof);
        REQUIRE(r);
        CHECK(c.api_used() == fulcio::fulcio_api::v1);
        REQUIRE(t.fulcio->log.size() == 2);
        CHECK(t.fulcio->log[1].url == "http://fulcio.test/api/v1/signingCert");
        CHECK(t.fulcio->log[1].body == fulcio::v1_request_json(pub, base64::encode(*proof)));
        std::string root = t.fulcio->ca.root_pem;
        root.pop_back();
        CHECK(r->chain_pem == root);

        client_t v1(t, at_fake(fulcio::fulcio_api::v1));
        REQUIRE(v1.signing_cert(alice_token, pub, key_type::ecdsa, *proof));
        CHECK(t.fulcio->log.size() == 3);
        client_t v2(t, at_fake(fulcio::fulcio_api::v2));
        auto no = v2.signing_cert(alice_token, pub, key_type::ecdsa, *proof);
        REQUIRE_FALSE(no);
        CHECK(no.error().message().find("HTTP 404") != std::string::npos);
        CHECK(t.fulcio->log.size() == 4);
    }
    SECTION("401: errc::unauthorized naming Fulcio and its reason, never the token; no fallback") {
        fake_fulcio_transport t;
        t.fulcio->refuse_token = true;
        client_t c(t, at_fake());
        auto r = c.signing_cert(alice_token, pub, key_type::ecdsa, *proof);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::unauthorized);
        CHECK(r.error().message().find("Fulcio at http://fulcio.test") != std::string::npos);
        CHECK(r.error().message().find("refused the identity token: HTTP 401: OIDC token rejected") != std::string::npos);
        CHECK(r.error().message().find(alice_token.substr(0, 20)) == std::string::npos);
        CHECK(t.fulcio->log.size() == 1);
    }
    SECTION("a bad proof: 400 with Fulcio's message") {
        fake_fulcio_transport t;
        t.fulcio->expected_subject = "bob@example.com";
        client_t c(t, at_fake());
        auto r = c.signing_cert(alice_token, pub, key_type::ecdsa, *proof);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("refused the certificate request: HTTP 400: proofOfPossession") != std::string::npos);
    }
    SECTION("unreadable 2xx answers are errors naming Fulcio") {
        fake_fulcio_transport t;
        client_t c(t, at_fake());
        auto r = fulcio::parse_v2_response("{}");
        REQUIRE_FALSE(r);
        CHECK_FALSE(c.signing_cert("", pub, key_type::ecdsa, *proof));
        CHECK(t.fulcio->log.empty());
    }
}

TEST_CASE("fulcio_issuer: a token becomes an ephemeral P-256 signer carrying Fulcio's certificate", "[fulcio][issuer]") {
    fake_fulcio_transport t;
    issuer_t issuer(client_t(t, at_fake()));
    auto s = issuer.issue(alice_token);
    REQUIRE(s);
    static_assert(is_signer_v<fulcio::keyless_signer<crypto_t>>);
    static_assert(has_certificate_v<fulcio::keyless_signer<crypto_t>>);
    static_assert(has_sign_digest_v<fulcio::keyless_signer<crypto_t>>);
    CHECK(s->describe().curve == "P-256");
    const signer_certificate c = s->certificate();
    auto leaf = crypto_t::parse_certificate(c.certificate_pem);
    REQUIRE(leaf);
    CHECK(crypto_t::public_key_pem(*crypto_t::certificate_public_key(*leaf)) == s->public_key_pem());
    CHECK(c.chain_pem == t.fulcio->ca.root_pem);
    // The proof of possession was over the email claim (the fake checks it) and signs verify with the leaf's key.
    auto sig = s->sign(byte_view(std::string("payload")));
    REQUIRE(sig);
    CHECK(crypto_t::verify(*crypto_t::certificate_public_key(*leaf), byte_view(std::string("payload")), *sig));
    // Each issue is a new key.
    auto again = issuer.issue(alice_token);
    REQUIRE(again);
    CHECK(again->public_key_pem() != s->public_key_pem());
    // Type-erased, the certificate stays with the signer.
    any_signer erased(std::move(*again));
    CHECK_FALSE(erased.certificate().certificate_pem.empty());

    SECTION("a token without a usable subject costs no request") {
        t.fulcio->log.clear();
        auto r = issuer.issue(jwt(R"({"sub":"x","email":"b@example.com"})"));
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("not verified") != std::string::npos);
        CHECK(t.fulcio->log.empty());
    }
    SECTION("a certificate for another key is refused") {
        t.fulcio->wrong_key = true;
        auto r = issuer.issue(alice_token);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK(r.error().message().find("another public key") != std::string::npos);
    }
    SECTION("--issue-certificate: an existing key certified (v1 server)") {
        t.fulcio->v2 = false;
        auto k = crypto_t::generate_p256();
        auto existing = local_signer<crypto_t>::from_key(std::move(*k));
        const std::string pem = existing->public_key_pem();
        auto certified = issuer.certify(std::move(*existing), alice_token);
        REQUIRE(certified);
        CHECK(certified->public_key_pem() == pem);
        CHECK(issuer.client().api_used() == fulcio::fulcio_api::v1);
        CHECK(certified->certificate().chain_pem.back() != '\n');  // v1: verbatim
    }
}

TEST_CASE("basic_signer with a keyless signer: certificate and chain annotations, the certificate in Rekor",
          "[fulcio][sign][tlog]") {
    using fake = transport::fake_transport;
    using rekor_t = cosign_test::fake_rekor_transport;
    using step_t = tlog::rekor_upload_step<crypto_t, rekor_t>;
    using logged_signer = basic_signer<crypto_t, fake, default_key_sources<crypto_t>, step_t>;
    fake f;
    registry::basic_client<fake> client(f);
    std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string cd = f.put_blob("registry.test", "demo", config);
    f.put_manifest("registry.test", "demo", "v1",
                   R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                       cd + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[]})",
                   "application/vnd.oci.image.manifest.v1+json");
    auto image = *oci::reference::parse("registry.test/demo:v1");
    rekor_t rk;
    tlog::rekor_options ro;
    ro.url = "http://rekor.test";
    logged_signer s(client, step_t(tlog::basic_rekor_client<rekor_t>(rk, ro), {*tlog::log_key::from_pem(rk.rekor->pub_pem)}));
    fake_fulcio_transport ft;
    issuer_t issuer(client_t(ft, at_fake()));

    SECTION("signed, logged with the certificate, annotated as cosign") {
        auto key = issuer.issue(alice_token);
        REQUIRE(key);
        const signer_certificate cert = key->certificate();
        any_signer signer(std::move(*key));
        auto out = s.sign(image, signer, {});
        REQUIRE(out);
        const signed_image& one = out->front();
        REQUIRE(one.tlog_entry);
        auto body = tlog::parse_entry_body(one.tlog_entry->body);
        REQUIRE(body);
        CHECK(body->public_key == cert.certificate_pem);  // the certificate, not the key
        auto m = oci::parse_manifest(*f.manifest("registry.test", "demo", one.tag));
        REQUIRE(m);
        const auto& ann = m->layers.at(0).annotations;
        CHECK(ann.at(std::string(oci::annotation::certificate)) == cert.certificate_pem);
        CHECK(ann.at(std::string(oci::annotation::chain)) == cert.chain_pem);
        CHECK(ann.at(tlog::bundle_annotation_key) == one.bundle_annotation);
        CHECK(ann.size() == 4);  // signature, certificate, chain, bundle
    }
    SECTION("Fulcio refuses the token: no signer, so no Rekor request and no registry write") {
        ft.fulcio->refuse_token = true;
        auto key = issuer.issue(alice_token);
        REQUIRE_FALSE(key);
        CHECK(key.error().code() == errc::unauthorized);
        CHECK(rk.rekor->log.empty());
        CHECK(f.request_count() == 0);
    }
}

TEST_CASE("fulcio_issuer::verify_sct: Fulcio's SCT checked with the trust root's CT log keys before use",
          "[fulcio][issuer][sct]") {
    fake_fulcio_transport t;
    issuer_t issuer(client_t(t, at_fake()));
    trust::trust_root root;
    auto before = issuer.verify_sct(root);
    REQUIRE_FALSE(before);
    CHECK_THAT(before.error().message(), Catch::Contains("no certificate has been issued yet"));

    // A CT log of the test's own, signing a detached SCT (an x509_entry) for each leaf.
    auto ct_key = crypto_t::generate_p256();
    REQUIRE(ct_key);
    auto ct_spki = crypto_t::public_key_der(*crypto_t::public_key_of(*ct_key));
    REQUIRE(ct_spki);
    REQUIRE(trust::add_log_key(root.ctlogs, byte_view(*ct_spki).as_chars(), "test CT log"));
    bool forge = false;
    t.fulcio->detached_sct = [&](const bytes& leaf_der) {
        signed_certificate_timestamp sct;
        sct.timestamp = 1700000000000;
        auto sig = crypto_t::sign(*ct_key, detail::sct::signed_data_x509(sct, leaf_der));
        REQUIRE(sig);
        if (forge) sig->back() ^= 1;
        bytes ds{4, 3, static_cast<std::uint8_t>(sig->size() >> 8), static_cast<std::uint8_t>(sig->size() & 0xff)};
        ds.insert(ds.end(), sig->begin(), sig->end());
        return "{\"sct_version\":0,\"id\":\"" + base64::encode(trust::log_id_of(*ct_spki)) +
               "\",\"timestamp\":1700000000000,\"extensions\":\"\",\"signature\":\"" + base64::encode(ds) + "\"}";
    };
    auto s = issuer.issue(alice_token);
    REQUIRE(s);
    CHECK_FALSE(issuer.last_response().detached_sct.empty());
    CHECK(issuer.verify_sct(root));

    SECTION("another CT log key: refused naming the SCT check") {
        trust::trust_root other;
        auto other_key = crypto_t::generate_p256();
        REQUIRE(other_key);
        auto other_spki = crypto_t::public_key_der(*crypto_t::public_key_of(*other_key));
        REQUIRE(trust::add_log_key(other.ctlogs, byte_view(*other_spki).as_chars(), "other CT log"));
        auto r = issuer.verify_sct(other);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
        CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: no trusted CT log has log id"));
    }
    SECTION("a forged detached SCT") {
        forge = true;
        REQUIRE(issuer.issue(alice_token));
        auto r = issuer.verify_sct(root);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::Contains("the detached SCT's signature does not verify"));
    }
    SECTION("no SCT at all (this fake embeds none): refused") {
        t.fulcio->detached_sct = nullptr;
        REQUIRE(issuer.issue(alice_token));
        CHECK(issuer.last_response().detached_sct.empty());
        auto r = issuer.verify_sct(root);
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message(), Catch::StartsWith("SCT: the certificate has no embedded SCT and no detached SCT"));
    }
}
