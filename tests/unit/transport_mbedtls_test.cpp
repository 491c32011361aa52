// SPDX-License-Identifier: Apache-2.0
// Unit tests of transport/mbedtls.hpp against local cpp-httplib servers: answers, chunked bodies,
// limits, redirects, errors.
#include "catch.hpp"

#include <cosign/registry/client.hpp>
#include <cosign/transport/mbedtls.hpp>

using namespace cosign;
using transport::mbedtls_transport;
using transport::request;

TEST_CASE("mbedtls_transport is a transport policy the registry client accepts", "[transport]") {
    STATIC_REQUIRE(transport::is_transport_v<mbedtls_transport>);
    STATIC_REQUIRE(std::is_move_constructible_v<registry::basic_client<mbedtls_transport>>);
}

// The exchanges need a server: cpp-httplib's, when its macros are present.
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(COSIGN_TEST_HTTPLIB)
#include <httplib.h>

#include <chrono>
#include <thread>

namespace {
struct local_server {
    httplib::Server svr;
    int port = 0;
    std::thread th;
    void start() {
        port = svr.bind_to_any_port("127.0.0.1");
        th = std::thread([this] { svr.listen_after_bind(); });
        for (int i = 0; i < 200 && !svr.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::string url(const std::string& host = "127.0.0.1") const {
        return "http://" + host + ":" + std::to_string(port);
    }
    ~local_server() {
        svr.stop();
        if (th.joinable()) th.join();
    }
};

request get(std::string url) {
    request r;
    r.method = "GET";
    r.url = std::move(url);
    return r;
}
}  // namespace

TEST_CASE("mbedtls_transport returns status, headers and body; HEAD has no body; PUT sends its body",
          "[transport]") {
    local_server s;
    s.svr.Get("/v2/x", [](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Docker-Content-Digest", "sha256:abc");
        res.set_content("hello " + req.get_header_value("Accept") + " " + req.get_header_value("User-Agent"),
                        "text/plain");
    });
    s.svr.Get("/v2/missing", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content(R"({"errors":[]})", "application/json");
    });
    s.svr.Put("/v2/put", [](const httplib::Request& req, httplib::Response& res) {
        res.status = 201;
        res.set_header("Location", "/v2/x");
        res.set_content("got " + req.body, "text/plain");
    });
    s.start();
    mbedtls_transport t;
    auto r0 = get(s.url() + "/v2/x");
    r0.headers.emplace_back("Accept", "a/b");
    auto r = t.send(r0);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == std::string("hello a/b cosign-cpp/") + COSIGN_VERSION_STRING);
    CHECK(r->header("docker-content-digest") == "sha256:abc");
    auto m = t.send(get(s.url() + "/v2/missing"));
    REQUIRE(m);
    CHECK(m->status == 404);
    request head = get(s.url() + "/v2/x");
    head.method = "HEAD";
    auto h = t.send(head);
    REQUIRE(h);
    CHECK(h->status == 200);
    CHECK(h->body.empty());
    request put = get(s.url() + "/v2/put");
    put.method = "PUT";
    put.body = std::string(100000, 'z');
    auto p = t.send(put);
    REQUIRE(p);
    CHECK(p->status == 201);
    CHECK(p->body == "got " + put.body);
}

TEST_CASE("mbedtls_transport reads chunked bodies and stops past the limit", "[transport]") {
    local_server s;
    s.svr.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
            std::string chunk(1000, 'y');
            sink.write(chunk.data(), chunk.size());
            if (offset >= 20000) sink.done();
            return true;
        });
    });
    s.svr.Get("/sized", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(10000, 'x'), "text/plain");
    });
    s.start();
    mbedtls_transport t;
    auto c = t.send(get(s.url() + "/chunked"));
    REQUIRE(c);
    CHECK(c->body == std::string(21000, 'y'));
    auto q = get(s.url() + "/chunked");
    q.max_response_body = 5000;
    auto big = t.send(q);
    REQUIRE_FALSE(big);
    CHECK(big.error().code() == errc::limit_exceeded);
    q.url = s.url() + "/sized";
    auto sized = t.send(q);
    REQUIRE_FALSE(sized);
    CHECK(sized.error().code() == errc::limit_exceeded);
}

TEST_CASE("mbedtls_transport follows a redirect to another host without Authorization, URL encoding intact",
          "[transport]") {
    local_server storage;
    std::string seen_target, seen_auth = "unset";
    storage.svr.Get("/blob", [&](const httplib::Request& req, httplib::Response& res) {
        seen_target = req.target;
        seen_auth = req.get_header_value("Authorization");
        res.set_content("blob bytes", "application/octet-stream");
    });
    storage.start();
    local_server reg;
    std::string loc = storage.url("localhost") + "/blob?sig=a%2Bb%2Fc%3D%3D&x=1";
    reg.svr.Get("/v2/r/blobs/d", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 307;
        res.set_header("Location", loc);
    });
    reg.start();
    mbedtls_transport t;
    auto q = get(reg.url() + "/v2/r/blobs/d");
    q.headers.emplace_back("Authorization", "Bearer secret-token");
    auto r = t.send(q);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "blob bytes");
    CHECK(seen_auth.empty());
    CHECK(seen_target == "/blob?sig=a%2Bb%2Fc%3D%3D&x=1");
}

TEST_CASE("mbedtls_transport reports refused connections and TLS to a plain server as network errors",
          "[transport]") {
    local_server s;
    s.svr.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
    s.start();
    mbedtls_transport::options o;
    o.stall_timeout = std::chrono::seconds(2);
    mbedtls_transport t(o);
    auto tls = t.send(get("https://127.0.0.1:" + std::to_string(s.port) + "/"));
    REQUIRE_FALSE(tls);
    CHECK(tls.error().code() == errc::network);
    int closed_port = s.port;
    s.svr.stop();
    s.th.join();
    auto refused = t.send(get("http://127.0.0.1:" + std::to_string(closed_port) + "/"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::network);
}
#endif
