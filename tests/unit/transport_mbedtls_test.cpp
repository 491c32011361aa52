// SPDX-License-Identifier: Apache-2.0
// Unit tests of what only transport/mbedtls.hpp owes: it is a transport policy even in a build
// without cpp-httplib.
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

// Its exchanges with a server (answers, limits, redirects, errors) are the shared cases of
// transport_http_test.cpp, run over every transport of transports.hpp.
