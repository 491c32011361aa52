// SPDX-License-Identifier: Apache-2.0
// Unit tests of the pkcs11: key source: the RFC 7512 URI parser and writer, the scheme's place
// among the key sources, public-key assembly, errors that name the key but never the PIN, and
// signing through a
// SoftHSM2 token made in a private directory: [softhsm] here, and with cosign in
// tests/integration/test_pkcs11.sh.
#include "catch.hpp"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>
#include <unistd.h>

#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/pkcs11.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;
using p11_source = pkcs11_key_source<crypto_policy>;

static std::string parse_error(const std::string& uri) {
    auto r = pkcs11_uri::parse(uri);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_argument);
    return r.error().message();
}

TEST_CASE("a pkcs11 URI with token, object, module-path and pin-value parses", "[keys][pkcs11]") {
    auto u = pkcs11_uri::parse("pkcs11:token=cosign-test;object=mykey?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234");
    REQUIRE(u);
    CHECK(u->token == "cosign-test");
    CHECK(u->object == "mykey");
    CHECK_FALSE(u->slot_id);
    CHECK(u->id.empty());
    CHECK(u->module_path == "/usr/lib/softhsm/libsofthsm2.so");
    CHECK(u->has_pin);
    CHECK(std::string(u->pin.begin(), u->pin.end()) == "1234");
}

TEST_CASE("pkcs11 URI values are percent-decoded, id= as raw bytes, and + stays a plus", "[keys][pkcs11]") {
    auto u = pkcs11_uri::parse("pkcs11:slot-id=1227055591;id=%01%AB%ff;object=my%20key+1?pin-value=a%26b");
    REQUIRE(u);
    REQUIRE(u->slot_id);
    CHECK(*u->slot_id == 1227055591UL);
    CHECK(u->id == bytes{0x01, 0xab, 0xff});
    CHECK(u->object == "my key+1");
    CHECK(std::string(u->pin.begin(), u->pin.end()) == "a&b");
}

TEST_CASE("pkcs11 URIs accept & as a path separator and ; in the query, as cosign", "[keys][pkcs11]") {
    auto u = pkcs11_uri::parse("pkcs11:token=t&object=k?module-path=/m.so;pin-value=9");
    REQUIRE(u);
    CHECK(u->token == "t");
    CHECK(u->object == "k");
    CHECK(u->module_path == "/m.so");
    CHECK(u->has_pin);
}

TEST_CASE("RFC 7512 attributes cosign ignores are ignored; unknown ones are refused by name", "[keys][pkcs11]") {
    CHECK(pkcs11_uri::parse("pkcs11:token=t;object=k;type=private;manufacturer=SoftHSM%20project;x-vendor=1"));
    CHECK_THAT(parse_error("pkcs11:token=t;objet=k"), Catch::Contains("unknown attribute \"objet\""));
}

TEST_CASE("pkcs11 URI errors name the attribute that is wrong", "[keys][pkcs11]") {
    CHECK_THAT(parse_error("pkcs11:object=k"), Catch::Contains("one of token and slot-id must be set"));
    CHECK_THAT(parse_error("pkcs11:token=t"), Catch::Contains("one of object and id must be set"));
    CHECK_THAT(parse_error("pkcs11:slot-id=abc;object=k"), Catch::Contains("slot-id 'abc' is not a valid number"));
    CHECK_THAT(parse_error("pkcs11:slot-id=-1;object=k"), Catch::Contains("slot-id '-1'"));
    CHECK_THAT(parse_error("pkcs11:token=t;object=k%4"), Catch::Contains("percent-encoding in the value of \"object\""));
    CHECK_THAT(parse_error("pkcs11:token=t;id=%zz"), Catch::Contains("value of \"id\""));
    CHECK_THAT(parse_error("pkcs11:token=t;token=u;object=k"), Catch::Contains("\"token\" appears more than once"));
    CHECK_THAT(parse_error("pkcs11:token=t;object"), Catch::Contains("\"object\" has no value"));
    CHECK_THAT(parse_error("pkcs11:token=t;object=k;pin-value=1"), Catch::Contains("\"pin-value\" belongs in the query"));
    CHECK_THAT(parse_error("pkcs11:token=t?object=k"), Catch::Contains("\"object\" belongs in the path"));
    CHECK_THAT(parse_error("pkcs12:token=t;object=k"), Catch::Contains("must start with \"pkcs11:\""));
}

TEST_CASE("a pkcs11 URI parse error never repeats the PIN", "[keys][pkcs11]") {
    CHECK_THAT(parse_error("pkcs11:token=t?pin-value=s3cr3t-pin&bogus=1"), !Catch::Contains("s3cr3t-pin"));
    CHECK_THAT(parse_error("pkcs11:object=k?pin-value=s3cr3t-pin"), !Catch::Contains("s3cr3t-pin"));
    const std::string bare = parse_error("pkcs11:token=t;object=k?s3cr3t-pin");  // pin-value= forgotten
    CHECK_THAT(bare, Catch::Contains("an attribute without a value (name=value) in the query"));
    CHECK_THAT(bare, !Catch::Contains("s3cr3t-pin"));
}

TEST_CASE("pkcs11 URIs are written as cosign's list-keys-uris writes them, without the PIN", "[keys][pkcs11]") {
    pkcs11_uri u;
    u.token = "my token";
    u.slot_id = 7;
    u.id = {0x01, 0x02};
    u.object = "key&1+";
    u.module_path = "/usr/lib/softhsm/libsofthsm2.so";
    u.pin = {'1', '2'};
    u.has_pin = true;
    CHECK(u.to_string() == "pkcs11:token=my%20token;slot-id=7;id=%01%02;object=key%261%2b"
                           "?module-path=/usr/lib/softhsm/libsofthsm2.so");
    CHECK(u.display() == "pkcs11:token=my%20token;slot-id=7;id=%01%02;object=key%261%2b");
    auto back = pkcs11_uri::parse(u.to_string());
    REQUIRE(back);
    CHECK(back->token == u.token);
    CHECK(back->object == u.object);
    CHECK(back->id == u.id);
    CHECK(back->module_path == u.module_path);
}

TEST_CASE("the pkcs11 key source handles pkcs11: ahead of the refusing source", "[keys][pkcs11]") {
    using keys = key_sources<p11_source, default_key_sources<crypto_policy>>;
    STATIC_REQUIRE(is_key_source_v<p11_source>);
    CHECK(p11_source::handles("pkcs11:token=t;object=k"));
    CHECK_FALSE(p11_source::handles("cosign.key"));
    // Without the pkcs11 source the scheme stays "not supported in this build".
    auto refused = default_key_sources<crypto_policy>::load("pkcs11:token=t;object=k", {});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::unsupported);
    // With it, a missing module is an error naming the provider and the key.
    ::unsetenv("COSIGN_PKCS11_MODULE_PATH");
    auto r = keys::load("pkcs11:token=t;object=k?pin-value=s3cr3t-pin", {});
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message(), Catch::Contains("pkcs11 key \"pkcs11:token=t;object=k\""));
    CHECK_THAT(r.error().message(), Catch::Contains("COSIGN_PKCS11_MODULE_PATH"));
    CHECK_THAT(r.error().message(), !Catch::Contains("s3cr3t-pin"));
}

TEST_CASE("a pkcs11 module path that is relative, absent or not a module is refused by name", "[keys][pkcs11]") {
    auto rel = p11_source::load("pkcs11:token=t;object=k?module-path=libsofthsm2.so", {});
    REQUIRE_FALSE(rel);
    CHECK_THAT(rel.error().message(), Catch::Contains("is not an absolute path"));
    auto absent = p11_source::load("pkcs11:token=t;object=k?module-path=/nonexistent/libp11.so&pin-value=s3cr3t", {});
    REQUIRE_FALSE(absent);
    CHECK_THAT(absent.error().message(), Catch::Contains("pkcs11 key \"pkcs11:token=t;object=k\""));
    CHECK_THAT(absent.error().message(), Catch::Contains("/nonexistent/libp11.so"));
    CHECK_THAT(absent.error().message(), !Catch::Contains("s3cr3t"));
    auto dir = p11_source::load("pkcs11:token=t;object=k?module-path=/tmp", {});
    REQUIRE_FALSE(dir);
    CHECK_THAT(dir.error().message(), Catch::Contains("not a regular file"));
}

TEST_CASE("public keys are assembled from CKA_EC_PARAMS/CKA_EC_POINT and CKA_MODULUS/CKA_PUBLIC_EXPONENT",
          "[keys][pkcs11]") {
    auto key = crypto_policy::generate_p256();
    REQUIRE(key);
    auto pub = crypto_policy::public_key_of(*key);
    REQUIRE(pub);
    auto spki = crypto_policy::public_key_der(*pub);
    REQUIRE(spki);
    // The SPKI's last 65 bytes are the point; its AlgorithmIdentifier holds the curve OID.
    const bytes point(spki->end() - 65, spki->end());
    const bytes p256_params = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    bytes wrapped = {0x04, 65};
    wrapped.insert(wrapped.end(), point.begin(), point.end());
    CHECK(detail::p11::ec_point_of(wrapped) == byte_view(point));  // DER OCTET STRING, as the spec says
    CHECK(detail::p11::ec_point_of(point) == byte_view(point));    // bare point, as a few tokens give
    CHECK(detail::p11::ec_spki(p256_params, point) == *spki);

    const bytes modulus = {0x00, 0xc3, 0x01, 0x02};  // a leading zero is dropped, then re-added for the sign bit
    const bytes exponent = {0x01, 0x00, 0x01};
    CHECK(detail::p11::rsa_pkcs1(modulus, exponent) ==
          bytes{0x30, 0x0b, 0x02, 0x04, 0x00, 0xc3, 0x01, 0x02, 0x02, 0x03, 0x01, 0x00, 0x01});
}

namespace {
const char* const softhsm_module = "/usr/lib/softhsm/libsofthsm2.so";

struct counting_prompt {
    static inline int calls = 0;
    static result<secure_bytes> read_pin(const pkcs11_pin_request& r) {
        ++calls;
        CHECK(r.token_label == "unit");
        CHECK(r.key_label == "ec");
        return secure_bytes{'4', '3', '2', '1'};
    }
};

/// A SoftHSM2 token "unit" (PIN 4321) with an EC key "ec" in a private directory, or false when
/// SoftHSM2 is not installed (scripts/deps.sh installs it).
bool make_token() {
    static bool made = false, ok = false;
    if (made) return ok;
    made = true;
    if (::access(softhsm_module, R_OK) != 0 || std::system("command -v softhsm2-util >/dev/null 2>&1") != 0) return false;
    char dir[] = "/tmp/cosign-pkcs11-unit.XXXXXX";
    if (!::mkdtemp(dir)) return false;
    const std::string d = dir;
    const std::string conf = d + "/softhsm2.conf";
    const std::string setup = "mkdir -p " + d + "/tokens && printf 'directories.tokendir = " + d +
                              "/tokens\\nlog.level = ERROR\\n' > " + conf + " && SOFTHSM2_CONF=" + conf +
                              " softhsm2-util --init-token --free --label unit --pin 4321 --so-pin 8765 >/dev/null && "
                              "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + d +
                              "/ec.pem 2>/dev/null && SOFTHSM2_CONF=" + conf + " softhsm2-util --import " + d +
                              "/ec.pem --token unit --label ec --id 0a --pin 4321 >/dev/null && rm " + d + "/ec.pem";
    if (std::system(setup.c_str()) != 0) return false;
    ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    ok = true;
    return ok;
}
}  // namespace

TEST_CASE("a SoftHSM2 key signs; the module is shared and outlives the first signer", "[keys][pkcs11][softhsm]") {
    if (!make_token()) {
        WARN("SoftHSM2 is not installed (apt-get install softhsm2): skipped");
        return;
    }
    ::unsetenv("COSIGN_PKCS11_PIN");
    const std::string uri = std::string("pkcs11:token=unit;object=ec?module-path=") + softhsm_module;
    auto first = p11_source::load(uri + "&pin-value=4321", {});
    REQUIRE(first);
    auto second = p11_source::load(std::string("pkcs11:token=unit;id=%0a?module-path=") + softhsm_module +
                                       "&pin-value=4321",
                                   {});
    REQUIRE(second);
    CHECK(first->public_key_pem() == second->public_key_pem());
    CHECK(first->describe().curve == "P-256");
    auto pub = crypto_policy::parse_public_key(first->public_key_pem());
    REQUIRE(pub);
    {
        auto gone = std::move(*first);  // destroyed at the end of this scope: its session closes
        auto sig = gone.sign(byte_view("payload"));
        REQUIRE(sig);
        CHECK(crypto_policy::verify(*pub, byte_view("payload"), *sig));
    }
    auto sig = second->sign(byte_view("payload"));  // the module is still initialised for this one
    REQUIRE(sig);
    CHECK(crypto_policy::verify(*pub, byte_view("payload"), *sig));
    CHECK_FALSE(crypto_policy::verify(*pub, byte_view("other"), *sig));
}

TEST_CASE("the PIN prompt policy is asked only when no PIN is given, and only once", "[keys][pkcs11][softhsm]") {
    if (!make_token()) {
        WARN("SoftHSM2 is not installed (apt-get install softhsm2): skipped");
        return;
    }
    ::unsetenv("COSIGN_PKCS11_PIN");
    using prompting = pkcs11_key_source<crypto_policy, counting_prompt>;
    const std::string uri = std::string("pkcs11:token=unit;object=ec?module-path=") + softhsm_module;
    counting_prompt::calls = 0;
    REQUIRE(prompting::load(uri, {}));
    CHECK(counting_prompt::calls == 1);
    REQUIRE(prompting::load(uri + "&pin-value=4321", {}));
    ::setenv("COSIGN_PKCS11_PIN", "4321", 1);
    REQUIRE(prompting::load(uri, {}));
    ::unsetenv("COSIGN_PKCS11_PIN");
    CHECK(counting_prompt::calls == 1);
    // The default policy never prompts: it says how to give the PIN.
    auto r = p11_source::load(uri, {});
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message(), Catch::Contains("needs a PIN: add pin-value to the URI or set COSIGN_PKCS11_PIN"));
    auto wrong = p11_source::load(uri + "&pin-value=999999", {});
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::wrong_password);
    CHECK_THAT(wrong.error().message(), Catch::Contains("wrong PIN"));
    CHECK_THAT(wrong.error().message(), !Catch::Contains("999999"));
}

TEST_CASE("one pkcs11 signer and two signers on one module sign from several threads", "[keys][pkcs11][softhsm]") {
    if (!make_token()) {
        WARN("SoftHSM2 is not installed (apt-get install softhsm2): skipped");
        return;
    }
    const std::string uri = std::string("pkcs11:token=unit;object=ec?module-path=") + softhsm_module + "&pin-value=4321";
    auto a = p11_source::load(uri, {});
    auto b = p11_source::load(uri, {});
    REQUIRE(a);
    REQUIRE(b);
    auto pub = crypto_policy::parse_public_key(a->public_key_pem());
    REQUIRE(pub);
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            const auto& s = t % 2 ? *a : *b;  // two threads share each signer
            for (int i = 0; i < 10; ++i) {
                const std::string msg = "message " + std::to_string(t) + "/" + std::to_string(i);
                auto sig = s.sign(byte_view(msg));
                if (sig && crypto_policy::verify(*pub, byte_view(msg), *sig)) ++good;
            }
        });
    for (auto& th : threads) th.join();
    CHECK(good == 40);
}
