// SPDX-License-Identifier: Apache-2.0
// Unit tests of registry/docker_config.hpp: auths, lookup keys as docker has them, and credential helpers.
#include "catch.hpp"

#include <cosign/registry/docker_config.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace cosign;
using registry::docker_config;

namespace {
std::string secret_text(const secure_bytes& b) { return byte_view(b).to_string(); }

// A temporary directory removed at scope exit (with the few files the tests put in it).
struct temp_dir {
    std::string path;
    std::vector<std::string> files;
    temp_dir() {
        char tmpl[] = "/tmp/cosign-dc-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    std::string write(const std::string& name, const std::string& text, bool executable = false) {
        std::string p = path + "/" + name;
        std::ofstream(p, std::ios::binary) << text;
        if (executable) ::chmod(p.c_str(), 0755);
        files.push_back(p);
        return p;
    }
    ~temp_dir() {
        for (auto& f : files) ::unlink(f.c_str());
        ::rmdir(path.c_str());
    }
};

// Puts dir first on PATH for the scope.
struct path_prefix {
    std::string old;
    explicit path_prefix(const std::string& dir) {
        const char* p = std::getenv("PATH");
        old = p ? p : "";
        ::setenv("PATH", (dir + ":" + old).c_str(), 1);
    }
    ~path_prefix() { ::setenv("PATH", old.c_str(), 1); }
};

// A docker-credential-test helper: logs its argument and stdin, answers per server URL.
const char* helper_script = R"(#!/bin/sh
read -r url
echo "$1 $url" >> "$(dirname "$0")/calls.log"
case "$url" in
  "127.0.0.1:5000") echo '{"ServerURL":"127.0.0.1:5000","Username":"helper-user","Secret":"helper-pass"}' ;;
  "https://index.docker.io/v1/") echo '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"refresh-tok"}' ;;
  "broken.example") echo 'this is not json' ;;
  "failing.example") echo 'boom' >&2; exit 3 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
)";
}  // namespace

TEST_CASE("auths entries give user and password from 'auth' or from separate fields", "[registry]") {
    auto cfg = docker_config::parse(R"({"auths":{
        "127.0.0.1:5000":{"auth":"YWxpY2U6czNjcmV0"},
        "ghcr.io":{"username":"bob","password":"pa:ss"},
        "https://index.docker.io/v1/":{"auth":"ZGg6aHVi"},
        "https://quay.io/v1/":{"auth":"cTp1YXk="},
        "token.example":{"identitytoken":"idt"}}})");
    REQUIRE(cfg);
    auto a = cfg->lookup("127.0.0.1:5000");
    REQUIRE(a);
    CHECK(a->username == "alice");
    CHECK(secret_text(a->password) == "s3cret");
    auto b = cfg->lookup("ghcr.io");
    REQUIRE(b);
    CHECK(b->username == "bob");
    CHECK(secret_text(b->password) == "pa:ss");
    for (const char* hub : {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
        auto h = cfg->lookup(hub);
        REQUIRE(h);
        CHECK(h->username == "dh");
        CHECK(secret_text(h->password) == "hub");
    }
    auto q = cfg->lookup("quay.io");  // "https://quay.io/v1/" matches by host, as docker does
    REQUIRE(q);
    CHECK(q->username == "q");
    auto t = cfg->lookup("token.example");
    REQUIRE(t);
    CHECK(secret_text(t->identity_token) == "idt");
    CHECK_FALSE(t->has_basic());
    auto none = cfg->lookup("unknown.example");
    REQUIRE(none);
    CHECK(none->empty());
    CHECK_FALSE(cfg->has_entry_for("unknown.example"));
    CHECK(cfg->has_entry_for("ghcr.io"));
}

TEST_CASE("a malformed docker config is an error that names the problem, never the secret", "[registry]") {
    auto bad = docker_config::parse(R"({"auths":{"r":{"auth":"!!!not-base64"}}})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message().find("not base64") != std::string::npos);
    auto nocolon = docker_config::parse(R"({"auths":{"r":{"auth":"c2VjcmV0"}}})");  // "secret"
    REQUIRE_FALSE(nocolon);
    CHECK(nocolon.error().message().find("secret") == std::string::npos);
    CHECK_FALSE(docker_config::parse("{"));
    CHECK_FALSE(docker_config::parse("[]"));
    CHECK(docker_config::parse("{}"));
}

TEST_CASE("a missing config file means no credentials, and DOCKER_CONFIG picks the directory", "[registry]") {
    auto missing = docker_config::load("/nonexistent/cosign-cpp/config.json");
    REQUIRE(missing);
    CHECK(missing->auths().empty());
    temp_dir d;
    d.write("config.json", R"({"auths":{"r.example":{"username":"u","password":"p"}}})");
    const char* old = std::getenv("DOCKER_CONFIG");
    std::string saved = old ? old : "";
    ::setenv("DOCKER_CONFIG", d.path.c_str(), 1);
    CHECK(registry::default_docker_config_path() == d.path + "/config.json");
    auto cfg = docker_config::load();
    if (old)
        ::setenv("DOCKER_CONFIG", saved.c_str(), 1);
    else
        ::unsetenv("DOCKER_CONFIG");
    REQUIRE(cfg);
    CHECK(cfg->lookup("r.example")->username == "u");
}

TEST_CASE("credHelpers and credsStore run docker-credential-<name> get with the server URL on stdin",
          "[registry]") {
    temp_dir d;
    d.write("docker-credential-test", helper_script, true);
    d.files.push_back(d.path + "/calls.log");
    path_prefix on_path(d.path);

    auto cfg =
        docker_config::parse(R"({"credHelpers":{"127.0.0.1:5000":"test","https://index.docker.io/v1/":"test",
                                        "broken.example":"test","failing.example":"test","missing.example":"test",
                                        "nohelper.example":"does-not-exist"}})");
    REQUIRE(cfg);
    auto a = cfg->lookup("127.0.0.1:5000");
    REQUIRE(a);
    CHECK(a->username == "helper-user");
    CHECK(secret_text(a->password) == "helper-pass");
    auto hub = cfg->lookup("docker.io");
    REQUIRE(hub);
    CHECK(hub->username.empty());
    CHECK(secret_text(hub->identity_token) == "refresh-tok");
    auto missing = cfg->lookup("missing.example");
    REQUIRE(missing);
    CHECK(missing->empty());
    auto broken = cfg->lookup("broken.example");
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code() == errc::io);
    auto failing = cfg->lookup("failing.example");
    REQUIRE_FALSE(failing);
    CHECK(failing.error().message().find("exit status 3") != std::string::npos);
    auto nohelper = cfg->lookup("nohelper.example");
    REQUIRE_FALSE(nohelper);
    CHECK(nohelper.error().message().find("docker-credential-does-not-exist") != std::string::npos);

    std::ifstream log(d.path + "/calls.log");
    std::string first;
    std::getline(log, first);
    CHECK(first == "get 127.0.0.1:5000");

    auto store = docker_config::parse(
        R"({"credsStore":"test","auths":{"elsewhere.example":{"username":"f","password":"g"}}})");
    REQUIRE(store);
    CHECK(store->lookup("127.0.0.1:5000")->username == "helper-user");
    CHECK(store->lookup("elsewhere.example")->username == "f");  // the store has nothing: the file answers
    CHECK(store->has_entry_for("anything.example"));
}

TEST_CASE("credential helper names cannot smuggle paths or shell syntax", "[registry]") {
    auto r = registry::run_credential_helper("../evil", "x");
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::invalid_argument);
    CHECK_FALSE(registry::run_credential_helper("a;rm -rf /", "x"));
}
