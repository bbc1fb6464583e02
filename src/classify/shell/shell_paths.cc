#include "classify/shell/shell_paths.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::classify::shell {
namespace {

std::vector<std::string_view> Components(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) parts.push_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return parts;
}

template <size_t N>
bool OneOf(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

constexpr std::array<std::string_view, 27> kSystemTopLevel = {
    "bin",   "boot", "dev",    "etc",     "lib",          "lib32", "lib64",   "libx32",  "opt",
    "proc",  "root", "sbin",   "sys",     "usr",          "var",   "srv",     "home",    "mnt",
    "media", "snap", "System", "Library", "Applications", "Users", "private", "Volumes", "nix"};

constexpr std::array<std::string_view, 3> kHomeRoots = {"home", "Users", "root"};

// Directories a build or package manager recreates: deleting them loses nothing.
constexpr std::array<std::string_view, 60> kRegenerable = {"build",
                                                           "builds",
                                                           "dist",
                                                           "out",
                                                           "target",
                                                           "node_modules",
                                                           ".venv",
                                                           "venv",
                                                           "__pycache__",
                                                           ".pytest_cache",
                                                           ".mypy_cache",
                                                           ".ruff_cache",
                                                           ".cache",
                                                           "cache",
                                                           ".next",
                                                           ".nuxt",
                                                           ".turbo",
                                                           ".parcel-cache",
                                                           "coverage",
                                                           ".coverage",
                                                           "htmlcov",
                                                           ".tox",
                                                           ".nox",
                                                           ".gradle",
                                                           ".eggs",
                                                           "obj",
                                                           "bin",
                                                           ".terraform",
                                                           "vendor",
                                                           "bower_components",
                                                           ".sass-cache",
                                                           "tmp",
                                                           "temp",
                                                           ".tmp",
                                                           ".angular",
                                                           ".svelte-kit",
                                                           ".expo",
                                                           "Pods",
                                                           "DerivedData",
                                                           "_build",
                                                           ".build",
                                                           ".stack-work",
                                                           "dist-newstyle",
                                                           "elm-stuff",
                                                           ".dart_tool",
                                                           ".npm",
                                                           ".pnpm-store",
                                                           ".yarn",
                                                           "logs",
                                                           "log",
                                                           ".docusaurus",
                                                           "storybook-static",
                                                           ".vite",
                                                           ".webpack",
                                                           "cmake-build-debug",
                                                           "cmake-build-release",
                                                           ".gocache",
                                                           "site-packages",
                                                           "Caches",
                                                           ".gradle-cache"};

// Top-level home entries whose loss is personal data or credentials.
constexpr std::array<std::string_view, 22> kPreciousInHome = {
    ".ssh",    ".gnupg",    ".aws",     ".kube",     ".config", ".local",  "Documents",
    "Desktop", "Downloads", "Pictures", "Music",     "Videos",  "Library", "projects",
    "src",     "code",      "work",     "workspace", "repos",   "git",     ".password-store",
    "Dropbox"};

constexpr std::array<std::string_view, 4> kTempRoots = {"/tmp", "/var/tmp", "/private/tmp",
                                                        "/dev/shm"};

bool IsRegenerable(std::string_view component) {
  if (OneOf(component, kRegenerable)) return true;
  auto ends_with = [&](std::string_view suffix) {
    return component.size() > suffix.size() &&
           component.substr(component.size() - suffix.size()) == suffix;
  };
  auto starts_with = [&](std::string_view prefix) {
    return component.size() > prefix.size() && component.substr(0, prefix.size()) == prefix;
  };
  return ends_with(".egg-info") || starts_with("cmake-build-") || starts_with("build-") ||
         ends_with("-build") || ends_with("_cache") || ends_with(".cache");
}

// A wildcard component with no literal name part: *, .*, *.*, ?*, [a-z]*.
bool IsPureGlob(std::string_view component) {
  bool wildcard = false;
  for (size_t i = 0; i < component.size(); ++i) {
    char c = component[i];
    if (c == '*' || c == '?') {
      wildcard = true;
    } else if (c == '[') {
      size_t close = component.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      wildcard = true;
      i = close;
    } else if (c != '.') {
      return false;
    }
  }
  return wildcard;
}

bool UnderTemp(std::string_view path, bool& is_root) {
  for (std::string_view root : kTempRoots) {
    if (path == root) {
      is_root = true;
      return true;
    }
    if (path.size() > root.size() && path.substr(0, root.size()) == root &&
        path[root.size()] == '/') {
      is_root = false;
      return true;
    }
  }
  return false;
}

// packages/*/node_modules: the wildcard only picks which regenerable directory goes.
bool RegenerableBelow(const std::vector<std::string_view>& parts, size_t index) {
  for (size_t i = index + 1; i < parts.size(); ++i) {
    if (IsRegenerable(parts[i])) return true;
  }
  return false;
}

// Judges the components below a directory the user owns (the project, a home directory).
// `home` marks the components as relative to a home directory.
bool DangerousBelowOwnedRoot(const std::vector<std::string_view>& parts, size_t first, bool home,
                             bool glob) {
  if (first >= parts.size()) return true;  // the root itself: ~ or the project
  if (home && parts.size() == first + 1 && OneOf(parts[first], kPreciousInHome)) return true;
  bool regenerable_ancestor = false;
  for (size_t i = first; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part == "..") return true;  // another checkout
    if (part == ".git" && (i + 1 == parts.size() || (glob && IsPureGlob(parts[i + 1])))) {
      return true;
    }
    if (glob && IsPureGlob(part) && !regenerable_ancestor && !RegenerableBelow(parts, i)) {
      return true;
    }
    if (IsRegenerable(part)) regenerable_ancestor = true;
  }
  return false;
}

}  // namespace

std::string NormalizePath(std::string_view path) {
  bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string_view> stack;
  for (std::string_view part : Components(path)) {
    if (part == ".") continue;
    if (part == "..") {
      if (!stack.empty() && stack.back() != "..") {
        if (stack.size() == 1 && stack.back() == "~") {
          absolute = true;  // ~/.. is /home
          stack.back() = "home";
          continue;
        }
        stack.pop_back();
      } else if (!absolute) {
        stack.push_back(part);
      }
      continue;
    }
    stack.push_back(part);
  }
  std::string out;
  if (absolute) out.push_back('/');
  for (size_t i = 0; i < stack.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(stack[i]);
  }
  if (out.empty()) return ".";
  return out;
}

bool IsDevicePath(std::string_view path) {
  if (path.size() <= 5 || path.substr(0, 5) != "/dev/") return false;
  std::string_view name = path.substr(5);
  constexpr std::array<std::string_view, 11> kHarmless = {"null",    "zero",  "full",   "random",
                                                          "urandom", "stdin", "stdout", "stderr",
                                                          "console", "ptmx",  "tty"};
  if (OneOf(name, kHarmless)) return false;
  constexpr std::array<std::string_view, 7> kHarmlessPrefixes = {"tty",  "pts/", "fd/",   "shm/",
                                                                 "tcp/", "udp/", "mqueue"};
  for (std::string_view prefix : kHarmlessPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return false;
  }
  return true;
}

bool IsSystemPath(std::string_view normalized) {
  if (normalized.empty() || normalized[0] != '/') return false;
  if (normalized == "/") return true;
  bool temp_root = false;
  if (UnderTemp(normalized, temp_root)) return temp_root;
  std::vector<std::string_view> parts = Components(normalized);
  if (parts.empty()) return true;
  if (OneOf(parts[0], kHomeRoots)) {
    // /home/alice/x is alice's own file; /root/x is root's home.
    size_t home_depth = parts[0] == "root" ? 1 : 2;
    return parts.size() <= home_depth;
  }
  return OneOf(parts[0], kSystemTopLevel);
}

bool IsCriticalSystemFile(std::string_view normalized) {
  constexpr std::array<std::string_view, 10> kCritical = {
      "/etc/passwd", "/etc/shadow", "/etc/group",   "/etc/gshadow",         "/etc/sudoers",
      "/etc/fstab",  "/etc/hosts",  "/etc/crontab", "/etc/ssh/sshd_config", "/etc/pam.conf"};
  if (OneOf(normalized, kCritical)) return true;
  for (std::string_view prefix :
       {std::string_view("/boot/"), std::string_view("/etc/pam.d/"),
        std::string_view("/etc/sudoers.d/"), std::string_view("/var/lib/")}) {
    if (normalized.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

bool IsDangerousRecursiveDelete(const Target& target) {
  if (target.temporary) return false;
  std::string path = NormalizePath(target.path);
  if (path == "." || path == "/" || path == "~") return true;
  std::vector<std::string_view> parts = Components(path);
  if (path[0] == '/') {
    bool temp_root = false;
    if (UnderTemp(path, temp_root)) {
      if (temp_root) return true;
      // /tmp/x is scratch space; /tmp/* is everybody's scratch space.
      for (size_t i = 1; i < parts.size(); ++i) {
        if (target.glob && IsPureGlob(parts[i])) return true;
      }
      return false;
    }
    if (OneOf(parts[0], kHomeRoots)) {
      size_t home_depth = parts[0] == "root" ? 1 : 2;
      if (parts.size() > home_depth && !(target.glob && IsPureGlob(parts[1]))) {
        return DangerousBelowOwnedRoot(parts, home_depth, true, target.glob);
      }
      return true;
    }
    if (OneOf(parts[0], kSystemTopLevel)) return true;
    // /app, /workspace, /code: a project mounted at the root (containers).
    if (parts.size() == 1) return true;
    return DangerousBelowOwnedRoot(parts, 1, false, target.glob);
  }
  if (parts[0] == "~") return DangerousBelowOwnedRoot(parts, 1, true, target.glob);
  return DangerousBelowOwnedRoot(parts, 0, false, target.glob);
}

bool IsDangerousFileDelete(const Target& target) {
  if (target.temporary) return false;
  std::string path = NormalizePath(target.path);
  if (path == "." || path == "/" || path == "~") return true;
  std::vector<std::string_view> parts = Components(path);
  bool regenerable_ancestor = false;
  for (std::string_view part : parts) {
    if (target.glob && IsPureGlob(part) && !regenerable_ancestor) return true;
    if (IsRegenerable(part)) regenerable_ancestor = true;
  }
  if (path[0] == '/') {
    bool temp_root = false;
    if (UnderTemp(path, temp_root)) return temp_root;
    return IsSystemPath(path) || IsCriticalSystemFile(path);
  }
  return false;
}

}  // namespace drawbridge::classify::shell
