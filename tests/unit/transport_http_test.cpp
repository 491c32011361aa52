// SPDX-License-Identifier: Apache-2.0
// The behaviour every HTTP transport owes the registry client, run over each transport of
// tests/unit/transports.hpp against local cpp-httplib servers: answers, bodies and their limits,
// redirects that drop credentials, network errors. What only one transport does (keep-alive,
// retries) is tested beside it.
#include "catch.hpp"

#include "transports.hpp"

#if defined(COSIGN_TEST_TRANSPORTS)

#include <cosign/registry/client.hpp>

using namespace cosign;
using cosign_test::get;
using cosign_test::local_server;
using cosign_test::transports;

TEMPLATE_LIST_TEST_CASE("a transport is a transport policy the registry client accepts", "[transport]", transports) {
    STATIC_REQUIRE(transport::is_transport_v<TestType>);
    STATIC_REQUIRE(std::is_move_constructible_v<registry::basic_client<TestType>>);
}

TEMPLATE_LIST_TEST_CASE("a transport returns status, headers and body, 404 included; HEAD has no body; PUT sends its body",
                        "[transport]", transports) {
    local_server s;
    s.svr.Get("/v2/x", [](const httplib::Request& req, httplib::Response& res) {
        res.set_header("Docker-Content-Digest", "sha256:abc");
        res.set_content("hello " + req.get_header_value("Accept") + " " + req.get_header_value("User-Agent"),
                        "text/plain");
    });
    s.svr.Get("/v2/missing", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})",
                        "application/json");
    });
    s.svr.Put("/v2/put", [](const httplib::Request& req, httplib::Response& res) {
        res.status = 201;
        res.set_header("Location", "/v2/x");
        res.set_content("got " + req.body, "text/plain");
    });
    s.start();
    auto t = cosign_test::make_test_transport<TestType>();
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
    CHECK(m->body.find("MANIFEST_UNKNOWN") != std::string::npos);
    transport::request head = get(s.url() + "/v2/x");
    head.method = "HEAD";
    auto h = t.send(head);
    REQUIRE(h);
    CHECK(h->status == 200);
    CHECK(h->body.empty());
    transport::request put = get(s.url() + "/v2/put");
    put.method = "PUT";
    put.body = std::string(100000, 'z');
    auto p = t.send(put);
    REQUIRE(p);
    CHECK(p->status == 201);
    CHECK(p->body == "got " + put.body);
}

TEMPLATE_LIST_TEST_CASE("a transport reads chunked bodies, stops past the limit with or without Content-Length, and "
                        "serves the next request",
                        "[transport]", transports) {
    local_server s;
    s.svr.Get("/sized", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(10000, 'x'), "text/plain");
    });
    s.svr.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
            std::string chunk(1000, 'y');
            sink.write(chunk.data(), chunk.size());
            if (offset >= 20000) sink.done();
            return true;
        });
    });
    s.svr.Get("/small",
              [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    s.start();
    auto t = cosign_test::make_test_transport<TestType>();
    auto whole = t.send(get(s.url() + "/chunked"));
    REQUIRE(whole);
    CHECK(whole->body == std::string(21000, 'y'));

    auto q = get(s.url() + "/sized");
    q.max_response_body = 1000;
    auto sized = t.send(q);
    REQUIRE_FALSE(sized);
    CHECK(sized.error().code() == errc::limit_exceeded);
    q.url = s.url() + "/chunked";
    auto chunked = t.send(q);
    REQUIRE_FALSE(chunked);
    CHECK(chunked.error().code() == errc::limit_exceeded);
    q.max_response_body = 10000;
    q.url = s.url() + "/sized";
    auto exact = t.send(q);
    REQUIRE(exact);
    CHECK(exact->body.size() == 10000);
    auto after = t.send(get(s.url() + "/small"));  // no half-read body is left behind
    REQUIRE(after);
    CHECK(after->body == "ok");
}

TEMPLATE_LIST_TEST_CASE("a transport follows a redirect to another host without Authorization, URL encoding intact",
                        "[transport]", transports) {
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
    std::string reg_auth;
    reg.svr.Get("/v2/r/blobs/d", [&](const httplib::Request& req, httplib::Response& res) {
        reg_auth = req.get_header_value("Authorization");
        res.status = 307;
        res.set_header("Location", loc);
    });
    reg.start();
    auto t = cosign_test::make_test_transport<TestType>();
    auto q = get(reg.url() + "/v2/r/blobs/d");
    q.headers.emplace_back("Authorization", "Bearer secret-token");
    auto r = t.send(q);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "blob bytes");
    CHECK(reg_auth == "Bearer secret-token");
    CHECK(seen_auth.empty());
    CHECK(seen_target == "/blob?sig=a%2Bb%2Fc%3D%3D&x=1");
}

TEMPLATE_LIST_TEST_CASE("a transport reports refused connections and TLS to a plain server as network errors, quickly",
                        "[transport]", transports) {
    local_server s;
    s.svr.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
    s.start();
    auto t = cosign_test::make_test_transport<TestType>();
    auto start = std::chrono::steady_clock::now();
    auto tls = t.send(get("https://127.0.0.1:" + std::to_string(s.port) + "/"));
    REQUIRE_FALSE(tls);
    CHECK(tls.error().code() == errc::network);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // TLS failures are not retried

    int closed_port = 0;
    {
        local_server gone;
        gone.start();
        closed_port = gone.port;
    }
    auto refused = t.send(get("http://127.0.0.1:" + std::to_string(closed_port) + "/"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::network);
    CHECK(t.send(get("ftp://127.0.0.1/")).error().code() == errc::unsupported);
}

#endif
