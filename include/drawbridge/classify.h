// Classifiers: turn a payload into facts (what it does) and a fingerprint (exactly what it is).
//
// SQL goes through the real PostgreSQL parser (libpg_query); shell command lines through a POSIX
// tokenizer that sees through wrappers, chains and quoting; HTTP requests into method facts. All
// functions are pure (no I/O) and safe to call from any thread concurrently.
//
// Fail closed: input that cannot be parsed yields `error` set and the kUnparseable fact, which is
// dangerous. Rules for what is dangerous: docs/classifiers/SQL.md and docs/classifiers/SHELL.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/facts.h"

namespace drawbridge::classify {

// A SHA-256 digest, shown as lowercase hex.
using Digest = std::array<uint8_t, 32>;
std::string DigestHex(const Digest& digest);

struct Classification {
  FactSet facts;
  std::string error;  // empty when the payload parsed
  bool dangerous() const { return IsDangerous(facts); }
};

// ---- SQL -------------------------------------------------------------------------------------

// Classifies every statement of a (possibly multi-statement) PostgreSQL string.
Classification ClassifySql(std::string_view sql);

// Where a statement runs; part of what an approval binds to.
struct SqlSession {
  std::string database;
  std::string role;
  std::string search_path;
};

// Binds an approval to exactly one statement: SHA-256 over the parse tree *with* its constants
// (locations removed, so whitespace, comments and keyword case do not matter) plus the session.
// `DELETE ... WHERE id = 42` and `... WHERE id = 42 OR true` differ. Unparseable SQL has no
// fingerprint: returns false and leaves `out` untouched.
bool FingerprintSql(std::string_view sql, const SqlSession& session, Digest& out);

// ---- Shell -----------------------------------------------------------------------------------

// Classifies a command line written in POSIX shell syntax.
Classification ClassifyShell(std::string_view command_line);

// Classifies an argv vector as `execve` would receive it (no shell interpretation of the first
// level, but `bash -c`, `sudo`, `xargs`... inside it are still seen through).
Classification ClassifyArgv(const std::vector<std::string>& argv);

// Binds an approval to exactly one command: the resolved program path and the full argv.
Digest FingerprintArgv(std::string_view resolved_program, const std::vector<std::string>& argv);

// ---- HTTP ------------------------------------------------------------------------------------

Classification ClassifyHttp(std::string_view method, std::string_view path);

// Binds an approval to one HTTP request: method and path (with its query string).
Digest FingerprintHttp(std::string_view method, std::string_view path);

}  // namespace drawbridge::classify
