#include "policy/loader.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include "policy/diagnostics.h"
#include "policy/document_reader.h"
#include "policy/validate.h"

namespace drawbridge::policy {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxFileBytes = 16 * 1024 * 1024;

template <typename T>
void MoveAppend(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// Merges files in order: sections concatenate; a group defined in two places is an error.
LoadResult MergeAndValidate(std::vector<ParsedFile> files, Diagnostics& diagnostics) {
  LoadResult result;
  PolicyDocument& merged = result.document;
  References references;
  for (ParsedFile& file : files) {
    merged.files.push_back(file.file);
    if (file.version) merged.version = *file.version;
    for (GroupDecl& group : file.groups) {
      auto existing = merged.group_pos.find(group.name);
      if (existing != merged.group_pos.end()) {
        diagnostics.Add(group.pos, "group '" + group.name + "' is defined twice: here and at " +
                                       FormatPos(existing->second) +
                                       "; merge the members into one definition");
        continue;
      }
      merged.group_pos[group.name] = group.pos;
      merged.groups[group.name] = std::move(group.members);
    }
    PolicyDocument& part = file.document;
    MoveAppend(merged.resources, part.resources);
    MoveAppend(merged.roles, part.roles);
    MoveAppend(merged.assignments, part.assignments);
    MoveAppend(merged.eligibility, part.eligibility);
    MoveAppend(merged.guardrails, part.guardrails);
    MoveAppend(merged.notifications, part.notifications);
    references.Append(std::move(file.references));
  }
  // A file that is not YAML hides what it defines: checking what the others refer to would
  // only report its roles and groups as unknown, burying the one error that matters.
  const bool all_read = std::none_of(files.begin(), files.end(),
                                     [](const ParsedFile& file) { return file.unreadable; });
  if (all_read) ValidatePolicy(merged, references, &diagnostics);
  result.errors = diagnostics.TakeSorted(merged.files);
  return result;
}

LoadResult SingleError(const std::string& file, std::string message) {
  LoadResult result;
  result.errors.push_back({SourcePos{file, 0, 0}, std::move(message)});
  return result;
}

// Reads a whole file, or says why it cannot.
std::optional<std::string> ReadFile(const fs::path& path, std::string* error) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    *error = "cannot read the policy: " + ec.message();
    return std::nullopt;
  }
  if (size > kMaxFileBytes) {
    *error = "the policy file is larger than 16 MiB; split it into several files";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open the policy file for reading";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = "error while reading the policy file";
    return std::nullopt;
  }
  return text;
}

}  // namespace

bool IsPolicyFile(const fs::path& path) {
  const std::string extension = path.extension().string();
  if (extension != ".yaml" && extension != ".yml") return false;
  // Policy test files (`drawbridge policy test`) may live beside the policy they test.
  const std::string stem = path.stem().string();
  return !(stem == "tests" || stem == "test" || stem.ends_with("_test") ||
           stem.ends_with("_tests"));
}

std::string LoadResult::ErrorText() const {
  std::string text;
  for (const PolicyError& error : errors) {
    text += error.ToString();
    text += '\n';
  }
  return text;
}

LoadResult LoadPolicyTexts(const std::vector<std::pair<std::string, std::string>>& files) {
  Diagnostics diagnostics;
  std::vector<ParsedFile> parsed;
  parsed.reserve(files.size());
  for (const auto& [name, text] : files) {
    parsed.push_back(ReadPolicyFile(text, name, &diagnostics));
  }
  LoadResult result = MergeAndValidate(std::move(parsed), diagnostics);
  result.sources = files;
  return result;
}

LoadResult LoadPolicyText(std::string_view yaml, std::string_view file_name) {
  return LoadPolicyTexts({{std::string(file_name), std::string(yaml)}});
}

LoadResult LoadPolicy(const fs::path& path) {
  std::error_code ec;
  std::vector<fs::path> paths;
  if (fs::is_directory(path, ec)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(path, ec)) {
      if (IsPolicyFile(entry.path()) && entry.is_regular_file(ec)) {
        paths.push_back(entry.path());
      }
    }
    if (ec) return SingleError(path.string(), "cannot list the policy directory: " + ec.message());
    std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() < b.filename().string();
    });
    if (paths.empty()) {
      return SingleError(path.string(), "no *.yaml or *.yml files in the policy directory");
    }
  } else {
    paths.push_back(path);
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const fs::path& file : paths) {
    std::string error;
    std::optional<std::string> text = ReadFile(file, &error);
    if (!text) return SingleError(file.string(), error);
    files.emplace_back(file.string(), std::move(*text));
  }
  return LoadPolicyTexts(files);
}

}  // namespace drawbridge::policy
