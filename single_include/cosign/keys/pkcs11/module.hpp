// SPDX-License-Identifier: Apache-2.0
/// A PKCS#11 module loaded at run time (dlopen + C_GetFunctionList), with the few Cryptoki
/// types, constants and the CK_FUNCTION_LIST layout it needs declared here from the OASIS
/// PKCS#11 v2.40 specification, so that no pkcs11.h is needed. POSIX (Unix ABI: no packing).
#pragma once
// Generated from include/cosign/keys/pkcs11/module.hpp: a backend policy, kept out of cosign.hpp.

#include <dlfcn.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp

namespace cosign {
inline namespace v0 {
namespace detail {
/// Cryptoki (PKCS#11 v2.40) declarations, in snake_case so that they never meet the CK_*
/// macros of a pkcs11.h the program may include too.
namespace p11 {

using ck_ulong = unsigned long;
using ck_rv = ck_ulong;
using ck_slot_id = ck_ulong;
using ck_session_handle = ck_ulong;
using ck_object_handle = ck_ulong;
using ck_flags = ck_ulong;

struct ck_version {
    unsigned char major;
    unsigned char minor;
};

struct ck_token_info {
    unsigned char label[32];
    unsigned char manufacturer_id[32];
    unsigned char model[16];
    unsigned char serial_number[16];
    ck_flags flags;
    ck_ulong max_session_count, session_count, max_rw_session_count, rw_session_count;
    ck_ulong max_pin_len, min_pin_len;
    ck_ulong total_public_memory, free_public_memory, total_private_memory, free_private_memory;
    ck_version hardware_version;
    ck_version firmware_version;
    unsigned char utc_time[16];
};

struct ck_attribute {
    ck_ulong type;
    void* value;
    ck_ulong value_len;
};

struct ck_mechanism {
    ck_ulong mechanism;
    void* parameter;
    ck_ulong parameter_len;
};

/// CK_C_INITIALIZE_ARGS: no mutex callbacks, CKF_OS_LOCKING_OK (the module may be called from
/// several threads, as signers on different threads do).
struct ck_c_initialize_args {
    void* create_mutex;
    void* destroy_mutex;
    void* lock_mutex;
    void* unlock_mutex;
    ck_ulong flags;
    void* reserved;
};

using unused_fn = ck_rv (*)();

/// CK_FUNCTION_LIST up to C_Sign (the module owns the struct; only its prefix is read).
struct ck_function_list {
    ck_version version;
    ck_rv (*C_Initialize)(void* init_args);
    ck_rv (*C_Finalize)(void* reserved);
    unused_fn C_GetInfo;
    unused_fn C_GetFunctionList;
    ck_rv (*C_GetSlotList)(unsigned char token_present, ck_slot_id* list, ck_ulong* count);
    unused_fn C_GetSlotInfo;
    ck_rv (*C_GetTokenInfo)(ck_slot_id slot, ck_token_info* info);
    unused_fn C_GetMechanismList;
    unused_fn C_GetMechanismInfo;
    unused_fn C_InitToken;
    unused_fn C_InitPIN;
    unused_fn C_SetPIN;
    ck_rv (*C_OpenSession)(ck_slot_id slot, ck_flags flags, void* app, void* notify, ck_session_handle* s);
    ck_rv (*C_CloseSession)(ck_session_handle s);
    unused_fn C_CloseAllSessions;
    unused_fn C_GetSessionInfo;
    unused_fn C_GetOperationState;
    unused_fn C_SetOperationState;
    ck_rv (*C_Login)(ck_session_handle s, ck_ulong user_type, const unsigned char* pin, ck_ulong pin_len);
    ck_rv (*C_Logout)(ck_session_handle s);
    unused_fn C_CreateObject;
    unused_fn C_CopyObject;
    unused_fn C_DestroyObject;
    unused_fn C_GetObjectSize;
    ck_rv (*C_GetAttributeValue)(ck_session_handle s, ck_object_handle o, ck_attribute* t, ck_ulong n);
    unused_fn C_SetAttributeValue;
    ck_rv (*C_FindObjectsInit)(ck_session_handle s, ck_attribute* t, ck_ulong n);
    ck_rv (*C_FindObjects)(ck_session_handle s, ck_object_handle* out, ck_ulong max, ck_ulong* n);
    ck_rv (*C_FindObjectsFinal)(ck_session_handle s);
    unused_fn C_EncryptInit, C_Encrypt, C_EncryptUpdate, C_EncryptFinal;
    unused_fn C_DecryptInit, C_Decrypt, C_DecryptUpdate, C_DecryptFinal;
    unused_fn C_DigestInit, C_Digest, C_DigestUpdate, C_DigestKey, C_DigestFinal;
    ck_rv (*C_SignInit)(ck_session_handle s, ck_mechanism* m, ck_object_handle key);
    ck_rv (*C_Sign)(ck_session_handle s, const unsigned char* data, ck_ulong len, unsigned char* sig,
                    ck_ulong* sig_len);
};

using get_function_list_fn = ck_rv (*)(ck_function_list** out);

inline constexpr ck_rv ckr_ok = 0x0;
inline constexpr ck_rv ckr_slot_id_invalid = 0x3;
inline constexpr ck_rv ckr_general_error = 0x5;
inline constexpr ck_rv ckr_function_failed = 0x6;
inline constexpr ck_rv ckr_arguments_bad = 0x7;
inline constexpr ck_rv ckr_cant_lock = 0xa;
inline constexpr ck_rv ckr_attribute_type_invalid = 0x12;
inline constexpr ck_rv ckr_device_error = 0x30;
inline constexpr ck_rv ckr_key_type_inconsistent = 0x63;
inline constexpr ck_rv ckr_mechanism_invalid = 0x70;
inline constexpr ck_rv ckr_pin_incorrect = 0xa0;
inline constexpr ck_rv ckr_pin_len_range = 0xa2;
inline constexpr ck_rv ckr_pin_expired = 0xa3;
inline constexpr ck_rv ckr_pin_locked = 0xa4;
inline constexpr ck_rv ckr_token_not_present = 0xe0;
inline constexpr ck_rv ckr_token_not_recognized = 0xe1;
inline constexpr ck_rv ckr_user_already_logged_in = 0x100;
inline constexpr ck_rv ckr_user_not_logged_in = 0x101;
inline constexpr ck_rv ckr_user_pin_not_initialized = 0x102;
inline constexpr ck_rv ckr_buffer_too_small = 0x150;
inline constexpr ck_rv ckr_cryptoki_already_initialized = 0x191;

inline constexpr ck_flags ckf_os_locking_ok = 1UL << 1;    // C_Initialize flag
inline constexpr ck_flags ckf_login_required = 1UL << 2;    // token flag
inline constexpr ck_flags ckf_serial_session = 1UL << 2;    // session flag
inline constexpr ck_ulong cku_user = 1;
inline constexpr ck_ulong cko_certificate = 1, cko_public_key = 2, cko_private_key = 3;
inline constexpr ck_ulong ckk_rsa = 0, ckk_ec = 3;
inline constexpr ck_ulong cka_class = 0x0, cka_label = 0x3, cka_value = 0x11, cka_key_type = 0x100,
                          cka_id = 0x102, cka_modulus = 0x120, cka_public_exponent = 0x122,
                          cka_ec_params = 0x180, cka_ec_point = 0x181;
inline constexpr ck_ulong ckm_rsa_pkcs = 0x1, ckm_ecdsa = 0x1041;
inline constexpr ck_ulong ck_unavailable_information = ~0UL;

/// The name of a return value, for messages: "CKR_PIN_INCORRECT (0xa0)".
inline std::string rv_name(ck_rv rv) {
    const char* name = nullptr;
    switch (rv) {
        case ckr_slot_id_invalid: name = "CKR_SLOT_ID_INVALID"; break;
        case ckr_general_error: name = "CKR_GENERAL_ERROR"; break;
        case ckr_function_failed: name = "CKR_FUNCTION_FAILED"; break;
        case ckr_arguments_bad: name = "CKR_ARGUMENTS_BAD"; break;
        case ckr_attribute_type_invalid: name = "CKR_ATTRIBUTE_TYPE_INVALID"; break;
        case ckr_device_error: name = "CKR_DEVICE_ERROR"; break;
        case ckr_key_type_inconsistent: name = "CKR_KEY_TYPE_INCONSISTENT"; break;
        case ckr_mechanism_invalid: name = "CKR_MECHANISM_INVALID"; break;
        case ckr_pin_incorrect: name = "CKR_PIN_INCORRECT"; break;
        case ckr_pin_len_range: name = "CKR_PIN_LEN_RANGE"; break;
        case ckr_pin_expired: name = "CKR_PIN_EXPIRED"; break;
        case ckr_pin_locked: name = "CKR_PIN_LOCKED"; break;
        case ckr_token_not_present: name = "CKR_TOKEN_NOT_PRESENT"; break;
        case ckr_token_not_recognized: name = "CKR_TOKEN_NOT_RECOGNIZED"; break;
        case ckr_user_not_logged_in: name = "CKR_USER_NOT_LOGGED_IN"; break;
        case ckr_user_pin_not_initialized: name = "CKR_USER_PIN_NOT_INITIALIZED"; break;
        case ckr_buffer_too_small: name = "CKR_BUFFER_TOO_SMALL"; break;
        default: break;
    }
    char hex[24];
    std::snprintf(hex, sizeof hex, "0x%lx", rv);
    return name ? std::string(name) + " (" + hex + ")" : std::string("CKR ") + hex;
}

/// A fixed-width, space-padded Cryptoki string field without its padding.
inline std::string trim_field(const unsigned char* p, std::size_t n) {
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0')) --n;
    return std::string(reinterpret_cast<const char*>(p), n);
}

}  // namespace p11
}  // namespace detail

/// A PKCS#11 module, loaded and initialised once per path in a process and shared by its users;
/// C_Finalize and dlclose run when the last user lets go.
class pkcs11_module {
public:
    /// Loads `path` (absolute, a regular file, as cosign requires) and calls C_Initialize.
    static result<std::shared_ptr<pkcs11_module>> load(const std::string& path) {
        if (path.empty() || path[0] != '/')
            return fail(errc::invalid_argument,
                        "pkcs11: module path \"" + path + "\" is not an absolute path");
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
            return fail(errc::io, "pkcs11: module \"" + path + "\" cannot be accessed: " + std::strerror(errno));
        if (!S_ISREG(st.st_mode))
            return fail(errc::invalid_argument, "pkcs11: module \"" + path + "\" is not a regular file");
        static std::mutex lock;
        static std::map<std::string, std::weak_ptr<pkcs11_module>> loaded;
        std::lock_guard<std::mutex> guard(lock);
        if (auto m = loaded[path].lock()) return m;
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = ::dlerror();
            return fail(errc::io, "pkcs11: cannot load module \"" + path + "\": " + (why ? why : "dlopen failed"));
        }
        auto get = reinterpret_cast<detail::p11::get_function_list_fn>(::dlsym(handle, "C_GetFunctionList"));
        detail::p11::ck_function_list* fns = nullptr;
        if (!get || get(&fns) != detail::p11::ckr_ok || !fns) {
            ::dlclose(handle);
            return fail(errc::invalid_argument,
                        "pkcs11: \"" + path + "\" is not a PKCS#11 module (no C_GetFunctionList)");
        }
        if (fns->version.major != 2 && fns->version.major != 3) {
            ::dlclose(handle);
            return fail(errc::unsupported, "pkcs11: module \"" + path + "\" has Cryptoki version " +
                                               std::to_string(fns->version.major) + ", not 2.x or 3.x");
        }
        detail::p11::ck_c_initialize_args args{nullptr, nullptr, nullptr, nullptr, detail::p11::ckf_os_locking_ok,
                                               nullptr};
        detail::p11::ck_rv rv = fns->C_Initialize(&args);
        if (rv == detail::p11::ckr_cant_lock) rv = fns->C_Initialize(nullptr);  // single-threaded module
        if (rv != detail::p11::ckr_ok && rv != detail::p11::ckr_cryptoki_already_initialized) {
            ::dlclose(handle);
            return fail(errc::io, "pkcs11: initialising module \"" + path + "\": " + detail::p11::rv_name(rv),
                        static_cast<int>(rv));
        }
        std::shared_ptr<pkcs11_module> m(
            new pkcs11_module(handle, fns, path, rv == detail::p11::ckr_ok));
        loaded[path] = m;
        return m;
    }

    pkcs11_module(const pkcs11_module&) = delete;
    pkcs11_module& operator=(const pkcs11_module&) = delete;
    ~pkcs11_module() {
        if (finalize_) fns_->C_Finalize(nullptr);
        ::dlclose(handle_);
    }

    /// The module's function list.
    const detail::p11::ck_function_list& fn() const noexcept { return *fns_; }
    /// The path it was loaded from.
    const std::string& path() const noexcept { return path_; }

private:
    pkcs11_module(void* h, detail::p11::ck_function_list* f, std::string path, bool finalize)
        : handle_(h), fns_(f), path_(std::move(path)), finalize_(finalize) {}
    void* handle_;
    detail::p11::ck_function_list* fns_;
    std::string path_;
    bool finalize_;
};

/// A token as C_GetTokenInfo describes it.
struct pkcs11_token {
    unsigned long slot = 0;    ///< the slot ID it sits in
    std::string label;         ///< padding removed
    std::string manufacturer;  ///< padding removed
    std::string model;         ///< padding removed
    std::string serial;        ///< padding removed
    bool login_required = false;
};

/// The tokens present in the module's slots (cosign's `pkcs11-tool list-tokens`).
inline result<std::vector<pkcs11_token>> pkcs11_tokens(const pkcs11_module& m) {
    using namespace detail::p11;
    ck_ulong n = 0;
    ck_rv rv = m.fn().C_GetSlotList(1, nullptr, &n);
    std::vector<ck_slot_id> slots(n);
    if (rv == ckr_ok && n) rv = m.fn().C_GetSlotList(1, slots.data(), &n);
    if (rv != ckr_ok)
        return fail(errc::io, "pkcs11: getting the slot list of \"" + m.path() + "\": " + rv_name(rv),
                    static_cast<int>(rv));
    slots.resize(n);
    std::vector<pkcs11_token> out;
    for (ck_slot_id s : slots) {
        ck_token_info ti{};
        if (m.fn().C_GetTokenInfo(s, &ti) != ckr_ok) continue;  // as cosign: skip the slot
        pkcs11_token t;
        t.slot = s;
        t.label = trim_field(ti.label, sizeof ti.label);
        t.manufacturer = trim_field(ti.manufacturer_id, sizeof ti.manufacturer_id);
        t.model = trim_field(ti.model, sizeof ti.model);
        t.serial = trim_field(ti.serial_number, sizeof ti.serial_number);
        t.login_required = (ti.flags & ckf_login_required) != 0;
        out.push_back(std::move(t));
    }
    return out;
}

namespace detail {
namespace p11 {

/// An open session, closed when destroyed. It never calls C_Logout: the login belongs to the
/// application, not the session, so logging out would log out every other signer on the token;
/// the token logs the user out itself when the application's last session closes.
class session {
public:
    session(std::shared_ptr<pkcs11_module> m, ck_session_handle h) : m_(std::move(m)), h_(h) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session() { m_->fn().C_CloseSession(h_); }

    static result<std::unique_ptr<session>> open(std::shared_ptr<pkcs11_module> m, ck_slot_id slot) {
        ck_session_handle h = 0;
        ck_rv rv = m->fn().C_OpenSession(slot, ckf_serial_session, nullptr, nullptr, &h);
        if (rv != ckr_ok)
            return fail(errc::io, "opening a session on slot " + std::to_string(slot) + ": " + rv_name(rv),
                        static_cast<int>(rv));
        return std::make_unique<session>(std::move(m), h);
    }

    /// C_Login as the user; already logged in (another session) counts as success.
    result<void> login(byte_view pin) {
        ck_rv rv = m_->fn().C_Login(h_, cku_user, pin.data(), pin.size());
        if (rv == ckr_ok || rv == ckr_user_already_logged_in) return {};
        const errc code = rv == ckr_pin_incorrect || rv == ckr_pin_len_range ? errc::wrong_password
                          : rv == ckr_pin_locked || rv == ckr_pin_expired ? errc::unauthorized
                                                                          : errc::io;
        std::string what = rv == ckr_pin_incorrect || rv == ckr_pin_len_range ? "wrong PIN"
                           : rv == ckr_pin_locked                             ? "the PIN is locked"
                                                                              : "login failed";
        return fail(code, what + ": " + rv_name(rv), static_cast<int>(rv));
    }

    /// Every object matching `tmpl`.
    result<std::vector<ck_object_handle>> find(std::vector<ck_attribute> tmpl) const {
        ck_rv rv = m_->fn().C_FindObjectsInit(h_, tmpl.data(), tmpl.size());
        if (rv != ckr_ok) return fail(errc::io, "searching the token: " + rv_name(rv), static_cast<int>(rv));
        std::vector<ck_object_handle> out;
        ck_object_handle batch[16];
        for (;;) {
            ck_ulong n = 0;
            rv = m_->fn().C_FindObjects(h_, batch, 16, &n);
            if (rv != ckr_ok || n == 0) break;
            out.insert(out.end(), batch, batch + n);
        }
        m_->fn().C_FindObjectsFinal(h_);
        if (rv != ckr_ok) return fail(errc::io, "searching the token: " + rv_name(rv), static_cast<int>(rv));
        return out;
    }

    /// One attribute's value; nullopt when the object does not have it (or hides it).
    std::optional<bytes> attribute(ck_object_handle o, ck_ulong type) const {
        ck_attribute a{type, nullptr, 0};
        if (m_->fn().C_GetAttributeValue(h_, o, &a, 1) != ckr_ok || a.value_len == ck_unavailable_information)
            return std::nullopt;
        bytes v(a.value_len);
        a.value = v.data();
        if (m_->fn().C_GetAttributeValue(h_, o, &a, 1) != ckr_ok || a.value_len == ck_unavailable_information)
            return std::nullopt;
        v.resize(a.value_len);
        return v;
    }

    /// A CK_ULONG attribute (class, key type).
    std::optional<ck_ulong> ulong_attribute(ck_object_handle o, ck_ulong type) const {
        ck_ulong v = 0;
        ck_attribute a{type, &v, sizeof v};
        if (m_->fn().C_GetAttributeValue(h_, o, &a, 1) != ckr_ok || a.value_len != sizeof v) return std::nullopt;
        return v;
    }

    /// C_SignInit + C_Sign over `data` with `mechanism`.
    result<bytes> sign(ck_object_handle key, ck_ulong mechanism, byte_view data) const {
        ck_mechanism mech{mechanism, nullptr, 0};
        ck_rv rv = m_->fn().C_SignInit(h_, &mech, key);
        if (rv != ckr_ok) return fail(errc::io, "C_SignInit: " + rv_name(rv), static_cast<int>(rv));
        bytes sig(1024);  // RSA-8192 or ECDSA P-521 fit; no two-call length dance with the token
        ck_ulong len = sig.size();
        rv = m_->fn().C_Sign(h_, data.data(), data.size(), sig.data(), &len);
        if (rv != ckr_ok) return fail(errc::io, "C_Sign: " + rv_name(rv), static_cast<int>(rv));
        sig.resize(len);
        return sig;
    }

    const pkcs11_module& module() const noexcept { return *m_; }

private:
    std::shared_ptr<pkcs11_module> m_;
    ck_session_handle h_;
};

}  // namespace p11
}  // namespace detail

}  // namespace v0
}  // namespace cosign
