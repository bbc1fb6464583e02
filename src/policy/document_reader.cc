#include "policy/document_reader.h"

#include <re2/re2.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <sstream>

#include "policy/names.h"
#include "policy/rule_reader.h"
#include "policy/suggest.h"
#include "policy/yaml_reader.h"

namespace drawbridge::policy {
namespace {

constexpr int kSupportedVersion = 1;
constexpr size_t kMaxTicketPatternLength = 1024;

class FileReader {
 public:
  FileReader(ParsedFile& out, Diagnostics* diagnostics)
      : out_(out), reader_(out.file, diagnostics), rules_(reader_, out.references) {}

  void Read(const YAML::Node& root);

 private:
  std::optional<std::string> Name(const MapFields& fields, std::string_view example);
  void Groups(const YamlValue& value);
  void Resources(const YamlValue& value);
  void Roles(const YamlValue& value);
  void Assignments(const YamlValue& value);
  void EligibilityRules(const YamlValue& value);
  void Guardrails(const YamlValue& value);
  void Notifications(const YamlValue& value);
  Requirements Require(const YamlValue& value);
  BreakGlass ReadBreakGlass(const YamlValue& value);

  ParsedFile& out_;
  YamlReader reader_;
  RuleReader rules_;
};

void FileReader::Read(const YAML::Node& root) {
  YamlValue file = reader_.Root(root);
  if (!root.IsMap()) {
    reader_.Error(file.pos,
                  "a policy file must be a map of sections (version, groups, "
                  "resources, roles, assignments, eligibility, guardrails, "
                  "notifications), got " +
                      YamlReader::Describe(root));
    return;
  }
  MapFields fields(reader_, file, "the policy file",
                   {"version", "groups", "resources", "roles", "assignments", "eligibility",
                    "guardrails", "notifications"});
  if (auto version = fields.Require("version", "'version: 1' at the top of the file")) {
    out_.version_pos = version->pos;
    if (std::optional<int64_t> number = reader_.Integer(*version)) {
      if (*number != kSupportedVersion) {
        reader_.Error(version->pos, "unsupported policy version " + std::to_string(*number) +
                                        "; this Drawbridge reads version 1: write 'version: 1'");
      } else {
        out_.version = static_cast<int>(*number);
      }
    }
  }
  if (auto groups = fields.Get("groups")) Groups(*groups);
  if (auto resources = fields.Get("resources")) Resources(*resources);
  if (auto roles = fields.Get("roles")) Roles(*roles);
  if (auto assignments = fields.Get("assignments")) Assignments(*assignments);
  if (auto eligibility = fields.Get("eligibility")) EligibilityRules(*eligibility);
  if (auto guardrails = fields.Get("guardrails")) Guardrails(*guardrails);
  if (auto notifications = fields.Get("notifications")) Notifications(*notifications);
}

std::optional<std::string> FileReader::Name(const MapFields& fields, std::string_view example) {
  std::optional<YamlValue> value = fields.Require("name", example);
  if (!value) return std::nullopt;
  std::optional<std::string> name = reader_.String(*value);
  if (!name) return std::nullopt;
  if (std::optional<std::string> problem = CheckRuleName(*name)) {
    reader_.Error(value->pos, *problem);
    return std::nullopt;
  }
  return name;
}

void FileReader::Groups(const YamlValue& value) {
  for (const auto& [name, members] : reader_.Entries(value)) {
    if (std::optional<std::string> problem = CheckRuleName(name.value)) {
      reader_.Error(name.pos, "group " + *problem);
      continue;
    }
    GroupDecl group{name.value, {}, name.pos};
    if (!members.node.IsNull()) {
      group.members = rules_.Principals(members, /*allow_everyone=*/false);
    }
    out_.groups.push_back(std::move(group));
  }
}

void FileReader::Resources(const YamlValue& value) {
  for (const YamlValue& item : reader_.List(value)) {
    MapFields fields(reader_, item, "a resource", {"id", "kind", "labels"});
    if (!fields.ok()) continue;
    ResourceDecl resource;
    resource.pos = item.pos;
    if (auto id = fields.Require("id", "id: db/orders-prod")) {
      if (std::optional<std::string> text = reader_.String(*id)) {
        if (std::optional<std::string> problem = CheckResourceId(*text)) {
          reader_.Error(id->pos, *problem);
        }
        resource.id = *text;
        resource.pos = id->pos;
      }
    }
    if (auto kind = fields.Require("kind", "kind: postgres")) {
      if (std::optional<std::string> text = reader_.String(*kind)) resource.kind = *text;
    }
    if (auto labels = fields.Get("labels")) {
      for (const auto& [label, label_value] : reader_.Entries(*labels)) {
        if (std::optional<std::string> text = reader_.String(label_value)) {
          resource.labels[label.value] = *text;
        }
      }
    }
    out_.document.resources.push_back(std::move(resource));
  }
}

void FileReader::Roles(const YamlValue& value) {
  for (const auto& [name, body] : reader_.Entries(value)) {
    if (std::optional<std::string> problem = CheckRuleName(name.value)) {
      reader_.Error(name.pos, "role " + *problem);
      continue;
    }
    Role role;
    role.name = name.value;
    role.pos = name.pos;
    MapFields fields(reader_, body, "a role", {"description", "permissions"});
    if (auto description = fields.Get("description")) {
      if (auto text = reader_.String(*description)) role.description = *text;
    }
    if (auto permissions = fields.Require(
            "permissions", "permissions: [{actions: [db.query], resources: {kind: postgres}}]")) {
      for (const YamlValue& item : reader_.List(*permissions)) {
        MapFields permission_fields(reader_, item, "a permission", {"actions", "resources"});
        if (!permission_fields.ok()) continue;
        Permission permission;
        permission.pos = item.pos;
        if (auto actions = permission_fields.Require("actions", "actions: [db.query]")) {
          permission.actions = rules_.Actions(*actions);
        }
        if (auto resources = permission_fields.Get("resources")) {
          permission.resources = rules_.Selector(*resources);
        }
        role.permissions.push_back(std::move(permission));
      }
    }
    out_.document.roles.push_back(std::move(role));
  }
}

void FileReader::Assignments(const YamlValue& value) {
  for (const YamlValue& item : reader_.List(value)) {
    MapFields fields(reader_, item, "an assignment", {"principals", "roles", "when"});
    if (!fields.ok()) continue;
    Assignment assignment;
    assignment.pos = item.pos;
    if (auto principals = fields.Require("principals", "principals: [group:dba]")) {
      assignment.principals = rules_.Principals(*principals, /*allow_everyone=*/true);
    }
    if (auto roles = fields.Require("roles", "roles: [db-read]")) {
      assignment.roles = rules_.Roles(*roles);
    }
    if (auto when = fields.Get("when")) {
      assignment.when = rules_.When(*when, WhenContext::kAssignment);
    }
    out_.document.assignments.push_back(std::move(assignment));
  }
}

Requirements FileReader::Require(const YamlValue& value) {
  Requirements require;
  MapFields fields(reader_, value, "require", {"reason", "ticket"});
  if (auto reason = fields.Get("reason")) {
    if (std::optional<bool> flag = reader_.Bool(*reason)) require.reason = *flag;
  }
  if (auto ticket = fields.Get("ticket")) {
    std::optional<std::string> pattern = reader_.String(*ticket);
    if (pattern && pattern->size() > kMaxTicketPatternLength) {
      reader_.Error(ticket->pos, "the ticket pattern is longer than 1024 characters; shorten it");
    } else if (pattern) {
      RE2::Options options;
      options.set_log_errors(false);
      RE2 regex(*pattern, options);
      if (!regex.ok()) {
        reader_.Error(ticket->pos, "invalid ticket pattern: " + regex.error() +
                                       "; write an RE2 regular expression such as "
                                       "\"^(INC|CHG)-[0-9]+$\"");
      } else {
        require.ticket_pattern = *pattern;
      }
    }
  }
  return require;
}

BreakGlass FileReader::ReadBreakGlass(const YamlValue& value) {
  BreakGlass glass;
  glass.pos = value.pos;
  MapFields fields(reader_, value, "break_glass", {"max_duration", "notify"});
  if (auto duration = fields.Get("max_duration")) {
    if (std::optional<Seconds> parsed = reader_.Duration(*duration)) glass.max_duration = *parsed;
  }
  if (auto notify = fields.Get("notify")) {
    glass.notify = rules_.Principals(*notify, /*allow_everyone=*/false);
  }
  return glass;
}

void FileReader::EligibilityRules(const YamlValue& value) {
  for (const YamlValue& item : reader_.List(value)) {
    MapFields fields(reader_, item, "an eligibility rule",
                     {"name", "principals", "roles", "max_duration", "require", "approval",
                      "auto_approve", "break_glass"});
    if (!fields.ok()) continue;
    Eligibility rule;
    rule.pos = item.pos;
    if (auto name = Name(fields, "name: dba-elevation")) rule.name = *name;
    if (auto principals = fields.Require("principals", "principals: [group:dba]")) {
      rule.principals = rules_.Principals(*principals, /*allow_everyone=*/true);
    }
    if (auto roles = fields.Require("roles", "roles: [db-admin]")) {
      rule.roles = rules_.Roles(*roles);
    }
    if (auto duration = fields.Get("max_duration")) {
      if (std::optional<Seconds> parsed = reader_.Duration(*duration)) rule.max_duration = *parsed;
    }
    if (auto require = fields.Get("require")) rule.require = Require(*require);
    if (auto approval =
            fields.Require("approval", "approval: {approvers: [group:leads], min_approvals: 1}")) {
      rule.approval = rules_.Approval(*approval, nullptr);
    }
    if (auto auto_approve = fields.Get("auto_approve")) {
      for (const YamlValue& entry : reader_.List(*auto_approve)) {
        MapFields entry_fields(reader_, entry, "an auto_approve entry", {"when", "max_duration"});
        if (!entry_fields.ok()) continue;
        AutoApprove automatic;
        automatic.pos = entry.pos;
        if (auto when =
                entry_fields.Require("when", "when: {resources: {labels: {env: staging}}}")) {
          automatic.when = rules_.When(*when, WhenContext::kAutoApprove);
        }
        if (auto duration = entry_fields.Get("max_duration")) {
          automatic.max_duration = reader_.Duration(*duration);
        }
        rule.auto_approve.push_back(std::move(automatic));
      }
    }
    if (auto glass = fields.Get("break_glass")) rule.break_glass = ReadBreakGlass(*glass);
    out_.document.eligibility.push_back(std::move(rule));
  }
}

void FileReader::Guardrails(const YamlValue& value) {
  for (const YamlValue& item : reader_.List(value)) {
    MapFields fields(reader_, item, "a guardrail",
                     {"name", "description", "principals", "except_principals", "actions",
                      "resources", "when", "effect", "approval"});
    if (!fields.ok()) continue;
    Guardrail guardrail;
    guardrail.pos = item.pos;
    if (auto name = Name(fields, "name: destructive-sql-prod")) guardrail.name = *name;
    if (auto description = fields.Get("description")) {
      if (auto text = reader_.String(*description)) guardrail.description = *text;
    }
    if (auto principals = fields.Get("principals")) {
      guardrail.principals = rules_.Principals(*principals, /*allow_everyone=*/false);
    }
    if (auto except = fields.Get("except_principals")) {
      guardrail.except_principals = rules_.Principals(*except, /*allow_everyone=*/false);
    }
    if (auto actions = fields.Require("actions", "actions: [db.query]")) {
      guardrail.actions = rules_.Actions(*actions);
    }
    if (auto resources = fields.Get("resources")) {
      guardrail.resources = rules_.Selector(*resources);
    }
    if (auto when = fields.Get("when")) {
      guardrail.when = rules_.When(*when, WhenContext::kGuardrail);
    }
    std::optional<GuardrailEffect> effect;
    if (auto effect_value = fields.Require("effect", "effect: require_approval")) {
      std::optional<std::string> text = reader_.String(*effect_value);
      if (text == "deny") {
        effect = GuardrailEffect::kDeny;
      } else if (text == "require_approval") {
        effect = GuardrailEffect::kRequireApproval;
      } else if (text == "require_grant") {
        effect = GuardrailEffect::kRequireGrant;
      } else if (text) {
        reader_.Error(effect_value->pos,
                      "invalid effect '" + *text +
                          "'; write deny, require_approval or require_grant" +
                          DidYouMean(*text, std::vector<std::string_view>{
                                                "deny", "require_approval", "require_grant"}));
      }
    }
    if (effect) guardrail.effect = *effect;
    std::optional<YamlValue> approval = fields.Get("approval");
    if (approval && effect && *effect != GuardrailEffect::kRequireApproval) {
      reader_.Error(approval->key_pos,
                    "a guardrail with effect " +
                        std::string(*effect == GuardrailEffect::kDeny ? "deny" : "require_grant") +
                        " takes no approval; remove 'approval' or set effect: require_approval");
    } else if (approval) {
      ActionApprovalLimits limits;
      guardrail.approval = rules_.Approval(*approval, &limits);
      guardrail.ttl = limits.ttl;
      guardrail.uses = limits.uses;
    } else if (effect == GuardrailEffect::kRequireApproval) {
      reader_.Error(fields.pos(),
                    "a guardrail with effect require_approval needs 'approval'; add e.g. "
                    "approval: {approvers: [group:leads], min_approvals: 1, ttl: 15m}");
    }
    out_.document.guardrails.push_back(std::move(guardrail));
  }
}

void FileReader::Notifications(const YamlValue& value) {
  for (const YamlValue& item : reader_.List(value)) {
    MapFields fields(reader_, item, "a notification route", {"on", "webhook"});
    if (!fields.ok()) continue;
    NotificationRoute route;
    route.pos = item.pos;
    if (auto on = fields.Require("on", "on: [request.created]")) {
      for (const StringAt& event : reader_.Strings(*on)) {
        const std::vector<std::string_view>& known = NotificationEvents();
        if (std::find(known.begin(), known.end(), event.value) == known.end()) {
          reader_.Error(event.pos, "unknown event '" + event.value + "'" +
                                       DidYouMean(event.value, known) +
                                       " (known: " + QuotedList(known) + ")");
          continue;
        }
        route.on.push_back(event.value);
      }
    }
    if (auto webhook = fields.Require("webhook", "webhook: {url: \"https://...\"}")) {
      MapFields hook(reader_, *webhook, "webhook", {"url", "format", "secret_env"});
      if (auto url = hook.Require("url", "url: \"https://chat.example/hooks/T000\"")) {
        if (std::optional<std::string> text = reader_.String(*url)) {
          bool http = text->starts_with("https://") || text->starts_with("http://");
          if (!http || text->size() <= 8) {
            reader_.Error(url->pos, "invalid webhook url '" + *text +
                                        "'; write an absolute http:// or https:// URL");
          }
          route.webhook.url = *text;
        }
      }
      if (auto format = hook.Get("format")) {
        std::optional<std::string> text = reader_.String(*format);
        if (text && *text != "json" && *text != "slack") {
          reader_.Error(format->pos, "invalid webhook format '" + *text + "'; write json or slack");
        } else if (text) {
          route.webhook.format = *text;
        }
      }
      if (auto secret = hook.Get("secret_env")) {
        if (std::optional<std::string> text = reader_.String(*secret)) {
          if (std::optional<std::string> problem = CheckEnvName(*text)) {
            reader_.Error(secret->pos, *problem);
          }
          route.webhook.secret_env = *text;
        }
      }
    }
    out_.document.notifications.push_back(std::move(route));
  }
}

// Counts documents without building nodes.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) second_document_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  int documents() const { return documents_; }
  const YAML::Mark& second_document() const { return second_document_; }

 private:
  int documents_ = 0;
  YAML::Mark second_document_;
};

// Whether the text holds anything but blanks, comments, document markers and an explicit null.
bool HasContent(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t end = line.find_last_not_of(" \t\r");
    std::string_view word = std::string_view(line).substr(start, end - start + 1);
    if (word == "---" || word == "..." || word == "~" || word == "null") continue;
    return true;
  }
  return false;
}

SourcePos MarkPos(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourcePos{file, 1, 1};
  return SourcePos{file, mark.line + 1, mark.column + 1};
}

}  // namespace

ParsedFile ReadPolicyFile(std::string_view yaml, const std::string& file_name,
                          Diagnostics* diagnostics) {
  ParsedFile out;
  out.file = file_name;
  YAML::Node root;
  const std::string text(yaml);
  try {
    // YAML::Load reads the first document only. YAML::LoadAll is avoided on purpose: in
    // yaml-cpp 0.7 it loops forever on some malformed input (a stray ',' at the top level).
    root = YAML::Load(text);
    // A second document needs a '---' or '...' marker; only then is it worth counting.
    if (text.find("---") != std::string::npos || text.find("...") != std::string::npos) {
      std::istringstream stream(text);
      YAML::Parser parser(stream);
      DocumentCounter counter;
      for (int attempt = 0; attempt < 3 && counter.documents() < 2; ++attempt) {
        if (!parser.HandleNextDocument(counter)) break;
      }
      if (counter.documents() >= 2) {
        diagnostics->Add(MarkPos(file_name, counter.second_document()),
                         "a policy file holds one YAML document; remove this '---' document or "
                         "move it to a file of its own");
      }
    }
  } catch (const YAML::Exception& e) {
    diagnostics->Add(MarkPos(file_name, e.mark),
                     "YAML syntax error: " + e.msg +
                         "; fix the YAML (check indentation, brackets and quotes) near here");
    out.unreadable = true;
    return out;
  } catch (const std::exception& e) {
    diagnostics->Add(SourcePos{file_name, 1, 1},
                     std::string("the file could not be read as YAML: ") + e.what());
    out.unreadable = true;
    return out;
  }
  if (root.IsNull()) {
    if (HasContent(text)) {
      diagnostics->Add(SourcePos{file_name, 1, 1},
                       "the file has content but no YAML document could be read from it; check "
                       "the top level for a stray ',', ']' or '}' or a misplaced anchor");
    }
    return out;
  }
  out.empty = false;
  try {
    FileReader(out, diagnostics).Read(root);
  } catch (const YAML::Exception& e) {
    // Reading a parsed tree does not throw in practice; this keeps a surprise an error value.
    diagnostics->Add(SourcePos{file_name, 1, 1}, std::string("unexpected YAML error: ") + e.what());
  }
  return out;
}

}  // namespace drawbridge::policy
