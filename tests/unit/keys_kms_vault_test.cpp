// SPDX-License-Identifier: Apache-2.0
// Unit tests of the hashivault:// (and openbao://) key source against a scripted transit API:
// the reference and environment rules cosign has, the requests sent (key read, prehashed sign),
// signatures that verify, and errors that name the key but never the token. The same source
// against fake-kms-server.js and the real cosign: tests/integration/test_kms_vault_azure_k8s.sh.
#include "catch.hpp"

#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

#include <cosign/core/base64.hpp>
#include <cosign/core/sha256.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/kms/vault.hpp>

#include "kms_scripted.hpp"

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;
using kms_test::scripted_transport;
using vault_source = hashivault_key_source<crypto_policy, scripted_transport>;

namespace {

const std::string token = "s.very-secret-vault-token";

/// A transit engine at mount `mount` holding key `name`, signing with `key`.
struct fake_transit {
    crypto_policy::private_key key;
    std::string mount = "transit";
    std::string name = "cosign-key";
    int sign_calls = 0;

    fake_transit() : key(std::move(*crypto_policy::generate_p256())) {}

    cosign::result<kms_test::response> operator()(const kms_test::request& r) {
        if (r.header("X-Vault-Token") != token) return kms_test::json_response(403, R"({"errors":["permission denied"]})");
        const std::string p = kms_test::path_of(r.url);
        if (r.method == "GET" && p == "/v1/" + mount + "/keys/" + name) {
            std::string pem = crypto_policy::public_key_pem(*crypto_policy::public_key_of(key));
            json::writer w;
            w.begin_object().key("data").begin_object().key("type").string("ecdsa-p256").key("latest_version").integer(2);
            w.key("keys").begin_object();
            w.key("1").begin_object().key("name").string("P-256").key("public_key").string("old").end_object();
            w.key("2").begin_object().key("name").string("P-256").key("public_key").string(pem).end_object();
            w.end_object().end_object().end_object();
            return kms_test::json_response(200, std::move(w).str());
        }
        if (r.method == "POST" && p == "/v1/" + mount + "/sign/" + name + "/sha2-256") {
            ++sign_calls;
            auto doc = json::parse(r.body);
            if (!doc) return kms_test::json_response(400, R"({"errors":["bad json"]})");
            auto input = json::string_member(*doc, "input");
            const json::value* pre = json::member(*doc, "prehashed");
            if (!input || !pre || !pre->IsBool() || !pre->GetBool())
                return kms_test::json_response(400, R"({"errors":["expected prehashed input"]})");
            auto digest = base64::decode(*input);
            if (!digest || digest->size() != 32) return kms_test::json_response(400, R"({"errors":["bad digest"]})");
            auto sig = crypto_policy::sign_prehashed(key, *digest, hash_algorithm::sha256);
            return kms_test::json_response(
                200, R"({"data":{"key_version":2,"signature":"vault:v2:)" + base64::encode(*sig) + R"("}})");
        }
        if (p.find("/keys/") != std::string::npos) return kms_test::json_response(404, R"({"errors":[]})");
        return kms_test::json_response(400, R"({"errors":["signing key not found"]})");
    }
};

vault_config config_for(std::string ref = "hashivault://cosign-key") {
    vault_config c;
    c.reference = ref;
    c.key = *vault_key_name(ref);
    c.address = "http://vault.test:8200";
    c.token.assign(token.begin(), token.end());
    return c;
}

}  // namespace

TEST_CASE("hashivault references: cosign's key name rule, openbao:// too", "[keys][kms][vault]") {
    CHECK(*vault_key_name("hashivault://cosign-key") == "cosign-key");
    CHECK(*vault_key_name("openbao://a.b_c-d") == "a.b_c-d");
    CHECK(*vault_key_name("hashivault://k") == "k");
    for (const char* bad : {"hashivault://", "hashivault://a/b", "hashivault://-a", "hashivault://a-", "hashivault://a b",
                            "vault://a"}) {
        auto r = vault_key_name(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_argument);
        CHECK(r.error().message().find(bad) != std::string::npos);
    }
    CHECK(vault_source::handles("hashivault://k"));
    CHECK(vault_source::handles("openbao://k"));
    CHECK_FALSE(vault_source::handles("hashivault:/k"));
    CHECK_FALSE(vault_source::handles("k8s://a/b"));
}

TEST_CASE("hashivault configuration comes from cosign's environment variables", "[keys][kms][vault]") {
    kms_test::env_guard env;
    for (const char* v : {"VAULT_ADDR", "BAO_ADDR", "VAULT_TOKEN", "BAO_TOKEN", "TRANSIT_SECRET_ENGINE_PATH",
                          "VAULT_NAMESPACE", "BAO_NAMESPACE", "VAULT_CACERT", "BAO_CACERT", "VAULT_CAPATH",
                          "VAULT_SKIP_VERIFY", "BAO_SKIP_VERIFY"})
        env.unset(v);
    char dir[] = "/tmp/cosign-vault-home-XXXXXX";
    REQUIRE(::mkdtemp(dir));
    env.set("HOME", dir);

    SECTION("no address") {
        auto c = vault_config::from_env("hashivault://k");
        REQUIRE_FALSE(c);
        CHECK(c.error().message() == "hashivault key \"hashivault://k\": VAULT_ADDR or BAO_ADDR is not set");
    }
    SECTION("no token anywhere") {
        env.set("VAULT_ADDR", "http://v:8200");
        auto c = vault_config::from_env("hashivault://k");
        REQUIRE_FALSE(c);
        CHECK(c.error().message().find("no Vault token found") != std::string::npos);
    }
    SECTION("the token file of the Vault CLI, BAO_ADDR, defaults") {
        env.set("BAO_ADDR", "https://bao.test:8200/");
        std::ofstream(std::string(dir) + "/.vault-token") << "from-file-token\n";
        auto c = vault_config::from_env("openbao://k");
        REQUIRE(c);
        CHECK(c->address == "https://bao.test:8200");
        CHECK(std::string(c->token.begin(), c->token.end()) == "from-file-token");
        CHECK(c->mount == "transit");
        CHECK(c->tls.tls_verify);
        std::remove((std::string(dir) + "/.vault-token").c_str());
    }
    SECTION("VAULT_TOKEN, mount, namespace, CA, skip-verify") {
        env.set("VAULT_ADDR", "https://v:8200");
        env.set("VAULT_TOKEN", token);
        env.set("TRANSIT_SECRET_ENGINE_PATH", "/signing/transit/");
        env.set("VAULT_NAMESPACE", "team-a");
        env.set("VAULT_CACERT", "/etc/vault-ca.pem");
        env.set("VAULT_SKIP_VERIFY", "true");
        auto c = vault_config::from_env("hashivault://k");
        REQUIRE(c);
        CHECK(std::string(c->token.begin(), c->token.end()) == token);
        CHECK(c->mount == "signing/transit");
        CHECK(c->vault_namespace == "team-a");
        CHECK(c->tls.ca_file == "/etc/vault-ca.pem");
        CHECK_FALSE(c->tls.tls_verify);
    }
    SECTION("a malformed address") {
        env.set("VAULT_ADDR", "vault.test:8200");
        env.set("VAULT_TOKEN", token);
        auto c = vault_config::from_env("hashivault://k");
        REQUIRE_FALSE(c);
        CHECK(c.error().message().find("http:// or https://") != std::string::npos);
    }
    ::rmdir(dir);
}

TEST_CASE("hashivault: the latest key version, a prehashed sign, a signature that verifies", "[keys][kms][vault]") {
    fake_transit fake;
    scripted_transport::reset(std::ref(fake));
    vault_config c = config_for();
    c.mount = "transit";
    c.vault_namespace = "team-a";
    auto signer = vault_source::open(std::move(c), scripted_transport());
    REQUIRE(signer);
    auto& log = scripted_transport::log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method == "GET");
    CHECK(log[0].url == "http://vault.test:8200/v1/transit/keys/cosign-key");
    CHECK(log[0].header("X-Vault-Request") == "true");
    CHECK(log[0].header("X-Vault-Namespace") == "team-a");
    CHECK(signer->public_key_pem() == crypto_policy::public_key_pem(*crypto_policy::public_key_of(fake.key)));
    CHECK(signer->describe().curve == "P-256");

    const std::string payload = R"({"critical":{"type":"cosign container image signature"}})";
    auto sig = signer->sign(byte_view(payload));
    REQUIRE(sig);
    REQUIRE(log.size() == 2);  // one request per signature
    CHECK(log[1].url == "http://vault.test:8200/v1/transit/sign/cosign-key/sha2-256");
    auto body = json::parse(log[1].body);
    REQUIRE(body);
    CHECK(*json::string_member(*body, "input") == base64::encode(sha256(byte_view(payload)).bytes));
    CHECK(*json::string_member(*body, "key_version") == "0");
    auto pub = crypto_policy::public_key_of(fake.key);
    CHECK(crypto_policy::verify(*pub, byte_view(payload), *sig));

    // sign_digest (blobs) sends the digest as it is.
    auto d = sha256(byte_view(std::string("blob")));
    auto sig2 = signer->sign_digest(d.bytes, hash_algorithm::sha256);
    REQUIRE(sig2);
    CHECK(crypto_policy::verify(*pub, byte_view(std::string("blob")), *sig2));
    CHECK(fake.sign_calls == 2);
    auto wrong = signer->sign_digest(byte_view(std::string("short")), hash_algorithm::sha256);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::invalid_argument);
}

TEST_CASE("hashivault: the mount path from TRANSIT_SECRET_ENGINE_PATH is used for both calls", "[keys][kms][vault]") {
    fake_transit fake;
    fake.mount = "my-transit";
    scripted_transport::reset(std::ref(fake));
    kms_test::env_guard env;
    env.set("VAULT_ADDR", "http://vault.test:8200");
    env.set("VAULT_TOKEN", token);
    env.set("TRANSIT_SECRET_ENGINE_PATH", "my-transit");
    env.unset("VAULT_NAMESPACE");
    env.unset("VAULT_CACERT");
    using keys = key_sources<vault_source, default_key_sources<crypto_policy>>;
    auto signer = keys::load("hashivault://cosign-key", {});
    REQUIRE(signer);
    auto sig = signer->sign(byte_view(std::string("x")));
    REQUIRE(sig);
    CHECK(scripted_transport::log().back().url == "http://vault.test:8200/v1/my-transit/sign/cosign-key/sha2-256");
}

TEST_CASE("hashivault errors name the key and never the token", "[keys][kms][vault]") {
    fake_transit fake;
    scripted_transport::reset(std::ref(fake));
    auto no_token = [](const error& e) { CHECK(e.message().find(token) == std::string::npos); };

    SECTION("a refused token") {
        vault_config c = config_for();
        c.token.assign({'b', 'a', 'd'});
        auto s = vault_source::open(std::move(c), scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::unauthorized);
        CHECK(s.error().message() ==
              "hashivault key \"hashivault://cosign-key\": reading the key from http://vault.test:8200: HTTP 403 "
              "(permission denied)");
    }
    SECTION("an unknown key") {
        auto s = vault_source::open(config_for("hashivault://missing"), scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::not_found);
        CHECK(s.error().message().find("hashivault://missing") != std::string::npos);
        no_token(s.error());
    }
    SECTION("a server that cannot be reached") {
        scripted_transport::reset(nullptr);
        auto s = vault_source::open(config_for(), scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::network);
        CHECK(s.error().message().find("hashivault key \"hashivault://cosign-key\"") == 0);
        no_token(s.error());
    }
    SECTION("a signature made by another key is caught") {
        auto s = vault_source::open(config_for(), scripted_transport());
        REQUIRE(s);
        fake.key = std::move(*crypto_policy::generate_p256());  // rotated behind our back
        auto sig = s->sign(byte_view(std::string("payload")));
        REQUIRE_FALSE(sig);
        CHECK(sig.error().code() == errc::invalid_key);
        CHECK(sig.error().message().find("does not verify") != std::string::npos);
    }
    SECTION("a sign call refused after the key was read") {
        auto s = vault_source::open(config_for(), scripted_transport());
        REQUIRE(s);
        scripted_transport::handler() = [](const kms_test::request&) {
            return cosign::result<kms_test::response>(
                kms_test::json_response(500, R"({"errors":["internal error"]})"));
        };
        auto sig = s->sign(byte_view(std::string("payload")));
        REQUIRE_FALSE(sig);
        CHECK(sig.error().message() ==
              "hashivault key \"hashivault://cosign-key\": transit: failed to sign payload: HTTP 500 (internal "
              "error)");
        no_token(sig.error());
    }
}

TEST_CASE("hashivault signatures: the vault:vN: prefix is removed", "[keys][kms][vault]") {
    using client = vault_client<scripted_transport>;
    CHECK(*client::decode_signature("vault:v1:AQID", "k") == bytes{1, 2, 3});
    CHECK(*client::decode_signature("vault:v123:AQID", "k") == bytes{1, 2, 3});
    CHECK(*client::decode_signature("AQID", "k") == bytes{1, 2, 3});
    CHECK_FALSE(client::decode_signature("vault:v:AQID", "k"));
    CHECK_FALSE(client::decode_signature("vault:v1AQID", "k"));
    CHECK_FALSE(client::decode_signature("vault:v1:", "k"));
    CHECK_FALSE(client::decode_signature("vault:v1:!!!!", "k"));
}

TEST_CASE("hashivault generate-key-pair --kms creates an ecdsa-p256 transit key", "[keys][kms][vault]") {
    fake_transit fake;
    bool created = false;
    scripted_transport::reset([&](const kms_test::request& r) -> cosign::result<kms_test::response> {
        if (r.method == "POST" && kms_test::path_of(r.url) == "/v1/transit/keys/cosign-key") {
            created = r.body == R"({"type":"ecdsa-p256"})";
            return kms_test::json_response(204, "");
        }
        return fake(r);
    });
    vault_client<scripted_transport> client(config_for(), scripted_transport());
    auto pem = client.create_key();
    REQUIRE(pem);
    CHECK(created);
    CHECK(*pem == crypto_policy::public_key_pem(*crypto_policy::public_key_of(fake.key)));
}
