#include "cli/io.h"

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

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

void PrintError(const std::string& message) {
  std::cerr << "drawbridge: " << message << "\n";
}

}  // namespace drawbridge::cli
