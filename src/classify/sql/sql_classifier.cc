// ClassifySql: parse once, then the facts of every statement, united.
#include "classify/sql/parse_tree.h"
#include "classify/sql/statement_walker.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {

Classification ClassifySql(std::string_view sql) {
  Classification result;
  sql::ParseTree tree;
  if (Status parsed = tree.Parse(sql); !parsed.ok()) {
    result.facts.Add(Fact::kUnparseable);
    result.error = parsed.message();
    return result;
  }
  sql::StatementWalker walker;
  for (const boost::json::value& entry : tree.statements()) {
    const boost::json::object* fields = entry.if_object();
    const boost::json::value* statement = fields != nullptr ? fields->if_contains("stmt") : nullptr;
    if (statement == nullptr) continue;
    result.facts.Add(walker.Classify(*statement));
  }
  return result;
}

}  // namespace drawbridge::classify
