// SPDX-License-Identifier: Apache-2.0
/// basic_rekor_client<Transport>: Rekor v1's REST API over any transport policy, as cosign 2
/// uses it: upload a proposed entry (201; on 409 fetch the existing entry from Location), get
/// an entry by UUID, and retrieve the entries of a proposed entry (verify without a bundle).
///
///     tlog::basic_rekor_client<transport::httplib_transport> rekor(transport, {"http://127.0.0.1:3000"});
///     auto entry = rekor.upload(tlog::hashedrekord_entry(hash_hex, sig_b64, pub_pem));
///
/// Requests: one per upload, plus one GET when Rekor answers 409. Every error names the Rekor URL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "../transport/concepts.hpp"
#include "inclusion_proof.hpp"
#include "rekor_entry.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// cosign's default `--rekor-url`.
inline constexpr const char* default_rekor_url = "https://rekor.sigstore.dev";

/// Options of basic_rekor_client.
struct rekor_options {
    std::string url = default_rekor_url;  ///< base URL, without /api/v1
    std::string user_agent;               ///< empty leaves it to the transport
    std::size_t max_response_body = 4u << 20;
};

namespace detail {
inline std::string trim_slashes(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}
}  // namespace detail

/// The Rekor v1 client over a transport policy (see transport/concepts.hpp).
template <class Transport>
class basic_rekor_client {
    static_assert(transport::check_transport<Transport>(),
                  "basic_rekor_client<Transport>: Transport is not a transport policy");

public:
    using transport_type = Transport;

    explicit basic_rekor_client(Transport t, rekor_options o = {}) : transport_(std::move(t)), opts_(std::move(o)) {
        opts_.url = detail::trim_slashes(opts_.url);
    }

    Transport& transport() noexcept { return transport_; }
    const std::string& url() const noexcept { return opts_.url; }
    /// Requests sent so far.
    std::size_t request_count() const noexcept { return requests_; }

    /// POST /api/v1/log/entries. 201: the new entry. 409 (an entry with this content exists,
    /// as when mbedTLS signs the same payload again): GET the entry Location names (or, with no
    /// Location, search for it by content), check that its ID is its body's leaf hash and its
    /// inclusion proof, as cosign does.
    result<log_entry> upload(std::string_view proposed_entry_json) {
        COSIGN_TRY(transport::response r, post("/api/v1/log/entries", proposed_entry_json));
        if (r.status == 201 || r.status == 200) {
            COSIGN_TRY(log_entry e, single_entry(r.body, "the new entry"));
            return e;
        }
        if (r.status == 409) {
            std::string loc = r.header("Location");
            std::string uuid = loc.substr(loc.find_last_of('/') + 1);
            log_entry e;
            if (!uuid.empty()) {
                COSIGN_TRY(log_entry got, get_entry(uuid));
                e = std::move(got);
            } else {
                // No Location: find the entry by its content instead (still one request).
                COSIGN_TRY(std::vector<log_entry> found, retrieve(proposed_entry_json));
                if (found.size() != 1)
                    return fail(errc::registry,
                                "Rekor at " + opts_.url + " answered 409 (entry exists) without a Location, and a " +
                                    "search for the entry found " + std::to_string(found.size()) + " entries",
                                409);
                e = std::move(found.front());
            }
            COSIGN_TRY_VOID(with_url(verify_inclusion(e)));
            return e;
        }
        return status_error(r, "refused the entry");
    }

    /// GET /api/v1/log/entries/{uuid}: the entry, whose ID must match the UUID asked for (and
    /// its shard, when both name one) and be the leaf hash of its body.
    result<log_entry> get_entry(std::string_view uuid) {
        COSIGN_TRY(std::string want, with_url(entry_uuid(uuid)));
        COSIGN_TRY(transport::response r, exchange("GET", "/api/v1/log/entries/" + std::string(uuid), {}));
        if (r.status != 200) return status_error(r, "did not give entry " + std::string(uuid));
        COSIGN_TRY(log_entry e, single_entry(r.body, "entry " + std::string(uuid)));
        COSIGN_TRY(std::string got, with_url(entry_uuid(e.uuid)));
        if (got != want || (uuid.size() == 80 && e.uuid.size() == 80 && e.uuid.substr(0, 16) != uuid.substr(0, 16)))
            return fail(errc::verification_failed,
                        "Rekor at " + opts_.url + " answered a request for entry " + std::string(uuid) + " with entry " + e.uuid);
        COSIGN_TRY_VOID(with_url(check_entry_id(e)));
        return e;
    }

    /// POST /api/v1/log/entries/retrieve with one proposed entry: every logged entry with
    /// that content (cosign's online lookup when a layer has no bundle). Entries whose ID is
    /// not their body's leaf hash are dropped, as cosign drops them.
    result<std::vector<log_entry>> retrieve(std::string_view proposed_entry_json) {
        std::string body = "{\"entries\":[" + std::string(proposed_entry_json) + "]}";
        COSIGN_TRY(transport::response r, post("/api/v1/log/entries/retrieve", body));
        if (r.status != 200) return status_error(r, "refused the search");
        auto all = parse_log_entries(r.body);
        if (!all) return std::move(all).error().context("Rekor at " + opts_.url + " answered the search");
        std::vector<log_entry> out;
        for (auto& e : *all)
            if (check_entry_id(e)) out.push_back(std::move(e));
        return out;
    }

    /// GET /api/v1/log/publicKey: the log's public key PEM (for diagnosis; verification takes
    /// its keys from a trust root, never from the log itself).
    result<std::string> public_key() {
        COSIGN_TRY(transport::response r, exchange("GET", "/api/v1/log/publicKey", {}));
        if (r.status != 200) return status_error(r, "did not give its public key");
        return std::move(r.body);
    }

private:
    result<transport::response> post(const std::string& path, std::string_view body) {
        return exchange("POST", path, body);
    }

    result<transport::response> exchange(const char* method, const std::string& path, std::string_view body) {
        transport::request req;
        req.method = method;
        req.url = opts_.url + path;
        req.headers.emplace_back("Accept", "application/json");
        if (!body.empty()) {
            req.headers.emplace_back("Content-Type", "application/json");
            req.body = std::string(body);
        }
        if (!opts_.user_agent.empty()) req.headers.emplace_back("User-Agent", opts_.user_agent);
        req.max_response_body = opts_.max_response_body;
        ++requests_;
        auto r = transport_.send(req);
        if (!r) return std::move(r).error().context("Rekor at " + opts_.url + " (" + std::string(method) + " " + path + ")");
        return r;
    }

    template <class T>
    result<T> with_url(result<T> r) const {
        if (r) return r;
        return std::move(r).error().context("Rekor at " + opts_.url);
    }

    result<log_entry> single_entry(const std::string& body, const std::string& what) const {
        auto all = parse_log_entries(body);
        if (!all) return std::move(all).error().context("Rekor at " + opts_.url + " answered " + what);
        if (all->size() != 1)
            return fail(errc::invalid_json, "Rekor at " + opts_.url + " answered " + what + " with " +
                                                std::to_string(all->size()) + " entries instead of one");
        return std::move(all->front());
    }

    error status_error(const transport::response& r, const std::string& what) const {
        std::string msg = "Rekor at " + opts_.url + " " + what + ": HTTP " + std::to_string(r.status);
        if (!r.body.empty() && r.body.size() < (64u << 10)) {
            if (auto doc = json::parse(r.body)) {
                if (auto m = json::string_member(*doc, "message"); m && !m->empty())
                    msg += ": " + std::string(m->substr(0, 300));
            }
        }
        return error(r.status == 401 || r.status == 403 ? errc::unauthorized : errc::registry, msg, r.status);
    }

    Transport transport_;
    rekor_options opts_;
    std::size_t requests_ = 0;
};

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
