// SPDX-License-Identifier: Apache-2.0
// Unit tests of transport/httplib.hpp against local cpp-httplib servers: redirects, limits, retries,
// keep-alive.
#include "catch.hpp"

// Built only when cpp-httplib's macros are present (pkg-config --cflags cpp-httplib).
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(COSIGN_TEST_HTTPLIB)

#include <cosign/transport/httplib.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace cosign;
using transport::httplib_transport;
using transport::request;

namespace {
// A cpp-httplib server on 127.0.0.1:<random port>, running until the scope ends.
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

httplib_transport fast_transport() {
    httplib_transport::options o;
    o.initial_backoff = std::chrono::milliseconds(1);
    o.connect_timeout = std::chrono::seconds(2);
    o.stall_timeout = std::chrono::seconds(5);
    return httplib_transport(o);
}

request get(std::string url) {
    request r;
    r.method = "GET";
    r.url = std::move(url);
    return r;
}
}  // namespace

TEST_CASE("httplib_transport returns status, headers and body of every answer, 404 included", "[transport]") {
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
    s.start();
    auto t = fast_transport();
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
    request head = get(s.url() + "/v2/x");
    head.method = "HEAD";
    auto h = t.send(head);
    REQUIRE(h);
    CHECK(h->status == 200);
    CHECK(h->body.empty());
    CHECK(t.connection_count() == 1);  // one kept-alive connection served all three
}

TEST_CASE("httplib_transport follows a redirect to another host without Authorization, URL encoding intact",
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
    std::string reg_auth;
    reg.svr.Get("/v2/r/blobs/d", [&](const httplib::Request& req, httplib::Response& res) {
        reg_auth = req.get_header_value("Authorization");
        res.status = 307;
        res.set_header("Location", loc);
    });
    reg.start();
    auto t = fast_transport();
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

TEST_CASE("httplib_transport stops reading a body past the limit, with or without Content-Length",
          "[transport]") {
    local_server s;
    s.svr.Get("/sized", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(10000, 'x'), "text/plain");
    });
    s.svr.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
            std::string chunk(1000, 'y');
            sink.write(chunk.data(), chunk.size());
            if (offset > 20000) sink.done();
            return true;
        });
    });
    s.svr.Get("/small",
              [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    s.start();
    auto t = fast_transport();
    auto q = get(s.url() + "/sized");
    q.max_response_body = 1000;
    auto r = t.send(q);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::limit_exceeded);
    q.url = s.url() + "/chunked";
    auto c = t.send(q);
    REQUIRE_FALSE(c);
    CHECK(c.error().code() == errc::limit_exceeded);
    q.max_response_body = 10000;
    q.url = s.url() + "/sized";
    auto exact = t.send(q);
    REQUIRE(exact);
    CHECK(exact->body.size() == 10000);
    auto after = t.send(get(s.url() + "/small"));  // the transport recovers a clean connection
    REQUIRE(after);
    CHECK(after->body == "ok");
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

TEST_CASE(
    "httplib_transport reports refused connections and TLS to a plain server as network errors, quickly",
    "[transport]") {
    local_server s;
    s.svr.Get(
        "/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
    s.start();
    auto t = fast_transport();
    auto start = std::chrono::steady_clock::now();
    auto tls = t.send(get("https://127.0.0.1:" + std::to_string(s.port) + "/"));
    REQUIRE_FALSE(tls);
    CHECK(tls.error().code() == errc::network);
    CHECK(std::chrono::steady_clock::now() - start <
          std::chrono::seconds(2));  // TLS failures are not retried

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
