// db_destructive: destructive SQL through database CLIs (judged by the SQL classifier), Redis
// FLUSHALL/FLUSHDB, Mongo drops and unfiltered deletes, framework drop/reset/flush tasks.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"
#include "classify/shell/sql_text.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify::shell {
namespace {

void CheckStdinSql(const Invocation& inv, Analyzer& a) {
  if (inv.stdin_source->source == Stdin::Source::kText) a.CheckSql(inv.stdin_source->text);
}

// Framework tasks that drop, reset or empty a database, as positional word sequences.
struct DbTask {
  std::string_view program;
  std::string_view words[3];
};

constexpr DbTask kDbTasks[] = {
    {"rails", {"db:drop"}},
    {"rails", {"db:drop:all"}},
    {"rails", {"db:reset"}},
    {"rails", {"db:purge"}},
    {"rails", {"db:schema:load"}},
    {"rails", {"db:structure:load"}},
    {"rails", {"db:seed:replant"}},
    {"rails", {"db:migrate:reset"}},
    {"rails", {"db:truncate_all"}},
    {"manage.py", {"flush"}},
    {"manage.py", {"reset_db"}},
    {"manage.py", {"migrate", "*", "zero"}},
    {"prisma", {"migrate", "reset"}},
    {"artisan", {"migrate:fresh"}},
    {"artisan", {"migrate:reset"}},
    {"artisan", {"migrate:refresh"}},
    {"artisan", {"db:wipe"}},
    {"sequelize", {"db:drop"}},
    {"sequelize", {"db:migrate:undo:all"}},
    {"typeorm", {"schema:drop"}},
    {"mix", {"ecto.drop"}},
    {"mix", {"ecto.reset"}},
    {"alembic", {"downgrade", "base"}},
    {"flask", {"db", "downgrade", "base"}},
    {"supabase", {"db", "reset"}},
    {"flyway", {"clean"}},
    {"liquibase", {"dropAll"}},
    {"liquibase", {"drop-all"}},
    {"diesel", {"database", "reset"}},
    {"sqlx", {"database", "drop"}},
    {"sqlx", {"database", "reset"}},
    {"goose", {"reset"}},
    {"dbmate", {"drop"}},
    {"drizzle-kit", {"drop"}},
    {"knex", {"migrate:rollback", "--all"}},
};

std::string_view TaskFamily(std::string_view program) {
  if (program == "rake" || program == "rails") return "rails";
  if (program == "django-admin" || program == "manage.py") return "manage.py";
  if (program == "sequelize-cli") return "sequelize";
  if (program == "typeorm-ts-node-commonjs" || program == "typeorm-ts-node-esm") return "typeorm";
  return program;
}

bool MatchesAt(const std::vector<std::string_view>& words, size_t at, const DbTask& task) {
  size_t k = 0;
  for (std::string_view expected : task.words) {
    if (expected.empty()) break;
    if (at + k >= words.size()) return false;
    if (expected != "*" && words[at + k] != expected) return false;
    ++k;
  }
  return true;
}

}  // namespace

void Analyzer::CheckSql(std::string_view sql) {
  std::string prepared = PrepareClientSql(sql);
  Classification c = ClassifySql(prepared);
  FactSet facts = c.facts;
  bool unparsed = facts.Has(Fact::kUnparseable) || !c.error.empty();
  if (unparsed) {
    if (SqlKeywordsDestructive(prepared)) facts_.Add(Fact::kShellDbDestructive);
    return;
  }
  if (IsDangerous(facts)) facts_.Add(Fact::kShellDbDestructive);
}

void RulePsql(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  bool has_command = false;
  bool has_file = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if ((t == "-c" || t == "--command") && i + 1 < args.size()) {
      a.CheckSql(RenderForReparse(args[i + 1].text));
      has_command = true;
      ++i;
    } else if (t.starts_with("--command=")) {
      a.CheckSql(RenderForReparse(t.substr(10)));
      has_command = true;
    } else if (t.size() > 2 && t.starts_with("-c")) {
      a.CheckSql(RenderForReparse(t.substr(2)));
      has_command = true;
    } else if ((t == "-f" || t == "--file") && i + 1 < args.size()) {
      has_file = args[i + 1].text != "-";
      ++i;
    }
  }
  if (!has_command && !has_file) CheckStdinSql(inv, a);
}

void RuleMysql(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  bool has_command = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if ((t == "-e" || t == "--execute") && i + 1 < args.size()) {
      a.CheckSql(RenderForReparse(args[i + 1].text));
      has_command = true;
      ++i;
    } else if (t.starts_with("--execute=")) {
      a.CheckSql(RenderForReparse(t.substr(10)));
      has_command = true;
    } else if (t.size() > 2 && t.starts_with("-e")) {
      a.CheckSql(RenderForReparse(t.substr(2)));
      has_command = true;
    }
  }
  if (!has_command) CheckStdinSql(inv, a);
}

void RuleSqlite(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::vector<const Word*> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (t == "-cmd" && i + 1 < args.size()) {
      a.CheckSql(RenderForReparse(args[++i].text));
      continue;
    }
    if (t == "-separator" || t == "-newline" || t == "-nullvalue" || t == "-init" || t == "-vfs" ||
        t == "-maxsize" || t == "-mmap" || t == "-c") {
      if (t == "-c" && i + 1 < args.size()) a.CheckSql(RenderForReparse(args[i + 1].text));
      ++i;
      continue;
    }
    if (t.starts_with("-")) continue;
    positional.push_back(&args[i]);
  }
  if (positional.size() >= 2) {
    for (size_t i = 1; i < positional.size(); ++i)
      a.CheckSql(RenderForReparse(positional[i]->text));
    return;
  }
  CheckStdinSql(inv, a);
}

void RuleRedis(const Invocation& inv, Analyzer& a) {
  std::vector<const Word*> positional =
      Positionals(inv.args, {"-h", "-p", "-a", "-n", "-u", "--user", "--pass", "-s", "-r", "-i",
                             "-d", "--cacert", "--cert", "--key", "--pattern", "--count"});
  auto dangerous_command = [](std::string_view command) {
    std::string c = Lower(command);
    return c == "flushall" || c == "flushdb";
  };
  if (!positional.empty()) {
    if (dangerous_command(positional[0]->text)) a.Add(Fact::kShellDbDestructive);
    std::string c = Lower(positional[0]->text);
    if (c == "del" || c == "unlink") {
      for (size_t i = 1; i < positional.size(); ++i) {
        if (a.ExpandsToUnknownList(*positional[i]) || positional[i]->Has(kGlob)) {
          a.Add(Fact::kShellDbDestructive);
        }
      }
    }
    return;
  }
  if (inv.stdin_source->source == Stdin::Source::kText) {
    std::string text = Lower(inv.stdin_source->text);
    if (text.find("flushall") != std::string::npos || text.find("flushdb") != std::string::npos) {
      a.Add(Fact::kShellDbDestructive);
    }
  }
}

void RuleMongo(const Invocation& inv, Analyzer& a) {
  std::string script;
  if (FlagValue(inv.args, "eval", 0, script)) {
    if (MongoScriptDestructive(script)) a.Add(Fact::kShellDbDestructive);
    return;
  }
  if (inv.stdin_source->source == Stdin::Source::kText &&
      MongoScriptDestructive(inv.stdin_source->text)) {
    a.Add(Fact::kShellDbDestructive);
  }
}

void RuleDbTask(const Invocation& inv, Analyzer& a) {
  std::string_view family = TaskFamily(inv.program);
  std::vector<std::string_view> words;
  for (const Word& w : inv.args) words.push_back(w.text);
  if (family == "prisma") {
    bool push = false;
    for (size_t i = 0; i + 1 < words.size(); ++i)
      push = push || (words[i] == "db" && words[i + 1] == "push");
    if (push &&
        (HasLongFlag(inv.args, "force-reset") || HasLongFlag(inv.args, "accept-data-loss"))) {
      a.Add(Fact::kShellDbDestructive);
      return;
    }
  }
  for (const DbTask& task : kDbTasks) {
    if (task.program != family) continue;
    for (size_t at = 0; at < words.size(); ++at) {
      if (MatchesAt(words, at, task)) {
        a.Add(Fact::kShellDbDestructive);
        return;
      }
    }
  }
}

void RuleDropDb(const Invocation& inv, Analyzer& a) {
  if (HasLongFlag(inv.args, "help") || HasLongFlag(inv.args, "version")) return;
  if (inv.program == "mysqladmin") {
    for (const Word* w : Positionals(inv.args, {"-u", "-p", "-h", "-P", "-S"})) {
      if (Lower(w->text) == "drop") a.Add(Fact::kShellDbDestructive);
    }
    return;
  }
  if (inv.program == "pg_restore") {
    // --clean drops every object before recreating it.
    if (HasShortFlag(inv.args, 'c') || HasLongFlag(inv.args, "clean"))
      a.Add(Fact::kShellDbDestructive);
    return;
  }
  a.Add(Fact::kShellDbDestructive);  // dropdb, dropuser
}

}  // namespace drawbridge::classify::shell
