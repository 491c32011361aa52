// SPDX-License-Identifier: Apache-2.0
/// basic_fulcio_client<Transport>: Fulcio's `signingCert` over any transport policy. The v2 API
/// (`POST /api/v2/signingCert`, JSON answer, 200) is what cosign 3 uses; the legacy v1 API
/// (`POST /api/v1/signingCert`, PEM answer, 201) is what cosign 2 uses. By default the client
/// asks v2 and falls back to v1 when the server has no v2 route (404, 405 or 501), so a
/// `--fulcio-url` deployment with only v1 works; fulcio_api::v1 or ::v2 pins one.
///
///     fulcio::basic_fulcio_client<transport::httplib_transport> fulcio(transport, {"http://127.0.0.1:5555"});
///     COSIGN_TRY(auto cert, fulcio.signing_cert(token, pub_pem, key_type::ecdsa, proof_der));
///
/// Requests: one (two when v2 is missing). The token goes in `Authorization: Bearer` and never
/// into a message. Every error names the Fulcio URL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../crypto/key_info.hpp"
#include "../transport/concepts.hpp"
#include "formats.hpp"

namespace cosign {
inline namespace v0 {
namespace fulcio {

/// cosign's default `--fulcio-url`.
inline constexpr const char* default_fulcio_url = "https://fulcio.sigstore.dev";

/// Which signingCert API the client speaks.
enum class fulcio_api {
    automatic,  ///< v2, and v1 when the server has no v2 route
    v2,         ///< only `/api/v2/signingCert` (cosign 3, sigstore-go)
    v1,         ///< only the legacy `/api/v1/signingCert` (cosign 2)
};

/// Options of basic_fulcio_client.
struct fulcio_options {
    std::string url = default_fulcio_url;  ///< base URL, without /api/...
    fulcio_api api = fulcio_api::automatic;
    std::string user_agent;                ///< empty leaves it to the transport
    std::size_t max_response_body = 1u << 20;
};

/// The Fulcio client over a transport policy (see transport/concepts.hpp).
template <class Transport>
class basic_fulcio_client {
    static_assert(transport::check_transport<Transport>(),
                  "basic_fulcio_client<Transport>: Transport is not a transport policy");

public:
    using transport_type = Transport;

    explicit basic_fulcio_client(Transport t, fulcio_options o = {}) : transport_(std::move(t)), opts_(std::move(o)) {
        while (!opts_.url.empty() && opts_.url.back() == '/') opts_.url.pop_back();
    }

    Transport& transport() noexcept { return transport_; }
    const std::string& url() const noexcept { return opts_.url; }
    /// Requests sent so far.
    std::size_t request_count() const noexcept { return requests_; }
    /// The API the last successful request used (automatic before any).
    fulcio_api api_used() const noexcept { return used_; }

    /// Asks for a code-signing certificate for `public_key_pem` (a "PUBLIC KEY" PEM), proving
    /// possession of its private key with `proof` (the key's signature over the token's subject,
    /// see token.hpp). A token Fulcio refuses is errc::unauthorized.
    result<certificate_response> signing_cert(std::string_view token, std::string_view public_key_pem, key_type type,
                                               byte_view proof) {
        if (token.empty()) return fail(errc::invalid_argument, "no identity token for Fulcio at " + opts_.url);
        const std::string proof_b64 = base64::encode(proof);
        if (opts_.api != fulcio_api::v1) {
            COSIGN_TRY(transport::response r,
                       post("/api/v2/signingCert", token, v2_request_json(public_key_pem, v2_algorithm(type), proof_b64)));
            const bool no_route = r.status == 404 || r.status == 405 || r.status == 501;
            if (!(no_route && opts_.api == fulcio_api::automatic)) {
                // Real Fulcio (grpc-gateway) answers 200; accept any 2xx, as the mock says 201.
                if (r.status < 200 || r.status > 299) return status_error(r, "/api/v2/signingCert");
                auto out = parse_v2_response(r.body);
                if (!out) return std::move(out).error().context("Fulcio at " + opts_.url);
                used_ = fulcio_api::v2;
                return out;
            }
        }
        COSIGN_TRY(transport::response r,
                   post("/api/v1/signingCert", token, v1_request_json(public_key_pem, proof_b64)));
        // fulcio's legacy client (cosign 2) accepts exactly 201 Created.
        if (r.status != 201) return status_error(r, "/api/v1/signingCert");
        auto out = parse_v1_response(r.body, r.header("SCT"));
        if (!out) return std::move(out).error().context("Fulcio at " + opts_.url);
        used_ = fulcio_api::v1;
        return out;
    }

private:
    result<transport::response> post(const std::string& path, std::string_view token, std::string body) {
        transport::request req;
        req.method = "POST";
        req.url = opts_.url + path;
        req.headers.emplace_back("Authorization", "Bearer " + std::string(token));
        req.headers.emplace_back("Content-Type", "application/json");
        req.headers.emplace_back("Accept", "application/json, application/pem-certificate-chain");
        if (!opts_.user_agent.empty()) req.headers.emplace_back("User-Agent", opts_.user_agent);
        req.body = std::move(body);
        req.max_response_body = opts_.max_response_body;
        ++requests_;
        auto r = transport_.send(req);
        secure_zero(req.headers[0].second.data(), req.headers[0].second.size());
        if (!r) return std::move(r).error().context("Fulcio at " + opts_.url + " (POST " + path + ")");
        return r;
    }

    error status_error(const transport::response& r, const std::string& path) const {
        std::string msg = "Fulcio at " + opts_.url + " (POST " + path + ") ";
        msg += r.status == 401 || r.status == 403 ? "refused the identity token" : "refused the certificate request";
        msg += ": HTTP " + std::to_string(r.status);
        if (!r.body.empty() && r.body.size() < (64u << 10)) {
            if (auto doc = json::parse(r.body)) {
                if (auto m = json::string_member(*doc, "message"); m && !m->empty()) msg += ": " + std::string(m->substr(0, 300));
            } else if (r.body.size() < 300 && r.body.find("eyJ") == std::string::npos) {
                msg += ": " + r.body;  // a short plain-text reason (never something that looks like a token)
            }
        }
        return error(r.status == 401 || r.status == 403 ? errc::unauthorized : errc::registry, msg, r.status);
    }

    Transport transport_;
    fulcio_options opts_;
    std::size_t requests_ = 0;
    fulcio_api used_ = fulcio_api::automatic;
};

}  // namespace fulcio
}  // namespace v0
}  // namespace cosign
