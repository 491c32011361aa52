// SPDX-License-Identifier: Apache-2.0
/// cosign-cpp: the command-line tool. It mirrors cosign's commands, flags, environment
/// variables, output and exit codes; flags become options, options go to the library, and
/// results become cosign's output.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.hpp"
#include "commands_attach.hpp"
#include "commands_blob.hpp"
#include "commands_clean.hpp"
#include "commands_image.hpp"
#include "commands_keys.hpp"
#include "commands_trust.hpp"
#include "help.hpp"

namespace {

int cmd_version(const std::vector<std::string>& argv) {
    cli::args a;
    if (auto e = cli::parse({}, argv, a); !e.empty()) return cli::report(e);
    if (!a.positional.empty()) return cli::report("unknown command \"" + a.positional[0] + "\" for \"cosign version\"");
    std::cout << "cosign-cpp " << cosign::version_string << "\n";
    return 0;
}

std::vector<cli::flag> no_flags() { return {}; }

struct command {
    const char* path;                               // "sign", "attach signature"
    int (*run)(const std::vector<std::string>&);
    std::vector<cli::flag> (*flags)();              // nullptr: a group of subcommands
};

// Sorted by name, as cobra lists them.
const command commands[] = {
    {"attach", cli::cmd_attach, nullptr},
    {"attach signature", cli::cmd_attach_signature, cli::attach_signature_flags},
    {"clean", cli::cmd_clean, cli::clean_flags},
    {"generate", cli::cmd_generate, cli::generate_flags},
    {"generate-key-pair", cli::cmd_generate_key_pair, cli::generate_key_pair_flags},
    {"import-key-pair", cli::cmd_import_key_pair, cli::import_key_pair_flags},
    {"initialize", cli::cmd_initialize, cli::initialize_flags},
    {"public-key", cli::cmd_public_key, cli::public_key_flags},
    {"sign", cli::cmd_sign, cli::sign_flags},
    {"sign-blob", cli::cmd_sign_blob, cli::sign_blob_flags},
    {"triangulate", cli::cmd_triangulate, cli::triangulate_flags},
    {"verify", cli::cmd_verify, cli::verify_flags},
    {"verify-blob", cli::cmd_verify_blob, cli::verify_blob_flags},
    {"version", cmd_version, no_flags},
};

/// The command that args names (the longest path: "attach signature" before "attach"), and
/// how many words its path took; nullptr when none.
const command* resolve(const std::vector<std::string>& args, std::size_t& words) {
    if (args.size() >= 2)
        for (const auto& c : commands)
            if (args[0] + " " + args[1] == c.path) return words = 2, &c;
    for (const auto& c : commands)
        if (!args.empty() && args[0] == c.path) return words = 1, &c;
    return nullptr;
}

void root_help(std::ostream& os) {
    os << "A tool for Container Signing, Verification and Storage in an OCI registry (C++ edition).\n\n"
       << "Usage:\ncosign-cpp [command]\n\nAvailable Commands:\n";
    std::vector<std::pair<std::string, std::string_view>> list;
    for (const auto& c : commands)
        if (!std::strchr(c.path, ' ')) list.emplace_back(c.path, cli::find_help(c.path)->short_text);
    list.emplace_back("help", "Help about any command");
    std::sort(list.begin(), list.end());
    std::size_t pad = 0;
    for (const auto& l : list) pad = std::max(pad, l.first.size());
    for (const auto& l : list) os << l.first << std::string(pad + 1 - l.first.size(), ' ') << l.second << "\n";
    os << "\n";
    cli::print_flags(os, {}, "cosign-cpp");
    os << "\nNot supported in this build (cosign commands):\n";
    cli::print_wrapped(os, cli::split_words(cli::cosign_commands_not_here));
    os << "Not supported in this build (cosign global flags; -t/--timeout is a flag of each command that\n"
          "reaches a registry):\n";
    cli::print_wrapped(os, {"--output-file", "--verbose"});
    os << "\nUse \"cosign-cpp [command] --help\" for more information about a command.\n";
}

/// `CMD --help`, `help CMD`: the command's help on standard output.
int command_help(const command& c) {
    const cli::command_help* h = cli::find_help(c.path);
    if (!h) return cli::report(std::string("no help for ") + c.path);
    if (c.flags) {
        cli::print_command_help(std::cout, *h, c.flags());
    } else {
        // A group: its subcommands, and cosign's that this build lacks.
        std::vector<std::pair<std::string, std::string>> subs;
        const std::string prefix = std::string(c.path) + " ";
        for (const auto& s : commands)
            if (std::strncmp(s.path, prefix.c_str(), prefix.size()) == 0)
                subs.emplace_back(s.path + prefix.size(), std::string(cli::find_help(s.path)->short_text));
        cli::print_group_help(std::cout, *h, subs, {"attestation", "sbom"});
    }
    std::cout << std::flush;
    return cli::exit_code::ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        root_help(std::cerr);
        return 1;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && args.size() == 1)) {
        root_help(std::cout);
        return 0;
    }
    if (args[0] == "--version") return cmd_version({});
    if (args[0] == "help") {
        std::vector<std::string> topic(args.begin() + 1, args.end());
        std::size_t words = 0;
        const command* c = resolve(topic, words);
        if (!c || words != topic.size()) {
            std::string t;
            for (const auto& w : topic) t += (t.empty() ? "" : " ") + w;
            std::cerr << "Unknown help topic [`" << t << "`]\n";
            root_help(std::cerr);
            return 1;
        }
        return command_help(*c);
    }
    std::size_t words = 0;
    const command* c = resolve(args, words);
    if (!c) return cli::report("unknown command \"" + args[0] + "\" for \"cosign\"");
    std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
    if (cli::wants_help(rest)) return command_help(*c);
    return c->run(rest);
}
