// SPDX-License-Identifier: Apache-2.0
// Unit tests of what only transport/httplib.hpp does, against local cpp-httplib servers:
// keep-alive, retries, re-encoding old cpp-httplib's Location. What every transport does is in
// transport_http_test.cpp.
#include "catch.hpp"

// Built only when cpp-httplib's macros are present (pkg-config --cflags cpp-httplib).
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(COSIGN_TEST_HTTPLIB)

#include <atomic>

#include <cosign/transport/httplib.hpp>

#include "transports.hpp"

using namespace cosign;
using transport::httplib_transport;
using transport::request;
using cosign_test::get;
using cosign_test::local_server;

// Short timeouts and a 1 ms first back-off.
static httplib_transport fast_transport() { return cosign_test::make_test_transport<httplib_transport>(); }

TEST_CASE("httplib_transport serves a GET, a 404 and a HEAD on one kept-alive connection", "[transport]") {
    local_server s;
    s.svr.Get("/v2/x", [](const httplib::Request&, httplib::Response& res) { res.set_content("hello", "text/plain"); });
    s.svr.Get("/v2/missing", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content(R"({"errors":[]})", "application/json");
    });
    s.start();
    auto t = fast_transport();
    auto r = t.send(get(s.url() + "/v2/x"));
    REQUIRE(r);
    CHECK(r->body == "hello");
    auto m = t.send(get(s.url() + "/v2/missing"));
    REQUIRE(m);
    CHECK(m->status == 404);
    request head = get(s.url() + "/v2/x");
    head.method = "HEAD";
    auto h = t.send(head);
    REQUIRE(h);
    CHECK(h->body.empty());
    CHECK(t.connection_count() == 1);
}

TEST_CASE("httplib_transport retries idempotent requests on 503 and honours Retry-After, never POST",
          "[transport]") {
    local_server s;
    std::atomic<int> gets{0}, posts{0};
    s.svr.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
        if (++gets < 3) {
            res.status = 503;
            res.set_header("Retry-After", "0");
            return;
        }
        res.set_content("finally", "text/plain");
    });
    s.svr.Post("/flaky", [&](const httplib::Request&, httplib::Response& res) {
        ++posts;
        res.status = 503;
    });
    s.start();
    auto t = fast_transport();
    auto r = t.send(get(s.url() + "/flaky"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(gets == 3);
    request p = get(s.url() + "/flaky");
    p.method = "POST";
    p.body = "data";
    auto pr = t.send(p);
    REQUIRE(pr);
    CHECK(pr->status == 503);
    CHECK(posts == 1);
}

TEST_CASE("old cpp-httplib's decoded Location is re-encoded the way storage signed URLs need",
          "[transport]") {
    using transport::detail::restore_location_encoding;
    CHECK(restore_location_encoding("https://s.example/b/c?sig=a+b/c==&x=1") ==
          "https://s.example/b/c?sig=a%2Bb%2Fc%3D%3D&x=1");
    CHECK(restore_location_encoding("https://s.example/a b?k=v w") == "https://s.example/a%20b?k=v%20w");
    CHECK(restore_location_encoding("/v2/x/blobs/uploads/u?_state=abc%3D") ==
          "/v2/x/blobs/uploads/u?_state=abc%3D");
    CHECK(restore_location_encoding("/plain/path") == "/plain/path");
    CHECK(restore_location_encoding("/p?flag") == "/p?flag");
}

#endif
