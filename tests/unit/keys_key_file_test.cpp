// SPDX-License-Identifier: Apache-2.0
// Unit tests of cosign's encrypted key file: go-securesystemslib's vectors, cosign's test keys, a
// key written by the real cosign 2, and keys written by us; the known answers run over every
// crypto policy of tests/unit/policies.hpp.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/core/base64.hpp>
#include <cosign/core/hex.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/core/pem.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/cosign_key_file.hpp>

#include "policies.hpp"

using namespace cosign;
using cosign_test::crypto_policies;
using crypto_policy = cosign::crypto::mbedtls;
using parse_only_key_file = cosign::cosign_key_file<crypto_policy>;  // where only parsing is tested

static std::string data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <class P>
std::string public_pem_of(const typename P::private_key& key) {
    auto pub = P::public_key_of(key);
    REQUIRE(pub);
    return P::public_key_pem(*pub);
}

static std::string replace_once(std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

TEMPLATE_LIST_TEST_CASE("go-securesystemslib's encrypted vectors decrypt with their passphrase", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    auto plain = key_file::decrypt_json(data_file("cosign/sslib-encrypted/TestDecrypt.json"), "supersecret");
    REQUIRE(plain);
    CHECK(byte_view(*plain).to_string() == "reallyimportant");

    for (const char* name : {"legacy", "standard", "owasp"}) {
        INFO(name);
        auto v = key_file::decrypt_json(
            data_file(std::string("cosign/sslib-encrypted/kdfVectors-") + name + ".json"), "supersecret");
        REQUIRE(v);
        CHECK(byte_view(*v).to_string() == "\"cmVhbGx5aW1wb3J0YW50\"");
    }
}

TEST_CASE("go-securesystemslib's unsupported scrypt parameters are refused before deriving", "[keys]") {
    auto r = parse_only_key_file::decrypt_json(data_file("cosign/sslib-encrypted/TestUnsupportedKDFParameters.json"),
                                    "supersecret");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unsupported);
    CHECK_THAT(r.error().message(), Catch::Contains("unsupported scrypt parameters N=99, r=99, p=99"));
    CHECK_THAT(r.error().message(), Catch::Contains("N=32768, 65536 or 131072 with r=8, p=1"));
}

TEST_CASE("an absurd scrypt N or unknown kdf and cipher names are refused and named", "[keys]") {
    const std::string json = data_file("cosign/sslib-encrypted/TestDecrypt.json");

    auto absurd =
        parse_only_key_file::decrypt_json(replace_once(json, "\"N\":32768", "\"N\":1073741824"), "supersecret");
    REQUIRE_FALSE(absurd);
    CHECK(absurd.error().code() == errc::unsupported);
    CHECK_THAT(absurd.error().message(), Catch::Contains("N=1073741824"));

    auto r16 = parse_only_key_file::decrypt_json(replace_once(json, "\"r\":8", "\"r\":16"), "supersecret");
    REQUIRE_FALSE(r16);
    CHECK(r16.error().code() == errc::unsupported);

    auto kdf = parse_only_key_file::decrypt_json(replace_once(json, "\"name\":\"scrypt\"", "\"name\":\"argon2id\""),
                                      "supersecret");
    REQUIRE_FALSE(kdf);
    CHECK(kdf.error().code() == errc::unsupported);
    CHECK_THAT(kdf.error().message(), Catch::Contains("unknown kdf name \"argon2id\""));

    auto cipher = parse_only_key_file::decrypt_json(replace_once(json, "nacl/secretbox", "aes-256-gcm"), "supersecret");
    REQUIRE_FALSE(cipher);
    CHECK(cipher.error().code() == errc::unsupported);
    CHECK_THAT(cipher.error().message(), Catch::Contains("unknown cipher name \"aes-256-gcm\""));

    auto float_n = parse_only_key_file::decrypt_json(replace_once(json, "\"N\":32768", "\"N\":32768.0"), "supersecret");
    REQUIRE_FALSE(float_n);
    CHECK(float_n.error().code() == errc::invalid_key);

    auto dup =
        parse_only_key_file::decrypt_json(replace_once(json, "{\"kdf\"", "{\"ciphertext\":\"\",\"kdf\""), "supersecret");
    REQUIRE_FALSE(dup);
    CHECK(dup.error().code() == errc::invalid_key);

    CHECK(parse_only_key_file::decrypt_json("[]", "x").error().code() == errc::invalid_key);
    CHECK(parse_only_key_file::decrypt_json("{", "x").error().code() == errc::invalid_key);
    CHECK(parse_only_key_file::decrypt_json("{}", "x").error().code() == errc::invalid_key);
}

TEMPLATE_LIST_TEST_CASE("a wrong password is reported with cosign's words", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    auto r = key_file::decrypt_json(data_file("cosign/sslib-encrypted/TestDecrypt.json"), "supersecreT");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::wrong_password);
    CHECK(r.error().message() == "decrypt: encrypted: decryption failed");

    // cosign's CI key does not open with the empty password.
    auto ci = key_file::decrypt(data_file("cosign/keys/encrypted/cosign-test.key"), "");
    REQUIRE_FALSE(ci);
    CHECK(ci.error().code() == errc::wrong_password);
}

TEMPLATE_LIST_TEST_CASE("cosign's test keys decrypt with 'hello' to the public keys cosign derives", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    for (const char* name : {"pemcosignkey", "pemsigstorekey"}) {
        INFO(name);
        auto key = key_file::decrypt(
            data_file(std::string("cosign/keys/encrypted/keys_test-") + name + ".key"), "hello");
        REQUIRE(key);
        CHECK(public_pem_of<P>(*key) ==
              data_file(std::string("cosign/derived/keys/keys_test-") + name + ".pub"));
    }
}

TEMPLATE_LIST_TEST_CASE("re-encoding a decrypted cosign key reproduces Go's PKCS#8 bytes", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    const std::string pem_text = data_file("cosign/keys/encrypted/keys_test-pemsigstorekey.key");
    auto plain = key_file::decrypt_payload(pem_text, "hello");
    REQUIRE(plain);
    CHECK(plain->size() == 138);
    auto key = P::parse_private_key_der(*plain);
    REQUIRE(key);
    auto der = crypto::to_pkcs8_der<P>(*key);
    REQUIRE(der);
    CHECK(hex::encode(*der) == hex::encode(*plain));
}

TEMPLATE_LIST_TEST_CASE("a key file whose inner key is SEC1 rather than PKCS#8 is refused, as cosign does", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    const std::string pem_text = data_file("cosign/keys/encrypted/keys_test-pemcosigneckey.key");
    auto plain = key_file::decrypt_payload(pem_text, "hello");
    REQUIRE(plain);  // the password is right
    CHECK(plain->size() == 121);
    auto key = key_file::decrypt(pem_text, "hello");
    REQUIRE_FALSE(key);
    CHECK(key.error().code() == errc::invalid_key);
    CHECK_THAT(key.error().message(), Catch::Contains("not PKCS#8"));
    CHECK_THAT(key.error().message(), Catch::Contains("SEC1"));
}

TEMPLATE_LIST_TEST_CASE("a key generated by the real cosign 2 decrypts to the public key it wrote", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    auto key = key_file::decrypt(data_file("generated/cosign2-generated.key"), "cosign-cpp-test");
    REQUIRE(key);
    CHECK(public_pem_of<P>(*key) == data_file("generated/cosign2-generated.pub"));
    CHECK(key_file::decrypt(data_file("generated/cosign2-generated.key"), "cosign-cpp-tesT").error().code() ==
          errc::wrong_password);
}

TEMPLATE_LIST_TEST_CASE("encrypt writes what current cosign writes and decrypt reads it back", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    auto key = P::generate_p256();
    REQUIRE(key);
    auto pem_text = key_file::encrypt(*key, "correct horse");
    REQUIRE(pem_text);

    // PEM: the new label, 64-column lines.
    CHECK(pem_text->rfind("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", 0) == 0);
    auto block = pem::decode(*pem_text);
    REQUIRE(block);
    CHECK(pem::encode(block->label, block->der) == *pem_text);

    // JSON: go-securesystemslib's member order and cosign's parameters.
    std::string json = byte_view(block->der).to_string();
    CHECK(json.rfind(R"({"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":")", 0) == 0);
    auto doc = json::parse(json);
    REQUIRE(doc);
    auto salt = base64::decode(*json::string_member(*json::member(*doc, "kdf"), "salt"));
    auto nonce = base64::decode(*json::string_member(*json::member(*doc, "cipher"), "nonce"));
    auto ct = base64::decode(*json::string_member(*doc, "ciphertext"));
    REQUIRE(salt);
    REQUIRE(nonce);
    REQUIRE(ct);
    CHECK(salt->size() == 32);
    CHECK(nonce->size() == 24);
    CHECK(ct->size() == 138 + 16);
    CHECK(json.find(R"("},"cipher":{"name":"nacl/secretbox","nonce":")") != std::string::npos);
    CHECK(json.find(R"("},"ciphertext":")") != std::string::npos);

    auto back = key_file::decrypt(*pem_text, "correct horse");
    REQUIRE(back);
    CHECK(public_pem_of<P>(*back) == public_pem_of<P>(*key));
    CHECK(key_file::decrypt(*pem_text, "correct horsE").error().code() == errc::wrong_password);

    // Two encryptions of one key differ (fresh salt and nonce).
    auto again = key_file::encrypt(*key, "correct horse");
    REQUIRE(again);
    CHECK(*again != *pem_text);
}

TEMPLATE_LIST_TEST_CASE("encrypt can write the legacy N=32768 for old cosign and accepts the empty password", "[keys]", crypto_policies) {
    using P = TestType;
    using key_file = cosign_key_file<P>;
    auto key = P::generate_p256();
    REQUIRE(key);
    auto pem_text = key_file::encrypt(*key, "", scrypt_n_legacy);
    REQUIRE(pem_text);
    auto block = pem::decode(*pem_text);
    REQUIRE(block);
    CHECK(byte_view(block->der).to_string().find(R"("N":32768,)") != std::string::npos);
    auto back = key_file::decrypt(*pem_text, "");
    REQUIRE(back);
    CHECK(key_file::encrypt(*key, "", 1024).error().code() == errc::invalid_argument);
}

TEST_CASE("truncated, mislabelled and empty key files are invalid keys", "[keys]") {
    const std::string good = data_file("cosign/keys/encrypted/keys_test-pemsigstorekey.key");

    auto truncated = parse_only_key_file::decrypt(good.substr(0, good.size() / 2), "hello");
    REQUIRE_FALSE(truncated);
    CHECK(truncated.error().code() == errc::invalid_key);

    // A body cut short but still framed by BEGIN/END lines.
    auto lines_cut = good;
    auto first_nl = lines_cut.find('\n');
    lines_cut.erase(first_nl + 1, 65 * 3);
    auto short_body = parse_only_key_file::decrypt(lines_cut, "hello");
    REQUIRE_FALSE(short_body);
    CHECK(short_body.error().code() == errc::invalid_key);

    auto wrong_label = parse_only_key_file::decrypt(data_file("cosign/keys/import/keys_test-validecpkcs8.pem"), "hello");
    REQUIRE_FALSE(wrong_label);
    CHECK(wrong_label.error().code() == errc::invalid_key);
    CHECK_THAT(wrong_label.error().message(), Catch::Contains("unsupported pem type: PRIVATE KEY"));

    auto public_key =
        parse_only_key_file::decrypt(data_file("cosign/derived/keys/keys_test-pemsigstorekey.pub"), "hello");
    REQUIRE_FALSE(public_key);
    CHECK_THAT(public_key.error().message(), Catch::Contains("PUBLIC KEY"));

    auto empty = parse_only_key_file::decrypt("", "hello");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code() == errc::invalid_key);
    CHECK_THAT(empty.error().message(), Catch::Contains("invalid pem block"));

    CHECK(parse_only_key_file::check_pem(good));
    CHECK_FALSE(parse_only_key_file::check_pem("hello"));
}
