"""Offline stub of @rules_java//java:defs.bzl for Bazel 4.2.3 (cosign-cpp builds no Java)."""
java_binary = native.java_binary
java_import = native.java_import
java_library = native.java_library
java_runtime = native.java_runtime
java_toolchain = native.java_toolchain
