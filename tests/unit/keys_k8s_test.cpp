// SPDX-License-Identifier: Apache-2.0
// Unit tests of the k8s:// key source: the reference rule, the kubeconfig reader (the YAML kubectl
// and the KMS fake write, and JSON), client-go's loading order, reading and decrypting the
// Secret cosign writes (with cosign's own encrypted key from tests/data), generate-key-pair's
// create-or-update, and errors that name the Secret but never the token or the password.
// Against fake-kms-server.js and the real cosign: tests/integration/test_kms_vault_azure_k8s.sh.
#include "catch.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <cosign/core/base64.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/kms/k8s.hpp>

#include "kms_scripted.hpp"

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;
using kms_test::scripted_transport;
using k8s_source = k8s_key_source<crypto_policy, scripted_transport>;

namespace {

const std::string token = "k8s-very-secret-token";

/// The Secrets API of one cluster, in memory, as the API server answers.
struct fake_apiserver {
    std::map<std::string, std::string> secrets;  // "ns/name" -> Secret JSON
    std::string minor = "30";
    std::vector<std::string> writes;

    static kms_test::response status(int code, const std::string& reason, const std::string& message) {
        return kms_test::json_response(code, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":")" +
                                                 message + R"(","reason":")" + reason + R"(","code":)" +
                                                 std::to_string(code) + "}");
    }

    cosign::result<kms_test::response> operator()(const kms_test::request& r) {
        if (r.header("Authorization") != "Bearer " + token) return status(401, "Unauthorized", "Unauthorized");
        const std::string p = kms_test::path_of(r.url);
        if (p == "/version") return kms_test::json_response(200, R"({"major":"1","minor":")" + minor + R"(+"})");
        const std::string prefix = "/api/v1/namespaces/";
        if (p.rfind(prefix, 0) != 0) return status(404, "NotFound", "no route");
        std::string rest = p.substr(prefix.size());
        std::string ns = rest.substr(0, rest.find('/'));
        rest = rest.substr(ns.size());
        if (rest == "/secrets" && r.method == "POST") {
            auto doc = json::parse(r.body);
            std::string name(*json::string_member(*json::member(*doc, "metadata"), "name"));
            if (secrets.count(ns + "/" + name)) return status(409, "AlreadyExists", "exists");
            secrets[ns + "/" + name] = r.body;
            writes.push_back("POST " + ns + "/" + name);
            return kms_test::json_response(201, r.body);
        }
        std::string name = rest.substr(std::string("/secrets/").size());
        if (r.method == "GET") {
            auto it = secrets.find(ns + "/" + name);
            if (it == secrets.end()) return status(404, "NotFound", "secrets \\\"" + name + "\\\" not found");
            return kms_test::json_response(200, it->second);
        }
        if (r.method == "PUT") {
            secrets[ns + "/" + name] = r.body;
            writes.push_back("PUT " + ns + "/" + name);
            return kms_test::json_response(200, r.body);
        }
        return status(405, "MethodNotAllowed", r.method);
    }

    void put(const std::string& ns, const std::string& name, const std::map<std::string, std::string>& data) {
        json::writer w;
        w.begin_object().key("kind").string("Secret").key("metadata").begin_object().key("name").string(name).end_object();
        w.key("data").begin_object();
        for (auto& kv : data) w.key(kv.first).string(base64::encode(byte_view(kv.second)));
        w.end_object().end_object();
        secrets[ns + "/" + name] = std::move(w).str();
    }
};

k8s_config config_for() {
    k8s_config c;
    c.server = "https://k8s.test:6443";
    c.token.assign(token.begin(), token.end());
    c.source = "kubeconfig test";
    return c;
}

std::string read_text(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string data_file(const std::string& rel) { return read_text(std::string(COSIGN_TEST_DATA) + "/" + rel); }

}  // namespace

TEST_CASE("k8s references: k8s://<namespace>/<secret>", "[keys][kms][k8s]") {
    auto r = k8s_reference::parse("k8s://ci/cosign-keys");
    REQUIRE(r);
    CHECK(r->ns == "ci");
    CHECK(r->name == "cosign-keys");
    for (const char* bad : {"k8s://", "k8s://ns", "k8s://ns/", "k8s:///name", "k8s://a/b/c", "k8s://A/b", "k8s://a/b?x"}) {
        auto e = k8s_reference::parse(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().message().find("k8s://<namespace>/<secret>") != std::string::npos);
    }
    CHECK(k8s_source::handles("k8s://a/b"));
    CHECK_FALSE(k8s_source::handles("k8s:/a/b"));
}

TEST_CASE("kubeconfig: the YAML the KMS fake writes", "[keys][kms][k8s]") {
    const std::string ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const std::string text = "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: fake\n  cluster:\n"
                             "    server: https://127.0.0.1:34945\n    certificate-authority-data: " +
                             base64::encode(byte_view(ca_pem)) +
                             "\nusers:\n- name: fake\n  user:\n    token: " + token +
                             "\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n"
                             "    namespace: default\n";
    std::string ca_path;
    {
        auto c = k8s_config::from_kubeconfig(text, "/home/u/.kube/config");
        REQUIRE(c);
        CHECK(c->server == "https://127.0.0.1:34945");
        CHECK(std::string(c->token.begin(), c->token.end()) == token);
        CHECK(c->tls.tls_verify);
        ca_path = c->tls.ca_file;
        REQUIRE_FALSE(ca_path.empty());
        CHECK(read_text(ca_path) == ca_pem);
        struct stat st;
        REQUIRE(::stat(ca_path.c_str(), &st) == 0);
    }
    struct stat st;
    CHECK(::stat(ca_path.c_str(), &st) != 0);  // removed with the configuration
}

TEST_CASE("kubeconfig: kubectl's YAML with comments, quotes, indented lists and several entries", "[keys][kms][k8s]") {
    const std::string text = R"(# written by kubectl
apiVersion: v1
clusters:
  - cluster:
      server: "https://prod.example:6443/"   # trailing comment
      certificate-authority: ca/prod.crt
    name: prod
  - cluster:
      insecure-skip-tls-verify: true
      server: https://dev.example:6443
    name: dev
contexts:
- context:
    cluster: dev
    user: 'dev-user'
  name: dev
- context:
    cluster: prod
    user: prod-user
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    tokenFile: token.txt
)";
    char dir[] = "/tmp/cosign-kube-XXXXXX";
    REQUIRE(::mkdtemp(dir));
    std::ofstream(std::string(dir) + "/token.txt") << "prod-token\n";
    auto c = k8s_config::from_kubeconfig(text, std::string(dir) + "/config");
    REQUIRE(c);
    CHECK(c->server == "https://prod.example:6443");
    CHECK(c->tls.ca_file == std::string(dir) + "/ca/prod.crt");
    CHECK(std::string(c->token.begin(), c->token.end()) == "prod-token");

    std::string dev = text;
    dev.replace(dev.find("current-context: prod"), 21, "current-context: dev");
    auto d = k8s_config::from_kubeconfig(dev, std::string(dir) + "/config");
    REQUIRE(d);
    CHECK(d->server == "https://dev.example:6443");
    CHECK_FALSE(d->tls.tls_verify);
    CHECK(std::string(d->token.begin(), d->token.end()) == "dev-token");
    std::remove((std::string(dir) + "/token.txt").c_str());
    ::rmdir(dir);
}

TEST_CASE("kubeconfig: JSON, and what is refused with a reason", "[keys][kms][k8s]") {
    auto j = k8s_config::from_kubeconfig(
        R"({"current-context":"c","contexts":[{"name":"c","context":{"cluster":"k","user":"u"}}],
            "clusters":[{"name":"k","cluster":{"server":"https://j.example"}}],"users":[{"name":"u","user":{"token":"t"}}]})",
        "cfg.json");
    REQUIRE(j);
    CHECK(j->server == "https://j.example");

    auto cert = k8s_config::from_kubeconfig(
        "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\nclusters:\n- name: k\n"
        "  cluster:\n    server: https://x\nusers:\n- name: u\n  user:\n    client-certificate-data: AAAA\n"
        "    client-key-data: BBBB\n",
        "cfg");
    REQUIRE_FALSE(cert);
    CHECK(cert.error().code() == errc::unsupported);
    CHECK(cert.error().message().find("client certificate") != std::string::npos);

    auto no_ctx = k8s_config::from_kubeconfig("current-context: missing\ncontexts: []\n", "cfg");
    REQUIRE_FALSE(no_ctx);
    CHECK(no_ctx.error().message() == "kubeconfig cfg: context \"missing\" not found");

    auto block = k8s_config::from_kubeconfig("current-context: c\nusers:\n- name: u\n  user:\n    token: |\n      x\n", "cfg");
    REQUIRE_FALSE(block);
    CHECK(block.error().message().find("line 5") != std::string::npos);
}

TEST_CASE("k8s: KUBECONFIG, then ~/.kube/config, then the in-cluster service account", "[keys][kms][k8s]") {
    kms_test::env_guard env;
    char dir[] = "/tmp/cosign-kube-env-XXXXXX";
    REQUIRE(::mkdtemp(dir));
    const std::string d = dir;
    env.set("HOME", d);
    env.unset("KUBECONFIG");
    env.unset("KUBERNETES_SERVICE_HOST");
    env.unset("KUBERNETES_SERVICE_PORT");
    auto none = k8s_config::from_env();
    REQUIRE_FALSE(none);
    CHECK(none.error().message().find("set KUBECONFIG") != std::string::npos);

    const std::string cfg = "current-context: c\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n"
                            "clusters:\n- name: k\n  cluster:\n    server: https://from-file\nusers:\n- name: u\n"
                            "  user:\n    token: t\n";
    ::mkdir((d + "/.kube").c_str(), 0700);
    std::ofstream(d + "/.kube/config") << cfg;
    auto home = k8s_config::from_env();
    REQUIRE(home);
    CHECK(home->server == "https://from-file");

    std::string other = cfg;
    other.replace(other.find("from-file"), 9, "from-env");
    std::ofstream(d + "/second") << other;
    env.set("KUBECONFIG", d + "/missing:" + d + "/second");
    auto listed = k8s_config::from_env();
    REQUIRE(listed);
    CHECK(listed->server == "https://from-env");
    CHECK(listed->source == "kubeconfig " + d + "/second");

    env.set("KUBECONFIG", d + "/missing");
    env.set("KUBERNETES_SERVICE_HOST", "10.0.0.1");
    env.set("KUBERNETES_SERVICE_PORT", "443");
    auto in_cluster = k8s_config::from_env();  // no service account mounted here
    REQUIRE_FALSE(in_cluster);
    CHECK(in_cluster.error().message().find("in-cluster config") == 0);
    std::remove((d + "/second").c_str());
    std::remove((d + "/.kube/config").c_str());
    ::rmdir((d + "/.kube").c_str());
    ::rmdir(dir);
}

TEST_CASE("k8s: cosign's Secret is read and its key decrypted with cosign.password", "[keys][kms][k8s]") {
    fake_apiserver fake;
    const std::string key_pem = data_file("cosign/keys/encrypted/keys_test-pemsigstorekey.key");
    REQUIRE_FALSE(key_pem.empty());
    fake.put("ci", "cosign-keys", {{"cosign.key", key_pem}, {"cosign.password", "hello"}, {"cosign.pub", "x"}});
    scripted_transport::reset(std::ref(fake));
    auto signer = k8s_source::open(*k8s_reference::parse("k8s://ci/cosign-keys"),
                                   k8s_client<scripted_transport>(config_for(), scripted_transport()));
    REQUIRE(signer);
    auto& log = scripted_transport::log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method == "GET");
    CHECK(log[0].url == "https://k8s.test:6443/api/v1/namespaces/ci/secrets/cosign-keys");
    auto sig = signer->sign(byte_view(std::string("payload")));
    REQUIRE(sig);
    auto pub = crypto_policy::parse_public_key(signer->public_key_pem());
    CHECK(crypto_policy::verify(*pub, byte_view(std::string("payload")), *sig));
}

TEST_CASE("k8s errors name the Secret and never the token or the password", "[keys][kms][k8s]") {
    fake_apiserver fake;
    scripted_transport::reset(std::ref(fake));
    auto ref = *k8s_reference::parse("k8s://ci/cosign-keys");
    auto open = [&](k8s_config c) {
        return k8s_source::open(ref, k8s_client<scripted_transport>(std::move(c), scripted_transport()));
    };
    auto clean = [](const error& e) {
        CHECK(e.message().find(token) == std::string::npos);
        CHECK(e.message().find("hunter2") == std::string::npos);
    };
    SECTION("no such Secret") {
        auto s = open(config_for());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::not_found);
        CHECK(s.error().message() ==
              "k8s secret \"k8s://ci/cosign-keys\": checking if secret exists: HTTP 404 (secrets \"cosign-keys\" not found)");
    }
    SECTION("a refused token") {
        auto c = config_for();
        c.token.assign({'b', 'a', 'd'});
        auto s = open(std::move(c));
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::unauthorized);
        CHECK(s.error().message().find("k8s://ci/cosign-keys") != std::string::npos);
        CHECK(s.error().message().find("Unauthorized") != std::string::npos);
    }
    SECTION("a wrong cosign.password") {
        auto key = crypto_policy::generate_p256();
        auto enc = cosign_key_file<crypto_policy>::encrypt(*key, byte_view(std::string("right")));
        fake.put("ci", "cosign-keys", {{"cosign.key", *enc}, {"cosign.password", "hunter2"}});
        auto s = open(config_for());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::wrong_password);
        CHECK(s.error().message().find("k8s secret \"k8s://ci/cosign-keys\"") == 0);
        clean(s.error());
    }
    SECTION("a Secret without cosign.key") {
        fake.put("ci", "cosign-keys", {{"other", "x"}});
        auto s = open(config_for());
        REQUIRE_FALSE(s);
        CHECK(s.error().message() == "k8s secret \"k8s://ci/cosign-keys\": the secret holds no cosign.key");
    }
    SECTION("an API server that cannot be reached") {
        scripted_transport::reset(nullptr);
        auto s = open(config_for());
        REQUIRE_FALSE(s);
        CHECK(s.error().code() == errc::network);
        CHECK(s.error().message().find("k8s://ci/cosign-keys") != std::string::npos);
        clean(s.error());
    }
}

TEST_CASE("k8s generate-key-pair: creates an immutable Secret, then updates keeping other data", "[keys][kms][k8s]") {
    fake_apiserver fake;
    scripted_transport::reset(std::ref(fake));
    auto ref = *k8s_reference::parse("k8s://ci/cosign-keys");
    k8s_client<scripted_transport> client(config_for(), scripted_transport());
    const std::string pw = "gen-password";
    auto pem = k8s_generate_key_pair<crypto_policy, scripted_transport>(ref, client, secure_bytes(pw.begin(), pw.end()));
    REQUIRE(pem);
    REQUIRE(fake.writes == std::vector<std::string>{"POST ci/cosign-keys"});
    auto doc = json::parse(fake.secrets["ci/cosign-keys"]);
    REQUIRE(doc);
    const json::value* immutable = json::member(*doc, "immutable");
    REQUIRE(immutable);
    CHECK(immutable->GetBool());
    const json::value* data = json::member(*doc, "data");
    CHECK(*base64::decode(*json::string_member(*data, "cosign.pub")) == bytes(pem->begin(), pem->end()));
    CHECK(*base64::decode(*json::string_member(*data, "cosign.password")) == bytes(pw.begin(), pw.end()));
    auto key_text = base64::decode(*json::string_member(*data, "cosign.key"));
    CHECK(std::string(key_text->begin(), key_text->end()).find("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----") == 0);

    // The Secret just written signs, with the public key generate-key-pair returned.
    auto signer = k8s_source::open(ref, k8s_client<scripted_transport>(config_for(), scripted_transport()));
    REQUIRE(signer);
    CHECK(signer->public_key_pem() == *pem);

    // Again over an existing Secret (older cluster: not immutable): PUT, other keys kept.
    fake.minor = "20";
    fake.put("ci", "cosign-keys", {{"extra", "kept"}, {"cosign.key", "old"}});
    auto again = k8s_generate_key_pair<crypto_policy, scripted_transport>(ref, client, secure_bytes(pw.begin(), pw.end()));
    REQUIRE(again);
    CHECK(fake.writes.back() == "PUT ci/cosign-keys");
    auto doc2 = json::parse(fake.secrets["ci/cosign-keys"]);
    CHECK_FALSE(json::member(*doc2, "immutable"));
    CHECK(*base64::decode(*json::string_member(*json::member(*doc2, "data"), "extra")) == bytes{'k', 'e', 'p', 't'});
    CHECK(*again != *pem);
}
