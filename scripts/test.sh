#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# test.sh [--quick]: installs what is missing, builds, and runs every test.
#
#   1. Debian packages (scripts/deps.sh), the real cosign 2.x/3.x and crane (scripts/get-cosign.sh),
#      a sigstore-capable skopeo (scripts/get-skopeo.sh): each only when missing (a check of well
#      under a second when everything is there; --quick needs no clang and no Bazel);
#   2. unit tests built with clang and AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/);
#   3. unit, two-TU and compile-fail tests built against the single header (build-single/);
#   4. the library, the CLI and the examples with -fno-exceptions -fno-rtti (build-noexcept/);
#   5. the CMake consumer projects: find_package, add_subdirectory, FetchContent, pkg-config
#      (tests/consumers/run.sh, in a temporary directory);
#   6. Bazel 4.2.3 offline: bazel build //... and bazel test //... (output in build-bazel/);
#  6b. Release and Debug builds with g++ and clang++ under -DCOSIGN_USER_WARNINGS=ON (-Wpedantic
#      -Wshadow -Wconversion as errors) of the CLI, the examples, the two-TU program and (Release)
#      the unit tests, which run once in the g++ Release build; that build is then installed
#      (cmake --install) into a temporary prefix whose files are checked (scripts/build-matrix.sh);
#   7. the libFuzzer targets in fuzz/, a bounded smoke run each (scripts/fuzz.sh);
#   8. the integration tests (fault injection and 16 racing signers included) against the CLI
#      built with ASan+UBSan (build-asan-it/);
#  8b. mbedTLS 3.6 LTS built from Debian 13's source (scripts/mbedtls36.sh, cached): the unit tests
#      over crypto::mbedtls and crypto::psa, the examples (verify_on_device and verify_on_device_psa
#      over TLS), and the interop tests with the real cosign (the CLI, and crypto::psa with
#      persistent PSA keys) against it (build-36/);
#   9. the full build with g++ (build/): unit, compile-fail, two-TU, single-header freshness and
#      integration tests against a real registry, the real cosign and skopeo. Its ctest summary
#      is the last thing printed.
# --quick skips steps 2 to 8b. Exit status: non-zero if any step failed.
# Environment: JOBS (parallel jobs, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ "$QUICK" = 1 ]; then scripts/deps.sh --quick; else scripts/deps.sh; fi
COSIGN_TOOLS_DIR=$(scripts/get-cosign.sh | tail -n1)
export COSIGN_TOOLS_DIR
SKOPEO_SIGSTORE=$(scripts/get-skopeo.sh | tail -n1)
export SKOPEO_SIGSTORE

status=0
if [ "$QUICK" = 0 ]; then
  echo "== unit tests under ASan+UBSan (clang) =="
  cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCOSIGN_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$JOBS" --target cosign_unit_tests cosign_two_tu
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest -L unit -j "$JOBS" --output-on-failure) || status=1

  echo "== unit, two-TU and compile-fail tests against single_include/cosign/cosign.hpp =="
  cmake -S . -B build-single -DCOSIGN_USE_SINGLE_HEADER=ON -DCOSIGN_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build build-single -j "$JOBS" --target cosign_unit_tests cosign_two_tu
  (cd build-single && ctest -LE integration -j "$JOBS" --output-on-failure) || status=1

  echo "== -fno-exceptions -fno-rtti: the library, the CLI and the examples =="
  cmake -S . -B build-noexcept -DCOSIGN_NO_EXCEPTIONS=ON >/dev/null
  { cmake --build build-noexcept -j "$JOBS" && (cd build-noexcept && ctest --output-on-failure); } || status=1

  echo "== CMake consumers: find_package(cosign CONFIG), add_subdirectory, FetchContent, pkg-config =="
  JOBS=$JOBS tests/consumers/run.sh || status=1

  echo "== Bazel (bazel-bootstrap 4.2.3, offline): bazel build //... && bazel test //... =="
  BAZEL=(bazel --output_user_root="$PWD/build-bazel/root")
  { "${BAZEL[@]}" build --jobs="$JOBS" //... && "${BAZEL[@]}" test --jobs="$JOBS" //...; } || status=1
  "${BAZEL[@]}" shutdown || true

  echo "== Release and Debug, g++ and clang++, -Wpedantic -Wshadow -Wconversion; install from g++ Release =="
  JOBS=$JOBS scripts/build-matrix.sh || status=1
fi

if [ "$QUICK" = 0 ]; then
  echo "== fuzz smoke run: every fuzz/ target, ${FUZZ_RUNS:-20000} inputs from its committed corpus (clang libFuzzer) =="
  scripts/fuzz.sh --runs "${FUZZ_RUNS:-20000}" --jobs "$JOBS" || status=1

  echo "== integration tests with the CLI built with ASan+UBSan (clang; faults and races included) =="
  # Sanitizer reports go to files as well as failing the process with exit 86, so that a test
  # expecting "any failure" cannot mistake a sanitizer abort for one.
  cmake -S . -B build-asan-it -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCOSIGN_SANITIZE=ON >/dev/null
  rm -rf build-asan-it/sanitizer-logs && mkdir -p build-asan-it/sanitizer-logs
  # The CLI, every example (the examples test runs them) and the Rekor and OIDC checkers that
  # test_rekor_client.sh and test_oidc.sh drive; not the unit tests: build-asan/ has them.
  if cmake --build build-asan-it/examples -j "$JOBS" &&
     cmake --build build-asan-it --target cosign_rekor_check cosign_oidc_check -j "$JOBS"; then
    (cd build-asan-it && \
       ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$PWD/sanitizer-logs/asan" \
       UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$PWD/sanitizer-logs/ubsan" \
       RACE_ROUNDS=1 ctest -L integration -j "$JOBS" --output-on-failure) || status=1
    if [ -n "$(ls -A build-asan-it/sanitizer-logs)" ]; then
      echo "FAIL: sanitizer reports in build-asan-it/sanitizer-logs:"; head -n 40 build-asan-it/sanitizer-logs/*
      status=1
    fi
  else
    status=1
  fi
fi

if [ "$QUICK" = 0 ]; then
  echo "== mbedTLS 3.6 LTS (scripts/mbedtls36.sh): unit tests over crypto::mbedtls and crypto::psa, examples, interop =="
  t36=$(date +%s)
  if MBEDTLS36=$(scripts/mbedtls36.sh | tail -n1) && [ -n "$MBEDTLS36" ]; then
    cmake -S . -B build-36 -DCOSIGN_MBEDTLS_ROOT="$MBEDTLS36" >/dev/null
    if cmake --build build-36 -j "$JOBS" --target cosign_unit_tests cosign_two_tu cosign-cpp sign_image \
         verify_on_device verify_on_device_psa custom_key_source cosign_psa_check; then
      (cd build-36 && ctest -L unit -j "$JOBS" --output-on-failure &&
         ctest -R '^(two_translation_units_link|integration_test_(examples|sign_verify_interop|psa_interop))$' \
           --output-on-failure) || status=1
    else
      status=1
    fi
  else
    echo "FAIL: scripts/mbedtls36.sh could not build mbedTLS 3.6"; status=1
  fi
  echo "mbedTLS 3.6 step: $(( $(date +%s) - t36 )) s"
fi

echo "== full build and every test (g++) =="
cmake -S . -B build -DCOSIGN_BUILD_TESTS=ON -DCOSIGN_BUILD_EXAMPLES=ON >/dev/null   # quickstart.sh may have left them off
cmake --build build -j "$JOBS"
[ "$status" = 0 ] || echo "NOTE: an earlier step (sanitizers or single header) failed; see above."
cd build
ctest -j "$JOBS" --output-on-failure || status=1
exit "$status"
