// SPDX-License-Identifier: Apache-2.0
// Unit tests of the operation deadline and the stall timeout, against both transports and a local
// server that drips its answer a byte at a time, and of the registry client that stamps the deadline.
#include "catch.hpp"

#include <cosign/registry/client.hpp>
#include <cosign/transport/io.hpp>
#include <cosign/transport/mbedtls.hpp>
#include <cosign/transport/options.hpp>
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(COSIGN_TEST_HTTPLIB)
#include <cosign/transport/httplib.hpp>
#define COSIGN_TEST_TRANSPORTS cosign::transport::mbedtls_transport, cosign::transport::httplib_transport
#else
#define COSIGN_TEST_TRANSPORTS cosign::transport::mbedtls_transport
#endif

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace cosign;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

namespace {

// A plain-HTTP server on 127.0.0.1:<random port> that answers every request the way `how` says,
// one connection at a time, until the scope ends. A TLS ClientHello is hung up on, as a plain
// registry does, so that clients fall back to http.
class drip_server {
public:
    enum class how {
        drip_body,     // headers at once, then a 100-byte body at a byte every 200 ms (20 s in all)
        drip_headers,  // the head itself a byte every 200 ms (over 20 s in all)
        silent,        // reads the request and never answers
        busy,          // 503 with Retry-After: 5, at once
        relay,         // a TCP relay to a TLS server on 127.0.0.1:upstream: the handshake at full speed,
                       // then, once the client sends application data, the answer a byte every 200 ms
    };

    explicit drip_server(how h, int upstream = 0) : how_(h), upstream_(upstream) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        th_ = std::thread([this] { run(); });
    }
    ~drip_server() {
        stop_ = true;
        th_.join();
        ::close(fd_);
    }
    drip_server(const drip_server&) = delete;
    drip_server& operator=(const drip_server&) = delete;

    int port() const { return port_; }
    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url(const std::string& path = "/v2/demo/manifests/latest") const {
        return "http://" + host() + path;
    }
    int requests() const { return requests_; }

private:
    bool wait_readable(int fd, int ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    }
    // Sleeps ms in small steps; false when the server is stopping.
    bool pause(int ms) {
        for (int i = 0; i < ms / 10; ++i) {
            if (stop_) return false;
            std::this_thread::sleep_for(milliseconds(10));
        }
        return !stop_;
    }
    bool send_all(int c, const std::string& s) {
        return ::send(c, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
    }
    void run() {
        while (!stop_) {
            if (!wait_readable(fd_, 20)) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            serve(c);
            ::close(c);
        }
    }
    void relay(int c) {
        int up = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<std::uint16_t>(upstream_));
        if (::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(up);
            return;
        }
        ++requests_;
        auto last_drip = steady_clock::now();
        std::string pending;  // upstream bytes not yet given to the client
        std::string sent;     // what the client sent, to find its first application-data record
        char buf[16384];
        while (!stop_) {
            pollfd p[2] = {{c, POLLIN, 0}, {up, POLLIN, 0}};
            ::poll(p, 2, 10);
            if (p[0].revents) {
                ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0 || !send_all(up, std::string(buf, static_cast<std::size_t>(n)))) break;
                sent.append(buf, static_cast<std::size_t>(n));
            }
            if (p[1].revents) {
                ssize_t n = ::recv(up, buf, sizeof buf, 0);
                if (n <= 0 && pending.empty()) break;
                if (n > 0) pending.append(buf, static_cast<std::size_t>(n));
            }
            auto now = steady_clock::now();
            if (!application_data(sent)) {
                if (!pending.empty() && !send_all(c, pending)) break;
                pending.clear();
            } else if (!pending.empty() && now - last_drip >= milliseconds(200)) {
                if (!send_all(c, pending.substr(0, 1))) break;
                pending.erase(0, 1);
                last_drip = now;
            }
        }
        ::close(up);
    }
    // True once the TLS records the client sent include application data (type 23; in TLS 1.3
    // its Finished is one too: the handshake is over for the client either way).
    static bool application_data(const std::string& tls) {
        for (std::size_t i = 0; i + 5 <= tls.size();) {
            if (static_cast<unsigned char>(tls[i]) == 23) return true;
            i += 5 + (static_cast<std::size_t>(static_cast<unsigned char>(tls[i + 3])) << 8) +
                 static_cast<unsigned char>(tls[i + 4]);
        }
        return false;
    }
    void serve(int c) {
        if (how_ == how::relay) return relay(c);
        std::string in;
        char buf[4096];
        while (in.find("\r\n\r\n") == std::string::npos) {
            if (stop_) return;
            if (!wait_readable(c, 20)) continue;
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            if (in.empty() && buf[0] == 0x16) return;  // TLS: not here
            in.append(buf, static_cast<std::size_t>(n));
        }
        ++requests_;
        switch (how_) {
            case how::drip_body:
                if (!send_all(c,
                              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"))
                    return;
                for (int i = 0; i < 100 && pause(200); ++i)
                    if (!send_all(c, "x")) return;
                return;
            case how::drip_headers: {
                std::string head =
                    "HTTP/1.1 200 OK\r\nX-Slow: " + std::string(100, 'a') + "\r\nContent-Length: 0\r\n\r\n";
                for (char ch : head) {
                    if (!pause(200) || !send_all(c, std::string(1, ch))) return;
                }
                return;
            }
            case how::silent:
                while (!stop_) {
                    if (wait_readable(c, 20) && ::recv(c, buf, sizeof buf, 0) <= 0)
                        return;  // the client hung up
                }
                return;
            case how::busy:
                send_all(c,
                         "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n");
                return;
            case how::relay:
                return;
        }
    }

    how how_;
    int upstream_ = 0;
    int fd_ = -1;
    int port_ = 0;
    std::thread th_;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
};

transport::request get(const std::string& url, deadline d = {}) {
    transport::request r;
    r.method = "GET";
    r.url = url;
    r.deadline = std::move(d);
    return r;
}

double seconds_since(steady_clock::time_point t0) {
    return std::chrono::duration<double>(steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("Go durations parse as Go's time.ParseDuration does, errors in Go's words", "[core]") {
    using std::chrono::nanoseconds;
    CHECK(*parse_go_duration("3m0s") == seconds(180));
    CHECK(*parse_go_duration("1h2m3.5s") == milliseconds(3723500));
    CHECK(*parse_go_duration("500ms") == milliseconds(500));
    CHECK(*parse_go_duration("1.5s") == milliseconds(1500));
    CHECK(*parse_go_duration(".5s") == milliseconds(500));
    CHECK(*parse_go_duration("1.s") == seconds(1));
    CHECK(*parse_go_duration("0") == nanoseconds(0));
    CHECK(*parse_go_duration("-2s") == seconds(-2));
    CHECK(*parse_go_duration("+2s") == seconds(2));
    CHECK(*parse_go_duration("10us") == nanoseconds(10000));
    CHECK(*parse_go_duration("10\xc2\xb5s") == nanoseconds(10000));
    CHECK(*parse_go_duration("7ns") == nanoseconds(7));
    CHECK(*parse_go_duration("2h") == std::chrono::hours(2));
    CHECK(parse_go_duration("abc").error().message() == "time: invalid duration \"abc\"");
    CHECK(parse_go_duration("").error().message() == "time: invalid duration \"\"");
    CHECK(parse_go_duration(".s").error().message() == "time: invalid duration \".s\"");
    CHECK(parse_go_duration("5").error().message() == "time: missing unit in duration \"5\"");
    CHECK(parse_go_duration("5x").error().message() == "time: unknown unit \"x\" in duration \"5x\"");
    CHECK(parse_go_duration("1s5").error().message() == "time: missing unit in duration \"1s5\"");
    CHECK(parse_go_duration("3000000h").error().code() == errc::invalid_argument);  // overflows int64 ns
    CHECK(parse_go_duration("9223372036854775807ns"));
    CHECK_FALSE(parse_go_duration("9223372036854775808ns"));
}

TEST_CASE("Go durations print as Go's Duration.String does", "[core]") {
    using std::chrono::nanoseconds;
    CHECK(format_go_duration(std::chrono::minutes(3)) == "3m0s");
    CHECK(format_go_duration(std::chrono::hours(1)) == "1h0m0s");
    CHECK(format_go_duration(seconds(90)) == "1m30s");
    CHECK(format_go_duration(seconds(2)) == "2s");
    CHECK(format_go_duration(milliseconds(1500)) == "1.5s");
    CHECK(format_go_duration(milliseconds(500)) == "500ms");
    CHECK(format_go_duration(nanoseconds(1500)) == "1.5\xc2\xb5s");
    CHECK(format_go_duration(nanoseconds(7)) == "7ns");
    CHECK(format_go_duration(nanoseconds(0)) == "0s");
    CHECK(format_go_duration(seconds(-2)) == "-2s");
    CHECK(format_go_duration(milliseconds(3723500)) == "1h2m3.5s");
}

TEST_CASE("a deadline clamps waits to the time left and says what it was when it passes", "[core]") {
    deadline none;
    CHECK_FALSE(none.is_set());
    CHECK_FALSE(none.passed());
    CHECK(none.clamp(seconds(30)) == seconds(30));
    auto d = deadline::after(seconds(2), "-t/--timeout");
    CHECK(d.is_set());
    CHECK_FALSE(d.passed());
    CHECK(d.clamp(seconds(30)) <= seconds(2));
    CHECK(d.clamp(seconds(30)) > milliseconds(1500));
    CHECK(d.clamp(milliseconds(100)) == milliseconds(100));
    CHECK(d.expired_message() == "the operation timed out after 2s (-t/--timeout)");
    auto gone = deadline::after(milliseconds(0));
    CHECK(gone.passed());
    CHECK(gone.clamp(seconds(30)) == milliseconds(0));
    CHECK(gone.expired_message() == "the operation timed out after 0s");
    // Go allows durations of 290 years: no overflow, never passes.
    auto far = deadline::after(std::chrono::hours(2540000));
    CHECK_FALSE(far.passed());
}

TEMPLATE_TEST_CASE("a registry that drips its body a byte at a time is cut off at the deadline",
                   "[transport]", COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::drip_body);
    TestType t{transport::options{}};  // the default 30 s stall timeout never fires: bytes keep coming
    auto t0 = steady_clock::now();
    auto r = t.send(get(s.url(), deadline::after(seconds(1), "test")));
    double took = seconds_since(t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
    CHECK_THAT(r.error().message(), Catch::Contains(s.host()));
    CHECK_THAT(r.error().message(), Catch::Contains("the operation timed out after 1s (test)"));
    CHECK(took >= 0.9);
    CHECK(took < 6);  // the whole body needs 20 s
}

TEMPLATE_TEST_CASE("a registry that drips its headers a byte at a time is cut off at the deadline",
                   "[transport]", COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::drip_headers);
    TestType t{transport::options{}};
    auto t0 = steady_clock::now();
    auto r = t.send(get(s.url(), deadline::after(seconds(1), "test")));
    double took = seconds_since(t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
    CHECK_THAT(r.error().message(), Catch::Contains(s.host()));
    CHECK_THAT(r.error().message(), Catch::Contains("timed out after 1s"));
    CHECK(took < 6);  // the head needs over 20 s
}

TEMPLATE_TEST_CASE("a connection on which nothing moves fails after the stall timeout, with no deadline",
                   "[transport]", COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::silent);
    transport::options o;
    o.stall_timeout = milliseconds(500);
    o.max_retries = 0;
    TestType t(o);
    auto t0 = steady_clock::now();
    auto r = t.send(get(s.url()));
    double took = seconds_since(t0);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
    CHECK_THAT(r.error().message(), Catch::Contains(s.host()));
    CHECK_THAT(r.error().message(), Catch::Contains("no data for 500ms"));
    CHECK_THAT(r.error().message(), Catch::Contains("stalled"));
    CHECK(took >= 0.45);
    CHECK(took < 5);
}

TEMPLATE_TEST_CASE("a stalled GET is retried, and the retries end at the deadline", "[transport]",
                   COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::silent);
    transport::options o;
    o.stall_timeout = milliseconds(300);
    o.initial_backoff = milliseconds(10);
    o.max_retries = 100;
    TestType t(o);
    auto t0 = steady_clock::now();
    auto r = t.send(get(s.url(), deadline::after(milliseconds(1500), "test")));
    double took = seconds_since(t0);
    REQUIRE_FALSE(r);
    CHECK(s.requests() >= 2);  // retried after a stall
    CHECK(took < 5);           // 100 retries of 300 ms would take 30 s
}

TEMPLATE_TEST_CASE("a retry never sleeps past the deadline: the last answer comes back instead",
                   "[transport]", COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::busy);
    TestType t{transport::options{}};
    auto t0 = steady_clock::now();
    auto r = t.send(get(s.url(), deadline::after(seconds(2), "test")));
    double took = seconds_since(t0);
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(s.requests() == 1);  // Retry-After: 5 is past the deadline
    CHECK(took < 1.5);
}

TEMPLATE_TEST_CASE("a request whose deadline has passed fails before it connects", "[transport]",
                   COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::drip_body);
    TestType t{transport::options{}};
    auto r = t.send(get(s.url(), deadline::after(milliseconds(0), "-t/--timeout")));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::network);
    CHECK_THAT(r.error().message(), Catch::Contains("timed out after 0s (-t/--timeout)"));
    std::this_thread::sleep_for(milliseconds(50));
    CHECK(s.requests() == 0);
}

TEMPLATE_TEST_CASE("the registry client ends a dripping operation at its deadline and names the registry",
                   "[transport][registry]", COSIGN_TEST_TRANSPORTS) {
    drip_server s(drip_server::how::drip_body);
    registry::client_options co;
    co.use_docker_config = false;
    co.deadline = deadline::after(seconds(1), "-t/--timeout");
    registry::basic_client<TestType> c(TestType{transport::options{}}, co);
    auto t0 = steady_clock::now();
    auto m = c.get_manifest(s.host(), "demo", "latest");
    double took = seconds_since(t0);
    REQUIRE_FALSE(m);
    CHECK(m.error().code() == errc::network);
    CHECK_THAT(m.error().message(), Catch::StartsWith("registry " + s.host() +
                                                      ": the operation timed out after 1s (-t/--timeout)"));
    CHECK(took < 6);
    // Later operations of the same client fail at once: the deadline is the whole operation's.
    t0 = steady_clock::now();
    auto again = c.head_manifest(s.host(), "demo", "latest");
    REQUIRE_FALSE(again);
    CHECK_THAT(again.error().message(), Catch::Contains("timed out after 1s"));
    CHECK(seconds_since(t0) < 0.5);
}

namespace {
// Answers like a registry with a token endpoint, and records the deadline of every request.
struct recording_transport {
    std::vector<transport::request>* seen;
    result<transport::response> send(const transport::request& req) {
        seen->push_back(req);
        transport::response r;
        if (req.url.find("/token") != std::string::npos) {
            r.status = 200;
            r.body = R"({"token":"t0k3n"})";
        } else if (req.header("Authorization").empty()) {
            r.status = 401;
            r.headers.emplace_back(
                "WWW-Authenticate",
                R"(Bearer realm="https://auth.test/token",service="reg",scope="repository:demo:pull")");
        } else {
            r.status = 200;
            r.headers.emplace_back("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            r.body = R"({"schemaVersion":2})";
        }
        return r;
    }
};
}  // namespace

TEST_CASE("the registry client gives its deadline to every request, token requests included", "[registry]") {
    std::vector<transport::request> seen;
    registry::client_options co;
    co.use_docker_config = false;
    co.deadline = deadline::after(seconds(60), "test");
    registry::basic_client<recording_transport> c(recording_transport{&seen}, co);
    REQUIRE(c.get_manifest("reg.test", "demo", "latest"));
    REQUIRE(seen.size() == 3);  // 401, token, again
    CHECK(seen[1].url.find("https://auth.test/token") == 0);
    for (const auto& r : seen) {
        CHECK(r.deadline.is_set());
        CHECK(r.deadline.when() == co.deadline.when());
    }
    seen.clear();
    registry::client_options no_deadline;
    no_deadline.use_docker_config = false;
    registry::basic_client<recording_transport> plain(recording_transport{&seen}, no_deadline);
    REQUIRE(plain.get_manifest("reg.test", "demo", "latest"));
    for (const auto& r : seen) CHECK_FALSE(r.deadline.is_set());
}

#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
TEMPLATE_TEST_CASE("a TLS registry whose records drip a byte at a time is cut off at the deadline",
                   "[transport]", COSIGN_TEST_TRANSPORTS) {
    // mbedTLS and OpenSSL both read a whole TLS record (up to 16 KiB) before they return: the
    // deadline must reach the reads inside the TLS layer.
    httplib::SSLServer tls(COSIGN_TEST_DATA "/tls/server.crt", COSIGN_TEST_DATA "/tls/server.key");
    REQUIRE(tls.is_valid());
    tls.Get("/v2/demo/blobs/big", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(64 * 1024, 'x'), "application/octet-stream");
    });
    int tls_port = tls.bind_to_any_port("127.0.0.1");
    struct joined {
        httplib::SSLServer& svr;
        std::thread th;
        ~joined() {
            svr.stop();
            th.join();
        }
    } running{tls, std::thread([&] { tls.listen_after_bind(); })};
    for (int i = 0; i < 200 && !tls.is_running(); ++i) std::this_thread::sleep_for(milliseconds(5));
    {
        drip_server relay(drip_server::how::relay, tls_port);
        transport::options o;
        o.tls_verify = false;  // the timing is under test, not the certificate
        TestType t(o);
        transport::request req =
            get("https://" + relay.host() + "/v2/demo/blobs/big", deadline::after(seconds(2)));
        req.max_response_body = 1 << 20;
        auto t0 = steady_clock::now();
        auto r = t.send(req);
        double took = seconds_since(t0);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::network);
        CHECK_THAT(r.error().message(), Catch::Contains(relay.host()));
        CHECK_THAT(r.error().message(), Catch::Contains("timed out after 2s"));
        CHECK(took < 8);  // one 16 KiB record alone needs 55 minutes
    }
}
#endif
