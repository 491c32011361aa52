// SPDX-License-Identifier: Apache-2.0
/// The help of cosign-cpp: cosign 2.5's texts for each command (description, examples), printed
/// in cosign's layout with the command's flag table and the cosign flags this build lacks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"

namespace cli {

/// What `cosign-cpp CMD --help` prints besides the flags. The texts are cosign 2.5's (Apache-2.0,
/// cmd/cosign/cli), with `cosign-cpp` for `cosign` in the examples; an example that needs
/// something this build lacks says so.
struct command_help {
    std::string_view path;          ///< "sign", "attach signature"
    std::string_view short_text;    ///< cosign's one-line summary (the command list)
    std::string_view long_text;     ///< cosign's description; empty: the summary
    std::string_view this_build;    ///< how cosign-cpp differs; empty: it does not
    std::string_view examples;      ///< cosign's examples, as cosign-cpp runs them
    std::string_view cosign_flags;  ///< cosign 2.5's flags of the command, space-separated, without -h
};

/// cosign's global flags (on every command). cosign-cpp's `-t/--timeout` is a flag of the
/// commands that reach a registry; the others are not supported.
inline constexpr std::string_view cosign_global_flags = "output-file timeout verbose";

/// Marks an example whose flags or key scheme this build does not have.
#define COSIGN_CLI_NOT_HERE " (not supported in this build)"

inline constexpr command_help help_texts[] = {
    {"generate-key-pair", "Generates a key-pair.",
     R"(Generates a key-pair for signing.)",
     "Keys are written to files, or to a Kubernetes Secret (k8s://); --kms creates the key in\n"
     "Vault/OpenBao transit (hashivault://), Azure Key Vault (azurekms://), AWS KMS behind an\n"
     "alias (awskms://[ENDPOINT]/alias/NAME) or Cloud KMS (gcpkms://); an existing AWS or Cloud\n"
     "KMS key is kept and its public key written, as cosign does. github:// and gitlab:// are\n"
     "refused. -y/--yes overwrites an existing key without asking (a cosign-cpp addition).",
     R"(  cosign-cpp generate-key-pair [--kms KMSPATH]

  # generate key-pair and write to cosign.key and cosign.pub files
  cosign-cpp generate-key-pair

  # generate key-pair and write to custom named my-name.key and my-name.pub files
  cosign-cpp generate-key-pair --output-key-prefix my-name

  # generate a key-pair in Azure Key Vault
  cosign-cpp generate-key-pair --kms azurekms://[VAULT_NAME][VAULT_URI]/[KEY]

  # generate a key-pair in AWS KMS
  cosign-cpp generate-key-pair --kms awskms://[ENDPOINT]/[ID/ALIAS/ARN]

  # generate a key-pair in Google Cloud KMS
  cosign-cpp generate-key-pair --kms gcpkms://projects/[PROJECT]/locations/global/keyRings/[KEYRING]/cryptoKeys/[KEY]

  # generate a key-pair in Hashicorp Vault
  cosign-cpp generate-key-pair --kms hashivault://[KEY]

  # generate a key-pair in Kubernetes Secret
  cosign-cpp generate-key-pair k8s://[NAMESPACE]/[NAME]

  # generate a key-pair in GitHub)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp generate-key-pair github://[OWNER]/[PROJECT_NAME]

  # generate a key-pair in GitLab with project name)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp generate-key-pair gitlab://[OWNER]/[PROJECT_NAME]

  # generate a key-pair in GitLab with project id)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp generate-key-pair gitlab://[PROJECT_ID]

CAVEATS:
  This command interactively prompts for a password. You can use
  the COSIGN_PASSWORD environment variable to provide one.)",
     "kms output-key-prefix"},

    {"public-key", "Gets a public key from the key-pair.",
     R"(Gets a public key from the key-pair and
writes to a specified file. By default, it will write to standard out.)",
     "--key takes a cosign private key file, env://VAR, pkcs11:, hashivault://, azurekms:// or\n"
     "k8s://; URLs and the other KMS URIs are refused.",
     R"(
  # extract public key from private key to a specified out file.
  cosign-cpp public-key --key <PRIVATE KEY FILE> --outfile <OUTPUT>

  # extract public key from URL.)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp public-key --key https://host.for/<FILE> --outfile <OUTPUT>

  # extract public key from Azure Key Vault
  cosign-cpp public-key --key azurekms://[VAULT_NAME][VAULT_URI]/[KEY]

  # extract public key from AWS KMS
  cosign-cpp public-key --key awskms://[ENDPOINT]/[ID/ALIAS/ARN]

  # extract public key from Google Cloud KMS
  cosign-cpp public-key --key gcpkms://projects/[PROJECT]/locations/global/keyRings/[KEYRING]/cryptoKeys/[KEY]

  # extract public key from Hashicorp Vault KMS
  cosign-cpp public-key --key hashivault://[KEY]

  # extract public key from GitLab with project name)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp public-key --key gitlab://[OWNER]/[PROJECT_NAME] <IMAGE>

  # extract public key from GitLab with project id)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp public-key --key gitlab://[PROJECT_ID] <IMAGE>)",
     "key outfile sk slot"},

    {"import-key-pair", "Imports a PEM-encoded RSA or EC private key.",
     R"(Imports a PEM-encoded RSA or EC private key for signing.)",
     "Also accepts the SEC1 \"EC PRIVATE KEY\" that `openssl ecparam -genkey` writes (cosign 2.5\n"
     "refuses it).",
     R"(  cosign-cpp import-key-pair  --key openssl.key --output-key-prefix my-key

  # import PEM-encoded RSA or EC private key and write to import-cosign.key and import-cosign.pub files
  cosign-cpp import-key-pair --key <key path>

  # import PEM-encoded RSA or EC private key and write to my-key.key and my-key.pub files
  cosign-cpp import-key-pair --key <key path> --output-key-prefix my-key

CAVEATS:
  This command interactively prompts for a password. You can use
  the COSIGN_PASSWORD environment variable to provide one.)",
     "key output-key-prefix yes"},

    {"sign", "Sign the supplied container image.",
     R"(Sign the supplied container image.

Make sure to sign the image by its digest (@sha256:...) rather than by tag
(:latest) so that you actually sign what you think you're signing! This prevents
race conditions or (worse) malicious tampering.)",
     "Sign with a key: --key takes a cosign key file, env://VAR, pkcs11:, hashivault://,\n"
     "azurekms:// or k8s://. Each signature is uploaded to\n"
     "the transparency log (Rekor v1 at --rekor-url) before anything is written to the registry,\n"
     "as in cosign; --tlog-upload=false skips it. Without --key, keyless: an ephemeral P-256 key\n"
     "(never written) certified by Fulcio (--fulcio-url; v2 API, legacy v1 when the server has only\n"
     "v1) for the identity token (--identity-token, SIGSTORE_ID_TOKEN, GitHub Actions, or the\n"
     "browser login against --oidc-issuer).",
     R"(  cosign-cpp sign --key <key path>|<kms uri> [--payload <path>] [-a key=value] [--upload=true|false] [-f] [-r] <image digest uri>

  # sign a container image with the Sigstore OIDC flow)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp sign <IMAGE DIGEST>

  # sign a container image with a local key pair file
  cosign-cpp sign --key cosign.key <IMAGE DIGEST>

  # sign a multi-arch container image AND all referenced, discrete images
  cosign-cpp sign --key cosign.key --recursive <MULTI-ARCH IMAGE DIGEST>

  # sign a container image and add annotations
  cosign-cpp sign --key cosign.key -a key1=value1 -a key2=value2 <IMAGE DIGEST>

  # sign a container image with a key stored in an environment variable
  cosign-cpp sign --key env://[ENV_VAR] <IMAGE DIGEST>

  # sign a container image with a key pair stored in Azure Key Vault
  cosign-cpp sign --key azurekms://[VAULT_NAME][VAULT_URI]/[KEY] <IMAGE DIGEST>

  # sign a container image with a key pair stored in AWS KMS
  cosign-cpp sign --key awskms://[ENDPOINT]/[ID/ALIAS/ARN] <IMAGE DIGEST>

  # sign a container image with a key pair stored in Google Cloud KMS
  cosign-cpp sign --key gcpkms://projects/[PROJECT]/locations/global/keyRings/[KEYRING]/cryptoKeys/[KEY]/versions/[VERSION] <IMAGE DIGEST>

  # sign a container image with a key pair stored in Hashicorp Vault
  cosign-cpp sign --key hashivault://[KEY] <IMAGE DIGEST>

  # sign a container image with a key pair stored in a Kubernetes secret
  cosign-cpp sign --key k8s://[NAMESPACE]/[KEY] <IMAGE DIGEST>

  # sign a container image with a key, attaching a certificate and certificate chain
  cosign-cpp sign --key cosign.key --cert cosign.crt --cert-chain chain.crt <IMAGE DIGEST>

  # sign a container in a registry which does not fully support OCI media types
  COSIGN_DOCKER_MEDIA_TYPES=1 cosign-cpp sign --key cosign.key legacy-registry.example.com/my/image@<DIGEST>

  # sign a container image and upload to the transparency log
  cosign-cpp sign --key cosign.key --tlog-upload=true <IMAGE DIGEST>

  # sign a container image and skip uploading to the transparency log
  cosign-cpp sign --key cosign.key --tlog-upload=false <IMAGE DIGEST>

  # sign a container image by manually setting the container image identity)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp sign --sign-container-identity <NEW IMAGE DIGEST> <IMAGE DIGEST>

  # sign a container image and honor the creation timestamp of the signature)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp sign --key cosign.key --record-creation-timestamp <IMAGE DIGEST>)",
     "allow-http-registry allow-insecure-registry annotations attachment attachment-tag-prefix certificate "
     "certificate-chain fulcio-auth-flow fulcio-url identity-token insecure-skip-verify issue-certificate "
     "k8s-keychain key oidc-client-id oidc-client-secret-file oidc-disable-ambient-providers oidc-issuer "
     "oidc-provider oidc-redirect-url output-certificate output-payload output-signature payload "
     "record-creation-timestamp recursive registry-cacert registry-client-cert registry-client-key "
     "registry-password registry-referrers-mode registry-server-name registry-token registry-username rekor-url "
     "sign-container-identity sk slot timestamp-client-cacert timestamp-client-cert timestamp-client-key "
     "timestamp-server-name timestamp-server-url tlog-upload upload yes"},

    {"verify", "Verify a signature on the supplied container image",
     R"(Verify signature and annotations on an image by checking the claims
against the transparency log.)",
     "Each signature's transparency-log entry is checked: its bundle offline (SET with the trusted\n"
     "Rekor key, from --trusted-root, SIGSTORE_REKOR_PUBLIC_KEY or the TUF cache of `initialize`),\n"
     "or, without one, a lookup at --rekor-url (--offline: none). --insecure-ignore-tlog skips it.\n"
     "--key takes a public key file, env://VAR, pkcs11: or a KMS URI. Without --key or --certificate: keyless, each\n"
     "layer's Fulcio certificate chained to a Fulcio CA of the same trust root, its embedded SCT\n"
     "checked with the trust root's CT log keys (--insecure-ignore-sct skips it), the identity\n"
     "flags (both kinds required; regular expressions in Go RE2 syntax, see README) and the\n"
     "certificate valid at the log's integratedTime. --certificate needs --certificate-chain, an\n"
     "identity, an OIDC issuer and --insecure-ignore-sct.",
     R"(  cosign-cpp verify --key <key path>|<key url>|<kms uri> <image uri> [<image uri> ...]

  # verify cosign claims and signing certificates on the image with the transparency log)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify <IMAGE>

  # verify multiple images
  cosign-cpp verify --key cosign.pub --insecure-ignore-tlog <IMAGE_1> <IMAGE_2> ...

  # additionally verify specified annotations
  cosign-cpp verify --key cosign.pub --insecure-ignore-tlog -a key1=val1 -a key2=val2 <IMAGE>

  # verify image with an on-disk public key
  cosign-cpp verify --key cosign.pub --insecure-ignore-tlog <IMAGE>

  # verify image with an on-disk public key, manually specifying the
  # signature digest algorithm)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --key cosign.pub --signature-digest-algorithm sha512 <IMAGE>

  # verify image with an on-disk signed image from 'cosign save')" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --key cosign.pub --local-image <PATH>

  # verify image with local certificate and certificate chain
  cosign-cpp verify --cert cosign.crt --cert-chain chain.crt --certificate-identity foo@example.com --certificate-oidc-issuer https://issuer.example.com --insecure-ignore-sct --insecure-ignore-tlog <IMAGE>

  # verify image with local certificate and certificate bundles of CA roots
  # and (optionally) CA intermediates)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --cert cosign.crt --ca-roots ca-roots.pem --ca-intermediates ca-intermediates.pem <IMAGE>

  # verify image using keyless verification with the given certificate
  # chain and identity parameters, without Fulcio roots (for BYO PKI):)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --cert-chain chain.crt --certificate-oidc-issuer https://issuer.example.com --certificate-identity foo@example.com <IMAGE>

  # verify image with public key provided by URL)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --key https://host.for/[FILE] <IMAGE>

  # verify image with a key stored in an environment variable
  cosign-cpp verify --key env://[ENV_VAR] --insecure-ignore-tlog <IMAGE>

  # verify image with public key stored in Google Cloud KMS
  cosign-cpp verify --key gcpkms://projects/[PROJECT]/locations/global/keyRings/[KEYRING]/cryptoKeys/[KEY] <IMAGE>

  # verify image with public key stored in Hashicorp Vault
  cosign-cpp verify --key hashivault://[KEY] <IMAGE>

  # verify image with public key stored in a Kubernetes secret
  cosign-cpp verify --key k8s://[NAMESPACE]/[KEY] <IMAGE>

  # verify image with public key stored in GitLab with project name)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --key gitlab://[OWNER]/[PROJECT_NAME] <IMAGE>

  # verify image with public key stored in GitLab with project id)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify --key gitlab://[PROJECT_ID] <IMAGE>)",
     "allow-http-registry allow-insecure-registry annotations attachment attachment-tag-prefix ca-intermediates "
     "ca-roots certificate certificate-chain certificate-github-workflow-name certificate-github-workflow-ref "
     "certificate-github-workflow-repository certificate-github-workflow-sha certificate-github-workflow-trigger "
     "certificate-identity certificate-identity-regexp certificate-oidc-issuer certificate-oidc-issuer-regexp "
     "check-claims experimental-oci11 insecure-ignore-sct insecure-ignore-tlog k8s-keychain key local-image "
     "max-workers new-bundle-format offline output payload private-infrastructure registry-cacert "
     "registry-client-cert registry-client-key registry-password registry-server-name registry-token "
     "registry-username rekor-url sct signature signature-digest-algorithm sk slot timestamp-certificate-chain "
     "trusted-root use-signed-timestamps"},

    {"generate", "Generates (unsigned) signature payloads from the supplied container image.",
     R"(Generates an unsigned payload from the supplied container image and flags.
This payload matches the one generated by the "cosign sign" command and can be used if you need
to sign payloads with your own tooling or algorithms.)",
     "",
     R"(  cosign-cpp generate [--a key=value] <image uri>

  # Generate a simple payload for an image
  cosign-cpp generate <IMAGE>

  # Generate a payload with specific annotations
  cosign-cpp generate -a foo=bar <IMAGE>

  # Use this payload in another tool
  gpg --output image.sig --detach-sig <(cosign-cpp generate <IMAGE>))",
     "allow-http-registry allow-insecure-registry annotations attachment-tag-prefix k8s-keychain registry-cacert "
     "registry-client-cert registry-client-key registry-password registry-server-name registry-token "
     "registry-username"},

    {"triangulate",
     "Outputs the located cosign image reference. This is the location where cosign stores the specified "
     "artifact type.",
     "", "",
     R"(  cosign-cpp triangulate <IMAGE>)",
     "allow-http-registry allow-insecure-registry attachment-tag-prefix k8s-keychain registry-cacert "
     "registry-client-cert registry-client-key registry-password registry-server-name registry-token "
     "registry-username type"},

    {"attach", "Provides utilities for attaching artifacts to other artifacts in a registry", "",
     "Only `attach signature` is built; `attach attestation` and `attach sbom` are not.", "", ""},

    {"attach signature", "Attach signatures to the supplied container image", "",
     "--signature takes a file, - for standard input, or the base64 signature itself (as cosign's\n"
     "signing page shows). With --certificate, the signature must verify over the payload with the\n"
     "certificate's key; a --rekor-response bundle must record this signature. Timestamps (--tsr)\n"
     "are not supported.",
     R"(  cosign-cpp attach signature [--payload <path>] [--signature < path>] [--rekor-response < path>] <image uri>

  cosign-cpp attach signature command attaches payload, signature, rekor-bundle, etc in a new layer of provided image.

  # Attach signature can attach payload to a supplied image
  cosign-cpp attach signature --payload <payload.json>  $IMAGE

  # Attach signature can attach payload, signature to a supplied image
  cosign-cpp attach signature --payload <payload.json> --signature <base64 signature file> $IMAGE

  # Attach signature can attach payload, signature, time stamped response to a supplied image)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp attach signature --payload <payload.json> --signature <base64 signature file> --tsr=<file> $IMAGE

  # Attach signature attaches payload, signature and rekor-bundle via rekor-response to a supplied image
  cosign-cpp attach signature --payload <payload.json> --signature <base64 signature file>  --rekor-response <proper rekor-response format file> $IMAGE

  # Attach signature attaches payload, signature and rekor-bundle directly to a supplied image)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp attach signature --payload <payload.json> --signature <base64 signature file>  --rekor-response <rekor-bundle file> $IMAGE)",
     "allow-http-registry allow-insecure-registry attachment-tag-prefix certificate certificate-chain k8s-keychain "
     "payload registry-cacert registry-client-cert registry-client-key registry-password registry-server-name "
     "registry-token registry-username rekor-response signature tsr"},

    {"clean", "Remove all signatures from an image.", "",
     "The first deletion the registry refuses stops the command with an error (exit 1), so nothing\n"
     "after it is removed; -y is accepted beside cosign's -f.",
     R"(  cosign-cpp clean <IMAGE>)",
     "allow-http-registry allow-insecure-registry attachment-tag-prefix force k8s-keychain registry-cacert "
     "registry-client-cert registry-client-key registry-password registry-server-name registry-token "
     "registry-username type"},

    {"sign-blob", "Sign the supplied blob, outputting the base64-encoded signature to stdout.", "",
     "Sign with a key (--key FILE, env://VAR, pkcs11: or a KMS URI), or keyless (no --key: a Fulcio\n"
     "certificate for the identity token; --issue-certificate certifies a --key). The signature is\n"
     "logged in Rekor (--rekor-url) unless --tlog-upload=false; --bundle writes cosign's legacy\n"
     "bundle, or with --new-bundle-format (--key only) the Sigstore bundle v0.3 cosign 3 writes.",
     R"(  cosign-cpp sign-blob --key <key path>|<kms uri> <blob>

  # sign a blob with Google sign-in (experimental))" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp sign-blob <FILE> --output-signature <FILE> --output-certificate <FILE>

  # sign a blob with a local key pair file
  cosign-cpp sign-blob --key cosign.key <FILE>

  # sign a blob with a key stored in an environment variable
  cosign-cpp sign-blob --key env://[ENV_VAR] <FILE>

  # sign a blob with a key pair stored in Azure Key Vault
  cosign-cpp sign-blob --key azurekms://[VAULT_NAME][VAULT_URI]/[KEY] <FILE>

  # sign a blob with a key pair stored in AWS KMS
  cosign-cpp sign-blob --key awskms://[ENDPOINT]/[ID/ALIAS/ARN] <FILE>

  # sign a blob with a key pair stored in Google Cloud KMS
  cosign-cpp sign-blob --key gcpkms://projects/[PROJECT]/locations/global/keyRings/[KEYRING]/cryptoKeys/[KEY] <FILE>

  # sign a blob with a key pair stored in Hashicorp Vault
  cosign-cpp sign-blob --key hashivault://[KEY] <FILE>)",
     "b64 bundle fulcio-auth-flow fulcio-url identity-token insecure-skip-verify issue-certificate key "
     "new-bundle-format oidc-client-id oidc-client-secret-file oidc-disable-ambient-providers oidc-issuer "
     "oidc-provider oidc-redirect-url output output-certificate output-signature rekor-url rfc3161-timestamp sk "
     "slot timestamp-client-cacert timestamp-client-cert timestamp-client-key timestamp-server-name "
     "timestamp-server-url tlog-upload yes"},

    {"verify-blob", "Verify a signature on the supplied blob",
     R"(Verify a signature on the supplied blob input using the specified key reference.
You may specify either a key, a certificate or a kms reference to verify against.
  If you use a key or a certificate, you must specify the path to them on disk.

The signature may be specified as a path to a file or a base64 encoded string.
The blob may be specified as a path to a file or - for stdin.)",
     "Verify with a public key (--key) or a certificate (--certificate: chained to the trust root's\n"
     "Fulcio CAs, or to --certificate-chain; its SCT and the identity flags checked). The\n"
     "transparency-log entry comes from cosign's legacy --bundle (base64Signature, rekorBundle) and is\n"
     "checked offline, or is looked up in Rekor. A Sigstore bundle (--new-bundle-format, implied when\n"
     "the --bundle file is one, as cosign 3) is verified with --key, or keyless with the identity\n"
     "flags (its certificate against the trust root's Fulcio CAs and CT logs); the blob may be\n"
     "sha256:<hex>. URLs and timestamps are not built yet.",
     R"( cosign-cpp verify-blob (--key <key path>|<key url>|<kms uri>)|(--certificate <cert>) --signature <sig> <blob>

  # Verify a simple blob and message
  cosign-cpp verify-blob --key cosign.pub --insecure-ignore-tlog (--signature <sig path>|<sig url> msg)

  # Verify a signature with certificate and CA certificate chain
  cosign-cpp verify-blob --certificate cert.pem --certificate-chain certchain.pem --signature $sig <blob>

  # Verify a signature with CA roots and optional intermediate certificates)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify-blob --certificate cert.pem --ca-roots caroots.pem [--ca-intermediates caintermediates.pem] --signature $sig <blob>

  # Verify a signature from an environment variable
  cosign-cpp verify-blob --key cosign.pub --insecure-ignore-tlog --signature $sig msg

  # verify a signature with public key provided by URL)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify-blob --key https://host.for/<FILE> --signature $sig msg

  # verify a signature with signature and key provided by URL)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify-blob --key https://host.for/<FILE> --signature https://example.com/<SIG>

  # Verify a signature against Azure Key Vault
  cosign-cpp verify-blob --key azurekms://[VAULT_NAME][VAULT_URI]/[KEY] --signature $sig <blob>

  # Verify a signature against AWS KMS
  cosign-cpp verify-blob --key awskms://[ENDPOINT]/[ID/ALIAS/ARN] --signature $sig <blob>

  # Verify a signature against Google Cloud KMS
  cosign-cpp verify-blob --key gcpkms://projects/[PROJECT ID]/locations/[LOCATION]/keyRings/[KEYRING]/cryptoKeys/[KEY] --signature $sig <blob>

  # Verify a signature against Hashicorp Vault
  cosign-cpp verify-blob --key hashivault://[KEY] --signature $sig <blob>

  # Verify a signature against GitLab with project name)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify-blob --key gitlab://[OWNER]/[PROJECT_NAME]  --signature $sig <blob>

  # Verify a signature against GitLab with project id)" COSIGN_CLI_NOT_HERE R"(
  cosign-cpp verify-blob --key gitlab://[PROJECT_ID]  --signature $sig <blob>

  # Verify a signature against a certificate
  cosign-cpp verify-blob --certificate <cert> --signature $sig <blob>)",
     "bundle ca-intermediates ca-roots certificate certificate-chain certificate-github-workflow-name "
     "certificate-github-workflow-ref certificate-github-workflow-repository certificate-github-workflow-sha "
     "certificate-github-workflow-trigger certificate-identity certificate-identity-regexp certificate-oidc-issuer "
     "certificate-oidc-issuer-regexp experimental-oci11 insecure-ignore-sct insecure-ignore-tlog key max-workers "
     "new-bundle-format offline private-infrastructure rekor-url rfc3161-timestamp sct signature sk slot "
     "timestamp-certificate-chain trusted-root use-signed-timestamps"},

    {"initialize", "Initializes SigStore root to retrieve trusted certificate and key targets for verification.",
     R"(Initializes SigStore root to retrieve trusted certificate and key targets for verification.

The following options are used by default:
 - The current trusted Sigstore TUF root is embedded inside cosign at the time of release.
 - SigStore remote TUF repository is pulled from the CDN mirror at tuf-repo-cdn.sigstore.dev.

To provide an out-of-band trusted initial root.json, use the -root flag with a file or URL reference.
This will enable you to point cosign to a separate TUF root.

Any updated TUF repository will be written to $HOME/.sigstore/root/.

Trusted keys and certificate used in cosign verification (e.g. verifying Fulcio issued certificates
with Fulcio root CA) are pulled form the trusted metadata.)",
     "A TUF 1.0 client (root rotation, thresholds, expiry, rollback, lengths and hashes, consistent\n"
     "snapshots) writing cosign 3's cache layout under $TUF_ROOT or ~/.sigstore/root; --mirror must\n"
     "be an http(s) URL and --root a file (a root by URL, and file:/// mirrors, are refused).",
     R"(  cosign-cpp initialize --mirror <url> --out <file>

  # initialize root with distributed root keys, default mirror, and default out path.
  cosign-cpp initialize

  # initialize with an out-of-band root key file, using the default mirror.
  cosign-cpp initialize --root <file>

  # initialize with an out-of-band root key file and custom repository mirror.
  cosign-cpp initialize --mirror <url> --root <file>

  # initialize with an out-of-band root key file and custom repository mirror while verifying root checksum.
  cosign-cpp initialize --mirror <url> --root <file> --root-checksum <sha256>)",
     "mirror root root-checksum"},

    {"pkcs11-tool", "Provides utilities for retrieving information from a PKCS11 token.", "", "", "", ""},

    {"pkcs11-tool list-keys-uris", "list-keys-uris lists URIs of all keys in a PKCS11 token", "",
     "The URIs printed never carry the PIN (cosign adds pin-value=); the module is loaded with dlopen\n"
     "(an absolute path to a regular file).",
     R"(  cosign-cpp pkcs11-tool list-keys-uris --module-path /usr/lib/softhsm/libsofthsm2.so --slot-id 1 --pin 1234)",
     "module-path pin slot-id"},

    {"pkcs11-tool list-tokens", "list-tokens lists all PKCS11 tokens linked to a PKCS11 module", "", "",
     R"(  cosign-cpp pkcs11-tool list-tokens --module-path /usr/lib/softhsm/libsofthsm2.so)",
     "module-path"},

    {"version", "Prints the version", "", "", "", "json"},
};

#undef COSIGN_CLI_NOT_HERE

/// cosign 2.5's commands that this build does not have (the root help lists them).
inline constexpr std::string_view cosign_commands_not_here =
    "attest attest-blob bundle completion copy dockerfile download env load login manifest save tree "
    "trusted-root upload verify-attestation verify-blob-attestation";

/// The help texts of one command ("sign", "attach signature"), or nullptr.
inline const command_help* find_help(std::string_view path) {
    for (const auto& h : help_texts)
        if (h.path == path) return &h;
    return nullptr;
}

/// The words of a space-separated list.
inline std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

/// A flag's default as cosign's help shows it: strings quoted, slices as [].
inline std::string help_default(const flag& f) {
    switch (f.type) {
        case kind::boolean: return f.default_value.empty() ? "false" : f.default_value;
        case kind::slice: return "[]";
        case kind::number: return f.default_value.empty() ? "0" : f.default_value;
        case kind::string: break;
    }
    return "'" + f.default_value + "'";
}

/// The "Flags:" block in cosign's layout: sorted by name, `-h, --help` included.
inline void print_flags(std::ostream& os, std::vector<flag> spec, std::string_view command) {
    spec.push_back({"help", 'h', kind::boolean, "", "help for " + std::string(command)});
    std::sort(spec.begin(), spec.end(), [](const flag& a, const flag& b) { return a.name < b.name; });
    os << "Flags:\n";
    for (std::size_t i = 0; i < spec.size(); ++i) {
        const flag& f = spec[i];
        os << "    ";
        if (f.shorthand) os << '-' << f.shorthand << ", ";
        os << "--" << f.name << '=' << help_default(f) << ":\n\t" << f.help << "\n";
        if (i + 1 < spec.size()) os << "\n";
    }
}

/// The cosign flags of a command this build does not support: cosign's (global ones included)
/// that the table lacks, and those the table accepts only to refuse (`--flag=true` for a
/// boolean, whose false is the default and does nothing).
inline std::vector<std::string> unsupported_flags(const command_help& h, const std::vector<flag>& spec) {
    std::vector<std::string> names = split_words(h.cosign_flags), out;
    for (auto& g : split_words(cosign_global_flags)) names.push_back(g);
    for (const auto& n : names) {
        bool here = false;
        for (const auto& f : spec) here = here || f.name == n;
        if (!here) out.push_back("--" + n);
    }
    for (const auto& f : spec)
        if (f.unsupported) out.push_back("--" + f.name + (f.type == kind::boolean ? "=true" : ""));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

/// Prints a comma-separated list wrapped under an indent, as one paragraph.
inline void print_wrapped(std::ostream& os, const std::vector<std::string>& words, std::size_t width = 100) {
    std::size_t col = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string w = words[i] + (i + 1 < words.size() ? "," : "");
        if (col == 0) {
            os << "    " << w;
            col = 4 + w.size();
        } else if (col + 1 + w.size() > width) {
            os << "\n    " << w;
            col = 4 + w.size();
        } else {
            os << ' ' << w;
            col += 1 + w.size();
        }
    }
    os << "\n";
}

/// The "In this build:" paragraph, indented as cosign's CAVEATS.
inline void print_this_build(std::ostream& os, const command_help& h) {
    if (h.this_build.empty()) return;
    os << "In this build:\n  ";
    for (char c : h.this_build) os << c << (c == '\n' ? "  " : "");
    os << "\n\n";
}

/// `cosign-cpp CMD --help`: description, how this build differs, usage, examples, flags, and
/// the cosign flags this build does not support.
inline void print_command_help(std::ostream& os, const command_help& h, const std::vector<flag>& spec) {
    os << (h.long_text.empty() ? h.short_text : h.long_text) << "\n\n";
    print_this_build(os, h);
    os << "Usage:\ncosign-cpp " << h.path << " [flags]\n\n";
    if (!h.examples.empty()) os << "Examples:\n" << h.examples << "\n\n";
    print_flags(os, spec, h.path.substr(h.path.rfind(' ') + 1));
    auto missing = unsupported_flags(h, spec);
    if (!missing.empty()) {
        os << "\nNot supported in this build (cosign flags this command refuses):\n";
        print_wrapped(os, missing);
    }
}

/// A command group's help (`attach`): its subcommands, and cosign's that this build lacks.
inline void print_group_help(std::ostream& os, const command_help& h,
                             const std::vector<std::pair<std::string, std::string>>& subcommands,
                             const std::vector<std::string>& not_here) {
    os << h.short_text << "\n\n";
    print_this_build(os, h);
    os << "Usage:\ncosign-cpp " << h.path << " [command]\n\nAvailable Commands:\n";
    std::size_t pad = 0;
    for (const auto& s : subcommands) pad = std::max(pad, s.first.size());
    for (const auto& s : subcommands) os << s.first << std::string(pad + 1 - s.first.size(), ' ') << s.second << "\n";
    os << "\n";
    print_flags(os, {}, h.path);
    if (!not_here.empty()) {
        os << "\nNot supported in this build (cosign commands):\n";
        print_wrapped(os, not_here);
    }
    os << "\nUse \"cosign-cpp " << h.path << " [command] --help\" for more information about a command.\n";
}

}  // namespace cli
