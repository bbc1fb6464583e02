#include "cli/io.h"

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/escape.h"

namespace drawbridge::cli {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void PrintJson(const boost::json::value& v) {
  std::cout << boost::json::serialize(v) << "\n";
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

void PrintError(const std::string& message) {
  // Messages quote what users typed or stored (a ticket that failed a rule, a server's answer).
  std::cerr << "drawbridge: " << EscapeEachLine(message) << "\n";
}

}  // namespace drawbridge::cli
