// SPDX-License-Identifier: Apache-2.0
// Unit tests of oci/manifest and oci/signature_image: ggcr-exact manifests and configs, appending,
// de-duplication, skopeo-written images, and index parsing.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/oci/manifest.hpp>
#include <cosign/oci/media_types.hpp>
#include <cosign/oci/signature_image.hpp>
#include <cosign/oci/simple_signing.hpp>

using namespace cosign;

namespace {
std::string read_file(const std::string& rel) {
    std::ifstream f(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(f);
    return std::string(std::istreambuf_iterator<char>(f), {});
}
std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}
const std::string ex = "cosign/derived/sig-image-example/";

oci::signature_layer example_layer() {
    auto payload = read_file(ex + "payload.json");
    return {bytes(payload.begin(), payload.end()), trim(read_file(ex + "signature.b64")), {}};
}

const std::string skopeo_manifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0e0aa87814e1de07b85a4f0b90b695e4c38504ac5485f1304a5cb757825f2052","size":153},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"sha256:18092ee95431cef135236cc993d2dcc55db3590e7a0966118e4a839149d8d702","size":299,"annotations":{"dev.cosignproject.cosign/signature":"MEUCICxsDmX5xtXlZO4x88XtILKMAg8e+mAxVzhGK1v/NxEpAiEA4LnSK0r8uiPV7kXOIKIuKsHdjvYBkBCYtyuMoQsRRr8="}}]})";
const std::string skopeo_config =
    R"({"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:18092ee95431cef135236cc993d2dcc55db3590e7a0966118e4a839149d8d702"]}})";
}  // namespace

TEST_CASE("one signature on an empty image gives cosign's config and manifest byte for byte", "[oci]") {
    auto img = oci::signature_image::empty();
    REQUIRE(img.append(example_layer()));
    auto cfg = img.config_json();
    CHECK(cfg == read_file(ex + "config.json"));
    CHECK(cfg.size() == 233);
    auto m = img.manifest_json();
    CHECK(m == read_file(ex + "manifest.json"));
    CHECK(oci::digest::of(m).str() == trim(read_file(ex + "manifest.sha256")));
    CHECK(img.manifest_digest().str() == trim(read_file(ex + "manifest.sha256")));
    REQUIRE(img.size() == 1);
    CHECK(img.layers()[0].size == 238);
    CHECK(img.layers()[0].digest.str() ==
          "sha256:9614e9e77d11eccb144b2f69be2164b0a7311fcccb97f01424f2ae3aee74b8d6");
    REQUIRE(img.blob(img.layers()[0].digest));
    CHECK(img.blob(img.layers()[0].digest)->size() == 238);
}

TEST_CASE("Docker media types are used when asked", "[oci]") {
    auto img = oci::signature_image::empty(oci::signature_image::media_types::docker);
    REQUIRE(img.append(example_layer()));
    auto m = *oci::parse_manifest(img.manifest_json());
    CHECK(m.media_type == oci::media_type::docker_manifest);
    CHECK(m.config.media_type == oci::media_type::docker_config);
    CHECK(img.config_json() == read_file(ex + "config.json"));
}

TEST_CASE("appending to an existing image keeps its bytes until something changes", "[oci]") {
    auto first = oci::signature_image::empty();
    REQUIRE(first.append(example_layer()));
    auto img = oci::signature_image::from_existing(first.manifest_json(), first.config_json());
    REQUIRE(img);
    CHECK(img->manifest_json() == read_file(ex + "manifest.json"));
    CHECK(img->blob(img->layers()[0].digest) == nullptr);

    oci::signature_layer second{bytes{'x'}, "c2ln", {{std::string(oci::annotation::certificate), "PEM"}}};
    REQUIRE(img->append(second));
    auto cfg = img->config_json();
    CHECK(cfg ==
          R"({"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"},{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:9614e9e77d11eccb144b2f69be2164b0a7311fcccb97f01424f2ae3aee74b8d6","sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"]},"config":{}})");
    auto m = *oci::parse_manifest(img->manifest_json());
    REQUIRE(m.layers.size() == 2);
    CHECK(m.config.digest == oci::digest::of(cfg));
    CHECK(m.config.size == static_cast<std::int64_t>(cfg.size()));
    CHECK(m.layers[1].annotations.at(std::string(oci::annotation::signature)) == "c2ln");
    CHECK(m.layers[1].annotations.at(std::string(oci::annotation::certificate)) == "PEM");
    CHECK(img->manifest_json().find(R"("annotations":{"dev.cosignproject.cosign/signature":"c2ln","dev.sigstore.cosign/certificate":"PEM"})") !=
          std::string::npos);
}

TEST_CASE("a skopeo-written image is re-serialised in ggcr's form after an append", "[oci]") {
    auto img = oci::signature_image::from_existing(skopeo_manifest, skopeo_config);
    REQUIRE(img);
    CHECK(img->manifest_json() == skopeo_manifest);
    CHECK(img->config_json() == skopeo_config);
    REQUIRE(img->append(example_layer()));
    CHECK(img->config_json() ==
          R"({"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["sha256:18092ee95431cef135236cc993d2dcc55db3590e7a0966118e4a839149d8d702","sha256:9614e9e77d11eccb144b2f69be2164b0a7311fcccb97f01424f2ae3aee74b8d6"]},"config":{}})");
    auto m = img->manifest_json();
    CHECK(m.find(R"({"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":299,"digest":"sha256:18092ee)") !=
          std::string::npos);
}

TEST_CASE("existing configs keep known fields and drop unknown ones", "[oci]") {
    std::string cfg =
        R"({"os":"linux","architecture":"amd64","created":"2024-05-06T07:08:09.500000000+00:00","unknown":1,)"
        R"("history":[{"created":"2024-05-06T07:08:09Z","created_by":"x","empty_layer":true}],)"
        R"("rootfs":{"type":"layers","diff_ids":[]},"config":{"Env":["A=<b>"],"Labels":{"z":"1","a":"2"},"Tty":true,)"
        R"("ExposedPorts":{"80/tcp":{}},"Healthcheck":{"Test":["CMD"],"Interval":5},"Bogus":3},"variant":"v8"})";
    std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
                    std::to_string(cfg.size()) + R"(,"digest":")" + oci::digest::of(cfg).str() +
                    R"("},"layers":[],"annotations":{"k":"v"},"subject":{"mediaType":"m","size":1,"digest":")" +
                    oci::digest::of("s").str() + R"("}})";
    auto img = oci::signature_image::from_existing(m, cfg);
    REQUIRE(img);
    REQUIRE(img->append(example_layer()));
    CHECK(img->config_json() ==
          R"({"architecture":"amd64","created":"2024-05-06T07:08:09.5Z","history":[{"created":"2024-05-06T07:08:09Z","created_by":"x","empty_layer":true},{"created":"0001-01-01T00:00:00Z"}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:9614e9e77d11eccb144b2f69be2164b0a7311fcccb97f01424f2ae3aee74b8d6"]},"config":{"Healthcheck":{"Test":["CMD"],"Interval":5},"Env":["A=\u003cb\u003e"],"Labels":{"a":"2","z":"1"},"Tty":true,"ExposedPorts":{"80/tcp":{}}},"variant":"v8"})");
    auto out = *oci::parse_manifest(img->manifest_json());
    CHECK(out.annotations.at("k") == "v");
    CHECK_FALSE(out.subject);  // ggcr v0.20.7's mutate drops it
}

TEST_CASE("record-creation-timestamp sets created", "[oci]") {
    auto img = oci::signature_image::empty();
    REQUIRE(img.append(example_layer()));
    REQUIRE(img.set_created("2025-01-02T03:04:05Z"));
    CHECK(img.config_json().find(R"("created":"2025-01-02T03:04:05Z","history")") != std::string::npos);
    CHECK_FALSE(img.set_created("yesterday"));
}

TEST_CASE("existing images with a mismatched config or too many layers are refused", "[oci]") {
    CHECK(oci::signature_image::from_existing(skopeo_manifest, skopeo_config + " ").error().code() ==
          errc::invalid_manifest);
    CHECK_FALSE(oci::signature_image::from_existing("{", skopeo_config));
    std::string layers;
    for (int i = 0; i <= COSIGN_MAX_SIGNATURE_LAYERS; ++i)
        layers += std::string(i ? "," : "") + R"({"mediaType":"x","size":1,"digest":")" + oci::digest::of("a").str() + "\"}";
    std::string big = R"({"schemaVersion":2,"config":{"mediaType":"x","size":0,"digest":")" + oci::digest::of("").str() +
                      R"("},"layers":[)" + layers + "]}";
    CHECK(oci::signature_image::from_existing(big, "").error().code() == errc::limit_exceeded);
}

TEST_CASE("appending stops at the layer limit", "[oci]") {
    auto img = oci::signature_image::empty();
    for (int i = 0; i < COSIGN_MAX_SIGNATURE_LAYERS; ++i) REQUIRE(img.append({bytes{std::uint8_t(i)}, "c2ln", {}}));
    auto r = img.append({bytes{1}, "c2ln", {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::limit_exceeded);
}

TEST_CASE("a duplicate needs equal annotations, digest, media type and a verifying signature", "[oci]") {
    auto img = oci::signature_image::empty();
    auto layer = example_layer();
    layer.annotations[std::string(oci::annotation::certificate)] = "CERT";
    REQUIRE(img.append(layer));
    bytes seen_sig, seen_payload;
    auto yes = [&](byte_view sig, byte_view payload) {
        seen_sig = sig.to_bytes();
        seen_payload = payload.to_bytes();
        return true;
    };
    auto no = [](byte_view, byte_view) { return false; };

    auto again = layer;
    again.signature_b64 = "b3RoZXI=";  // a fresh ECDSA signature differs; the key decides
    CHECK(img.has_duplicate(again, yes));
    CHECK(seen_payload == layer.payload);
    CHECK(seen_sig.size() == 70);  // the DER signature already stored
    CHECK_FALSE(img.has_duplicate(again, no));

    auto other_cert = again;
    other_cert.annotations[std::string(oci::annotation::certificate)] = "OTHER";
    CHECK_FALSE(img.has_duplicate(other_cert, yes));
    auto with_bundle = again;
    with_bundle.annotations[std::string(oci::annotation::bundle)] = "{}";
    CHECK_FALSE(img.has_duplicate(with_bundle, yes));
    auto fewer = again;
    fewer.annotations.clear();  // the existing layer may have more annotations
    CHECK(img.has_duplicate(fewer, yes));
    auto other_payload = again;
    other_payload.payload.push_back(' ');
    CHECK_FALSE(img.has_duplicate(other_payload, yes));
    auto other_type = again;
    other_type.media_type = std::string(oci::media_type::dsse_envelope);
    CHECK_FALSE(img.has_duplicate(other_type, yes));

    auto empty_sig = oci::signature_image::empty();
    auto unsigned_layer = layer;
    unsigned_layer.signature_b64 = "";
    REQUIRE(empty_sig.append(unsigned_layer));
    CHECK_FALSE(empty_sig.has_duplicate(layer, yes));
}

TEST_CASE("missing_from lists the layers a racing writer lost", "[oci]") {
    auto mine = oci::signature_image::empty();
    REQUIRE(mine.append(example_layer()));
    oci::signature_layer second{bytes{'x'}, "c2ln", {}};
    REQUIRE(mine.append(second));
    auto theirs = oci::signature_image::empty();
    REQUIRE(theirs.append(example_layer()));
    REQUIRE(theirs.append({bytes{'y'}, "eQ==", {}}));
    auto missing = mine.missing_from(theirs);
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].digest == oci::digest::of("x"));
    REQUIRE(mine.blob(missing[0].digest));
    auto rebuilt = oci::signature_layer::from_descriptor(missing[0], *mine.blob(missing[0].digest));
    CHECK(rebuilt.signature_b64 == "c2ln");
    CHECK(rebuilt.annotations.empty());
    REQUIRE(theirs.append(rebuilt));
    CHECK(mine.missing_from(theirs).empty());
}

TEST_CASE("manifests parse with strict types and serialise in ggcr's order", "[oci]") {
    auto m = oci::parse_manifest(read_file(ex + "manifest.json"));
    REQUIRE(m);
    CHECK(m->schema_version == 2);
    CHECK(oci::is_manifest_media_type(m->media_type));
    CHECK(m->config.size == 233);
    CHECK(oci::to_json(*m) == read_file(ex + "manifest.json"));

    std::string full = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","data":"e30=","artifactType":"a"},"layers":[{"mediaType":"l","size":1,"digest":")" +
                       oci::digest::of("x").str() +
                       R"(","urls":["https://u"],"annotations":{"a":"1","b":""}}],"annotations":{"org.opencontainers.image.created":"now"},"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":3,"digest":")" +
                       oci::digest::of("s").str() + R"("},"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json"})";
    auto f = oci::parse_manifest(full);
    REQUIRE(f);
    CHECK(f->config.data == bytes{'{', '}'});
    CHECK(f->subject->size == 3);
    CHECK(oci::to_json(*f) == full);

    const std::string bad[] = {
        R"({"schemaVersion":"2"})",
        R"({"schemaVersion":2.5})",
        R"({"mediaType":1})",
        R"({"config":[]})",
        R"({"config":{"size":-1}})",
        R"({"config":{"size":1.5}})",
        R"({"config":{"digest":"sha256:abc"}})",
        R"({"config":{"digest":""}})",
        R"({"layers":{}})",
        R"({"layers":[{"annotations":{"a":1}}]})",
        R"({"layers":[{"urls":[1]}]})",
        R"({"layers":[{"data":"!"}]})",
        R"({"schemaVersion":2,"schemaVersion":2})",
        "[]",
        "",
    };
    for (const auto& b : bad) {
        INFO(b);
        auto r = oci::parse_manifest(b);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::invalid_manifest);
    }
    // Unknown fields and nulls are ignored, as Go does.
    CHECK(oci::parse_manifest(R"({"schemaVersion":2,"foo":{"bar":[1]},"mediaType":null,"layers":null})"));
    CHECK(oci::parse_manifest(std::string(COSIGN_MAX_MANIFEST_SIZE + 1, ' ')).error().code() == errc::limit_exceeded);
}

TEST_CASE("indexes parse with platforms", "[oci]") {
    std::string ix = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
                     R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":10,"digest":")" +
                     oci::digest::of("a").str() + R"(","platform":{"architecture":"amd64","os":"linux"}},)"
                     R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":11,"digest":")" +
                     oci::digest::of("b").str() +
                     R"(","platform":{"architecture":"arm","os":"linux","os.version":"1","os.features":["f"],"variant":"v7","features":["g"]}},)"
                     R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","size":12,"digest":")" +
                     oci::digest::of("c").str() + R"(","annotations":{"vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}]})";
    auto r = oci::parse_index(ix);
    REQUIRE(r);
    CHECK(oci::is_index_media_type(r->media_type));
    REQUIRE(r->manifests.size() == 3);
    REQUIRE(r->manifests[0].platform);
    CHECK(r->manifests[0].platform->str() == "linux/amd64");
    CHECK(r->manifests[1].platform->str() == "linux/arm/v7:1");
    CHECK(r->manifests[1].platform->os_features == std::vector<std::string>{"f"});
    CHECK(oci::to_json(*r) == ix);
    CHECK(*oci::sniff_media_type(ix) == oci::media_type::oci_index);

    std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" +
                         oci::digest::of("a").str() + R"(","size":5,"platform":{"os":"linux","architecture":"s390x"}}]})";
    auto d = oci::parse_index(docker);
    REQUIRE(d);
    CHECK(oci::is_index_media_type(d->media_type));
    CHECK(d->manifests[0].platform->architecture == "s390x");
    CHECK_FALSE(oci::parse_index(R"({"manifests":[{"platform":"linux"}]})"));
    CHECK_FALSE(oci::parse_index(R"({"manifests":[{"platform":{"os":1}}]})"));
    CHECK_FALSE(oci::is_index_media_type(oci::media_type::oci_manifest));
    CHECK_FALSE(oci::is_manifest_media_type(oci::media_type::oci_index));
}
