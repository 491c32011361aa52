/* SPDX-License-Identifier: Apache-2.0 */
/* mbedtls-minimal-config.h - a minimal mbedTLS 2.28 configuration for examples/verify_on_device
 * (issue 5: verify-only example at most 0.6 MB). bench/sizes-minimal.sh installs it as the
 * build's <mbedtls/config.h>, so that the library and cosign-cpp's headers (which include
 * <mbedtls/config.h> directly) see the same configuration.
 *
 * What is in: ECDSA verification on P-256/P-384/P-521 (NIST-optimised reduction), SHA-256/224 and
 * SHA-384/512, RSA PKCS#1 v1.5 verification (for servers' RSA certificates), PEM/base64, ASN.1,
 * OID, public- and private-key parsing and key writing (cosign-cpp's crypto policy compiles its
 * signing and key-export code; the linker drops it, but the declarations must exist), X.509
 * certificate parsing and verification, a TLS 1.2 client with ECDHE-ECDSA and ECDHE-RSA over
 * AES-GCM, CTR-DRBG seeded from the OS entropy source, BSD sockets.
 * What is out: the TLS server, TLS 1.0/1.1, session tickets, renegotiation, CRLs, every other
 * cipher and hash, DHM, error strings, self-tests and the test certificates (certs.c). */
#ifndef MBEDTLS_CONFIG_H
#define MBEDTLS_CONFIG_H

/* System support */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_DEPRECATED_REMOVED

/* Elliptic curves */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_SECP521R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM

/* TLS */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_FS_IO

/* Smaller AES: 2 KB of tables instead of 8 KB, built in RAM at first use */
#define MBEDTLS_AES_FEWER_TABLES

/* Modules */
#define MBEDTLS_AES_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_NET_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_PKCS5_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_RSA_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* Only the four suites the client offers */
#define MBEDTLS_SSL_CIPHERSUITES                              \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,          \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,          \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,            \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

#include "mbedtls/check_config.h"

#endif /* MBEDTLS_CONFIG_H */
