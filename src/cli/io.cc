#include "cli/io.h"

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/escape.h"
#include "cli/commands.h"
#include "cli/terminal_json.h"

namespace drawbridge::cli {
namespace {

bool json_errors = false;

}  // namespace

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void PrintJson(const boost::json::value& v) {
  PrintJsonText(boost::json::serialize(v));
}

void PrintJsonText(std::string_view json) {
  std::cout << TerminalSafeJson(json) << "\n";
}

std::string EscapeEachLine(std::string_view text) {
  std::string shown;
  size_t pos = 0;
  while (true) {
    size_t nl = text.find('\n', pos);
    shown +=
        audit::EscapeForTerminal(text.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    if (nl == std::string_view::npos) break;
    shown += '\n';
    pos = nl + 1;
  }
  return shown;
}

void SetJsonErrors(bool json) {
  json_errors = json;
}

bool JsonErrors() {
  return json_errors;
}

bool CommandLineAsksForJson(int argc, const char* const* argv) {
  const char* env = std::getenv("DRAWBRIDGE_OUTPUT");
  std::string_view output = env != nullptr ? env : "";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--output" || arg == "-o") {
      if (i + 1 < argc) output = argv[++i];
    } else if (arg.starts_with("--output=")) {
      output = arg.substr(std::string_view("--output=").size());
    } else if (arg.starts_with("-o") && !arg.starts_with("--")) {
      output = arg.substr(2);
    }
  }
  return output == "json";
}

std::string ErrorCode(StatusCode code) {
  std::string name(StatusCodeName(code));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

void ReportError(std::string_view code, std::string_view message) {
  if (json_errors) {
    boost::json::object error{{"code", code}, {"message", message}};
    std::cerr << TerminalSafeJson(boost::json::serialize(boost::json::object{{"error", error}}))
              << "\n";
    return;
  }
  // Messages quote what users typed or stored (a ticket that failed a rule, a server's answer).
  std::cerr << "drawbridge: " << EscapeEachLine(message) << "\n";
}

int UsageError(std::string_view message) {
  ReportError("usage", message);
  return kExitUsage;
}

int Fail(const Status& status) {
  ReportError(ErrorCode(status.code()), status.message());
  return kExitFailure;
}

int FailWithProblemList(const Status& status) {
  if (json_errors) return Fail(status);
  std::cerr << EscapeEachLine(status.message()) << "\n";
  return kExitFailure;
}

void PrintNote(std::string_view message) {
  std::cerr << "drawbridge: " << EscapeEachLine(message) << "\n";
}

}  // namespace drawbridge::cli
