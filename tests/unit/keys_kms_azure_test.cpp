// SPDX-License-Identifier: Apache-2.0
// Unit tests of the azurekms:// key source against a scripted Key Vault and AAD: the reference
// rule cosign has, the challenge -> token -> key -> sign sequence the Azure SDK follows, the
// resource check, the raw r||s signature made DER, and errors that name the key but never the
// client secret or the token. Against fake-kms-server.js and the real cosign:
// tests/integration/test_kms_vault_azure_k8s.sh.
#include "catch.hpp"

#include <string>

#include <cosign/core/sha256.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/kms/azure.hpp>

#include "kms_scripted.hpp"

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;
using kms_test::scripted_transport;
using azure_source = azurekms_key_source<crypto_policy, scripted_transport>;

namespace {

const std::string secret = "very-secret-client-secret";
const std::string tenant = "tenant-1";
const std::string version = "0123456789abcdef";

/// Key Vault at https://<vault_host> and AAD at https://login.test, as the real services answer.
struct fake_vault {
    crypto_policy::private_key key;
    std::string vault_host = "myvault.vault.azure.net";
    std::string resource = "https://vault.azure.net";
    std::string issued = "eyJ.access-token.sig";
    std::string vault_tenant = tenant;  // the tenant the challenge names
    int token_calls = 0, sign_calls = 0;

    fake_vault() : key(std::move(*crypto_policy::generate_p256())) {}

    std::string jwk() const {
        auto pub = crypto_policy::public_key_of(key);
        auto der = crypto_policy::public_key_der(*pub);
        // The SPKI of a P-256 key ends with the 65-byte point 04||x||y.
        bytes point(der->end() - 64, der->end());
        bytes x(point.begin(), point.begin() + 32), y(point.begin() + 32, point.end());
        return R"({"key":{"kid":"https://)" + vault_host + "/keys/cosign-key/" + version +
               R"(","kty":"EC-HSM","crv":"P-256","x":")" + detail::azure::b64url_encode(x) + R"(","y":")" +
               detail::azure::b64url_encode(y) + R"(","key_ops":["sign","verify"]},"attributes":{"enabled":true}})";
    }

    cosign::result<kms_test::response> operator()(const kms_test::request& r) {
        const std::string p = kms_test::path_of(r.url);
        if (r.url.rfind("https://login.test/", 0) == 0) {
            ++token_calls;
            if (p != "/" + tenant + "/oauth2/v2.0/token" && p != "/tenant-2/oauth2/v2.0/token")  // AAD's tenants
                return kms_test::json_response(400, R"({"error":"invalid_request","error_description":"AADSTS90002: Tenant not found."})");
            if (r.body.find("client_secret=" + secret) == std::string::npos)
                return kms_test::json_response(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
            if (r.body.find("scope=" + transport::query_escape(resource + "/.default")) == std::string::npos ||
                r.body.find("grant_type=client_credentials") == std::string::npos ||
                r.body.find("client_id=app-id") == std::string::npos)
                return kms_test::json_response(400, R"({"error":"invalid_scope"})");
            return kms_test::json_response(200, R"({"token_type":"Bearer","expires_in":3599,"access_token":")" + issued + R"("})");
        }
        if (r.url.find("api-version=7.6") == std::string::npos)
            return kms_test::json_response(400, R"({"error":{"code":"BadParameter","message":"api-version"}})");
        if (r.header("Authorization") != "Bearer " + issued)
            return kms_test::json_response(
                401, R"({"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}})",
                {{"WWW-Authenticate", R"(Bearer authorization="https://login.test/)" + vault_tenant + R"(", resource=")" + resource + "\""}});
        if (r.method == "GET" && (p == "/keys/cosign-key" || p == "/keys/cosign-key/" + version))
            return kms_test::json_response(200, jwk());
        if (r.method == "POST" && p == "/keys/cosign-key/" + version + "/sign") {
            ++sign_calls;
            auto doc = json::parse(r.body);
            auto alg = doc ? json::string_member(*doc, "alg") : std::nullopt;
            auto value = doc ? json::string_member(*doc, "value") : std::nullopt;
            if (!alg || *alg != "ES256" || !value)
                return kms_test::json_response(400, R"({"error":{"code":"BadParameter","message":"alg"}})");
            auto digest = detail::azure::b64url_decode(*value);
            if (!digest || digest->size() != 32)
                return kms_test::json_response(400, R"({"error":{"code":"BadParameter","message":"digest"}})");
            auto der = crypto_policy::sign_prehashed(key, *digest, hash_algorithm::sha256);
            bytes raw = kms_test::der_to_p1363(*der, 32);
            return kms_test::json_response(200, R"({"kid":"x","value":")" + detail::azure::b64url_encode(raw) + "\"}");
        }
        return kms_test::json_response(
            404, R"({"error":{"code":"KeyNotFound","message":"A key with (name/id) )" + p + R"( was not found in this key vault."}})");
    }
};

azurekms_config config_for(const std::string& ref = "azurekms://myvault.vault.azure.net/cosign-key") {
    azurekms_config c;
    c.reference = ref;
    c.ref = *azurekms_reference::parse(ref);
    c.vault_url = "https://" + c.ref.host;
    c.tenant_id = tenant;
    c.client_id = "app-id";
    c.client_secret.assign(secret.begin(), secret.end());
    c.authority_host = "https://login.test";
    return c;
}

void no_secret(const error& e) {
    CHECK(e.message().find(secret) == std::string::npos);
    CHECK(e.message().find("access-token") == std::string::npos);
}

}  // namespace

TEST_CASE("azurekms references: sigstore's rule", "[keys][kms][azure]") {
    auto r = azurekms_reference::parse("azurekms://myvault.vault.azure.net/cosign-key");
    REQUIRE(r);
    CHECK(r->host == "myvault.vault.azure.net");
    CHECK(r->key == "cosign-key");
    CHECK(r->version.empty());
    auto v = azurekms_reference::parse("azurekms://127.0.0.1:8443/k/0123abcd");
    REQUIRE(v);
    CHECK(v->host == "127.0.0.1:8443");
    CHECK(v->version == "0123abcd");
    for (const char* bad : {"azurekms://", "azurekms://host", "azurekms://host/", "azurekms:///key",
                            "azurekms://host/key/ABC", "azurekms://host/key/v/x", "azurekms://u@host/key"}) {
        auto e = azurekms_reference::parse(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().message().find(bad) != std::string::npos);
    }
    CHECK(azure_source::handles("azurekms://h/k"));
    CHECK_FALSE(azure_source::handles("hashivault://k"));
}

TEST_CASE("azurekms configuration: the client-secret credential from the environment", "[keys][kms][azure]") {
    kms_test::env_guard env;
    for (const char* v : {"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST",
                          "AZURE_ENVIRONMENT", "COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION"})
        env.unset(v);
    env.set("AZURE_TENANT_ID", tenant);
    env.set("AZURE_CLIENT_ID", "app-id");
    SECTION("a missing secret says which variables to set") {
        auto c = azurekms_config::from_env("azurekms://v.vault.azure.net/k");
        REQUIRE_FALSE(c);
        CHECK(c.error().message() ==
              "azurekms key \"azurekms://v.vault.azure.net/k\": set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
              "AZURE_CLIENT_SECRET (this build supports the client-secret credential only)");
    }
    SECTION("defaults, the authority host, the clouds") {
        env.set("AZURE_CLIENT_SECRET", secret);
        auto c = azurekms_config::from_env("azurekms://v.vault.azure.net/k");
        REQUIRE(c);
        CHECK(c->vault_url == "https://v.vault.azure.net");
        CHECK(c->authority_host == "https://login.microsoftonline.com");
        CHECK(std::string(c->client_secret.begin(), c->client_secret.end()) == secret);
        CHECK_FALSE(c->skip_resource_check);
        env.set("AZURE_ENVIRONMENT", "AzureChinaCloud");
        CHECK(azurekms_config::from_env("azurekms://v/k")->authority_host == "https://login.chinacloudapi.cn");
        env.set("AZURE_AUTHORITY_HOST", "https://127.0.0.1:9443/");
        env.set("COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION", "true");
        auto l = azurekms_config::from_env("azurekms://v/k");
        CHECK(l->authority_host == "https://127.0.0.1:9443");
        CHECK(l->skip_resource_check);
        env.set("AZURE_AUTHORITY_HOST", "http://127.0.0.1:9443");
        auto h = azurekms_config::from_env("azurekms://v/k");
        REQUIRE_FALSE(h);
        CHECK(h.error().message().find("https://") != std::string::npos);
    }
}

TEST_CASE("azurekms: challenge, token, key, then one request per signature", "[keys][kms][azure]") {
    fake_vault fake;
    scripted_transport::reset(std::ref(fake));
    auto signer = azure_source::open(config_for(), scripted_transport());
    REQUIRE(signer);
    auto& log = scripted_transport::log();
    REQUIRE(log.size() == 3);
    CHECK(log[0].method == "GET");
    CHECK(log[0].header("Authorization").empty());  // the SDK's first call carries no token
    CHECK(log[1].url == "https://login.test/" + tenant + "/oauth2/v2.0/token");
    CHECK(log[1].header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(log[2].url == "https://myvault.vault.azure.net/keys/cosign-key?api-version=7.6");
    CHECK(log[2].header("Authorization") == "Bearer " + fake.issued);
    CHECK(signer->public_key_pem() == crypto_policy::public_key_pem(*crypto_policy::public_key_of(fake.key)));

    const std::string payload = "an image signature payload";
    auto sig = signer->sign(byte_view(payload));
    REQUIRE(sig);
    REQUIRE(log.size() == 4);
    // The version named by the key's kid, so the signature is made by the key just read.
    CHECK(log[3].url == "https://myvault.vault.azure.net/keys/cosign-key/" + version + "/sign?api-version=7.6");
    CHECK(log[3].body == R"({"alg":"ES256","value":")" +
                             detail::azure::b64url_encode(sha256(byte_view(payload)).bytes) + "\"}");
    CHECK(crypto_policy::verify(*crypto_policy::public_key_of(fake.key), byte_view(payload), *sig));
    CHECK((*sig)[0] == 0x30);  // DER, not the vault's r||s
    CHECK(fake.token_calls == 1);
}

TEST_CASE("azurekms: a version in the reference is used as it is", "[keys][kms][azure]") {
    fake_vault fake;
    scripted_transport::reset(std::ref(fake));
    auto signer = azure_source::open(config_for("azurekms://myvault.vault.azure.net/cosign-key/" + version),
                                     scripted_transport());
    REQUIRE(signer);
    CHECK(scripted_transport::log().back().url ==
          "https://myvault.vault.azure.net/keys/cosign-key/" + version + "?api-version=7.6");
    REQUIRE(signer->sign(byte_view(std::string("p"))));
}

TEST_CASE("azurekms: the challenge's resource must be the vault's domain unless turned off", "[keys][kms][azure]") {
    CHECK(detail::azure::resource_matches_vault("myvault.vault.azure.net", "https://vault.azure.net"));
    CHECK(detail::azure::resource_matches_vault("myvault.vault.azure.net:443", "https://vault.azure.net"));
    CHECK_FALSE(detail::azure::resource_matches_vault("myvaultvault.azure.net", "https://vault.azure.net"));
    CHECK_FALSE(detail::azure::resource_matches_vault("127.0.0.1:8443", "https://vault.azure.net"));
    CHECK_FALSE(detail::azure::resource_matches_vault("myvault.vault.azure.net", "https://evil.example"));

    fake_vault fake;
    fake.vault_host = "127.0.0.1:8443";
    scripted_transport::reset(std::ref(fake));
    auto c = config_for("azurekms://127.0.0.1:8443/cosign-key");
    auto refused = azure_source::open(c, scripted_transport());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::unauthorized);
    CHECK(refused.error().message().find("COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION") != std::string::npos);
    CHECK(fake.token_calls == 0);  // no secret was sent to an authority the vault named
    c.skip_resource_check = true;
    auto ok = azure_source::open(c, scripted_transport());
    REQUIRE(ok);
}

TEST_CASE("azurekms errors name the key and never the secret or the token", "[keys][kms][azure]") {
    fake_vault fake;
    scripted_transport::reset(std::ref(fake));
    SECTION("a wrong client secret") {
        auto c = config_for();
        c.client_secret.assign({'n', 'o', 'p', 'e'});
        auto s = azure_source::open(c, scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::unauthorized);
        CHECK(s.error().message().find("azurekms key \"azurekms://myvault.vault.azure.net/cosign-key\"") == 0);
        CHECK(s.error().message().find("AADSTS7000215") != std::string::npos);
        CHECK(s.error().message().find("app-id") != std::string::npos);
        no_secret(s.error());
    }
    SECTION("a tenant the authority does not know") {
        auto c = config_for();
        c.tenant_id = fake.vault_tenant = "other";
        auto s = azure_source::open(c, scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().message().find("AADSTS90002") != std::string::npos);
    }
    SECTION("an unknown key") {
        auto s = azure_source::open(config_for("azurekms://myvault.vault.azure.net/missing"), scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::not_found);
        CHECK(s.error().message().find("azurekms://myvault.vault.azure.net/missing") != std::string::npos);
        CHECK(s.error().message().find("KeyNotFound") != std::string::npos);
        no_secret(s.error());
    }
    SECTION("a vault that keeps refusing the token") {
        fake.issued = "another";  // every token the authority gives is refused by the vault
        scripted_transport::handler() = [&](const kms_test::request& r) -> cosign::result<kms_test::response> {
            if (r.url.rfind("https://login.test/", 0) == 0)
                return kms_test::json_response(200, R"({"access_token":"eyJ.access-token.sig"})");
            return fake(r);
        };
        auto s = azure_source::open(config_for(), scripted_transport());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::unauthorized);
        CHECK(s.error().message().find("refused the token") != std::string::npos);
        no_secret(s.error());
        CHECK(scripted_transport::log().size() <= 4);  // no loop
    }
    SECTION("a signature made by another key") {
        auto s = azure_source::open(config_for(), scripted_transport());
        REQUIRE(s);
        fake.key = std::move(*crypto_policy::generate_p256());
        auto sig = s->sign(byte_view(std::string("p")));
        REQUIRE_FALSE(sig);
        CHECK(sig.error().code() == errc::invalid_key);
    }
}

TEST_CASE("azurekms: base64url and the challenge parameters", "[keys][kms][azure]") {
    CHECK(detail::azure::b64url_encode(bytes{0xfb, 0xff}) == "-_8");
    CHECK(*detail::azure::b64url_decode("-_8") == bytes{0xfb, 0xff});
    CHECK_FALSE(detail::azure::b64url_decode("+/8"));
    auto p = detail::azure::challenge_params(R"(Bearer authorization="https://login.test/t", resource="https://vault.azure.net")");
    REQUIRE(p.size() == 2);
    CHECK(p[0].first == "authorization");
    CHECK(p[0].second == "https://login.test/t");
    CHECK(p[1].second == "https://vault.azure.net");
}

TEST_CASE("azurekms: the token is asked for the vault's tenant when AZURE_ADDITIONALLY_ALLOWED_TENANTS allows it", "[keys][kms][azure]") {
    fake_vault fake;
    fake.vault_tenant = "tenant-2";
    scripted_transport::reset(std::ref(fake));
    auto c = config_for();
    auto refused = azure_source::open(c, scripted_transport());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::unauthorized);
    CHECK(refused.error().message() ==
          "azurekms key \"azurekms://myvault.vault.azure.net/cosign-key\": the vault's tenant \"tenant-2\" is not "
          "AZURE_TENANT_ID \"tenant-1\" (add it to AZURE_ADDITIONALLY_ALLOWED_TENANTS to allow it)");
    CHECK(fake.token_calls == 0);
    c.allowed_tenants = {"other", "tenant-2"};
    scripted_transport::reset(std::ref(fake));
    auto ok = azure_source::open(c, scripted_transport());
    REQUIRE(ok);
    CHECK(scripted_transport::log()[1].url == "https://login.test/tenant-2/oauth2/v2.0/token");
    c.allowed_tenants = {"*"};
    CHECK(azure_source::open(c, scripted_transport()));

    kms_test::env_guard env;
    env.set("AZURE_TENANT_ID", tenant);
    env.set("AZURE_CLIENT_ID", "app-id");
    env.set("AZURE_CLIENT_SECRET", secret);
    env.set("AZURE_ADDITIONALLY_ALLOWED_TENANTS", " a ;b,*");
    auto from_env = azurekms_config::from_env("azurekms://v/k");
    REQUIRE(from_env);
    CHECK(from_env->allowed_tenants == std::vector<std::string>{"a", "b", "*"});
}
