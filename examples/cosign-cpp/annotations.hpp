// SPDX-License-Identifier: Apache-2.0
/// The syntax of cosign's `-a/--annotations` flag (pflag's StringSlice over Go's encoding/csv):
/// command-line syntax, so it lives in the CLI; the library takes an oci::annotation_map.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cosign/core/json_writer.hpp>
#include <cosign/core/result.hpp>
#include <cosign/oci/simple_signing.hpp>

namespace cli {

/// Go's encoding/csv Reader.Read (Comma ',', no lazy quotes, no comments): the first record.
inline cosign::result<std::vector<std::string>> read_csv_record(std::string_view in) {
    std::size_t pos = 0;
    auto read_line = [&](std::string& line) -> bool {  // false at end of input
        if (pos >= in.size()) return false;
        auto nl = in.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? in.size() : nl + 1;
        line.assign(in.substr(pos, end - pos));
        pos = end;
        auto n = line.size();
        if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') line.erase(n - 2, 1);  // \r\n -> \n
        else if (nl == std::string_view::npos && n && line[n - 1] == '\r') line.pop_back();
        return true;
    };
    auto nl_len = [](std::string_view l) -> std::size_t { return !l.empty() && l.back() == '\n' ? 1 : 0; };
    std::string line;
    for (;;) {  // skip empty lines
        if (!read_line(line)) return cosign::fail(cosign::errc::invalid_argument, "EOF");
        if (line.size() != nl_len(line)) break;
    }
    std::vector<std::string> fields;
    std::string_view rest = line;
    std::string owned;  // storage for continuation lines of quoted fields
    for (;;) {
        if (rest.empty() || rest[0] != '"') {
            auto comma = rest.find(',');
            std::string_view field = comma == std::string_view::npos ? rest.substr(0, rest.size() - nl_len(rest)) : rest.substr(0, comma);
            if (field.find('"') != std::string_view::npos)
                return cosign::fail(cosign::errc::invalid_argument, "bare \" in non-quoted-field");
            fields.emplace_back(field);
            if (comma == std::string_view::npos) break;
            rest = rest.substr(comma + 1);
            continue;
        }
        rest = rest.substr(1);
        std::string field;
        for (;;) {
            auto q = rest.find('"');
            if (q != std::string_view::npos) {
                field.append(rest.substr(0, q));
                rest = rest.substr(q + 1);
                if (!rest.empty() && rest[0] == '"') {
                    field += '"';
                    rest = rest.substr(1);
                } else if (!rest.empty() && rest[0] == ',') {
                    rest = rest.substr(1);
                    fields.push_back(std::move(field));
                    goto next_field;
                } else if (rest.size() == nl_len(rest)) {
                    fields.push_back(std::move(field));
                    return fields;
                } else {
                    return cosign::fail(cosign::errc::invalid_argument, "extraneous or missing \" in quoted-field");
                }
            } else if (!rest.empty()) {
                field.append(rest);
                if (!read_line(owned)) owned.clear();
                rest = owned;
            } else {
                return cosign::fail(cosign::errc::invalid_argument, "extraneous or missing \" in quoted-field");
            }
        }
    next_field:;
    }
    return fields;
}

/// Turns the values of repeated `-a/--annotations` flags into annotations, as cosign v2:
/// each value is split on commas with CSV rules (pflag StringSlice: `-a 'k="x,y"'` keeps the
/// comma, an empty value adds nothing), each item must split on '=' into exactly two parts
/// (`k=a=b` is refused), and later keys overwrite earlier ones.
inline cosign::result<cosign::oci::annotation_map> parse_annotation_flags(const std::vector<std::string>& flag_values) {
    cosign::oci::annotation_map out;
    for (const auto& v : flag_values) {
        if (v.empty()) continue;
        auto items = read_csv_record(v);
        if (!items)
            return cosign::fail(cosign::errc::invalid_argument, "invalid argument " + cosign::json::go_quote(v) +
                                                                    " for \"-a, --annotations\" flag: " + items.error().message());
        for (const auto& item : *items) {
            auto eq = item.find('=');
            if (eq == std::string::npos || item.find('=', eq + 1) != std::string::npos)
                return cosign::fail(cosign::errc::invalid_argument, "unable to parse annotation: " + item);
            out[item.substr(0, eq)] = item.substr(eq + 1);
        }
    }
    return out;
}

}  // namespace cli
