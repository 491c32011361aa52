# SPDX-License-Identifier: Apache-2.0
# Finds mbedTLS (Debian ships no CMake package for 2.28) and defines the targets upstream 3.x
# names: MbedTLS::mbedcrypto, MbedTLS::mbedx509, MbedTLS::mbedtls.
# Set MBEDTLS_USE_STATIC_LIBS=ON to prefer the static archives.
if(TARGET MbedTLS::mbedtls)
  set(MbedTLS_FOUND TRUE)
  return()
endif()
find_path(MBEDTLS_INCLUDE_DIR mbedtls/version.h)
set(_mbedtls_names_crypto mbedcrypto)
set(_mbedtls_names_x509 mbedx509)
set(_mbedtls_names_tls mbedtls)
if(MBEDTLS_USE_STATIC_LIBS)
  set(_mbedtls_names_crypto libmbedcrypto.a mbedcrypto)
  set(_mbedtls_names_x509 libmbedx509.a mbedx509)
  set(_mbedtls_names_tls libmbedtls.a mbedtls)
endif()
find_library(MBEDCRYPTO_LIBRARY NAMES ${_mbedtls_names_crypto})
find_library(MBEDX509_LIBRARY NAMES ${_mbedtls_names_x509})
find_library(MBEDTLS_LIBRARY NAMES ${_mbedtls_names_tls})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MbedTLS REQUIRED_VARS MBEDTLS_INCLUDE_DIR MBEDCRYPTO_LIBRARY MBEDX509_LIBRARY MBEDTLS_LIBRARY)
if(MbedTLS_FOUND)
  add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MBEDCRYPTO_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}")
  add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedx509 PROPERTIES IMPORTED_LOCATION "${MBEDX509_LIBRARY}"
    INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
  add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
  set_target_properties(MbedTLS::mbedtls PROPERTIES IMPORTED_LOCATION "${MBEDTLS_LIBRARY}"
    INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
endif()
mark_as_advanced(MBEDTLS_INCLUDE_DIR MBEDCRYPTO_LIBRARY MBEDX509_LIBRARY MBEDTLS_LIBRARY)
