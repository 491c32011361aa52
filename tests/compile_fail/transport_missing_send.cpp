// SPDX-License-Identifier: Apache-2.0
// A transport without send() must be rejected with one readable message naming the signature.
#include <cosign/transport/concepts.hpp>

struct no_send_transport {
    int get(int) { return 0; }
};

// EXPECT: transport policy: T needs a member `cosign::result<cosign::transport::response>
// EXPECT: send(const cosign::transport::request&)`
static_assert(cosign::transport::check_transport<no_send_transport>(), "");

int main() { return 0; }
