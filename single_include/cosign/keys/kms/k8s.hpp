// SPDX-License-Identifier: Apache-2.0
/// The key source for `k8s://NAMESPACE/SECRET`: a cosign key pair kept in a Kubernetes Secret
/// (`cosign.key`, `cosign.pub`, `cosign.password`), and `generate-key-pair k8s://...`, which
/// writes such a Secret as cosign does.
///
///     using keys = cosign::key_sources<cosign::k8s_key_source<crypto, transport>, ...>;
///     auto key = keys::load("k8s://ci/cosign-keys", pw);   // KUBECONFIG or in-cluster
///
/// As cosign (pkg/cosign/kubernetes, client-go's loading rules): the kubeconfig named by
/// KUBECONFIG (the first existing file of the list), else ~/.kube/config, else the in-cluster
/// service account (KUBERNETES_SERVICE_HOST/PORT, /var/run/secrets/kubernetes.io/serviceaccount).
/// From the kubeconfig's current context: the cluster's server, certificate-authority(-data) and
/// insecure-skip-tls-verify; the user's token or tokenFile (client certificates and exec plugins
/// are refused with an error saying so). The Secret is read with
/// `GET /api/v1/namespaces/NS/secrets/NAME`; the key is decrypted with the Secret's own
/// cosign.password (the password function is not asked). The kubeconfig reader takes the YAML
/// that kubectl writes (block mappings and sequences, plain and quoted scalars) or JSON.
/// Not part of <cosign/cosign.hpp>.
#pragma once
// Generated from include/cosign/keys/kms/k8s.hpp: a KMS key source, kept out of cosign.hpp.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../cosign.hpp"  // was: ../../core/base64.hpp
#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/json_reader.hpp
#include "../../cosign.hpp"  // was: ../../core/json_writer.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../transport/concepts.hpp
#include "../../cosign.hpp"  // was: ../../transport/options.hpp
#include "../../cosign.hpp"  // was: ../../transport/url.hpp
#include "../../cosign.hpp"  // was: ../concepts.hpp
#include "../../cosign.hpp"  // was: ../cosign_key_file.hpp
#include "../../cosign.hpp"  // was: ../file_io.hpp
#include "../../cosign.hpp"  // was: ../file_key_source.hpp
#include "../../cosign.hpp"  // was: ../signer.hpp
#include "remote_signer.hpp"

namespace cosign {
inline namespace v0 {

/// The namespace and name of a `k8s://NAMESPACE/SECRET` reference.
struct k8s_reference {
    std::string ns;
    std::string name;

    static result<k8s_reference> parse(std::string_view ref) {
        constexpr std::string_view scheme = "k8s://";
        std::string_view rest = ref.substr(0, scheme.size()) == scheme ? ref.substr(scheme.size()) : ref;
        std::size_t slash = rest.find('/');
        k8s_reference r;
        if (slash != std::string_view::npos) {
            r.ns = std::string(rest.substr(0, slash));
            r.name = std::string(rest.substr(slash + 1));
        }
        // DNS-1123 names (lower-case letters, digits, '-' and '.'), as the API server requires.
        auto valid = [](const std::string& s) {
            if (s.empty() || s.size() > 253) return false;
            for (char ch : s)
                if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) return false;
            return true;
        };
        if (!valid(r.ns) || !valid(r.name))
            return fail(errc::invalid_argument, "\"" + std::string(ref) +
                                                    "\": kubernetes specification should be in the format "
                                                    "k8s://<namespace>/<secret>");
        return r;
    }
};

namespace detail {
namespace k8s {

/// A node of the YAML subset a kubeconfig uses: a scalar, a mapping or a sequence.
struct node {
    enum class kind { scalar, map, seq } type = kind::scalar;
    std::string text;
    std::vector<std::string> keys;  // map: keys[i] names items[i]
    std::vector<node> items;

    const node* get(std::string_view k) const {
        if (type != kind::map) return nullptr;
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == k) return &items[i];
        return nullptr;
    }
    std::string str(std::string_view k) const {
        const node* n = get(k);
        return n && n->type == kind::scalar ? n->text : std::string();
    }
};

struct line {
    std::size_t indent;
    std::string text;
    std::size_t number;
};

/// A scalar's value: quotes removed ('' and the usual double-quote escapes).
inline result<std::string> scalar(std::string_view s, std::size_t number) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.empty()) return std::string();
    if (s.front() == '\'') {
        if (s.size() < 2 || s.back() != '\'')
            return fail(errc::invalid_argument, "kubeconfig line " + std::to_string(number) + ": unterminated quote");
        std::string out;
        for (std::size_t i = 1; i + 1 < s.size(); ++i) {
            out += s[i];
            if (s[i] == '\'' && i + 2 < s.size() && s[i + 1] == '\'') ++i;
        }
        return out;
    }
    if (s.front() == '"') {
        if (s.size() < 2 || s.back() != '"')
            return fail(errc::invalid_argument, "kubeconfig line " + std::to_string(number) + ": unterminated quote");
        std::string out;
        for (std::size_t i = 1; i + 1 < s.size(); ++i) {
            if (s[i] != '\\' || i + 2 >= s.size()) {
                out += s[i];
                continue;
            }
            char e = s[++i];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        }
        return out;
    }
    if (s == "{}" || s == "[]" || s == "null" || s == "~") return std::string();
    if (s.front() == '{' || s.front() == '[' || s.front() == '|' || s.front() == '>' || s.front() == '&' ||
        s.front() == '*' || s.front() == '!')
        return fail(errc::unsupported, "kubeconfig line " + std::to_string(number) +
                                           ": flow collections, block scalars, anchors and tags are not supported "
                                           "(write the kubeconfig with `kubectl config view --raw`, or as JSON)");
    return std::string(s);
}

/// The position of the ':' that ends a mapping key on this line (outside quotes), or npos.
inline std::size_t key_colon(std::string_view t) {
    char q = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        char ch = t[i];
        if (q) {
            if (ch == q) q = 0;
            continue;
        }
        if ((ch == '"' || ch == '\'') && i == 0) q = ch;
        else if (ch == ':' && (i + 1 == t.size() || t[i + 1] == ' ')) return i;
    }
    return std::string_view::npos;
}

class yaml_reader {
public:
    explicit yaml_reader(std::vector<line> lines) : lines_(std::move(lines)) {}

    result<node> document() {
        if (lines_.empty()) return node{node::kind::map, {}, {}, {}};
        return block(lines_[0].indent);
    }

private:
    result<node> block(std::size_t indent) {
        if (pos_ < lines_.size() && (lines_[pos_].text.rfind("- ", 0) == 0 || lines_[pos_].text == "-"))
            return sequence(indent);
        return mapping(indent);
    }

    result<node> sequence(std::size_t indent) {
        node out;
        out.type = node::kind::seq;
        while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
               (lines_[pos_].text.rfind("- ", 0) == 0 || lines_[pos_].text == "-")) {
            line& l = lines_[pos_];
            std::string rest = l.text.size() > 2 ? l.text.substr(2) : std::string();
            std::size_t lead = rest.find_first_not_of(' ');
            if (lead == std::string::npos) {
                ++pos_;
                if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
                    COSIGN_TRY(auto child, block(lines_[pos_].indent));
                    out.items.push_back(std::move(child));
                } else {
                    out.items.push_back(node{});
                }
                continue;
            }
            rest = rest.substr(lead);
            if (key_colon(rest) != std::string::npos) {
                // "- key: value": a mapping whose first key sits after the dash.
                l.indent = indent + 2 + lead;
                l.text = rest;
                COSIGN_TRY(auto child, mapping(l.indent));
                out.items.push_back(std::move(child));
            } else {
                COSIGN_TRY(auto v, scalar(rest, l.number));
                out.items.push_back(node{node::kind::scalar, std::move(v), {}, {}});
                ++pos_;
            }
        }
        return out;
    }

    result<node> mapping(std::size_t indent) {
        node out;
        out.type = node::kind::map;
        while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
            const line l = lines_[pos_];
            if (l.text.rfind("- ", 0) == 0) break;
            std::size_t c = key_colon(l.text);
            if (c == std::string::npos)
                return fail(errc::invalid_argument,
                            "kubeconfig line " + std::to_string(l.number) + ": expected \"key: value\"");
            COSIGN_TRY(auto k, scalar(std::string_view(l.text).substr(0, c), l.number));
            std::string_view v = std::string_view(l.text).substr(c + 1);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            ++pos_;
            out.keys.push_back(std::move(k));
            if (!v.empty()) {
                COSIGN_TRY(auto s, scalar(v, l.number));
                out.items.push_back(node{node::kind::scalar, std::move(s), {}, {}});
            } else if (pos_ < lines_.size() &&
                       (lines_[pos_].indent > indent ||
                        (lines_[pos_].indent == indent && lines_[pos_].text.rfind("- ", 0) == 0))) {
                COSIGN_TRY(auto child, block(lines_[pos_].indent));
                out.items.push_back(std::move(child));
            } else {
                out.items.push_back(node{});
            }
        }
        if (pos_ < lines_.size() && lines_[pos_].indent > indent)
            return fail(errc::invalid_argument,
                        "kubeconfig line " + std::to_string(lines_[pos_].number) + ": unexpected indentation");
        return out;
    }

    std::vector<line> lines_;
    std::size_t pos_ = 0;
};

inline node from_json(const json::value& v) {
    node n;
    if (v.IsObject()) {
        n.type = node::kind::map;
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
            n.keys.emplace_back(json::key_of(it->name));
            n.items.push_back(from_json(it->value));
        }
    } else if (v.IsArray()) {
        n.type = node::kind::seq;
        for (const auto& e : v.GetArray()) n.items.push_back(from_json(e));
    } else if (v.IsString()) {
        n.text = std::string(v.GetString(), v.GetStringLength());
    } else if (v.IsBool()) {
        n.text = v.GetBool() ? "true" : "false";
    }
    return n;
}

/// Parses a kubeconfig (YAML subset or JSON).
inline result<node> parse_kubeconfig(std::string_view text) {
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
        COSIGN_TRY(auto doc, json::parse(text));
        return from_json(doc);
    }
    std::vector<line> lines;
    std::size_t number = 0;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++number;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (raw.find('\t') != std::string_view::npos && raw.find_first_not_of(" \t") > raw.find('\t'))
            return fail(errc::invalid_argument, "kubeconfig line " + std::to_string(number) + ": tab in indentation");
        // Comments: '#' at the start or after a space, outside quotes.
        std::string t;
        char q = 0;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            char ch = raw[i];
            if (!q && ch == '#' && (i == 0 || raw[i - 1] == ' ')) break;
            if (!q && (ch == '"' || ch == '\'') && (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '-')) q = ch;
            else if (q && ch == q) q = 0;
            t += ch;
        }
        while (!t.empty() && t.back() == ' ') t.pop_back();
        std::size_t indent = t.find_first_not_of(' ');
        if (indent == std::string::npos) continue;
        if (t == "---" || t == "...") continue;
        lines.push_back(line{indent, t.substr(indent), number});
    }
    yaml_reader r(std::move(lines));
    return r.document();
}

/// The named entry of a kubeconfig list (`clusters`, `users`, `contexts`): its `field` member.
inline const node* named(const node& root, std::string_view list, std::string_view name, std::string_view field) {
    const node* l = root.get(list);
    if (!l || l->type != node::kind::seq) return nullptr;
    for (const node& e : l->items)
        if (e.str("name") == name) return e.get(field);
    return nullptr;
}

inline std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

inline std::string dir_of(const std::string& path) {
    std::size_t s = path.rfind('/');
    return s == std::string::npos ? std::string(".") : path.substr(0, s);
}

/// A file that is removed when this goes out of scope (the CA of certificate-authority-data).
struct temp_file {
    std::string path;
    temp_file() = default;
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    temp_file(temp_file&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
    temp_file& operator=(temp_file&& o) noexcept {
        std::swap(path, o.path);
        return *this;
    }
    ~temp_file() {
        if (!path.empty()) ::unlink(path.c_str());
    }
    result<void> write(byte_view data) {
        std::string dir = env("TMPDIR");
        if (dir.empty()) dir = "/tmp";
        std::string tmpl = dir + "/cosign-cpp-k8s-ca-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        int fd = ::mkstemp(buf.data());
        if (fd < 0) return fail(errc::io, "could not create a temporary file in " + dir + " for the cluster's CA");
        path = buf.data();
        std::size_t off = 0;
        while (off < data.size()) {
            ssize_t n = ::write(fd, data.data() + off, data.size() - off);
            if (n <= 0) {
                ::close(fd);
                return fail(errc::io, "could not write the cluster's CA to " + path);
            }
            off += static_cast<std::size_t>(n);
        }
        ::close(fd);
        return {};
    }
};

}  // namespace k8s
}  // namespace detail

/// How the Kubernetes API is reached: server, TLS and bearer token (never in a message).
struct k8s_config {
    std::string server;  ///< "https://host:port" (no trailing slash)
    secure_bytes token;
    transport::options tls;
    std::string source;  ///< where it came from, for messages: "kubeconfig /path" or "in-cluster config"
    /// Keeps the CA of certificate-authority-data on disk while the transport may read it.
    std::shared_ptr<detail::k8s::temp_file> ca_file;

    /// client-go's default loading: KUBECONFIG, ~/.kube/config, then the in-cluster config.
    static result<k8s_config> from_env();
    /// From one kubeconfig's text (`path` names it and anchors relative file names).
    static result<k8s_config> from_kubeconfig(std::string_view text, const std::string& path);
};

inline result<k8s_config> k8s_config::from_kubeconfig(std::string_view text, const std::string& path) {
    namespace dk = detail::k8s;
    const std::string where = "kubeconfig " + path;
    auto root = dk::parse_kubeconfig(text);
    if (!root) return std::move(root).error().context(where);
    std::string ctx_name = root->str("current-context");
    if (ctx_name.empty()) return fail(errc::invalid_argument, where + ": no current-context");
    const dk::node* ctx = dk::named(*root, "contexts", ctx_name, "context");
    if (!ctx) return fail(errc::invalid_argument, where + ": context \"" + ctx_name + "\" not found");
    const dk::node* cluster = dk::named(*root, "clusters", ctx->str("cluster"), "cluster");
    if (!cluster)
        return fail(errc::invalid_argument, where + ": cluster \"" + ctx->str("cluster") + "\" not found");
    k8s_config c;
    c.source = where;
    c.server = cluster->str("server");
    while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
    if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0)
        return fail(errc::invalid_argument, where + ": the cluster's server must be an http(s) URL");
    if (cluster->str("insecure-skip-tls-verify") == "true") c.tls.tls_verify = false;
    if (std::string ca_data = cluster->str("certificate-authority-data"); !ca_data.empty()) {
        auto pem = base64::decode(ca_data);
        if (!pem) return fail(errc::invalid_argument, where + ": certificate-authority-data is not base64");
        c.ca_file = std::make_shared<dk::temp_file>();
        COSIGN_TRY_VOID(c.ca_file->write(*pem));
        c.tls.ca_file = c.ca_file->path;
    } else if (std::string ca = cluster->str("certificate-authority"); !ca.empty()) {
        c.tls.ca_file = ca[0] == '/' ? ca : dk::dir_of(path) + "/" + ca;
    }
    const std::string user_name = ctx->str("user");
    const dk::node* user = dk::named(*root, "users", user_name, "user");
    if (!user_name.empty() && !user)
        return fail(errc::invalid_argument, where + ": user \"" + user_name + "\" not found");
    if (user) {
        std::string token = user->str("token");
        if (token.empty()) {
            if (std::string tf = user->str("tokenFile"); !tf.empty()) {
                auto t = read_file<secure_bytes>(tf[0] == '/' ? tf : dk::dir_of(path) + "/" + tf, 64 * 1024);
                if (!t) return std::move(t).error().context(where + ": the user's tokenFile");
                c.token = std::move(*t);
            }
        } else {
            c.token.assign(token.begin(), token.end());
            secure_zero(token.data(), token.size());
        }
        if (c.token.empty() && (user->get("client-certificate-data") || user->get("client-certificate")))
            return fail(errc::unsupported, where + ": user \"" + user_name +
                                               "\" authenticates with a client certificate, which this build "
                                               "does not support: give the user a token");
        if (c.token.empty() && (user->get("exec") || user->get("auth-provider")))
            return fail(errc::unsupported, where + ": user \"" + user_name +
                                               "\" uses an exec or auth-provider plugin, which this build does not "
                                               "support: give the user a token");
    }
    while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r')) c.token.pop_back();
    for (std::uint8_t ch : c.token)
        if (ch < 0x20 || ch == 0x7f) return fail(errc::invalid_argument, where + ": the token holds a control character");
    return c;
}

inline result<k8s_config> k8s_config::from_env() {
    namespace dk = detail::k8s;
    std::vector<std::string> candidates;
    if (std::string list = dk::env("KUBECONFIG"); !list.empty()) {
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t colon = list.find(':', start);
            std::string p = list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!p.empty()) candidates.push_back(p);
            if (colon == std::string::npos) break;
            start = colon + 1;
        }
    } else if (std::string home = dk::env("HOME"); !home.empty()) {
        candidates.push_back(home + "/.kube/config");
    }
    for (const auto& p : candidates) {
        if (!transport::detail::readable_file(p)) continue;
        auto text = read_file<secure_bytes>(p, 4 << 20);
        if (!text) return std::move(text).error().context("kubeconfig " + p);
        return from_kubeconfig(byte_view(*text).as_chars(), p);
    }
    // In-cluster: the service account the kubelet mounts.
    const std::string host = dk::env("KUBERNETES_SERVICE_HOST"), port = dk::env("KUBERNETES_SERVICE_PORT");
    if (host.empty() || port.empty())
        return fail(errc::invalid_argument,
                    "no Kubernetes configuration: set KUBECONFIG, create ~/.kube/config, or run in a cluster "
                    "(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT)");
    const std::string dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    k8s_config c;
    c.source = "in-cluster config";
    c.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    c.tls.ca_file = dir + "/ca.crt";
    auto t = read_file<secure_bytes>(dir + "/token", 64 * 1024);
    if (!t) return std::move(t).error().context("in-cluster config: the service account token");
    c.token = std::move(*t);
    while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r')) c.token.pop_back();
    return c;
}

/// The Secrets API of one cluster over a transport.
template <class Transport>
class k8s_client {
    static_assert(transport::check_transport<Transport>());

public:
    using secret_data = std::map<std::string, secure_bytes>;

    k8s_client(k8s_config c, Transport t) : c_(std::move(c)), t_(std::move(t)) {}

    /// The data of Secret NS/NAME, base64-decoded; errc::not_found when it does not exist.
    result<secret_data> get_secret(const k8s_reference& r) {
        const std::string what = "k8s secret \"k8s://" + r.ns + "/" + r.name + "\"";
        COSIGN_TRY(auto resp, send("GET", secret_path(r), "", what));
        if (resp.status == 404)
            return fail(errc::not_found, what + ": checking if secret exists: " + detail::kms::status_text(resp));
        if (resp.status != 200)
            return fail(detail::kms::errc_of_status(resp.status),
                        what + ": checking if secret exists: " + detail::kms::status_text(resp));
        auto doc = json::parse(resp.body);
        if (!doc) return std::move(doc).error().context(what);
        secret_data out;
        if (const json::value* data = json::member(*doc, "data"); data && data->IsObject()) {
            for (auto it = data->MemberBegin(); it != data->MemberEnd(); ++it) {
                auto s = json::as_string(it->value);
                if (!s) continue;
                auto v = base64::decode<secure_bytes>(*s);
                if (!v)
                    return fail(errc::invalid_key, what + ": data \"" + std::string(json::key_of(it->name)) +
                                                       "\" is not base64");
                out[std::string(json::key_of(it->name))] = std::move(*v);
            }
        }
        secure_zero(resp.body.data(), resp.body.size());
        return out;
    }

    /// True when the server is Kubernetes >= 1.21 (immutable Secrets), from GET /version.
    result<bool> supports_immutable() {
        COSIGN_TRY(auto resp, send("GET", "/version", "", "kubernetes server " + c_.server));
        if (resp.status != 200)
            return fail(detail::kms::errc_of_status(resp.status),
                        "kubernetes server " + c_.server + ": check immutable: " + detail::kms::status_text(resp));
        auto doc = json::parse(resp.body);
        if (!doc) return std::move(doc).error().context("kubernetes server version");
        auto num = [](std::string_view s) {
            unsigned v = 0;
            for (char ch : s) {
                if (ch < '0' || ch > '9') break;
                v = v * 10 + static_cast<unsigned>(ch - '0');
            }
            return v;
        };
        const unsigned major = num(json::string_member(*doc, "major").value_or(""));
        const unsigned minor = num(json::string_member(*doc, "minor").value_or(""));
        return major >= 1 && minor >= 21;
    }

    /// Creates (POST) or, when `update`, replaces (PUT) Secret NS/NAME with `data`.
    result<void> put_secret(const k8s_reference& r, const secret_data& data, bool immutable, bool update) {
        const std::string what = "k8s secret \"k8s://" + r.ns + "/" + r.name + "\"";
        json::writer w;
        w.begin_object().key("kind").string("Secret").key("apiVersion").string("v1");
        w.key("metadata").begin_object().key("name").string(r.name).key("namespace").string(r.ns).end_object();
        if (immutable) w.key("immutable").boolean(true);
        w.key("data").begin_object();
        for (const auto& kv : data) w.key(kv.first).string(base64::encode(kv.second));
        w.end_object().key("type").string("Opaque").end_object();
        std::string body = std::move(w).str();
        auto resp = update ? send("PUT", secret_path(r), body, what)
                           : send("POST", "/api/v1/namespaces/" + r.ns + "/secrets", body, what);
        secure_zero(body.data(), body.size());
        if (!resp) return std::move(resp).error();
        if (resp->status != 200 && resp->status != 201)
            return fail(detail::kms::errc_of_status(resp->status),
                        what + (update ? ": updating secret: " : ": creating secret: ") +
                            detail::kms::status_text(*resp));
        return {};
    }

    const k8s_config& config() const noexcept { return c_; }

private:
    static std::string secret_path(const k8s_reference& r) {
        return "/api/v1/namespaces/" + r.ns + "/secrets/" + r.name;
    }

    result<transport::response> send(const char* method, const std::string& path, std::string body,
                                     const std::string& what) {
        transport::request req;
        req.method = method;
        req.url = c_.server + path;
        req.set_header("Accept", "application/json");
        if (!body.empty()) req.set_header("Content-Type", "application/json");
        req.body = std::move(body);
        if (!c_.token.empty()) req.set_header("Authorization", "Bearer " + std::string(c_.token.begin(), c_.token.end()));
        auto r = t_.send(req);
        secure_zero(req.body.data(), req.body.size());
        if (!r) return std::move(r).error().context(what + " (" + c_.source + ", server " + c_.server + ")");
        return r;
    }

    k8s_config c_;
    Transport t_;
};

/// Loads the cosign key pair of a `k8s://NAMESPACE/SECRET` reference and decrypts it with the
/// Secret's cosign.password: a local_signer (the key is decrypted in memory, as cosign does).
template <class Crypto, class Transport>
struct k8s_key_source {
    using signer_type = local_signer<Crypto>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 6) == "k8s://"; }

    static result<signer_type> load(std::string_view key_ref, const password_fn& /*pw*/) {
        COSIGN_TRY(auto ref, k8s_reference::parse(key_ref));
        COSIGN_TRY(auto c, k8s_config::from_env());
        Transport t(c.tls);
        return open(ref, k8s_client<Transport>(std::move(c), std::move(t)));
    }

    /// The signer of Secret `ref` read through `client`.
    static result<signer_type> open(const k8s_reference& ref, k8s_client<Transport> client) {
        const std::string what = "k8s secret \"k8s://" + ref.ns + "/" + ref.name + "\"";
        COSIGN_TRY(auto data, client.get_secret(ref));
        auto key = data.find("cosign.key");
        if (key == data.end() || key->second.empty())
            return fail(errc::invalid_key, what + ": the secret holds no cosign.key");
        secure_bytes password;
        if (auto p = data.find("cosign.password"); p != data.end()) password = p->second;
        auto priv = cosign_key_file<Crypto>::decrypt(byte_view(key->second).as_chars(), password);
        if (!priv && priv.error().code() == errc::wrong_password)
            return std::move(priv).error().context(what + ": its cosign.password does not decrypt its cosign.key");
        if (!priv) return std::move(priv).error().context(what);
        return signer_type::from_key(std::move(*priv));
    }
};

/// The public key of a `k8s://NAMESPACE/SECRET` Secret for `verify --key`: its cosign.pub, as
/// cosign reads it (the private key is not decrypted).
template <class Crypto, class Transport>
result<typename Crypto::public_key> k8s_public_key(const k8s_reference& ref, k8s_client<Transport>& client) {
    const std::string what = "k8s secret \"k8s://" + ref.ns + "/" + ref.name + "\"";
    COSIGN_TRY(auto data, client.get_secret(ref));
    auto pub = data.find("cosign.pub");
    if (pub == data.end() || pub->second.empty()) return fail(errc::invalid_key, what + ": the secret holds no cosign.pub");
    auto key = Crypto::parse_public_key(byte_view(pub->second).as_chars());
    if (!key) return std::move(key).error().context(what + ": cosign.pub");
    return key;
}

/// `generate-key-pair k8s://NAMESPACE/SECRET`, as cosign: a new P-256 key encrypted with
/// `password`, stored with its public key and the password in the Secret (created, or updated
/// keeping its other data), immutable on Kubernetes >= 1.21. Returns the public key PEM.
template <class Crypto, class Transport>
result<std::string> k8s_generate_key_pair(const k8s_reference& ref, k8s_client<Transport>& client,
                                          const secure_bytes& password) {
    COSIGN_TRY(auto key, Crypto::generate_p256());
    COSIGN_TRY(auto encrypted, cosign_key_file<Crypto>::encrypt(key, password));
    COSIGN_TRY(auto pub, Crypto::public_key_of(key));
    std::string pem = Crypto::public_key_pem(pub);
    COSIGN_TRY(auto immutable, client.supports_immutable());
    typename k8s_client<Transport>::secret_data data;
    bool update = false;
    auto existing = client.get_secret(ref);
    if (existing) {
        data = std::move(*existing);
        update = true;
    } else if (existing.error().code() != errc::not_found) {
        return std::move(existing).error();
    }
    data["cosign.key"] = secure_bytes(encrypted.begin(), encrypted.end());
    data["cosign.pub"] = secure_bytes(pem.begin(), pem.end());
    data["cosign.password"] = password;
    secure_zero(encrypted.data(), encrypted.size());
    COSIGN_TRY_VOID(client.put_secret(ref, data, immutable, update));
    return pem;
}

}  // namespace v0
}  // namespace cosign
