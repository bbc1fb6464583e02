#include "classify/shell/shell_args.h"

#include <algorithm>
#include <cctype>

namespace drawbridge::classify::shell {

bool HasShortFlag(Args args, char letter) {
  for (const Word& w : args) {
    const std::string& t = w.text;
    if (t == "--") return false;
    if (t.size() >= 2 && t[0] == '-' && t[1] != '-' && t.find(letter, 1) != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool HasLongFlag(Args args, std::string_view name) {
  for (const Word& w : args) {
    std::string_view t = w.text;
    if (t == "--") return false;
    if (t.size() < name.size() + 2 || t[0] != '-' || t[1] != '-') continue;
    if (t.substr(2, name.size()) != name) continue;
    if (t.size() == name.size() + 2 || t[name.size() + 2] == '=') return true;
  }
  return false;
}

bool FlagValue(Args args, std::string_view name, char letter, std::string& value) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view t = args[i].text;
    if (t == "--") return false;
    if (!name.empty() && t.size() >= name.size() + 2 && t.substr(0, 2) == "--" &&
        t.substr(2, name.size()) == name) {
      std::string_view rest = t.substr(name.size() + 2);
      if (rest.empty() && i + 1 < args.size()) {
        value = args[i + 1].text;
        return true;
      }
      if (!rest.empty() && rest[0] == '=') {
        value = std::string(rest.substr(1));
        return true;
      }
    }
    if (letter != 0 && t.size() >= 2 && t[0] == '-' && t[1] == letter) {
      if (t.size() > 2) {
        value = std::string(t.substr(t[2] == '=' ? 3 : 2));
        return true;
      }
      if (i + 1 < args.size()) {
        value = args[i + 1].text;
        return true;
      }
    }
  }
  return false;
}

bool HasArg(Args args, std::string_view text) {
  return std::any_of(args.begin(), args.end(), [&](const Word& w) { return w.text == text; });
}

std::vector<const Word*> Positionals(Args args,
                                     std::initializer_list<std::string_view> takes_value) {
  std::vector<const Word*> out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& t = args[i].text;
    if (options_done || t.size() < 2 || t[0] != '-') {
      out.push_back(&args[i]);
      continue;
    }
    if (t == "--") {
      options_done = true;
      continue;
    }
    if (t.find('=') == std::string::npos &&
        std::find(takes_value.begin(), takes_value.end(), t) != takes_value.end()) {
      ++i;
    }
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ContainsNoCase(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

}  // namespace drawbridge::classify::shell
