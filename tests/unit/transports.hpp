// SPDX-License-Identifier: Apache-2.0
// The HTTP transports that the shared transport tests (transport_http_test.cpp) run over with
// TEMPLATE_LIST_TEST_CASE, and the local cpp-httplib server they talk to. A new transport is
// tested by adding it to `transports` (and, if its defaults are slow for tests, a
// make_test_transport specialisation). Only with cpp-httplib's macros: the server needs them.
#pragma once

#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(COSIGN_TEST_HTTPLIB)
#define COSIGN_TEST_TRANSPORTS 1

#include <chrono>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include <httplib.h>

#include <cosign/transport/httplib.hpp>
#include <cosign/transport/mbedtls.hpp>

namespace cosign_test {

/// Every transport over real sockets.
using transports = std::tuple<cosign::transport::httplib_transport, cosign::transport::mbedtls_transport>;

/// A transport with test-sized timeouts (a refused connection must not wait for long).
template <class T>
T make_test_transport() {
    return T();
}

template <>
inline cosign::transport::httplib_transport make_test_transport<cosign::transport::httplib_transport>() {
    cosign::transport::httplib_transport::options o;
    o.initial_backoff = std::chrono::milliseconds(1);
    o.connect_timeout = std::chrono::seconds(2);
    o.stall_timeout = std::chrono::seconds(5);
    return cosign::transport::httplib_transport(o);
}

template <>
inline cosign::transport::mbedtls_transport make_test_transport<cosign::transport::mbedtls_transport>() {
    cosign::transport::mbedtls_transport::options o;
    o.stall_timeout = std::chrono::seconds(2);
    return cosign::transport::mbedtls_transport(o);
}

/// A cpp-httplib server on 127.0.0.1:<random port>, running until the scope ends.
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

/// A GET request for `url`.
inline cosign::transport::request get(std::string url) {
    cosign::transport::request r;
    r.method = "GET";
    r.url = std::move(url);
    return r;
}

}  // namespace cosign_test

#endif
