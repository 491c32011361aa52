// SPDX-License-Identifier: Apache-2.0
/// PEM blocks (RFC 7468): find, decode and encode, with the 64-column wrapping Go writes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base64.hpp"
#include "bytes.hpp"
#include "result.hpp"

namespace cosign {
inline namespace v0 {
namespace pem {

/// One decoded PEM block.
template <class Bytes = bytes>
struct block {
    std::string label;
    Bytes der;
};

/// Encodes one PEM block as Go's pem.Encode does (64-column lines, trailing newline).
inline std::string encode(std::string_view label, byte_view der) {
    std::string b64 = base64::encode(der);
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) {
        out.append(b64, i, 64);
        out += '\n';
    }
    out += "-----END " + std::string(label) + "-----\n";
    return out;
}

/// Decodes every PEM block in text, in order. Text outside blocks is ignored, as Go's pem.Decode
/// does; a block whose body is not base64 is an error.
template <class Bytes = bytes>
result<std::vector<block<Bytes>>> decode_all(std::string_view text) {
    std::vector<block<Bytes>> out;
    std::size_t pos = 0;
    static constexpr std::string_view begin = "-----BEGIN ";
    while (true) {
        std::size_t b = text.find(begin, pos);
        if (b == std::string_view::npos) break;
        std::size_t le = text.find("-----", b + begin.size());
        if (le == std::string_view::npos) return fail(errc::invalid_key, "PEM: unterminated BEGIN line");
        std::string label(text.substr(b + begin.size(), le - b - begin.size()));
        std::string end_line = "-----END " + label + "-----";
        std::size_t body_start = le + 5;
        std::size_t e = text.find(end_line, body_start);
        if (e == std::string_view::npos) return fail(errc::invalid_key, "PEM: no END line for \"" + label + "\" (truncated?)");
        std::string b64;
        for (std::size_t i = body_start; i < e; ++i) {
            char c = text[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
            if (c == ':') return fail(errc::invalid_key, "PEM: encrypted PEM headers are not supported");
            b64 += c;
        }
        auto der = base64::decode<Bytes>(b64);
        secure_zero(b64.data(), b64.size());
        if (!der) return fail(errc::invalid_key, "PEM: block \"" + label + "\" is not valid base64");
        out.push_back({std::move(label), std::move(*der)});
        pos = e + end_line.size();
    }
    return out;
}

/// Decodes the first PEM block; an error when there is none.
template <class Bytes = bytes>
result<block<Bytes>> decode(std::string_view text) {
    COSIGN_TRY(auto blocks, decode_all<Bytes>(text));
    if (blocks.empty()) return fail(errc::invalid_key, "no PEM block found");
    return std::move(blocks.front());
}

}  // namespace pem
}  // namespace v0
}  // namespace cosign
