// SPDX-License-Identifier: Apache-2.0
/// registry::client: the registry client over cpp-httplib, the composition most programs use.
///
/// The one registry header that pulls in a backend (through transport/httplib.hpp, which needs
/// `pkg-config --cflags --libs cpp-httplib`); client.hpp itself knows only the transport concept.
///
///     cosign::registry::client c;
///     auto m = c.get_manifest("ghcr.io", "sigstore/cosign/cosign", "v2.4.1");
#pragma once
// Generated from include/cosign/registry/default_client.hpp: a backend policy, kept out of cosign.hpp.

#include "../transport/httplib.hpp"
#include "../cosign.hpp"  // was: client.hpp

namespace cosign {
inline namespace v0 {
namespace registry {

/// The registry client over httplib_transport.
using client = basic_client<transport::httplib_transport>;

}  // namespace registry
}  // namespace v0
}  // namespace cosign
