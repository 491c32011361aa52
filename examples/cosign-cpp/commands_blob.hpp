// SPDX-License-Identifier: Apache-2.0
/// cosign's blob commands with a key: sign-blob and verify-blob, streaming blobs of any size.
#pragma once

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob_bundle.hpp"
#include "cli.hpp"
#include "commands_image.hpp"
#include "compose.hpp"
#include "keyless.hpp"
#include "oidc_flags.hpp"
#include "password.hpp"
#include "sigstore_bundle.hpp"
#include "tlog_flags.hpp"

namespace cli {

/// The digest of a regular file with reading and hashing overlapped: a second thread read()s
/// 512 KiB pieces into four buffers while this one hashes, so that on two cores the kernel's copy
/// out of the page cache costs no wall time (about a fifth of the total with SHA-NI). Memory:
/// the 2 MiB of buffers. Anything but a regular file goes to cosign::digest_blob_file.
inline cosign::result<cosign::blob_digest> digest_file_overlapped(const std::string& path, cosign::hash_algorithm h,
                                                                  const std::atomic<bool>* stop = nullptr) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return cosign::fail(cosign::errc::io, "cannot open " + path + ": " + std::strerror(errno), errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return cosign::digest_blob_file(path, h, stop);
    }
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } guard{fd};
#if defined(POSIX_FADV_SEQUENTIAL)
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    constexpr std::size_t slots = 4, slot_size = std::size_t(512) * 1024;
    std::unique_ptr<std::uint8_t[]> mem(new (std::nothrow) std::uint8_t[slots * slot_size]);
    if (!mem) return cosign::fail(cosign::errc::internal, "out of memory");
    std::size_t lengths[slots] = {};
    std::mutex m;
    std::condition_variable cv;
    std::size_t produced = 0, consumed = 0;  // slots filled by the reader, hashed by this thread
    bool done = false, quit = false;         // the reader reached the end (or an error); stop it
    int read_errno = 0;
    std::thread reader([&] {
        for (std::size_t i = 0;; ++i) {
            {
                std::unique_lock<std::mutex> lock(m);
                cv.wait(lock, [&] { return quit || i - consumed < slots; });
                if (quit) return;
            }
            std::uint8_t* buf = mem.get() + (i % slots) * slot_size;
            std::size_t n = 0;
            int err = 0;
            while (n < slot_size) {
                ssize_t got = ::read(fd, buf + n, slot_size - n);
                if (got > 0) {
                    n += static_cast<std::size_t>(got);
                } else if (got == 0) {
                    break;
                } else if (errno != EINTR) {
                    err = errno;
                    break;
                }
            }
            std::lock_guard<std::mutex> lock(m);
            if (err != 0) {
                read_errno = err;
                done = true;
            } else if (n == 0) {
                done = true;
            } else {
                lengths[i % slots] = n;
                produced = i + 1;
                if (n < slot_size) done = true;  // a short piece: the end of the file
            }
            cv.notify_all();
            if (done) return;
        }
    });
    cosign::blob_hasher hasher(h);
    std::uint64_t total = 0;
    bool cancelled = false;
    for (std::size_t i = 0;; ++i) {
        std::size_t len = 0;
        {
            std::unique_lock<std::mutex> lock(m);
            cv.wait(lock, [&] { return produced > i || done; });
            if (produced <= i) break;
            len = lengths[i % slots];
        }
        hasher.update(cosign::byte_view(mem.get() + (i % slots) * slot_size, len));
        total += len;
        std::lock_guard<std::mutex> lock(m);
        consumed = i + 1;
        if (stop && stop->load(std::memory_order_relaxed)) cancelled = quit = true;
        cv.notify_all();
        if (cancelled) break;
    }
    reader.join();
    if (cancelled) return cosign::fail(cosign::errc::cancelled, "reading " + path + ": cancelled");
    if (read_errno != 0)
        return cosign::fail(cosign::errc::io, "cannot read " + path + ": " + std::strerror(read_errno), read_errno);
    if (total != static_cast<std::uint64_t>(st.st_size))
        return cosign::fail(cosign::errc::io, "file " + path + " changed while it was read (" +
                                                  std::to_string(st.st_size) + " bytes expected, " +
                                                  std::to_string(total) + " read)");
    cosign::blob_digest d;
    d.algorithm = h;
    d.value = hasher.finish();
    d.size = total;
    return d;
}

/// The blob to sign or verify, streamed: a file, or standard input for "-". Nothing is held in
/// memory but one chunk; a blob that cannot be read to its end is an error naming it.
inline cosign::result<cosign::blob_digest> digest_blob_arg(const std::string& path, cosign::hash_algorithm h) {
    if (path == "-") {
        auto d = cosign::digest_blob(cosign::blob_reader_from_fd(STDIN_FILENO, "standard input"), h);
        if (!d) return std::move(d).error();
        return d;
    }
    return digest_file_overlapped(path, h);
}

/// verify-blob's artifact: a file (or "-"), or, when no such file exists, a digest
/// "sha256:<hex>" that is checked without reading anything (cosign takes it with a bundle only).
inline cosign::result<cosign::blob_digest> verify_blob_artifact(const std::string& ref,
                                                                cosign::hash_algorithm h = cosign::hash_algorithm::sha256) {
    struct stat st {};
    if (ref != "-" && ref.find(':') != std::string::npos && ::stat(ref.c_str(), &st) != 0 && errno == ENOENT) {
        const std::string_view alg = std::string_view(ref).substr(0, ref.find(':'));
        if (alg == "sha256" || alg == "sha384" || alg == "sha512") return cosign::parse_blob_digest(ref);
    }
    return digest_blob_arg(ref, h);
}

/// sign-blob's flags: cosign's, with cosign's descriptions and what this build does differently.
inline std::vector<flag> sign_blob_flags() {
    return std::vector<flag>{
        {"key", 0, kind::string, "", "path to the private key file, KMS URI or Kubernetes Secret (this build: a key file, env://VAR, pkcs11: or a KMS URI; without it, keyless: a certificate from Fulcio)"},
        {"output-signature", 0, kind::string, "", "write the signature to FILE"},
        {"output-certificate", 0, kind::string, "", "write the certificate to FILE"},
        {"yes", 'y', kind::boolean, "", "skip confirmation prompts for non-destructive operations"},
        {"tlog-upload", 0, kind::boolean, "true", "whether or not to upload to the tlog"},
        rekor_url_flag(),
        {"bundle", 0, kind::string, "", "write everything required to verify the blob to a FILE"},
        {"new-bundle-format", 0, kind::boolean, "false", "output bundle in new format that contains all verification material"},
        {"timestamp-server-url", 0, kind::string, "", "url to the Timestamp RFC3161 server, default none. Must be the path to the API to request timestamp responses, e.g. https://freetsa.org/tsr (this build: with --new-bundle-format only)"},
        {"use-signing-config", 0, kind::boolean, "false", "whether to use a TUF-provided signing config for the service URLs (a cosign 3 flag; this build takes the service URLs from --fulcio-url and --rekor-url, so it has no effect)"},
    } + keyless_flags() + oidc_flags();
}

inline int cmd_sign_blob(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = sign_blob_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("sign-blob requires exactly one file (or - for standard input)");
    const bool keyless = a.get("key").empty();
    const bool certified = keyless || a.get_bool("issue-certificate");
    const bool new_bundle = a.get_bool("new-bundle-format");
    const std::string& path = a.positional[0];
    const std::string prefix = "signing " + path + ": ";
    const bool tlog = a.get_bool("tlog-upload");
    if (!tlog && !a.get("bundle").empty())
        std::cerr << "WARNING: --bundle without the transparency log (--tlog-upload=false): the bundle holds the "
                     "signature only\n";
    // A file is hashed (SHA-256, what P-256 and RSA keys sign) on a second thread while the key
    // is decrypted (or, keyless, while Fulcio certifies the ephemeral key): each takes a core.
    // Standard input is read after the key.
    cosign::blob_digest early;
    std::string early_error;
    bool early_done = false;
    std::atomic<bool> stop{false};
    std::thread hashing;
    if (keyless) std::cerr << "Using payload from: " << path << "\n";
    if (path != "-")
        hashing = std::thread([&] {
            auto d = digest_file_overlapped(path, cosign::hash_algorithm::sha256, &stop);
            if (d)
                early = std::move(*d);
            else
                early_error = d.error().message();
            early_done = true;
        });
    // The key first, as cosign: its curve decides the digest (P-384: SHA-384, P-521: SHA-512).
    cosign::result<cosign::any_signer> key = cosign::fail(cosign::errc::internal, "no key");
    std::string key_error;
    if (keyless) {
        key = keyless_signer(a, std::nullopt);
        if (!key) key_error = key.error().message();
    } else {
        key = signer::load_key(a.get("key"), [] { return read_password(false); });
        if (!key) key_error = "reading key: " + key.error().message();
        else if (certified) {
            key = keyless_signer(a, std::move(*key));
            if (!key) key_error = key.error().message();
        }
    }
    if (!key) stop = true;  // no need to finish hashing a blob that will not be signed
    if (hashing.joinable()) hashing.join();
    if (!key) return report(prefix + "getting signer: " + key_error);
    if (!keyless) std::cerr << "Using payload from: " << path << "\n";
    const cosign::hash_algorithm h = cosign::signing_hash_of(key->describe());
    if (early_done && !early_error.empty()) return report(prefix + early_error);
    if (!early_done || early.algorithm != h) {
        auto d = digest_blob_arg(path, h);
        if (!d) return report(prefix + d.error().message());
        early = std::move(*d);
    }
    auto signed_ = cosign::sign_blob_digest(*key, early);
    if (!signed_) return report(signed_.error().message());
    const std::string& b64 = *signed_;
    const std::string cert_pem = key->certificate().certificate_pem;
    std::vector<cosign::bytes> timestamps;  // --timestamp-server-url: before the log, as cosign
    if (!a.get("timestamp-server-url").empty()) {
        if (!new_bundle || a.get("bundle").empty())
            return report(prefix + "--timestamp-server-url: this build keeps the timestamp in a Sigstore bundle only "
                                   "(add --new-bundle-format --bundle FILE)");
        auto t = make_sigstore_transport(a);
        if (!t) return report(prefix + t.error().message());
        auto raw = cosign::base64::decode(b64);
        if (!raw) return report(prefix + "the signature is not base64");
        auto tok = cosign::timestamp::request_timestamp<crypto>(*t, a.get("timestamp-server-url"), *raw);
        if (!tok) return report(prefix + tok.error().message());
        timestamps.push_back(std::move(*tok));
    }
    std::optional<cosign::tlog::rekor_bundle> logged;
    std::optional<cosign::tlog::log_entry> logged_entry;
    if (tlog) {
        auto entry = log_blob_signature(a, *key, early, b64);
        if (!entry) return report(prefix + entry.error().message());
        logged = std::move(entry->bundle);
        logged_entry = std::move(entry->entry);
        std::cerr << "tlog entry created with index: " << logged->log_index << "\n";
    }
    if (!a.get("bundle").empty() && new_bundle) {
        auto w = write_sigstore_blob_bundle(a.get("bundle"), early, b64, key->public_key_pem(), cert_pem, logged_entry, timestamps);
        if (!w) return report(prefix + "create bundle file: " + w.error().message());
        std::cerr << "Wrote bundle to file " << a.get("bundle") << "\n";
    } else if (!a.get("bundle").empty()) {
        auto w = cosign::write_file_0600(a.get("bundle"), legacy_bundle_json(b64, logged, cert_pem));
        if (!w) return report(prefix + "create bundle file: " + w.error().message());
        std::cerr << "Wrote bundle to file " << a.get("bundle") << "\n";
    }
    if (!a.get("output-signature").empty()) {
        auto w = cosign::write_file_0600(a.get("output-signature"), b64);
        if (!w) return report(w.error().message());
        std::cerr << (certified ? "Wrote signature to file " : "Signature wrote in the file ") << a.get("output-signature") << "\n";
    } else {
        std::cout << b64 << "\n" << std::flush;
    }
    if (!a.get("output-certificate").empty()) {
        // The certificate, or the public key when there is none (cosign's sv.Bytes).
        auto w = cosign::write_file_0600(a.get("output-certificate"), cert_pem.empty() ? key->public_key_pem() : cert_pem);
        if (!w) return report(w.error().message());
        std::cerr << "Wrote certificate to file " << a.get("output-certificate") << "\n";
    }
    return exit_code::ok;
}

/// verify-blob's flags: cosign's, with cosign's descriptions and what this build does differently.
inline std::vector<flag> verify_blob_flags() {
    return std::vector<flag>{
        {"key", 0, kind::string, "", "path to the public key file, KMS URI or Kubernetes Secret (this build: a key file, env://VAR, pkcs11:, awskms:// or gcpkms://)"},
        {"signature", 0, kind::string, "", "signature content or path or remote URL (this build: content or path)"},
        {"insecure-ignore-tlog", 0, kind::boolean, "", "ignore transparency log verification, to be used when an artifact signature has not been uploaded to the transparency log. Artifacts cannot be publicly verified when not included in a log"},
        {"offline", 0, kind::boolean, "", "only allow offline verification"},
        {"bundle", 0, kind::string, "", "path to bundle FILE"},
        {"new-bundle-format", 0, kind::boolean, "false", "expect the signature/attestation to be packaged in a Sigstore bundle (this build: also when the --bundle file is one, as cosign 3, whose default this is)"},
        rekor_url_flag(),
        {"trusted-root", 0, kind::string, "", "Path to a Sigstore TrustedRoot JSON file"},
    } + certificate_verify_flags();
}

inline int cmd_verify_blob(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = verify_blob_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("verify-blob requires exactly one file (or - for standard input)");
    if (a.get_bool("new-bundle-format") && a.get("bundle").empty())
        return report("--new-bundle-format requires --bundle (the Sigstore bundle to verify)");
    if (!a.get("bundle").empty()) {
        // A Sigstore bundle (--new-bundle-format, or cosign 3's default: the file says so).
        auto text = read_bundle_text(a.get("bundle"));
        if (!text) return report(text.error().message());
        if (a.get_bool("new-bundle-format") || cosign::bundle::looks_like_sigstore_bundle(*text))
            return verify_blob_sigstore_bundle(a, *text, [&](cosign::hash_algorithm h) {
                return verify_blob_artifact(a.positional[0], h);
            });
    }
    // --key wins over --certificate, as in cosign (commands_image.hpp: key_from_certificate).
    const bool by_certificate = a.get("key").empty() && !a.get("certificate").empty();
    if (a.get("key").empty() && !by_certificate)
        return report("keyless verification needs --certificate, or a Sigstore bundle (--bundle FILE "
                      "--new-bundle-format with the identity flags), in this build: pass --key, --certificate or a bundle");
    std::optional<legacy_bundle> bundle;
    if (!a.get("bundle").empty()) {
        auto b = read_legacy_bundle(a.get("bundle"));
        if (!b) return report(b.error().message());
        bundle = std::move(*b);
    }
    if (a.get("signature").empty() && (!bundle || bundle->signature_b64.empty()))
        return report("--signature is required (or --bundle with a base64Signature)");
    const bool ignore_tlog = a.get_bool("insecure-ignore-tlog");
    if (ignore_tlog)
        std::cerr << "WARNING: Skipping tlog verification is an insecure practice that lacks transparency and "
                     "auditability verification for the blob.\n";
    std::optional<cosign::trust::trust_root> cert_root;
    std::string cert_pem;
    auto key = by_certificate ? key_from_certificate(a, cert_root, &cert_pem) : verification_key(a.get("key"));
    if (!key) return report(by_certificate ? key.error().message() : "loading public key: " + key.error().message());
    std::string sig_text = a.get("signature").empty() ? bundle->signature_b64 : a.get("signature");
    if (auto f = cosign::read_file<cosign::bytes>(sig_text, 1 << 20)) sig_text = cosign::byte_view(*f).to_string();
    while (!sig_text.empty() && (sig_text.back() == '\n' || sig_text.back() == '\r')) sig_text.pop_back();
    if (auto sig = cosign::base64::decode(sig_text); !sig) return report("decoding signature: " + sig.error().message());
    auto digest = verify_blob_artifact(a.positional[0]);
    if (!digest) return report(digest.error().message());
    if (!ignore_tlog) {
        if (digest->algorithm != cosign::hash_algorithm::sha256)
            return report("error verifying bundle: the Rekor entry logs a sha256 hash; the blob was given as " +
                          digest->to_string());
        if (!by_certificate) {
            auto logged = check_blob_tlog(a, bundle, sig_text, cosign::hex::encode(digest->value),
                                          crypto::public_key_pem(*key));
            if (!logged) return report(logged.error().message());
        }
    }
    if (by_certificate) {
        auto checked = check_blob_certificate(a, bundle ? bundle->rekor : std::nullopt, !ignore_tlog, sig_text,
                                              cosign::hex::encode(digest->value), cert_pem, cert_root);
        if (!checked) return report(checked.error().message());
    }
    auto ok = cosign::verify_blob_digest<crypto>(*key, *digest, sig_text);
    if (!ok) {
        if (ok.error().code() == cosign::errc::verification_failed)
            return report("invalid signature when validating ASN.1 encoded signature");
        return report(ok.error().message());
    }
    std::cerr << "Verified OK\n";
    return exit_code::ok;
}

}  // namespace cli
