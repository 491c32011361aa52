// SPDX-License-Identifier: Apache-2.0
// A Rekor v1 in memory for unit tests (a transport policy): it canonicalizes proposed entries,
// names them by leaf hash, signs real SETs with its own P-256 key, answers 409 for a duplicate,
// and records every request. Shared by the Rekor client tests and the sign/verify-with-log tests.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <cosign/core/base64.hpp>
#include <cosign/core/json_canonical.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/tlog/inclusion_proof.hpp>
#include <cosign/tlog/set.hpp>
#include <cosign/transport/concepts.hpp>

namespace cosign_test {
using namespace cosign;

// A Rekor v1 in memory: canonicalizes what it is given, names entries by leaf hash, signs a
// SET with its own P-256 key, answers 409 for a duplicate, and records every request.
struct fake_rekor {
    crypto::mbedtls::private_key key;
    std::string pub_pem;
    std::string log_id;
    std::int64_t now = 1700000000;
    std::int64_t next_index = 4242;
    std::map<std::string, std::string> entries;  // uuid -> entry JSON object text
    std::map<std::string, std::string> by_body;  // canonical body -> uuid
    std::vector<transport::request> log;
    std::function<std::optional<transport::response>(const transport::request&)> hook;
    bool unreachable = false;

    fake_rekor() : key(std::move(*crypto::mbedtls::generate_p256())) {
        auto pub = crypto::mbedtls::public_key_of(key);
        pub_pem = crypto::mbedtls::public_key_pem(*pub);
        log_id = tlog::log_key::from_pem(pub_pem)->log_id;
    }

    std::string make_entry(const std::string& body_b64, std::int64_t t, std::int64_t index) {
        tlog::rekor_bundle b;
        b.body = body_b64;
        b.integrated_time = t;
        b.log_index = index;
        b.log_id = log_id;
        auto set = crypto::mbedtls::sign(key, tlog::set_payload(b));
        std::string leaf = tlog::leaf_hash(body_b64)->hex();
        return "{\"body\":\"" + body_b64 + "\",\"integratedTime\":" + std::to_string(t) + ",\"logID\":\"" + log_id +
               "\",\"logIndex\":" + std::to_string(index) +
               ",\"verification\":{\"inclusionProof\":{\"checkpoint\":\"fake\\n1\\n\",\"hashes\":[],\"logIndex\":0,"
               "\"rootHash\":\"" + leaf + "\",\"treeSize\":1},\"signedEntryTimestamp\":\"" + base64::encode(*set) + "\"}}";
    }

    static transport::response answer(int status, std::string body, std::vector<std::pair<std::string, std::string>> h = {}) {
        transport::response r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(h);
        r.headers.emplace_back("Content-Type", "application/json");
        return r;
    }

    result<transport::response> handle(const transport::request& req) {
        log.push_back(req);
        if (unreachable) return fail(errc::network, "connection refused");
        if (hook)
            if (auto r = hook(req)) return *r;
        const std::string base = "http://rekor.test";
        std::string path = req.url.substr(base.size());
        if (req.method == "POST" && path == "/api/v1/log/entries") {
            auto canon = json::canonicalize(req.body);
            if (!canon) return answer(400, R"({"code":400,"message":"bad entry"})");
            std::string body = base64::encode(*canon);
            if (auto it = by_body.find(*canon); it != by_body.end())
                return answer(409, R"({"code":409,"message":"An equivalent entry already exists"})",
                              {{"Location", "/api/v1/log/entries/" + it->second}});
            std::string uuid = tlog::leaf_hash(body)->hex();
            entries[uuid] = make_entry(body, now, next_index++);
            by_body[*canon] = uuid;
            return answer(201, "{\"" + uuid + "\":" + entries[uuid] + "}",
                          {{"Location", "/api/v1/log/entries/" + uuid}, {"ETag", uuid}});
        }
        if (req.method == "GET" && path.rfind("/api/v1/log/entries/", 0) == 0) {
            std::string uuid = path.substr(std::string("/api/v1/log/entries/").size());
            if (uuid.size() > 64) uuid = uuid.substr(uuid.size() - 64);
            auto it = entries.find(uuid);
            if (it == entries.end()) return answer(404, R"({"code":404,"message":"entry not found"})");
            return answer(200, "{\"" + uuid + "\":" + it->second + "}");
        }
        if (req.method == "POST" && path == "/api/v1/log/entries/retrieve") {
            auto doc = json::parse(req.body);
            if (!doc) return answer(400, "{}");
            std::string out = "[";
            for (const auto& e : (*doc)["entries"].GetArray()) {
                auto canon = json::canonicalize(e);
                if (auto it = by_body.find(*canon); it != by_body.end()) {
                    if (out.size() > 1) out += ',';
                    out += "{\"" + it->second + "\":" + entries[it->second] + "}";
                }
            }
            return answer(200, out + "]");
        }
        return answer(404, R"({"code":404,"message":"no such route"})");
    }
};

struct fake_rekor_transport {
    std::shared_ptr<fake_rekor> rekor = std::make_shared<fake_rekor>();
    result<transport::response> send(const transport::request& req) { return rekor->handle(req); }
};

}  // namespace cosign_test
