// SPDX-License-Identifier: Apache-2.0
// Unit tests of psa_key_source (`psa-key:<id>`): persistent PSA keys in mbedTLS's own ITS files
// (in a temporary directory), signing without the private key in memory, the id syntax, and the
// errors for missing, public-only and non-signing keys. Built only against mbedTLS 3.6 with PSA.
#include "catch.hpp"

#include <cosign/crypto/mbedtls.hpp>

#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C) && defined(MBEDTLS_PSA_CRYPTO_STORAGE_C)
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <dirent.h>
#include <unistd.h>

#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/psa_key_source.hpp>

using namespace cosign;
using psa = cosign::crypto::psa;

namespace {

/// Runs a test inside a fresh temporary directory (mbedTLS writes its ITS files to the current
/// directory) and goes back, removing it, afterwards.
struct its_dir {
    std::string old_cwd, dir;
    its_dir() {
        char buf[4096];
        REQUIRE(getcwd(buf, sizeof buf));
        old_cwd = buf;
        char tmpl[] = "/tmp/cosign-psa-its.XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        REQUIRE(chdir(dir.c_str()) == 0);
    }
    ~its_dir() {
        if (chdir(old_cwd.c_str()) != 0) return;
        if (DIR* d = opendir(dir.c_str())) {
            while (dirent* e = readdir(d)) {
                std::string n = e->d_name;
                if (n != "." && n != "..") unlink((dir + "/" + n).c_str());
            }
            closedir(d);
        }
        rmdir(dir.c_str());
    }
    /// The number of files in the directory.
    int files() const {
        int n = 0;
        if (DIR* d = opendir(dir.c_str())) {
            while (dirent* e = readdir(d))
                if (e->d_name[0] != '.') ++n;
            closedir(d);
        }
        return n;
    }
};

std::string read_data(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("psa-key: ids are decimal or 0x hex in PSA's application range", "[keys][psa]") {
    CHECK(psa_key_source::handles("psa-key:7"));
    CHECK_FALSE(psa_key_source::handles("pkcs11:object=x"));
    CHECK_FALSE(psa_key_source::handles("./psa-key:7"));
    CHECK(*psa_key_source::parse_id("psa-key:7") == 7u);
    CHECK(*psa_key_source::parse_id("psa-key:0x10") == 16u);
    CHECK(*psa_key_source::parse_id("psa-key:1073741823") == 0x3fffffffu);
    for (const char* bad : {"psa-key:", "psa-key:0", "psa-key:1073741824", "psa-key:-1", "psa-key:7a", "psa-key:0x",
                            "psa-key:99999999999"}) {
        INFO(bad);
        auto r = psa_key_source::parse_id(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_argument);
        CHECK(r.error().message().find("from 1 to 1073741823") != std::string::npos);
    }
}

TEST_CASE("a persistent PSA key signs what its public key verifies, and stays in storage", "[keys][psa]") {
    its_dir its;
    REQUIRE(psa::generate_persistent_p256(4711));
    CHECK(its.files() == 1);  // PSA's ITS file for key 4711
    auto again = psa::generate_persistent_p256(4711);
    REQUIRE_FALSE(again);
    CHECK(again.error().message().find("PSA_ERROR_ALREADY_EXISTS") != std::string::npos);

    using keys = key_sources<psa_key_source, default_key_sources<psa>>;
    bool asked = false;
    auto signer = keys::load("psa-key:4711", [&]() -> result<secure_bytes> {
        asked = true;
        return secure_bytes();
    });
    REQUIRE(signer);
    CHECK_FALSE(asked);
    CHECK(signer->describe().curve == "P-256");
    auto pub = psa::parse_public_key(signer->public_key_pem());
    REQUIRE(pub);
    auto sig = signer->sign("payload");
    REQUIRE(sig);
    CHECK(psa::verify(*pub, "payload", *sig));
    auto classic_pub = crypto::mbedtls::parse_public_key(signer->public_key_pem());
    REQUIRE(classic_pub);
    CHECK(crypto::mbedtls::verify(*classic_pub, "payload", *sig));
    CHECK_FALSE(psa::verify(*pub, "payload!", *sig));
    // sign_digest gives sign()'s signature (deterministic ECDSA).
    auto digest = psa::digest(hash_algorithm::sha256, "payload");
    REQUIRE(digest);
    auto sig2 = signer->sign_digest(*digest, hash_algorithm::sha256);
    REQUIRE(sig2);
    CHECK(*sig2 == *sig);

    // The key cannot be exported: it never leaves PSA.
    std::uint8_t out[256];
    std::size_t len = 0;
    CHECK(psa_export_key(4711, out, sizeof out, &len) == PSA_ERROR_NOT_PERMITTED);

    REQUIRE(psa::destroy_persistent_key(4711));
    CHECK(its.files() == 0);
    auto gone = psa_key_source::load("psa-key:4711", nullptr);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code() == errc::not_found);
    CHECK(gone.error().message().find("no PSA key 4711") != std::string::npos);
    CHECK(psa::destroy_persistent_key(4711).error().code() == errc::not_found);
}

TEST_CASE("a stored cosign key signs through psa-key: to the bytes the file key gives", "[keys][psa]") {
    its_dir its;
    for (const char* name : {"validecp256", "validecp384", "validrsa"}) {
        INFO(name);
        const std::string pem = read_data(std::string("cosign/keys/import/keys_test-") + name + ".pem");
        auto key = psa::parse_private_key_pem(pem);
        REQUIRE(key);
        const psa_key_id_t id = 0x100;
        REQUIRE(psa::store_persistent_key(id, *key));
        auto signer = psa_key_source::load("psa-key:0x100", nullptr);
        REQUIRE(signer);
        CHECK(signer->describe().type == psa::describe(*key).type);
        auto pub = psa::public_key_of(*key);
        REQUIRE(pub);
        CHECK(signer->public_key_pem() == psa::public_key_pem(*pub));
        auto a = signer->sign("the same payload");
        auto b = psa::sign(*key, "the same payload");
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a == *b);
        REQUIRE(psa::destroy_persistent_key(id));
    }
    CHECK(its.files() == 0);
}

TEST_CASE("psa-key: refuses public keys and keys that may not sign, and bad ids, naming them", "[keys][psa]") {
    its_dir its;
    REQUIRE(psa_crypto_init() == PSA_SUCCESS);
    // A persistent public key.
    auto key = psa::generate_p256();
    REQUIRE(key);
    std::uint8_t point[65];
    std::size_t len = 0;
    REQUIRE(psa_export_public_key(key->native_handle(), point, sizeof point, &len) == PSA_SUCCESS);
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_id(&attr, 21);
    psa_set_key_lifetime(&attr, PSA_KEY_LIFETIME_PERSISTENT);
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_VERIFY_HASH);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_ANY_HASH));
    psa_key_id_t id = 0;
    REQUIRE(psa_import_key(&attr, point, len, &id) == PSA_SUCCESS);
    auto r = psa_key_source::load("psa-key:21", nullptr);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_key);
    CHECK(r.error().message().find("public key") != std::string::npos);
    REQUIRE(psa::destroy_persistent_key(21));

    // A key pair that may only verify.
    psa_set_key_id(&attr, 22);
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    REQUIRE(psa_generate_key(&attr, &id) == PSA_SUCCESS);
    psa_reset_key_attributes(&attr);
    auto v = psa_key_source::load("psa-key:22", nullptr);
    REQUIRE_FALSE(v);
    CHECK(v.error().message().find("PSA_KEY_USAGE_SIGN_HASH") != std::string::npos);
    REQUIRE(psa::destroy_persistent_key(22));

    auto bad = psa_key_source::load("psa-key:zero", nullptr);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::invalid_argument);
    CHECK(psa::generate_persistent_p256(0).error().code() == errc::invalid_argument);
}

TEST_CASE("a persistent key that allows only randomized ECDSA still signs, and verifies", "[keys][psa]") {
    its_dir its;
    REQUIRE(psa_crypto_init() == PSA_SUCCESS);
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_id(&attr, 31);
    psa_set_key_lifetime(&attr, PSA_KEY_LIFETIME_PERSISTENT);
    psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
    psa_set_key_bits(&attr, 256);
    psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH);
    psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
    psa_key_id_t id = 0;
    REQUIRE(psa_generate_key(&attr, &id) == PSA_SUCCESS);
    psa_reset_key_attributes(&attr);
    auto signer = psa_key_source::load("psa-key:31", nullptr);
    REQUIRE(signer);
    auto sig = signer->sign("payload");
    REQUIRE(sig);
    auto pub = psa::parse_public_key(signer->public_key_pem());
    REQUIRE(pub);
    CHECK(psa::verify(*pub, "payload", *sig));
    REQUIRE(psa::destroy_persistent_key(31));
}
#endif
