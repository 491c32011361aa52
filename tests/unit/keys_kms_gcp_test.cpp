// SPDX-License-Identifier: Apache-2.0
// Unit tests of the gcpkms: key source: CRC32C, the gcpkms:// reference forms, Google credentials
// files and the environment, and the REST calls over an in-memory Cloud KMS that checks the
// service account's RS256 JWT and the CRC32C checksums (request shape, signatures that verify,
// corrupted answers refused, errors that name the key and never hold a token or key).
// tests/integration/test_kms_aws_gcp.sh runs it against the fake KMS server with cosign verifying.
#include "catch.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cosign/core/base64.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/kms/gcp.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

std::string temp_dir() {
    char tmpl[] = "/tmp/cosign-kms-gcp-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    REQUIRE(d);
    return d;
}

struct env_scope {
    std::vector<std::pair<std::string, std::string>> saved;
    std::vector<std::string> unset_after;
    void set(const std::string& k, const char* v) {
        if (const char* old = std::getenv(k.c_str())) saved.emplace_back(k, old);
        else unset_after.push_back(k);
        if (v) ::setenv(k.c_str(), v, 1);
        else ::unsetenv(k.c_str());
    }
    ~env_scope() {
        for (auto& kv : saved) ::setenv(kv.first.c_str(), kv.second.c_str(), 1);
        for (auto& k : unset_after) ::unsetenv(k.c_str());
    }
};

const char* const gcp_vars[] = {"GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "GCE_METADATA_HOST",
                                "CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS"};

std::string rsa_pem() { return slurp(std::string(COSIGN_TEST_DATA) + "/cosign/keys/import/keys_test-validrsapkcs8.pem"); }

std::string json_string(const std::string& s) {
    json::writer w;
    w.string(s);
    return std::move(w).str();
}

std::string sa_json(const std::string& token_uri) {
    return "{\"type\":\"service_account\",\"project_id\":\"p\",\"private_key_id\":\"kid1\",\"private_key\":" +
           json_string(rsa_pem()) + ",\"client_email\":\"signer@p.iam.gserviceaccount.com\",\"client_id\":\"1\"," +
           "\"token_uri\":\"" + token_uri + "\"}";
}

const std::string key_name = "projects/p/locations/global/keyRings/r/cryptoKeys/k";
const std::string version_name = key_name + "/cryptoKeyVersions/3";

// An in-memory Cloud KMS and token endpoint.
struct fake_gcp {
    crypto_policy::private_key key;
    std::vector<transport::request> requests;
    std::string issued = "ya29.unit-test-token";
    bool corrupt_crc = false;
    bool bad_jwt = false;
    int sign_status = 0;
    int ring_status = 0;           ///< keyRings.get answers this error status when set
    bool ring_exists = true;       ///< keyRings.get finds projects/p/locations/global/keyRings/r
    bool key_exists = true;        ///< cryptoKeys.get (and the versions) find key_name
    std::string purpose = "ASYMMETRIC_SIGN";
    std::vector<std::string> created_bodies = {};  ///< cryptoKeys.create bodies
    int pending_polls = 0;                     ///< version 1 is PENDING_GENERATION for this many reads
    std::string version1_state = "ENABLED";    ///< its state afterwards
};
fake_gcp* g_gcp = nullptr;

std::string b64url_decode(std::string s) {
    for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (s.size() % 4) s += '=';
    auto d = base64::decode(s);
    return d ? std::string(d->begin(), d->end()) : std::string();
}

struct fake_transport {
    explicit fake_transport(transport::options = {}) {}
    result<transport::response> send(const transport::request& req) {
        fake_gcp& g = *g_gcp;
        g.requests.push_back(req);
        transport::response res;
        res.status = 200;
        auto err = [&](int code, const std::string& status, const std::string& msg) {
            res.status = code;
            res.body = "{\"error\":{\"code\":" + std::to_string(code) + ",\"message\":\"" + msg + "\",\"status\":\"" +
                       status + "\"}}";
            return res;
        };
        if (req.url == "https://oauth.test/token" && req.body.rfind("grant_type=refresh_token&", 0) == 0) {
            const bool ok = req.body == "grant_type=refresh_token&client_id=cid&client_secret=c%2Bsecret&refresh_token=rtok";
            res.status = ok ? 200 : 400;
            res.body = ok ? "{\"access_token\":\"" + g.issued + "\",\"expires_in\":3599}"
                          : "{\"error\":\"invalid_grant\",\"error_description\":\"Bad Request\"}";
            return res;
        }
        if (req.url == "https://oauth.test/token") {
            // RFC 7523: check the assertion's RS256 signature and claims
            const std::string prefix = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
            REQUIRE(req.body.rfind(prefix, 0) == 0);
            std::string jwt = req.body.substr(prefix.size());
            auto d1 = jwt.find('.'), d2 = jwt.rfind('.');
            auto hdr = json::parse(b64url_decode(jwt.substr(0, d1)));
            auto claims = json::parse(b64url_decode(jwt.substr(d1 + 1, d2 - d1 - 1)));
            std::string sig = b64url_decode(jwt.substr(d2 + 1));
            auto pub = crypto_policy::public_key_of(*crypto_policy::parse_private_key_pem(rsa_pem()));
            bool ok = hdr && claims && *json::string_member(*hdr, "alg") == "RS256" &&
                      *json::string_member(*hdr, "kid") == "kid1" &&
                      *json::string_member(*claims, "iss") == "signer@p.iam.gserviceaccount.com" &&
                      *json::string_member(*claims, "aud") == "https://oauth.test/token" &&
                      json::member(*claims, "exp")->GetInt64() - json::member(*claims, "iat")->GetInt64() == 3600 &&
                      crypto_policy::verify(*pub, jwt.substr(0, d2), sig) && !g.bad_jwt;
            if (!ok) {
                res.status = 400;
                res.body = "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}";
                return res;
            }
            res.body = "{\"access_token\":\"" + g.issued + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";
            return res;
        }
        if (req.header("Authorization") != "Bearer " + g.issued)
            return err(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        const std::string base = "https://kms.test/v1/";
        if (req.url.rfind(base, 0) != 0) return err(404, "NOT_FOUND", "no route");
        const std::string path = req.url.substr(base.size());
        const std::string ring = "projects/p/locations/global/keyRings/r";
        if (req.method == "GET" && path == ring) {
            if (g.ring_status) return err(g.ring_status, "PERMISSION_DENIED", "Permission 'cloudkms.keyRings.get' denied");
            if (!g.ring_exists) return err(404, "NOT_FOUND", "KeyRing " + ring + " not found.");
            res.body = "{\"name\":\"" + ring + "\"}";
            return res;
        }
        if (req.method == "POST" && path == "projects/p/locations/global/keyRings?keyRingId=r") {
            if (g.ring_exists) return err(409, "ALREADY_EXISTS", "KeyRing exists");
            g.ring_exists = true;
            res.body = "{\"name\":\"" + ring + "\"}";
            return res;
        }
        if (req.method == "GET" && path == key_name) {
            if (!g.key_exists) return err(404, "NOT_FOUND", "CryptoKey " + key_name + " not found.");
            res.body = "{\"name\":\"" + key_name + "\",\"purpose\":\"" + g.purpose + "\"}";
            return res;
        }
        if (req.method == "POST" && path == ring + "/cryptoKeys?cryptoKeyId=k") {
            if (!g.ring_exists) return err(404, "NOT_FOUND", "KeyRing " + ring + " not found.");
            if (g.key_exists) return err(409, "ALREADY_EXISTS", "CryptoKey exists");
            g.created_bodies.push_back(req.body);
            g.key_exists = true;
            res.body = "{\"name\":\"" + key_name + "\",\"purpose\":\"ASYMMETRIC_SIGN\"}";
            return res;
        }
        if (!g.key_exists) return err(404, "NOT_FOUND", path + " not found.");
        if (req.method == "GET" && path == key_name + "/cryptoKeyVersions/1") {
            const std::string state = g.pending_polls > 0 ? "PENDING_GENERATION" : g.version1_state;
            if (g.pending_polls > 0) --g.pending_polls;
            res.body = "{\"name\":\"" + key_name + "/cryptoKeyVersions/1\",\"state\":\"" + state + "\"}";
            return res;
        }
        if (req.method == "GET" && path == key_name + "/cryptoKeyVersions?filter=state%3DENABLED&orderBy=name%20desc") {
            res.body = "{\"cryptoKeyVersions\":[{\"name\":\"" + version_name + "\",\"state\":\"ENABLED\"}],\"totalSize\":1}";
            return res;
        }
        if (req.method == "GET" && path == version_name + "/publicKey") {
            std::string pem = crypto_policy::public_key_pem(*crypto_policy::public_key_of(g.key));
            res.body = "{\"pem\":" + json_string(pem) + ",\"algorithm\":\"EC_SIGN_P256_SHA256\",\"pemCrc32c\":\"" +
                       std::to_string(crc32c(pem) ^ (g.corrupt_crc ? 1u : 0u)) + "\",\"name\":\"" + version_name + "\"}";
            return res;
        }
        if (req.method == "POST" && path == version_name + ":asymmetricSign") {
            if (g.sign_status) return err(g.sign_status, "PERMISSION_DENIED", "Permission 'cloudkms.cryptoKeyVersions.useToSign' denied");
            auto doc = json::parse(req.body);
            REQUIRE(doc);
            auto digest = base64::decode(*json::string_member(*json::member(*doc, "digest"), "sha256"));
            REQUIRE(digest);
            CHECK(*json::string_member(*doc, "digestCrc32c") == std::to_string(crc32c(*digest)));
            auto sig = crypto_policy::sign_prehashed(g.key, *digest, hash_algorithm::sha256);
            res.body = "{\"signature\":\"" + base64::encode(*sig) + "\",\"signatureCrc32c\":\"" +
                       std::to_string(crc32c(*sig) ^ (g.corrupt_crc ? 1u : 0u)) +
                       "\",\"verifiedDigestCrc32c\":true,\"name\":\"" + version_name + "\"}";
            return res;
        }
        return err(404, "NOT_FOUND", path + " not found.");
    }
};

gcp_kms_config test_config(const std::string& ref, const std::string& sa_file) {
    gcp_kms_config c;
    c.key_ref = ref;
    c.reference = *gcp_kms_reference::parse(ref);
    c.endpoint = "https://kms.test";
    c.credentials = *gcp_credentials::from_file(sa_file);
    return c;
}

}  // namespace

TEST_CASE("CRC32C (Castagnoli) check values", "[kms][gcp]") {
    CHECK(crc32c("123456789") == 0xE3069283u);
    CHECK(crc32c("") == 0u);
    CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);  // RFC 3720 B.4
}

TEST_CASE("gcpkms references: with and without a version, and malformed ones", "[kms][gcp]") {
    auto k = gcp_kms_reference::parse("gcpkms://projects/p-1/locations/europe-west1/keyRings/r_1/cryptoKeys/k");
    REQUIRE(k);
    CHECK(k->key == "projects/p-1/locations/europe-west1/keyRings/r_1/cryptoKeys/k");
    CHECK(k->version.empty());
    auto v = gcp_kms_reference::parse("gcpkms://" + version_name);
    REQUIRE(v);
    CHECK(v->version == version_name);
    auto short_form = gcp_kms_reference::parse("gcpkms://" + key_name + "/versions/3");
    REQUIRE(short_form);
    CHECK(short_form->version == version_name);
    for (const std::string bad : {"gcpkms://", "gcpkms://projects/p", "gcpkms://projects/p/locations/l/keyRings/r",
                                  "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/",
                                  "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions",
                                  "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/other/1",
                                  "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k?x=1",
                                  "gcpkms://projects/../locations/l/keyRings/r/cryptoKeys/k%2F"}) {
        INFO(bad);
        auto r = gcp_kms_reference::parse(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().message().find("gcpkms://projects/[PROJECT_ID]") != std::string::npos);
    }
}

TEST_CASE("gcpkms configuration: credentials files, gcloud's default file, the metadata server, the override",
          "[kms][gcp]") {
    env_scope env;
    for (const char* v : gcp_vars) env.set(v, nullptr);
    const std::string dir = temp_dir();
    env.set("HOME", dir.c_str());
    const std::string ref = "gcpkms://" + key_name;

    auto none = gcp_kms_config::from_environment(ref);
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == errc::unauthorized);
    CHECK(none.error().message().find("gcpkms key \"" + ref + "\"") != std::string::npos);
    CHECK(none.error().message().find("GOOGLE_APPLICATION_CREDENTIALS") != std::string::npos);

    env.set("GCE_METADATA_HOST", "127.0.0.1:9999");
    auto md = gcp_kms_config::from_environment(ref);
    REQUIRE(md);
    CHECK(md->credentials.type == gcp_credentials::kind::metadata_server);
    CHECK(md->credentials.token_uri ==
          "http://127.0.0.1:9999/computeMetadata/v1/instance/service-accounts/default/token");
    CHECK(md->endpoint == "https://cloudkms.googleapis.com");

    ::mkdir((dir + "/.config").c_str(), 0700);
    ::mkdir((dir + "/.config/gcloud").c_str(), 0700);
    write(dir + "/.config/gcloud/application_default_credentials.json",
          "{\"type\":\"authorized_user\",\"client_id\":\"cid\",\"client_secret\":\"csecret\",\"refresh_token\":\"rtok\"}");
    auto adc = gcp_kms_config::from_environment(ref);
    REQUIRE(adc);
    CHECK(adc->credentials.type == gcp_credentials::kind::authorized_user);
    CHECK(adc->credentials.token_uri == "https://oauth2.googleapis.com/token");

    write(dir + "/sa.json", sa_json("https://oauth.test/token"));
    env.set("GOOGLE_APPLICATION_CREDENTIALS", (dir + "/sa.json").c_str());
    env.set("CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS", "https://127.0.0.1:8443/");
    auto sa = gcp_kms_config::from_environment(ref);
    REQUIRE(sa);
    CHECK(sa->credentials.type == gcp_credentials::kind::service_account);
    CHECK(sa->credentials.client_email == "signer@p.iam.gserviceaccount.com");
    CHECK(sa->endpoint == "https://127.0.0.1:8443");

    env.set("CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS", "http://kms.example.test/");
    auto plain = gcp_kms_config::from_environment(ref);
    REQUIRE_FALSE(plain);
    CHECK(plain.error().message().find("not HTTPS") != std::string::npos);
    env.set("CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS", nullptr);

    write(dir + "/other.json", "{\"type\":\"external_account\"}");
    env.set("GOOGLE_APPLICATION_CREDENTIALS", (dir + "/other.json").c_str());
    auto ext = gcp_kms_config::from_environment(ref);
    REQUIRE_FALSE(ext);
    CHECK(ext.error().code() == errc::unsupported);
    CHECK(ext.error().message().find("external_account") != std::string::npos);
    env.set("GOOGLE_APPLICATION_CREDENTIALS", (dir + "/missing.json").c_str());
    auto missing = gcp_kms_config::from_environment(ref);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().find(dir + "/missing.json") != std::string::npos);
}

TEST_CASE("gcpkms signer: a JWT-bearer token, the newest enabled version, CRC32C both ways", "[kms][gcp]") {
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/sa.json", sa_json("https://oauth.test/token"));

    auto s = gcp_kms_signer<crypto_policy, fake_transport>::open(fake_transport(),
                                                                 test_config("gcpkms://" + key_name, dir + "/sa.json"));
    REQUIRE(s);
    REQUIRE(g.requests.size() == 3);  // token, list, publicKey
    CHECK(g.requests[0].header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(g.requests[1].method == "GET");
    CHECK(s->key_version() == version_name);
    CHECK(s->public_key_pem() == crypto_policy::public_key_pem(*crypto_policy::public_key_of(g.key)));
    // (the fake kept a copy: the signer wipes its own request once sent)
    CHECK(g.requests[1].header("Authorization") == "Bearer ya29.unit-test-token");

    const std::string payload = "{\"critical\":{}}";
    auto sig = s->sign(payload);
    REQUIRE(sig);
    REQUIRE(g.requests.size() == 4);  // one call per signature, the token reused
    CHECK(g.requests[3].url == "https://kms.test/v1/" + version_name + ":asymmetricSign");
    CHECK(g.requests[3].header("Content-Type") == "application/json");
    auto pub = crypto_policy::parse_public_key(s->public_key_pem());
    CHECK(crypto_policy::verify(*pub, payload, *sig));

    g.corrupt_crc = true;
    auto corrupted = s->sign(payload);
    REQUIRE_FALSE(corrupted);
    CHECK(corrupted.error().message().find("signatureCrc32c") != std::string::npos);
    g.corrupt_crc = false;

    g.sign_status = 403;
    auto denied = s->sign(payload);
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code() == errc::unauthorized);
    CHECK(denied.error().message() == "gcpkms key \"gcpkms://" + key_name +
                                          "\": asymmetricSign: HTTP 403: PERMISSION_DENIED: Permission "
                                          "'cloudkms.cryptoKeyVersions.useToSign' denied");
    g_gcp = nullptr;
}

TEST_CASE("gcpkms signer: refused tokens, unknown keys, corrupted public keys name the key, not the secrets",
          "[kms][gcp]") {
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/sa.json", sa_json("https://oauth.test/token"));
    const std::string vref = "gcpkms://" + version_name;

    g.bad_jwt = true;
    auto refused = gcp_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config(vref, dir + "/sa.json"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::unauthorized);
    CHECK(refused.error().message().find("gcpkms key \"" + vref + "\": getting an access token from "
                                         "https://oauth.test/token") != std::string::npos);
    CHECK(refused.error().message().find("invalid_grant: Invalid JWT Signature.") != std::string::npos);
    CHECK(refused.error().message().find("PRIVATE KEY") == std::string::npos);
    g.bad_jwt = false;

    const std::string unknown = "gcpkms://" + key_name + "x/cryptoKeyVersions/1";
    auto nf = gcp_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config(unknown, dir + "/sa.json"));
    REQUIRE_FALSE(nf);
    CHECK(nf.error().code() == errc::not_found);
    CHECK(nf.error().message().find("gcpkms key \"" + unknown + "\": getPublicKey: HTTP 404: NOT_FOUND") == 0);
    CHECK(nf.error().message().find("ya29") == std::string::npos);

    g.corrupt_crc = true;
    auto crc = gcp_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config(vref, dir + "/sa.json"));
    REQUIRE_FALSE(crc);
    CHECK(crc.error().message().find("pemCrc32c") != std::string::npos);
    g_gcp = nullptr;
}

TEST_CASE("gcpkms signer: an authorized user's refresh token; a token fetched again once it expires", "[kms][gcp]") {
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/user.json", "{\"type\":\"authorized_user\",\"client_id\":\"cid\",\"client_secret\":\"c+secret\","
                              "\"refresh_token\":\"rtok\",\"token_uri\":\"https://oauth.test/token\"}");
    std::int64_t now = 1700000000;
    auto cfg = test_config("gcpkms://" + version_name, dir + "/user.json");
    cfg.clock = [&now] { return now; };
    auto s = gcp_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), std::move(cfg));
    REQUIRE(s);
    REQUIRE(g.requests.size() == 2);  // token, publicKey (the version is in the URI)
    CHECK(g.requests[0].body.find("grant_type=refresh_token") == 0);
    REQUIRE(s->sign("one"));
    CHECK(g.requests.size() == 3);
    now += 3599 - 30;  // within a minute of expiry: a new token first
    g.issued = "ya29.second-token";
    REQUIRE(s->sign("two"));
    REQUIRE(g.requests.size() == 5);
    CHECK(g.requests[3].url == "https://oauth.test/token");
    CHECK(g.requests[4].header("Authorization") == "Bearer ya29.second-token");
    g_gcp = nullptr;
}

TEST_CASE("gcpkms key source: takes gcpkms:// before the refusing source", "[kms][gcp]") {
    using source = gcp_kms_key_source<crypto_policy, fake_transport>;
    static_assert(check_key_source<source>());
    using keys = key_sources<source, default_key_sources<crypto_policy>>;
    CHECK(keys::handles("gcpkms://" + key_name));
    CHECK_FALSE(source::handles("awskms:///alias/x"));
    env_scope env;
    for (const char* v : gcp_vars) env.set(v, nullptr);
    env.set("HOME", "/nonexistent");
    auto r = keys::load("gcpkms://" + key_name, {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unauthorized);
}

namespace {
std::vector<std::string> calls(const fake_gcp& g) {
    std::vector<std::string> out;
    for (const auto& r : g.requests)
        out.push_back(r.method + " " + (r.url.rfind("https://kms.test/v1/", 0) == 0 ? r.url.substr(20) : r.url));
    return out;
}
}  // namespace

TEST_CASE("gcpkms create: the key ring and the key made as sigstore makes them, then the key read",
          "[kms][gcp][create]") {
    using source = gcp_kms_key_source<crypto_policy, fake_transport>;
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g.ring_exists = false;
    g.key_exists = false;
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/sa.json", sa_json("https://oauth.test/token"));
    auto made = source::create(test_config("gcpkms://" + key_name, dir + "/sa.json"), fake_transport());
    REQUIRE(made);
    CHECK(made->created);
    CHECK(made->key_ring_created);
    CHECK(made->key_ring == "projects/p/locations/global/keyRings/r");
    CHECK(made->public_key_pem == crypto_policy::public_key_pem(*crypto_policy::public_key_of(g.key)));
    CHECK(calls(g) == std::vector<std::string>{
                          "POST https://oauth.test/token",
                          "GET projects/p/locations/global/keyRings/r",
                          "POST projects/p/locations/global/keyRings?keyRingId=r",
                          "GET " + key_name,
                          "POST projects/p/locations/global/keyRings/r/cryptoKeys?cryptoKeyId=k",
                          "GET " + key_name + "/cryptoKeyVersions/1",
                          "GET " + key_name + "/cryptoKeyVersions?filter=state%3DENABLED&orderBy=name%20desc",
                          "GET " + version_name + "/publicKey"});
    REQUIRE(g.created_bodies.size() == 1);
    CHECK(g.created_bodies[0] == "{\"purpose\":\"ASYMMETRIC_SIGN\",\"versionTemplate\":{\"algorithm\":\"EC_SIGN_P256_SHA256\"}}");

    // a second run: the ring and the key exist, nothing is created
    g.requests.clear();
    auto again = source::create(test_config("gcpkms://" + version_name, dir + "/sa.json"), fake_transport());
    REQUIRE(again);
    CHECK_FALSE(again->created);
    CHECK_FALSE(again->key_ring_created);
    CHECK(again->public_key_pem == made->public_key_pem);
    CHECK(calls(g) == std::vector<std::string>{"POST https://oauth.test/token",
                                               "GET projects/p/locations/global/keyRings/r", "GET " + key_name,
                                               "GET " + version_name + "/publicKey"});
    CHECK(g.created_bodies.size() == 1);

    // an existing ring and a new key: only the key is created
    g.key_exists = false;
    g.requests.clear();
    auto key_only = source::create(test_config("gcpkms://" + key_name, dir + "/sa.json"), fake_transport());
    REQUIRE(key_only);
    CHECK(key_only->created);
    CHECK_FALSE(key_only->key_ring_created);
    CHECK(g.created_bodies.size() == 2);
    g_gcp = nullptr;
}

TEST_CASE("gcpkms create: a key that cannot sign, refused tokens and denied calls are errors naming the key",
          "[kms][gcp][create]") {
    using source = gcp_kms_key_source<crypto_policy, fake_transport>;
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/sa.json", sa_json("https://oauth.test/token"));
    const std::string ref = "gcpkms://" + key_name;

    g.purpose = "ENCRYPT_DECRYPT";
    auto wrong = source::create(test_config(ref, dir + "/sa.json"), fake_transport());
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::invalid_key);
    CHECK(wrong.error().message() == "gcpkms key \"" + ref +
                                         "\": the key exists and its purpose is ENCRYPT_DECRYPT, not ASYMMETRIC_SIGN: "
                                         "it cannot sign");
    g.purpose = "ASYMMETRIC_SIGN";

    g.bad_jwt = true;
    g.requests.clear();
    auto refused = source::create(test_config(ref, dir + "/sa.json"), fake_transport());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::unauthorized);
    CHECK(refused.error().message().find("gcpkms key \"" + ref + "\": getting an access token") == 0);
    CHECK(refused.error().message().find("PRIVATE KEY") == std::string::npos);
    CHECK(g.requests.size() == 1);  // nothing but the token request
    g.bad_jwt = false;

    // keyRings.get denied: an error naming the key and the call; nothing is created
    g.ring_status = 403;
    g.requests.clear();
    auto denied = source::create(test_config(ref, dir + "/sa.json"), fake_transport());
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code() == errc::unauthorized);
    CHECK(denied.error().message() == "gcpkms key \"" + ref +
                                          "\": keyRings.get: HTTP 403: PERMISSION_DENIED: Permission "
                                          "'cloudkms.keyRings.get' denied");
    CHECK(calls(g) == std::vector<std::string>{"POST https://oauth.test/token",
                                               "GET projects/p/locations/global/keyRings/r"});
    CHECK(denied.error().message().find("ya29") == std::string::npos);
    g_gcp = nullptr;
}

TEST_CASE("gcpkms create: a new key's version is awaited while Cloud KMS generates it", "[kms][gcp][create]") {
    using source = gcp_kms_key_source<crypto_policy, fake_transport>;
    fake_gcp g{*crypto_policy::generate_p256(), {}, "ya29.unit-test-token", false, false, 0};
    g_gcp = &g;
    const std::string dir = temp_dir();
    write(dir + "/sa.json", sa_json("https://oauth.test/token"));
    const std::string ref = "gcpkms://" + key_name;
    std::vector<long long> slept;
    auto cfg = [&] {
        auto c = test_config(ref, dir + "/sa.json");
        c.sleep = [&slept](std::chrono::milliseconds ms) { slept.push_back(ms.count()); };
        return c;
    };

    g.key_exists = false;
    g.pending_polls = 2;
    auto made = source::create(cfg(), fake_transport());
    REQUIRE(made);
    CHECK(made->created);
    CHECK(slept == std::vector<long long>{1000, 1000});
    int polls = 0;
    for (const auto& c : calls(g)) polls += c == "GET " + key_name + "/cryptoKeyVersions/1";
    CHECK(polls == 3);
    CHECK(calls(g).back() == "GET " + version_name + "/publicKey");

    // generation failed: an error naming the key and the state
    g.key_exists = false;
    g.version1_state = "GENERATION_FAILED";
    auto failed = source::create(cfg(), fake_transport());
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message() == "gcpkms key \"" + ref + "\": the new key's version 1 is GENERATION_FAILED, not ENABLED");

    // still pending after a minute of polls: given up, saying so
    g.key_exists = false;
    g.pending_polls = 1000;
    slept.clear();
    auto slow = source::create(cfg(), fake_transport());
    REQUIRE_FALSE(slow);
    CHECK(slow.error().message().find("still PENDING_GENERATION after 60 s") != std::string::npos);
    CHECK(slept.size() == 59);
    g_gcp = nullptr;
}
