// SPDX-License-Identifier: Apache-2.0
/// Registry credentials from Docker's config.json: `auths`, `credsStore` and `credHelpers`, as the docker CLI
/// reads them.
///
/// The file is `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. A missing file means
/// "no credentials". Credential helpers run as `docker-credential-<name> get` (found on PATH,
/// no shell) with the server URL on stdin and answer `{"ServerURL","Username","Secret"}`.
/// Secrets are held in secure_bytes and never appear in error messages.
#pragma once

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "auth.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
extern char** environ;
#endif

namespace cosign {
inline namespace v0 {
namespace registry {

/// The key Docker stores Docker Hub credentials under.
inline constexpr const char* docker_hub_auth_key = "https://index.docker.io/v1/";

/// The config file Docker would read: `$DOCKER_CONFIG/config.json` or `$HOME/.docker/config.json`.
inline std::string default_docker_config_path() {
    if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return std::string(d) + "/config.json";
    if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.docker/config.json";
    return {};
}

namespace detail {
// "https://host:port/v1/" -> "host:port", as docker's ConvertToHostname.
inline std::string convert_to_hostname(std::string_view key) {
    if (key.substr(0, 7) == "http://")
        key.remove_prefix(7);
    else if (key.substr(0, 8) == "https://")
        key.remove_prefix(8);
    return std::string(key.substr(0, key.find('/')));
}
inline bool is_docker_hub(std::string_view host) {
    return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}
}  // namespace detail

/// Runs `docker-credential-<helper> get` for server_url. "credentials not found" gives empty
/// credentials (anonymous), as docker does; a helper that cannot run or fails is an error.
inline result<credentials> run_credential_helper(
    const std::string& helper, std::string_view server_url,
    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    for (char c : helper)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return fail(errc::invalid_argument, "invalid credential helper name \"" + helper + "\"");
    std::string program = "docker-credential-" + helper;
#if defined(_WIN32)
    (void)server_url;
    (void)timeout;
    return fail(errc::unsupported, "credential helpers are not supported on this platform (" + program + ")");
#else
    // stdin is a socket so that a helper exiting early gives EPIPE, not a SIGPIPE that kills us.
    int in_pair[2], out_pipe[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, in_pair) != 0) return fail(errc::io, "socketpair failed");
    if (::pipe(out_pipe) != 0) {
        ::close(in_pair[0]);
        ::close(in_pair[1]);
        return fail(errc::io, "pipe failed");
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pair[1], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
                                     0);  // as Go's exec: helpers answer on stdout
    posix_spawn_file_actions_addclose(&fa, in_pair[0]);
    posix_spawn_file_actions_addclose(&fa, in_pair[1]);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, out_pipe[1]);
    std::string arg0 = program, arg1 = "get";
    char* argv[] = {&arg0[0], &arg1[0], nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(in_pair[1]);
    ::close(out_pipe[1]);
    if (rc != 0) {
        ::close(in_pair[0]);
        ::close(out_pipe[0]);
        return fail(errc::io, "cannot run credential helper " + program + ": " + std::strerror(rc), rc);
    }
    std::string url(server_url);
    for (std::size_t off = 0; off < url.size();) {
        ssize_t w = ::send(in_pair[0], url.data() + off, url.size() - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;  // the helper does not read: its exit status tells
        off += static_cast<std::size_t>(w);
    }
    ::shutdown(in_pair[0], SHUT_WR);
    secure_bytes out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    char buf[4096];
    while (true) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
                .count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{out_pipe[0], POLLIN, 0};
        int pr = ::poll(&p, 1, static_cast<int>(left > 1000000 ? 1000000 : left));
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) continue;
        ssize_t r = ::read(out_pipe[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        out.insert(out.end(), buf, buf + r);
        if (out.size() > (1u << 20)) break;
    }
    secure_zero(buf, sizeof buf);
    ::close(in_pair[0]);
    ::close(out_pipe[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) return fail(errc::io, "credential helper " + program + " did not answer in time");
    std::string_view text = byte_view(out).as_chars();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // The helpers' own wording for "nothing stored for this server".
        if (text.find("credentials not found") != std::string_view::npos) return credentials{};
        return fail(errc::io, "credential helper " + program + " failed (exit status " +
                                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    }
    auto doc = json::parse(text);
    if (!doc || !doc->IsObject())
        return fail(errc::io, "credential helper " + program + " did not answer with JSON");
    credentials c;
    auto user = json::string_member(*doc, "Username");
    auto secret = json::string_member(*doc, "Secret");
    if (secret) {
        if (user && *user == "<token>")
            c.identity_token.assign(secret->begin(), secret->end());
        else {
            if (user) c.username = std::string(*user);
            c.password.assign(secret->begin(), secret->end());
        }
        secure_zero(const_cast<char*>(secret->data()), secret->size());
    }
    return c;
#endif
}

/// The parts of Docker's config.json that hold registry credentials.
class docker_config {
public:
    /// One entry of `auths`.
    struct auth_entry {
        std::string username;
        secure_bytes password;
        secure_bytes identity_token;
        secure_bytes registry_token;
    };

    /// Reads path, or the default path when empty. A missing file is an empty config.
    static result<docker_config> load(const std::string& path = {}) {
        std::string p = path.empty() ? default_docker_config_path() : path;
        docker_config cfg;
        if (p.empty()) return cfg;
        std::ifstream f(p, std::ios::binary);
        if (!f) return cfg;
        std::ostringstream ss;
        ss << f.rdbuf();
        std::string text = ss.str();
        auto parsed = parse(text);
        secure_zero(&text[0], text.size());
        if (!parsed) {
            auto e = std::move(parsed).error();
            e.context("reading " + p);
            return e;
        }
        return parsed;
    }

    /// Parses the JSON text of a config file.
    static result<docker_config> parse(std::string_view text) {
        auto doc = json::parse(text);
        if (!doc)
            return fail(errc::invalid_json, "docker config is not valid JSON: " + doc.error().message());
        if (!doc->IsObject()) return fail(errc::invalid_json, "docker config is not a JSON object");
        docker_config cfg;
        if (auto s = json::string_member(*doc, "credsStore")) cfg.creds_store_ = std::string(*s);
        if (const json::value* helpers = json::member(*doc, "credHelpers"); helpers && helpers->IsObject()) {
            for (auto m = helpers->MemberBegin(), m_end = m + helpers->MemberCount(); m < m_end; ++m)
                if (auto v = json::as_string(m->value))
                    cfg.cred_helpers_[std::string(json::key_of(m->name))] = std::string(*v);
        }
        if (const json::value* auths = json::member(*doc, "auths"); auths && auths->IsObject()) {
            for (auto m = auths->MemberBegin(), m_end = m + auths->MemberCount(); m < m_end; ++m) {
                auth_entry e;
                const json::value& v = m->value;
                if (auto a = json::string_member(v, "auth"); a && !a->empty()) {
                    auto raw = base64::decode<secure_bytes>(*a);
                    if (!raw)
                        return fail(errc::invalid_json, "docker config: \"auth\" of " +
                                                            std::string(json::key_of(m->name)) +
                                                            " is not base64");
                    auto colon = std::find(raw->begin(), raw->end(), std::uint8_t(':'));
                    if (colon == raw->end())
                        return fail(errc::invalid_json, "docker config: \"auth\" of " +
                                                            std::string(json::key_of(m->name)) +
                                                            " is not user:password");
                    e.username.assign(raw->begin(), colon);
                    e.password.assign(colon + 1, raw->end());
                } else {
                    if (auto u = json::string_member(v, "username")) e.username = std::string(*u);
                    if (auto pw = json::string_member(v, "password"))
                        e.password.assign(pw->begin(), pw->end());
                }
                if (auto t = json::string_member(v, "identitytoken"))
                    e.identity_token.assign(t->begin(), t->end());
                if (auto t = json::string_member(v, "registrytoken"))
                    e.registry_token.assign(t->begin(), t->end());
                cfg.auths_[std::string(json::key_of(m->name))] = std::move(e);
            }
        }
        // Wipe every string of the parsed document: it held passwords.
        wipe(*doc);
        return cfg;
    }

    const std::string& creds_store() const noexcept { return creds_store_; }
    const std::map<std::string, std::string>& cred_helpers() const noexcept { return cred_helpers_; }
    const std::map<std::string, auth_entry>& auths() const noexcept { return auths_; }

    /// The server URL Docker uses as the key for a registry host ("host:port", or Docker Hub's URL).
    static std::string auth_key(std::string_view host) {
        return detail::is_docker_hub(host) ? std::string(docker_hub_auth_key) : std::string(host);
    }

    /// True when the config names credentials or a helper for host (without running a helper).
    bool has_entry_for(std::string_view host) const {
        std::string key = auth_key(host);
        if (cred_helpers_.count(key)) return true;
        if (!creds_store_.empty()) return true;
        return find_auth(key) != nullptr;
    }

    /// The credentials for a registry host ("127.0.0.1:5000", "ghcr.io", "index.docker.io"),
    /// looked up as docker does: credHelpers, then credsStore, then auths (exact key, then any
    /// key whose host part matches, such as "https://host/v1/"). Empty when none.
    result<credentials> lookup(std::string_view host) const {
        std::string key = auth_key(host);
        if (auto h = cred_helpers_.find(key); h != cred_helpers_.end())
            return run_credential_helper(h->second, key);
        if (!creds_store_.empty()) {
            auto c = run_credential_helper(creds_store_, key);
            if (!c || !c->empty()) return c;
            // Docker falls back to the file when the store has nothing.
        }
        credentials c;
        if (const auth_entry* e = find_auth(key)) {
            c.username = e->username;
            c.password = e->password;
            c.identity_token = e->identity_token;
            c.registry_token = e->registry_token;
        }
        return c;
    }

private:
    const auth_entry* find_auth(const std::string& key) const {
        if (auto it = auths_.find(key); it != auths_.end()) return &it->second;
        std::string want = detail::convert_to_hostname(key);
        for (const auto& a : auths_)
            if (detail::convert_to_hostname(a.first) == want) return &a.second;
        return nullptr;
    }
    static void wipe(json::value& v) {
        if (v.IsString()) {
            if (v.GetStringLength() > 0) secure_zero(const_cast<char*>(v.GetString()), v.GetStringLength());
        } else if (v.IsObject()) {
            for (auto m = v.MemberBegin(), m_end = m + v.MemberCount(); m < m_end; ++m) wipe(m->value);
        } else if (v.IsArray()) {
            for (auto& e : v.GetArray()) wipe(e);
        }
    }

    std::string creds_store_;
    std::map<std::string, std::string> cred_helpers_;
    std::map<std::string, auth_entry> auths_;
};

}  // namespace registry
}  // namespace v0
}  // namespace cosign
