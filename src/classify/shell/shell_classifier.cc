// Public entry points of the shell classifier (drawbridge/classify.h).
#include <cctype>
#include <string>
#include <vector>

#include "classify/common/sha256.h"
#include "classify/shell/shell_analyzer.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {

Classification ClassifyShell(std::string_view command_line) {
  Classification result;
  shell::Analyzer analyzer(result.facts, result.error);
  analyzer.AnalyzeText(command_line);
  return result;
}

Classification ClassifyArgv(const std::vector<std::string>& argv) {
  Classification result;
  if (argv.empty()) {
    result.facts.Add(Fact::kUnparseable);
    result.error = "empty argv";
    return result;
  }
  std::vector<shell::Word> words;
  words.reserve(argv.size());
  for (const std::string& arg : argv) {
    shell::Word w;
    w.text = arg;
    // Marker bytes are ours; in an argv they are ordinary (and suspicious) bytes.
    for (char& c : w.text) {
      if (c >= '\x01' && c <= '\x03') c = '?';
    }
    w.flags = shell::kQuoted;
    // env, sudo and friends read NAME=value arguments as assignments.
    size_t eq = w.text.find('=');
    if (eq > 0 && eq < 255 && eq != std::string::npos &&
        (std::isalpha(static_cast<unsigned char>(w.text[0])) || w.text[0] == '_')) {
      bool name = true;
      for (size_t i = 0; i < eq; ++i) {
        name = name && (std::isalnum(static_cast<unsigned char>(w.text[i])) || w.text[i] == '_');
      }
      if (name) w.assign_len = static_cast<uint8_t>(eq);
    }
    words.push_back(std::move(w));
  }
  shell::Analyzer analyzer(result.facts, result.error);
  analyzer.AnalyzeWords(words, shell::Stdin{});
  return result;
}

Digest FingerprintArgv(std::string_view resolved_program, const std::vector<std::string>& argv) {
  Sha256 hash;
  hash.UpdateField("argv/1");
  hash.UpdateField(resolved_program);
  hash.UpdateField(std::to_string(argv.size()));
  for (const std::string& arg : argv) hash.UpdateField(arg);
  return hash.Finish();
}

}  // namespace drawbridge::classify
