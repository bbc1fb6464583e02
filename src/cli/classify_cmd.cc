// drawbridge classify: what a SQL string or a command line does, as facts.
#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/io.h"
#include "drawbridge/classify.h"

namespace drawbridge::cli {
namespace {

struct ClassifyOptions {
  std::string kind = "sql";
  bool jsonl = false;
  std::string text;
  std::string output;  // "": the global --output
};

classify::Classification Classify(const std::string& kind, std::string_view text) {
  if (kind == "sql") return classify::ClassifySql(text);
  if (kind == "shell") return classify::ClassifyShell(text);
  // http: "METHOD /path"
  size_t space = text.find(' ');
  if (space == std::string_view::npos) return classify::ClassifyHttp(text, "");
  return classify::ClassifyHttp(text.substr(0, space), text.substr(space + 1));
}

boost::json::object ToJson(const classify::Classification& c) {
  boost::json::object out;
  out["dangerous"] = c.dangerous();
  boost::json::array facts;
  for (const std::string& f : FactNames(c.facts)) facts.emplace_back(f);
  out["facts"] = std::move(facts);
  out["error"] = c.error.empty() ? boost::json::value(nullptr) : boost::json::value(c.error);
  return out;
}

int RunJsonl(const ClassifyOptions& o) {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    const boost::json::value* text = nullptr;
    if (!ec && v.is_object()) text = v.as_object().if_contains("text");
    classify::Classification c;
    if (text == nullptr || !text->is_string()) {
      // One output line per input line, and fail closed.
      c.facts.Add(Fact::kUnparseable);
      c.error = "input line is not a JSON object with a \"text\" string";
    } else {
      c = Classify(o.kind, std::string_view(text->as_string()));
    }
    PrintJson(ToJson(c));
  }
  std::cout.flush();
  return kExitOk;
}

int RunOne(const GlobalOptions& g, const ClassifyOptions& o) {
  if (o.text.empty()) {
    return UsageError("give the text to classify, or --jsonl to read JSON lines from stdin");
  }
  classify::Classification c = Classify(o.kind, o.text);
  if (WantsJson(g, o.output)) {
    PrintJson(ToJson(c));
  } else {
    std::cout << (c.dangerous() ? "dangerous" : "safe");
    for (const std::string& f : FactNames(c.facts)) std::cout << ' ' << f;
    std::cout << '\n';
    if (!c.error.empty()) std::cout << "error: " << c.error << '\n';
  }
  return c.dangerous() ? kExitDeny : kExitOk;
}

}  // namespace

void RegisterClassify(CLI::App& app, GlobalOptions& global, int& exit_code) {
  auto o = std::make_shared<ClassifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "classify",
      "Classify SQL, a shell command line or an HTTP request (\"METHOD /path\") into facts.\n"
      "--jsonl reads {\"text\": ...} lines on stdin and writes one\n"
      "{\"dangerous\": bool, \"facts\": [...], \"error\": null|\"...\"} line per input.\n"
      "Exit codes: 0 safe (or --jsonl done), 3 dangerous, 2 usage error.");
  cmd->add_option("--kind", o->kind, "sql, shell or http")
      ->check(CLI::IsMember({"sql", "shell", "http"}));
  cmd->add_flag("--jsonl", o->jsonl, "Read JSON lines from stdin, write JSON lines");
  cmd->add_option("text", o->text, "The text to classify (without --jsonl)");
  cmd->add_option("--output,-o", o->output, "text or json (default: the global --output)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([o, &global, &exit_code] {
    SetJsonErrors(WantsJson(global, o->output));
    exit_code = o->jsonl ? RunJsonl(*o) : RunOne(global, *o);
  });
}

}  // namespace drawbridge::cli
