// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the PEM decoder, the cosign key-file reader (PEM, JSON, scrypt parameters, secretbox)
/// and mbedTLS-backed private/public key and certificate parsing.
#include "fuzz_common.hpp"

#include <cosign/crypto/mbedtls.hpp>

using crypto = cosign::crypto::mbedtls;

// scrypt at cosign's N=32768 costs ~0.1 s (more under ASan): the fuzzer would spend its time
// there. This policy is mbedTLS with a cheap stand-in KDF; everything around it is real.
struct fuzz_crypto : crypto {
    static cosign::result<cosign::secure_bytes> scrypt(cosign::byte_view, cosign::byte_view, std::uint64_t,
                                                       std::uint32_t, std::uint32_t, std::size_t len) {
        return cosign::secure_bytes(len, 0x5a);
    }
};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    (void)cosign::pem::decode_all(in);
    using key_file = cosign::cosign_key_file<fuzz_crypto>;
    if (key_file::check_pem(in)) {
        static const char pw[] = "fuzz";
        (void)key_file::decrypt(in, cosign::byte_view(reinterpret_cast<const std::uint8_t*>(pw), 4));
    }
    (void)crypto::parse_private_key_pem(in);
    (void)crypto::parse_public_key(in);
    (void)crypto::parse_certificate(in);
    (void)cosign::base64::decode(in);
    return 0;
}
