// SPDX-License-Identifier: Apache-2.0
// Unit tests of the awskms: key source: every case of AWS's SigV4 test suite (tests/data/sigv4),
// the awskms:// reference forms, credentials and region as the AWS SDK finds them, and the KMS
// calls over an in-memory transport (request shape, signatures that verify, errors that name the
// key and never hold a secret). tests/integration/test_kms_aws_gcp.sh runs it against a fake KMS
// that checks SigV4 for real, with cosign verifying.
#include "catch.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>
#include <unistd.h>

#include <cosign/core/base64.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/kms/aws.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

const char* const suite_cases[] = {
    "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
    "get-relative-normalized", "get-relative-relative-normalized", "get-relative-relative-unnormalized",
    "get-relative-unnormalized", "get-slash-dot-slash-normalized", "get-slash-dot-slash-unnormalized",
    "get-slash-normalized", "get-slash-pointless-dot-normalized", "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized", "get-slashes-normalized", "get-slashes-unnormalized", "get-space-normalized",
    "get-space-unnormalized", "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key",
    "get-vanilla-query", "get-vanilla-query-order-encoded", "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-vanilla-with-session-token",
    "post-header-key-case", "post-header-key-sort", "post-header-value-case", "post-sts-header-after",
    "post-sts-header-before", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
    "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters"};

struct suite_case {
    sigv4::http_request req;
    sigv4::credentials cred;
    sigv4::signing_params params;
};

// request.txt: "METHOD /raw path?query HTTP/1.1", headers (folded lines start with a space), blank, body
suite_case load_case(const std::string& dir) {
    suite_case c;
    std::string text = slurp(dir + "/request.txt");
    std::vector<std::string> lines;
    std::size_t i = 0;
    bool body = false;
    while (i <= text.size() && !body) {
        auto nl = text.find('\n', i);
        if (nl == std::string::npos) nl = text.size();
        std::string line = text.substr(i, nl - i);
        i = nl + 1;
        if (line.empty() && !lines.empty()) {
            body = true;
            break;
        }
        lines.push_back(line);
    }
    if (body && i <= text.size()) c.req.body = text.substr(i);
    const std::string& first = lines.at(0);
    auto sp = first.find(' ');
    auto http = first.rfind(" HTTP/");
    c.req.method = first.substr(0, sp);
    std::string target = first.substr(sp + 1, http - sp - 1);
    auto q = target.find('?');
    c.req.path = target.substr(0, q);
    if (q != std::string::npos) c.req.query = target.substr(q + 1);
    for (std::size_t k = 1; k < lines.size(); ++k) {
        const std::string& l = lines[k];
        if (!l.empty() && (l[0] == ' ' || l[0] == '\t')) {
            c.req.headers.back().second += " " + l;
            continue;
        }
        auto colon = l.find(':');
        c.req.headers.emplace_back(l.substr(0, colon), l.substr(colon + 1));
    }
    auto ctx = json::parse(slurp(dir + "/context.json"));
    REQUIRE(ctx);
    const json::value& cr = *json::member(*ctx, "credentials");
    c.cred.access_key_id = std::string(*json::string_member(cr, "access_key_id"));
    auto secret = *json::string_member(cr, "secret_access_key");
    c.cred.secret_access_key.assign(secret.begin(), secret.end());
    if (auto t = json::string_member(cr, "token")) c.cred.session_token.assign(t->begin(), t->end());
    c.params.region = std::string(*json::string_member(*ctx, "region"));
    c.params.service = std::string(*json::string_member(*ctx, "service"));
    std::string ts(*json::string_member(*ctx, "timestamp"));  // 2015-08-30T12:36:00Z
    c.params.amz_date = ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" + ts.substr(11, 2) +
                        ts.substr(14, 2) + ts.substr(17, 2) + "Z";
    c.params.normalize_path = json::member(*ctx, "normalize")->GetBool();
    c.params.sign_body = json::member(*ctx, "sign_body") && json::member(*ctx, "sign_body")->GetBool();
    if (auto* o = json::member(*ctx, "omit_session_token")) c.params.omit_session_token = o->GetBool();
    return c;
}

std::string strip_trailing_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

TEST_CASE("SigV4: every case of AWS's test suite, header form", "[kms][aws][sigv4]") {
    const std::string root = std::string(COSIGN_TEST_DATA) + "/sigv4/v4/";
    int passed = 0;
    for (const char* name : suite_cases) {
        INFO("case " << name);
        auto c = load_case(root + name);
        auto s = sigv4::sign(c.req, c.cred, c.params);
        REQUIRE(s);
        CHECK(s->canonical_request == strip_trailing_newlines(slurp(root + name + "/header-canonical-request.txt")));
        CHECK(s->string_to_sign == strip_trailing_newlines(slurp(root + name + "/header-string-to-sign.txt")));
        CHECK(s->signature == strip_trailing_newlines(slurp(root + name + "/header-signature.txt")));
        // every header we add appears, byte for byte, in the expected signed request
        const std::string signed_req = slurp(root + name + "/header-signed-request.txt");
        for (const auto& h : s->added_headers) {
            INFO("header " << h.first);
            CHECK(signed_req.find(h.first + ":" + h.second + "\n") != std::string::npos);
        }
        if (s->signature == strip_trailing_newlines(slurp(root + name + "/header-signature.txt"))) ++passed;
    }
    CHECK(passed == 38);
}

TEST_CASE("SigV4: a one-character change of the secret, date, body or region changes the signature",
          "[kms][aws][sigv4]") {
    auto c = load_case(std::string(COSIGN_TEST_DATA) + "/sigv4/v4/post-x-www-form-urlencoded");
    auto base = sigv4::sign(c.req, c.cred, c.params);
    REQUIRE(base);
    auto other = c;
    other.cred.secret_access_key.back() = 'X';
    CHECK(sigv4::sign(other.req, other.cred, other.params)->signature != base->signature);
    other = c;
    other.req.body += "x";
    CHECK(sigv4::sign(other.req, other.cred, other.params)->signature != base->signature);
    other = c;
    other.params.region = "us-east-2";
    CHECK(sigv4::sign(other.req, other.cred, other.params)->signature != base->signature);
    other = c;
    other.params.amz_date = "20150830T123601Z";
    CHECK(sigv4::sign(other.req, other.cred, other.params)->signature != base->signature);
    // nothing secret in what sign() hands back
    const std::string secret(c.cred.secret_access_key.begin(), c.cred.secret_access_key.end());
    CHECK(base->canonical_request.find(secret) == std::string::npos);
    CHECK(base->string_to_sign.find(secret) == std::string::npos);
    for (const auto& h : base->added_headers) CHECK(h.second.find(secret) == std::string::npos);
}

TEST_CASE("SigV4: malformed dates and missing credentials are refused", "[kms][aws][sigv4]") {
    sigv4::http_request r{"POST", "/", "", {{"Host", "kms.us-east-1.amazonaws.com"}}, "{}"};
    sigv4::credentials cred{"AKID", secure_bytes{'s'}, {}};
    CHECK_FALSE(sigv4::sign(r, cred, {"us-east-1", "kms", "2015-08-30"}));
    CHECK_FALSE(sigv4::sign(r, sigv4::credentials{}, {"us-east-1", "kms", "20150830T123600Z"}));
    CHECK_FALSE(sigv4::sign(r, cred, {"", "kms", "20150830T123600Z"}));
    CHECK(sigv4::amz_date(1440938160) == "20150830T123600Z");
    CHECK(sigv4::amz_date(0) == "19700101T000000Z");
    CHECK(sigv4::amz_date(951782400) == "20000229T000000Z");
}

TEST_CASE("awskms references: the four forms sigstore accepts, with and without an endpoint", "[kms][aws]") {
    auto id = aws_kms_reference::parse("awskms:///1234abcd-12ab-34cd-56ef-1234567890ab");
    REQUIRE(id);
    CHECK(id->endpoint.empty());
    CHECK(id->key_id == "1234abcd-12ab-34cd-56ef-1234567890ab");
    auto mrk = aws_kms_reference::parse("awskms://localhost:4566/mrk-1234abcd12ab34cd56ef1234567890ab");
    REQUIRE(mrk);
    CHECK(mrk->endpoint == "localhost:4566");
    auto arn = aws_kms_reference::parse(
        "awskms://127.0.0.1:9/arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    REQUIRE(arn);
    CHECK(arn->region == "us-east-2");
    CHECK(arn->key_id == "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    auto alias = aws_kms_reference::parse("awskms:///alias/cosign-test");
    REQUIRE(alias);
    CHECK(alias->key_id == "alias/cosign-test");
    CHECK(alias->alias == "alias/cosign-test");
    auto alias_arn = aws_kms_reference::parse("awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/x");
    REQUIRE(alias_arn);
    CHECK(alias_arn->key_id == "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/x");
    CHECK(alias_arn->alias == "alias/x");
    CHECK(alias_arn->region == "us-gov-west-1");

    for (const char* bad : {"awskms://", "awskms://host", "awskms:///not-a-key", "awskms:///1234abcd-12ab-34cd-56ef",
                            "awskms:///arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                            "awskms:///arn:aws:s3:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                            "awskms:///arn:aws:kms:us-east-1:111122223333:key/nope"}) {
        INFO(bad);
        auto r = aws_kms_reference::parse(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_argument);
        CHECK(r.error().message().find("awskms://[ENDPOINT]/[ID/ALIAS/ARN]") != std::string::npos);
    }
}

namespace {

// Sets or clears environment variables for one test, restoring them after.
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

const char* const aws_vars[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                                "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
                                "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_CA_BUNDLE",
                                "AWS_TLS_INSECURE_SKIP_VERIFY"};

std::string temp_dir() {
    char tmpl[] = "/tmp/cosign-kms-aws-XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    REQUIRE(d);
    return d;
}

void write(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

}  // namespace

TEST_CASE("awskms configuration: credentials, region and endpoint as the AWS SDK finds them", "[kms][aws]") {
    env_scope env;
    for (const char* v : aws_vars) env.set(v, nullptr);
    const std::string dir = temp_dir();
    env.set("HOME", dir.c_str());
    const std::string ref = "awskms://127.0.0.1:4566/alias/cosign-test";

    SECTION("environment variables win; the URI host is the endpoint, over https") {
        env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
        env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
        env.set("AWS_SESSION_TOKEN", "envtoken");
        env.set("AWS_REGION", "eu-west-1");
        env.set("AWS_DEFAULT_REGION", "us-west-2");
        env.set("AWS_CA_BUNDLE", "/tmp/ca.pem");
        auto c = aws_kms_config::from_environment(ref);
        REQUIRE(c);
        CHECK(c->credentials.access_key_id == "AKIDENV");
        CHECK(std::string(c->credentials.secret_access_key.begin(), c->credentials.secret_access_key.end()) ==
              "envsecret");
        CHECK(std::string(c->credentials.session_token.begin(), c->credentials.session_token.end()) == "envtoken");
        CHECK(c->region == "eu-west-1");
        CHECK(c->endpoint == "https://127.0.0.1:4566");
        CHECK(c->tls.ca_file == "/tmp/ca.pem");
        CHECK(c->tls.tls_verify);
    }
    SECTION("the shared credentials file, profile AWS_PROFILE; region from the config file") {
        ::mkdir((dir + "/.aws").c_str(), 0700);
        write(dir + "/.aws/credentials",
              "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = defsecret\n\n"
              "# a comment\n[ci]\naws_access_key_id=AKIDCI\naws_secret_access_key = cisecret \naws_session_token = citok\n");
        write(dir + "/.aws/config", "[default]\nregion = us-east-2\n[profile ci]\nregion = ap-south-1\n");
        auto d = aws_kms_config::from_environment("awskms:///alias/x");
        REQUIRE(d);
        CHECK(d->credentials.access_key_id == "AKIDDEFAULT");
        CHECK(d->region == "us-east-2");
        CHECK(d->endpoint == "https://kms.us-east-2.amazonaws.com");
        env.set("AWS_PROFILE", "ci");
        auto c = aws_kms_config::from_environment("awskms:///alias/x");
        REQUIRE(c);
        CHECK(c->credentials.access_key_id == "AKIDCI");
        CHECK(std::string(c->credentials.secret_access_key.begin(), c->credentials.secret_access_key.end()) == "cisecret");
        CHECK(std::string(c->credentials.session_token.begin(), c->credentials.session_token.end()) == "citok");
        CHECK(c->region == "ap-south-1");
        env.set("AWS_ENDPOINT_URL_KMS", "https://kms.example.test:8443/");
        auto e = aws_kms_config::from_environment("awskms:///alias/x");
        REQUIRE(e);
        CHECK(e->endpoint == "https://kms.example.test:8443");
    }
    SECTION("AWS_SHARED_CREDENTIALS_FILE, and the region of an ARN when nothing else gives one") {
        write(dir + "/creds", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n");
        env.set("AWS_SHARED_CREDENTIALS_FILE", (dir + "/creds").c_str());
        auto c = aws_kms_config::from_environment(
            "awskms:///arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        REQUIRE(c);
        CHECK(c->credentials.access_key_id == "AKIDFILE");
        CHECK(c->region == "cn-north-1");
        CHECK(c->endpoint == "https://kms.cn-north-1.amazonaws.com.cn");
    }
    SECTION("no credentials, no region, an insecure switch: clear errors naming the key") {
        auto none = aws_kms_config::from_environment(ref);
        REQUIRE_FALSE(none);
        CHECK(none.error().code() == errc::unauthorized);
        CHECK(none.error().message().find("awskms key \"" + ref + "\"") != std::string::npos);
        CHECK(none.error().message().find("AWS_ACCESS_KEY_ID") != std::string::npos);
        env.set("AWS_ACCESS_KEY_ID", "AKID");
        env.set("AWS_SECRET_ACCESS_KEY", "topsecret");
        auto noregion = aws_kms_config::from_environment(ref);
        REQUIRE_FALSE(noregion);
        CHECK(noregion.error().message().find("AWS_REGION") != std::string::npos);
        env.set("AWS_REGION", "us-east-1");
        env.set("AWS_TLS_INSECURE_SKIP_VERIFY", "1");
        auto insecure = aws_kms_config::from_environment(ref);
        REQUIRE_FALSE(insecure);
        CHECK(insecure.error().message().find("AWS_CA_BUNDLE") != std::string::npos);
        env.set("AWS_TLS_INSECURE_SKIP_VERIFY", nullptr);
        env.set("AWS_ENDPOINT_URL_KMS", "http://kms.example.test");
        auto plain = aws_kms_config::from_environment("awskms:///alias/x");
        REQUIRE_FALSE(plain);
        CHECK(plain.error().message().find("not HTTPS") != std::string::npos);
        for (auto* e : {&none, &noregion, &insecure, &plain})
            CHECK(e->error().message().find("topsecret") == std::string::npos);
    }
}

namespace {

// An in-memory AWS KMS: records requests, signs digests with a local key.
struct fake_kms {
    crypto_policy::private_key key;
    std::vector<transport::request> requests;
    int fail_status = 0;
    std::string fail_body;
    std::string key_usage = "SIGN_VERIFY";
    bool corrupt = false;
    bool exists = true;             ///< false: GetPublicKey is NotFoundException until CreateAlias
    std::string alias_error = {};   ///< CreateAlias answers this __type (HTTP 400) when set
};
fake_kms* g_kms = nullptr;

struct fake_transport {
    explicit fake_transport(transport::options = {}) {}
    result<transport::response> send(const transport::request& req) {
        fake_kms& k = *g_kms;
        k.requests.push_back(req);
        transport::response res;
        if (k.fail_status) {
            res.status = k.fail_status;
            res.body = k.fail_body;
            return res;
        }
        auto doc = json::parse(req.body);
        REQUIRE(doc);
        const std::string op = req.header("X-Amz-Target");
        res.status = 200;
        if (op == "TrentService.GetPublicKey" && !k.exists) {
            res.status = 400;
            res.body = "{\"__type\":\"NotFoundException\",\"message\":\"Alias arn:aws:kms:us-east-1:111122223333:" +
                       std::string(*json::string_member(*doc, "KeyId")) + " is not found.\"}";
        } else if (op == "TrentService.CreateKey") {
            res.body = "{\"KeyMetadata\":{\"KeyId\":\"0b0c0d0e-1111-2222-3333-444455556666\",\"KeyUsage\":\"SIGN_VERIFY\"}}";
        } else if (op == "TrentService.CreateAlias") {
            if (!k.alias_error.empty()) {
                res.status = 400;
                res.body = "{\"__type\":\"" + k.alias_error + "\",\"message\":\"An alias with the name exists\"}";
            } else {
                k.exists = true;  // an empty answer, as KMS gives for operations without output
            }
        } else if (op == "TrentService.GetPublicKey") {
            auto pub = crypto_policy::public_key_of(k.key);
            auto der = crypto_policy::public_key_der(*pub);
            res.body = "{\"KeyId\":\"arn:aws:kms:us-east-1:111122223333:key/k\",\"PublicKey\":\"" + base64::encode(*der) +
                       "\",\"KeySpec\":\"ECC_NIST_P256\",\"KeyUsage\":\"" + k.key_usage +
                       "\",\"SigningAlgorithms\":[\"ECDSA_SHA_256\"]}";
        } else if (op == "TrentService.Sign") {
            auto msg = base64::decode(*json::string_member(*doc, "Message"));
            auto sig = crypto_policy::sign_prehashed(k.key, *msg, hash_algorithm::sha256);
            if (k.corrupt) sig->back() ^= 1;
            res.body = "{\"Signature\":\"" + base64::encode(*sig) + "\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}";
        } else {
            res.status = 400;
            res.body = "{\"__type\":\"UnknownOperationException\"}";
        }
        return res;
    }
};

aws_kms_config test_config() {
    aws_kms_config c;
    c.key_ref = "awskms://kms.test:8443/alias/cosign-test";
    c.key_id = "alias/cosign-test";
    c.endpoint = "https://kms.test:8443";
    c.region = "us-east-1";
    c.credentials.access_key_id = "AKIDEXAMPLE";
    const std::string s = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    c.credentials.secret_access_key.assign(s.begin(), s.end());
    c.clock = [] { return std::int64_t(1440938160); };
    return c;
}

}  // namespace

TEST_CASE("awskms signer: one GetPublicKey to load, one Sign per signature, verified locally", "[kms][aws]") {
    fake_kms k{*crypto_policy::generate_p256(), {}, 0, {}, "SIGN_VERIFY", false};
    g_kms = &k;
    auto s = aws_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config());
    REQUIRE(s);
    REQUIRE(k.requests.size() == 1);
    const auto& get = k.requests[0];
    CHECK(get.method == "POST");
    CHECK(get.url == "https://kms.test:8443/");
    CHECK(get.header("Content-Type") == "application/x-amz-json-1.1");
    CHECK(get.header("X-Amz-Target") == "TrentService.GetPublicKey");
    CHECK(get.header("X-Amz-Date") == "20150830T123600Z");
    CHECK(get.header("Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kms/aws4_request, "
                                            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=",
                                            0) == 0);
    CHECK(get.body == "{\"KeyId\":\"alias/cosign-test\"}");
    CHECK(s->public_key_pem() == crypto_policy::public_key_pem(*crypto_policy::public_key_of(k.key)));
    CHECK(s->signing_algorithm() == "ECDSA_SHA_256");

    const std::string payload = "{\"critical\":{}}";
    auto sig = s->sign(payload);
    REQUIRE(sig);
    REQUIRE(k.requests.size() == 2);
    auto body = json::parse(k.requests[1].body);
    REQUIRE(body);
    CHECK(*json::string_member(*body, "MessageType") == "DIGEST");
    CHECK(*json::string_member(*body, "SigningAlgorithm") == "ECDSA_SHA_256");
    CHECK(*json::string_member(*body, "KeyId") == "alias/cosign-test");
    CHECK(base64::decode(*json::string_member(*body, "Message"))->size() == 32);
    auto pub = crypto_policy::parse_public_key(s->public_key_pem());
    CHECK(crypto_policy::verify(*pub, payload, *sig));

    // the type-erased signer streams blobs through sign_digest
    any_signer erased(std::move(*s));
    CHECK(erased.can_sign_digest());
    auto digest = crypto_policy::digest(hash_algorithm::sha256, payload);
    CHECK(erased.sign_digest(*digest, hash_algorithm::sha384).error().code() == errc::invalid_argument);
    auto sig2 = erased.sign_digest(*digest, hash_algorithm::sha256);
    REQUIRE(sig2);
    CHECK(crypto_policy::verify(*pub, payload, *sig2));

    // a signature that does not verify with the key is refused
    k.corrupt = true;
    auto bad = erased.sign(payload);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == errc::invalid_key);
    CHECK(bad.error().message().find("awskms key \"awskms://kms.test:8443/alias/cosign-test\"") != std::string::npos);
    g_kms = nullptr;
}

TEST_CASE("awskms signer: KMS errors name the key and the call, never a secret", "[kms][aws]") {
    fake_kms k{*crypto_policy::generate_p256(), {}, 0, {}, "SIGN_VERIFY", false};
    g_kms = &k;
    auto cfg = test_config();
    cfg.credentials.session_token = secure_bytes{'s', 'e', 's', 's', 'i', 'o', 'n', '-', 't', 'o', 'k'};
    const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    k.fail_status = 400;
    k.fail_body = "{\"__type\":\"NotFoundException\",\"message\":\"Key 'alias/cosign-test' does not exist\"}";
    auto nf = aws_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config());
    REQUIRE_FALSE(nf);
    CHECK(nf.error().code() == errc::not_found);
    CHECK(nf.error().message() == "awskms key \"awskms://kms.test:8443/alias/cosign-test\": GetPublicKey: "
                                  "NotFoundException (HTTP 400): Key 'alias/cosign-test' does not exist");

    k.fail_status = 403;
    k.fail_body = "{\"__type\":\"com.amazonaws.kms#InvalidSignatureException\",\"message\":\"echo " + secret +
                  " session-tok\"}";
    auto denied = aws_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), aws_kms_config(cfg));
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code() == errc::unauthorized);
    CHECK(denied.error().message().find("InvalidSignatureException (HTTP 403)") != std::string::npos);
    CHECK(denied.error().message().find(secret) == std::string::npos);
    CHECK(denied.error().message().find("session-tok") == std::string::npos);
    // the session token travels, signed
    CHECK(k.requests.back().header("Authorization").find(
              "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,") != std::string::npos);

    k.fail_status = 500;
    k.fail_body = "<html>oops</html>";
    auto down = aws_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config());
    REQUIRE_FALSE(down);
    CHECK(down.error().message().find("GetPublicKey: HTTP 500") != std::string::npos);

    k.fail_status = 0;
    k.key_usage = "ENCRYPT_DECRYPT";
    auto usage = aws_kms_signer<crypto_policy, fake_transport>::open(fake_transport(), test_config());
    REQUIRE_FALSE(usage);
    CHECK(usage.error().message().find("not SIGN_VERIFY") != std::string::npos);
    g_kms = nullptr;
}

TEST_CASE("awskms key source: takes awskms:// before the refusing source, and is a key source", "[kms][aws]") {
    using source = aws_kms_key_source<crypto_policy, fake_transport>;
    static_assert(check_key_source<source>());
    using keys = key_sources<source, default_key_sources<crypto_policy>>;
    CHECK(keys::handles("awskms:///alias/x"));
    CHECK_FALSE(source::handles("gcpkms://projects/p"));
    CHECK_FALSE(source::handles("cosign.key"));
    env_scope env;
    for (const char* v : aws_vars) env.set(v, nullptr);
    env.set("HOME", "/nonexistent");
    auto r = keys::load("awskms:///alias/x", {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unauthorized);  // not "not supported in this build"
}

namespace {
std::vector<std::string> targets(const fake_kms& k) {
    std::vector<std::string> out;
    for (const auto& r : k.requests) out.push_back(r.header("X-Amz-Target"));
    return out;
}
}  // namespace

TEST_CASE("awskms create: a new alias gets CreateKey and CreateAlias as sigstore sends them, then its key",
          "[kms][aws][create]") {
    using source = aws_kms_key_source<crypto_policy, fake_transport>;
    fake_kms k{*crypto_policy::generate_p256(), {}, 0, {}, "SIGN_VERIFY", false};
    k.exists = false;
    g_kms = &k;
    auto made = source::create(test_config(), fake_transport());
    REQUIRE(made);
    CHECK(made->created);
    CHECK(made->public_key_pem == crypto_policy::public_key_pem(*crypto_policy::public_key_of(k.key)));
    CHECK(targets(k) == std::vector<std::string>{"TrentService.GetPublicKey", "TrentService.CreateKey",
                                                 "TrentService.CreateAlias", "TrentService.GetPublicKey"});
    CHECK(k.requests[1].body ==
          "{\"CustomerMasterKeySpec\":\"ECC_NIST_P256\",\"Description\":\"Created by Sigstore\",\"KeyUsage\":\"SIGN_VERIFY\"}");
    CHECK(k.requests[2].body ==
          "{\"AliasName\":\"alias/cosign-test\",\"TargetKeyId\":\"0b0c0d0e-1111-2222-3333-444455556666\"}");
    for (const auto& r : k.requests)  // every call SigV4-signed
        CHECK(r.header("Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0) == 0);

    // a second run finds the key: one GetPublicKey, nothing created
    k.requests.clear();
    auto again = source::create(test_config(), fake_transport());
    REQUIRE(again);
    CHECK_FALSE(again->created);
    CHECK(again->public_key_pem == made->public_key_pem);
    CHECK(targets(k) == std::vector<std::string>{"TrentService.GetPublicKey"});
    g_kms = nullptr;
}

TEST_CASE("awskms create: only alias references, and refusals stop before anything is created", "[kms][aws][create]") {
    using source = aws_kms_key_source<crypto_policy, fake_transport>;
    fake_kms k{*crypto_policy::generate_p256(), {}, 0, {}, "SIGN_VERIFY", false};
    g_kms = &k;

    auto cfg = test_config();
    cfg.key_ref = "awskms://kms.test:8443/1234abcd-12ab-34cd-56ef-1234567890ab";
    cfg.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    auto by_id = source::create(cfg, fake_transport());
    REQUIRE_FALSE(by_id);
    CHECK(by_id.error().code() == errc::invalid_argument);
    CHECK(by_id.error().message().find("awskms key \"" + cfg.key_ref + "\": must use alias key format") == 0);
    CHECK(k.requests.empty());
    // the same check comes before the environment is read
    auto by_arn = source::create("awskms:///arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    REQUIRE_FALSE(by_arn);
    CHECK(by_arn.error().message().find("must use alias key format") != std::string::npos);

    // refused credentials: an error naming the key, and no CreateKey
    k.fail_status = 403;
    k.fail_body = "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we calculated does not match\"}";
    auto denied = source::create(test_config(), fake_transport());
    REQUIRE_FALSE(denied);
    CHECK(denied.error().code() == errc::unauthorized);
    CHECK(denied.error().message() ==
          "looking up the key: awskms key \"awskms://kms.test:8443/alias/cosign-test\": GetPublicKey: "
          "InvalidSignatureException (HTTP 403): The request signature we calculated does not match");
    CHECK(targets(k) == std::vector<std::string>{"TrentService.GetPublicKey"});
    CHECK(denied.error().message().find("wJalrXUtnFEMI") == std::string::npos);

    // the alias is taken meanwhile: the error names the orphaned key
    k.fail_status = 0;
    k.exists = false;
    k.alias_error = "AlreadyExistsException";
    k.requests.clear();
    auto raced = source::create(test_config(), fake_transport());
    REQUIRE_FALSE(raced);
    CHECK(raced.error().message().find("the key 0b0c0d0e-1111-2222-3333-444455556666 was created, but naming it "
                                       "alias/cosign-test failed") == 0);
    CHECK(raced.error().message().find("CreateAlias: AlreadyExistsException (HTTP 400)") != std::string::npos);
    CHECK(targets(k).size() == 3);
    g_kms = nullptr;
}
