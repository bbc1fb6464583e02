// SQL handed to database CLIs (psql -c, mysql -e, sqlite3 db 'SQL', a here-document): preparing
// it for the PostgreSQL classifier, and a keyword judgement for dialects that parser rejects
// (MySQL backquotes, SQLite pragmas). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drawbridge::classify::shell {

// Drops client meta-commands (psql `\dt`, sqlite `.tables`) and turns MySQL `ident` quoting into
// "ident" so that the PostgreSQL parser can read the rest.
std::string PrepareClientSql(std::string_view text);

// Statement-by-statement keyword judgement by DANGER.md: DROP, TRUNCATE, DELETE/UPDATE without a
// restricting WHERE, ALTER ... DROP, GRANT/REVOKE, user and role changes. Text inside quotes and
// comments is ignored.
bool SqlKeywordsDestructive(std::string_view sql);

// True for JavaScript given to the Mongo shell that drops databases or collections, or deletes or
// updates every document (deleteMany({}), remove({}), updateMany({}, ...)).
bool MongoScriptDestructive(std::string_view script);

}  // namespace drawbridge::classify::shell
