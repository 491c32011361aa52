// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the pkcs11: URI parser (RFC 7512 as cosign accepts it) and its writer.
#include "fuzz_common.hpp"

#include <cosign/keys/pkcs11/uri.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    auto r = cosign::pkcs11_uri::parse(in);
    if (!r) return 0;
    // A parsed URI writes back to one that parses to the same token, slot, key and module.
    std::string s = r->to_string();
    auto again = cosign::pkcs11_uri::parse(s);
    if (!again || again->token != r->token || again->slot_id != r->slot_id || again->object != r->object ||
        again->id != r->id || again->module_path != r->module_path || again->has_pin)
        __builtin_trap();
    // The written forms never carry the PIN.
    if (r->display().find('?') != std::string::npos) __builtin_trap();  // and again->has_pin is false
    return 0;
}
