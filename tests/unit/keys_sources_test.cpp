// SPDX-License-Identifier: Apache-2.0
// Unit tests of the key sources (file, env://, refused KMS schemes), the signers they hand back,
// public-key loading for verification, and the key-file I/O helpers.
#include "catch.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/concepts.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/public_key.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;
using keys = cosign::default_key_sources<crypto_policy>;

static std::string data_path(const std::string& rel) { return std::string(COSIGN_TEST_DATA) + "/" + rel; }

static std::string data_file(const std::string& rel) {
    std::ifstream in(data_path(rel), std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A password function that counts its calls.
struct counting_password {
    std::string password;
    int* calls;
    result<secure_bytes> operator()() const {
        ++*calls;
        return secure_bytes(password.begin(), password.end());
    }
};

static std::string temp_path(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/cosign-cpp-test-" + std::to_string(getpid()) + "-" + name;
}

TEST_CASE("the key sources and signers meet their requirements", "[keys]") {
    STATIC_REQUIRE(is_key_source_v<file_key_source<crypto_policy>>);
    STATIC_REQUIRE(is_key_source_v<env_key_source<crypto_policy>>);
    STATIC_REQUIRE(is_key_source_v<not_supported_key_source>);
    STATIC_REQUIRE(is_key_source_v<keys>);
    STATIC_REQUIRE(is_signer_v<local_signer<crypto_policy>>);
    STATIC_REQUIRE(is_signer_v<any_signer>);
    STATIC_REQUIRE_FALSE(is_signer_v<int>);
    STATIC_REQUIRE_FALSE(is_key_source_v<crypto_policy>);
    STATIC_REQUIRE(std::is_same<keys::signer_type, any_signer>::value);
}

TEST_CASE("a cosign key file on disk loads into a signer whose signatures verify", "[keys]") {
    int calls = 0;
    auto signer = keys::load(data_path("generated/cosign2-generated.key"),
                             counting_password{"cosign-cpp-test", &calls});
    REQUIRE(signer);
    CHECK(calls == 1);
    CHECK(signer->public_key_pem() == data_file("generated/cosign2-generated.pub"));
    CHECK(signer->describe().curve == "P-256");

    auto sig = signer->sign("payload");
    REQUIRE(sig);
    auto pub = load_public_key<crypto_policy>(data_path("generated/cosign2-generated.pub"));
    REQUIRE(pub);
    CHECK(crypto_policy::verify(*pub, "payload", *sig));
}

TEST_CASE("the password is asked for only when a cosign key was found", "[keys]") {
    int calls = 0;
    counting_password pw{"hello", &calls};

    auto missing = keys::load(data_path("no/such/cosign.key"), pw);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::io);
    CHECK_THAT(missing.error().message(), Catch::Contains("no/such/cosign.key"));

    auto not_a_key = keys::load(data_path("cosign/derived/keys/keys_test-pemsigstorekey.pub"), pw);
    REQUIRE_FALSE(not_a_key);
    CHECK(not_a_key.error().code() == errc::invalid_key);
    CHECK(calls == 0);

    auto wrong = keys::load(data_path("cosign/keys/encrypted/keys_test-pemsigstorekey.key"),
                            counting_password{"nope", &calls});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::wrong_password);
    CHECK(calls == 1);

    // An error from the password function (the user cancelled) comes back as is.
    password_fn cancelled = [] { return result<secure_bytes>(fail(errc::cancelled, "no password given")); };
    auto c = keys::load(data_path("cosign/keys/encrypted/keys_test-pemsigstorekey.key"), cancelled);
    REQUIRE_FALSE(c);
    CHECK(c.error().code() == errc::cancelled);
}

TEST_CASE("env:// loads the cosign key PEM held in a variable and names a missing variable", "[keys]") {
    REQUIRE(setenv("COSIGN_CPP_TEST_KEY",
                   data_file("cosign/keys/encrypted/keys_test-pemcosignkey.key").c_str(), 1) == 0);
    int calls = 0;
    STATIC_REQUIRE(std::is_same<decltype(env_key_source<crypto_policy>::load("", password_fn())),
                                result<local_signer<crypto_policy>>>::value);
    auto signer = keys::load("env://COSIGN_CPP_TEST_KEY", counting_password{"hello", &calls});
    REQUIRE(signer);
    CHECK(signer->public_key_pem() == data_file("cosign/derived/keys/keys_test-pemcosignkey.pub"));
    unsetenv("COSIGN_CPP_TEST_KEY");

    auto missing = keys::load("env://COSIGN_CPP_TEST_KEY", counting_password{"hello", &calls});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::invalid_argument);
    CHECK_THAT(missing.error().message(), Catch::Contains("$COSIGN_CPP_TEST_KEY"));
    CHECK(keys::load("env://", counting_password{"hello", &calls}).error().code() == errc::invalid_argument);
    CHECK(calls == 1);
}

TEST_CASE(
    "KMS, Vault, Kubernetes, GitLab and PKCS#11 references are refused as unsupported, not read as files",
    "[keys]") {
    for (const char* ref : {"awskms://alias/key", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k",
                            "azurekms://vault.vault.azure.net/key", "hashivault://key", "k8s://ns/secret",
                            "gitlab://project", "pkcs11:token=t;object=o"}) {
        INFO(ref);
        int calls = 0;
        auto r = keys::load(ref, counting_password{"x", &calls});
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::unsupported);
        CHECK_THAT(r.error().message(), Catch::EndsWith("keys are not supported in this build"));
        CHECK(calls == 0);
        CHECK(load_public_key<crypto_policy>(ref).error().code() == errc::unsupported);
    }
    CHECK(keys::load("awskms://x", password_fn()).error().message() ==
          "awskms:// keys are not supported in this build");
}

TEST_CASE("key_sources picks the first source that handles the reference", "[keys]") {
    CHECK(keys::handles("cosign.key"));
    CHECK(env_key_source<crypto_policy>::handles("env://X"));
    CHECK_FALSE(env_key_source<crypto_policy>::handles("cosign.key"));
    CHECK(not_supported_key_source::handles("pkcs11:x"));
    CHECK_FALSE(not_supported_key_source::handles("cosign.key"));
    using only_env = key_sources<env_key_source<crypto_policy>>;
    CHECK_FALSE(only_env::handles("cosign.key"));
    auto none = only_env::load("cosign.key", password_fn());
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == errc::unsupported);
}

TEST_CASE("public keys for verification load from a file, DER, or env://", "[keys]") {
    auto pem = load_public_key<crypto_policy>(data_path("cosign/derived/sig-image-example/cosign.pub"));
    REQUIRE(pem);
    auto der = load_public_key<crypto_policy>(data_path("cosign/ctlog-keys/letsencrypt-testflume-2021"));
    REQUIRE(der);

    REQUIRE(setenv("COSIGN_CPP_TEST_PUB", data_file("cosign/derived/sig-image-example/cosign.pub").c_str(),
                   1) == 0);
    auto env = load_public_key<crypto_policy>("env://COSIGN_CPP_TEST_PUB");
    unsetenv("COSIGN_CPP_TEST_PUB");
    REQUIRE(env);
    CHECK(crypto_policy::public_key_pem(*env) == crypto_policy::public_key_pem(*pem));

    auto missing = load_public_key<crypto_policy>(data_path("nope.pub"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::io);
    auto garbage = load_public_key<crypto_policy>(data_path("cosign/ctlog-keys/garbage-there-are-limits"));
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code() == errc::invalid_key);
    CHECK_THAT(garbage.error().message(), Catch::Contains("garbage-there-are-limits"));
    CHECK(load_public_key<crypto_policy>("https://example.com/cosign.pub").error().code() ==
          errc::unsupported);
}

TEST_CASE("write_file_0600 creates or truncates a file readable by its owner only", "[keys]") {
    const std::string path = temp_path("key");
    {
        std::ofstream pre(path);
        pre << "a much longer previous content that must disappear";
    }
    REQUIRE(chmod(path.c_str(), 0644) == 0);
    REQUIRE(write_file_0600(path, "secret\n"));
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto back = read_file(path, 100);
    REQUIRE(back);
    CHECK(byte_view(*back).to_string() == "secret\n");

    auto too_big = read_file<secure_bytes>(path, 3);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().code() == errc::limit_exceeded);
    std::remove(path.c_str());

    auto bad = write_file_0600("/nonexistent-dir/cosign.key", "x");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::io);
    CHECK_THAT(bad.error().message(), Catch::Contains("/nonexistent-dir/cosign.key"));
}

TEST_CASE("a key written with encrypt and write_file_0600 loads back through the file source", "[keys]") {
    auto key = crypto_policy::generate_p256();
    REQUIRE(key);
    auto pub = crypto_policy::public_key_of(*key);
    REQUIRE(pub);
    auto pem_text = cosign_key_file<crypto_policy>::encrypt(*key, "pw");
    REQUIRE(pem_text);
    const std::string path = temp_path("roundtrip.key");
    REQUIRE(write_file_0600(path, *pem_text));
    int calls = 0;
    auto signer = keys::load(path, counting_password{"pw", &calls});
    std::remove(path.c_str());
    REQUIRE(signer);
    CHECK(signer->public_key_pem() == crypto_policy::public_key_pem(*pub));
    auto sig = signer->sign("hello");
    REQUIRE(sig);
    CHECK(crypto_policy::verify(*pub, "hello", *sig));
}
