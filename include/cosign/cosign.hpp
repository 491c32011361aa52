// SPDX-License-Identifier: Apache-2.0
/// The entry header of cosign-cpp: everything except the backends (mbedTLS, cpp-httplib),
/// which come with their own includes: <cosign/crypto/mbedtls.hpp>, <cosign/transport/httplib.hpp>.
#pragma once

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/result.hpp"
#include "core/bytes.hpp"
#include "core/base64.hpp"
#include "core/hex.hpp"
#include "core/sha256.hpp"
#include "core/pem.hpp"
#include "core/json_writer.hpp"
#include "core/json_reader.hpp"
#include "core/json_go.hpp"
#include "oci/media_types.hpp"
#include "oci/digest.hpp"
#include "oci/reference.hpp"
#include "oci/simple_signing.hpp"
#include "oci/manifest.hpp"
#include "oci/signature_image.hpp"
