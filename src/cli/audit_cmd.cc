// drawbridge audit tail|verify|export|checkpoint|keygen — reads the audit chain of a database
// (--db) or of a server (--addr / DRAWBRIDGE_ADDR, as an admin token); checkpoint signing and
// key generation stay on this machine.
#include <boost/json.hpp>
#include <fstream>
#include <iostream>

#include "audit/checkpoint.h"
#include "audit/escape.h"
#include "audit/export.h"
#include "audit/key_file.h"
#include "audit/time_format.h"
#include "audit/verify.h"
#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/io.h"
#include "cli/local.h"

namespace drawbridge::cli {
namespace {

struct AuditOptions {
  size_t lines = 20;
  std::string format = "jsonl";
  std::string since, until, principal, resource, type;
  std::string checkpoints, public_key, key, out;
  std::string tenant = "default";
  int page_size = 1000;
};

// A server reads only its caller's tenant: a --tenant it would silently ignore is refused, so
// that nobody believes they read another tenant's chain.
std::string RemoteTenantProblem(const GlobalOptions& g, const AuditOptions& o) {
  auto mode = ChooseBackend(g);
  return TenantFlagProblem(o.tenant, mode.ok() ? *mode : BackendMode::kNone);
}

int Tail(const GlobalOptions& g, const AuditOptions& o) {
  if (std::string problem = RemoteTenantProblem(g, o); !problem.empty()) {
    return UsageError(problem);
  }
  return RunWithBackend(g, false, [&](WorkflowBackend& b) {
    auto events = b.ReadAudit(o.tenant);
    if (!events.ok()) return Fail(events.status());
    size_t start = events->size() > o.lines ? events->size() - o.lines : 0;
    for (size_t i = start; i < events->size(); ++i) {
      if (g.json()) {
        auto line = audit::EventToJsonLine((*events)[i]);
        if (!line.ok()) return Fail(line.status());
        PrintJsonText(*line);
      } else {
        // User text is escaped: a reason cannot move the cursor or recolour the terminal.
        std::cout << audit::FormatEventForTerminal((*events)[i]) << "\n";
      }
    }
    return kExitOk;
  });
}

int VerifyOn(WorkflowBackend& backend, const GlobalOptions& g, const AuditOptions& o);

// Remote mode downloads the chain and verifies it here, so the check does not rest on the
// server's word (and signed checkpoints kept elsewhere catch a rewritten chain).
int Verify(const GlobalOptions& g, const AuditOptions& o) {
  if (!o.checkpoints.empty() && o.public_key.empty()) {
    return UsageError("--checkpoints needs --public-key to check their signatures");
  }
  if (std::string problem = RemoteTenantProblem(g, o); !problem.empty()) {
    return UsageError(problem);
  }
  return RunWithBackend(g, false, [&](WorkflowBackend& b) { return VerifyOn(b, g, o); });
}

int VerifyOn(WorkflowBackend& backend, const GlobalOptions& g, const AuditOptions& o) {
  auto events = backend.ReadAudit(o.tenant);
  if (!events.ok()) return Fail(events.status());
  audit::VerifyOptions options;
  if (!backend.remote()) options.tenant = o.tenant;
  if (!o.checkpoints.empty()) {
    auto text = ReadFile(o.checkpoints);
    if (!text.ok()) return Fail(text.status());
    size_t pos = 0, line_no = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      std::string line = text->substr(pos, nl - pos);
      pos = nl == std::string::npos ? text->size() : nl + 1;
      ++line_no;
      if (line.empty()) continue;
      auto cp = audit::ParseCheckpointLine(line);
      if (!cp.ok()) {
        return Fail(cp.status().WithContext(o.checkpoints + ":" + std::to_string(line_no)));
      }
      options.checkpoints.push_back(*cp);
    }
    auto key = audit::LoadVerifyingKey(o.public_key);
    if (!key.ok()) return Fail(key.status());
    options.trusted_keys.push_back(*key);
  }
  audit::VerifyResult result = audit::VerifyChain(*events, options);
  if (g.json()) {
    boost::json::object out{{"ok", result.ok()},
                            {"events_checked", result.events_checked},
                            {"checkpoints_matched", result.checkpoints_matched},
                            {"summary", result.Summary()}};
    if (result.finding) {
      out["first_bad_seq"] = result.finding->seq;
      out["problem"] = audit::ChainProblemName(result.finding->problem);
    }
    PrintJson(out);
  } else {
    std::cout << result.Summary() << "\n";
  }
  return result.ok() ? kExitOk : kExitFailure;
}

int Export(const GlobalOptions& g, const AuditOptions& o) {
  if (auto format = audit::ParseExportFormat(o.format); !format.ok()) {
    return UsageError("--format: " + format.status().message());
  }
  for (const std::string* text : {&o.since, &o.until}) {
    if (text->empty()) continue;
    if (auto t = audit::ParseRfc3339Millis(*text); !t.ok()) {
      return UsageError("--since/--until must be RFC 3339 times: " + t.status().message());
    }
  }
  if (std::string problem = RemoteTenantProblem(g, o); !problem.empty()) {
    return UsageError(problem);
  }
  return RunWithBackend(g, false, [&](WorkflowBackend& b) {
    auto text = b.ExportAudit(o.tenant, {.format = o.format,
                                         .since = o.since,
                                         .until = o.until,
                                         .principal = o.principal,
                                         .resource = o.resource,
                                         .type = o.type,
                                         .page_size = o.page_size});
    if (!text.ok()) return Fail(text.status());
    std::cout << *text;
    return kExitOk;
  });
}

int Checkpoint(const GlobalOptions& g, const AuditOptions& o) {
  if (o.key.empty()) {
    return UsageError(
        "--key FILE: the Ed25519 signing key (make one with `drawbridge audit keygen`)");
  }
  auto mode = ChooseBackend(g);
  if (mode.ok() && *mode != BackendMode::kLocal) {
    return UsageError(
        "audit checkpoint works only in local mode (--db FILE): run it where the database is, "
        "with the signing key kept off the server");
  }
  auto key = audit::LoadSigningKey(o.key);
  if (!key.ok()) return Fail(key.status());
  auto events = MakeLocalBackend(g)->ReadAudit(o.tenant);
  if (!events.ok()) return Fail(events.status());
  audit::ChainHead head;
  if (!events->empty()) head = {events->back().seq, events->back().hash};
  SystemWallClock clock;
  auto cp = audit::SignCheckpoint(*key, o.tenant, head, clock.NowMillis());
  if (!cp.ok()) return Fail(cp.status());
  std::string line = audit::CheckpointToJsonLine(*cp);
  if (o.out.empty()) {
    std::cout << line << "\n";
  } else {
    std::ofstream out(o.out, std::ios::app);
    out << line << "\n";
    if (!out) return Fail(Unavailable("cannot append to " + o.out));
  }
  return kExitOk;
}

int Keygen(const AuditOptions& o) {
  if (o.key.empty() || o.public_key.empty()) {
    return UsageError("give --key FILE (private, written 0600) and --public-key FILE");
  }
  auto key = audit::GenerateSigningKey(o.key);
  if (!key.ok()) return Fail(key.status());
  if (Status s = audit::WriteVerifyingKey(o.public_key, key->verifying_key()); !s.ok())
    return Fail(s);
  std::cout << "key " << key->key_id() << ": private " << o.key << ", public " << o.public_key
            << "\n";
  return kExitOk;
}

}  // namespace

void RegisterAudit(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* audit =
      app.add_subcommand("audit", "Read, verify, export and checkpoint the audit log");
  audit->require_subcommand(1);
  audit->add_option("--tenant", o->tenant, "Tenant (local mode; a server uses the token's)")
      ->capture_default_str();

  CLI::App* tail = audit->add_subcommand("tail", "The last events, escaped for the terminal");
  tail->add_option("-n,--lines", o->lines, "How many")->capture_default_str();
  tail->callback([&g, o, &exit_code] { exit_code = Tail(g, *o); });

  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Check the hash chain (and signed checkpoints). Exit 0 if intact, 1 naming the\n"
      "first bad seq on any edit, deletion, insertion, reordering or cut tail.");
  verify->add_option("--checkpoints", o->checkpoints,
                     "Checkpoint file (JSON lines) kept elsewhere");
  verify->add_option("--public-key", o->public_key,
                     "PEM public key the checkpoints are signed with");
  verify->callback([&g, o, &exit_code] { exit_code = Verify(g, *o); });

  CLI::App* exp = audit->add_subcommand("export", "Export events as JSON lines or CSV");
  exp->add_option("--format", o->format, "jsonl or csv")->capture_default_str();
  exp->add_option("--since", o->since, "From this RFC 3339 time (inclusive)");
  exp->add_option("--until", o->until, "Up to this RFC 3339 time (exclusive)");
  exp->add_option("--principal", o->principal, "Only events by or about this principal");
  exp->add_option("--resource", o->resource, "Only events about this resource");
  exp->add_option("--type", o->type, "Event type, or a prefix like grant.");
  exp->add_option("--page-size", o->page_size,
                  "Remote mode: events per request to the server (the export pages through\n"
                  "the whole log either way)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  exp->callback([&g, o, &exit_code] { exit_code = Export(g, *o); });

  CLI::App* cp = audit->add_subcommand(
      "checkpoint", "Sign the chain head (Ed25519) so a cut tail or a rewritten chain is caught");
  cp->add_option("--key", o->key, "Private key file")->required();
  cp->add_option("--out", o->out, "Append the checkpoint line to this file (default: stdout)");
  cp->callback([&g, o, &exit_code] { exit_code = Checkpoint(g, *o); });

  CLI::App* keygen = audit->add_subcommand("keygen", "Make an Ed25519 checkpoint signing key");
  keygen->add_option("--key", o->key, "Private key file to create (mode 0600)")->required();
  keygen->add_option("--public-key", o->public_key, "Public key file to write")->required();
  keygen->callback([o, &exit_code] { exit_code = Keygen(*o); });
}

}  // namespace drawbridge::cli
