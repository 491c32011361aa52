// SPDX-License-Identifier: Apache-2.0
// examples/custom_key_source.cpp with its key source's load() left out: the compiler must say so
// in one line that spells the missing member.
// clang-format off
// EXPECT: key source: missing `static result<signer_type> load(std::string_view key_ref, const password_fn& pw)`
// clang-format on
#define CUSTOM_KEY_SOURCE_WITHOUT_LOAD 1
#include "../../examples/custom_key_source.cpp"
