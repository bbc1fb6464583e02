// Judgements about file-system paths named on a command line: is deleting, truncating or
// re-permissioning this target dangerous by DANGER.md? Pure functions; thread-safe.
//
// Paths arrive resolved by the analyzer: "~" stands for a home directory, anything the line does
// not show (an unset variable, a command substitution) has been replaced by nothing, which is the
// worst plausible expansion ("$DIR/" becomes "/").
#pragma once

#include <string>
#include <string_view>

namespace drawbridge::classify::shell {

struct Target {
  std::string path;
  bool unknown = false;    // part of the path comes from something the line does not show
  bool temporary = false;  // made by `mktemp` in the same line
  bool glob = false;       // holds unquoted wildcards
};

// Collapses "//", "./" and "x/.." and drops a trailing "/": "./build/" -> "build", "" -> ".".
std::string NormalizePath(std::string_view path);

// A block or character device whose overwrite destroys data (/dev/sda, /dev/nvme0n1,
// /dev/mapper/x); not /dev/null, /dev/zero, ttys, /dev/stdout or /dev/fd/N.
bool IsDevicePath(std::string_view path);

// Absolute paths of the operating system or its data (/etc, /usr, /var, /boot...), excluding
// temporary directories and users' home directories below their top level.
bool IsSystemPath(std::string_view normalized);

// Files whose overwrite breaks the machine: /etc/passwd, /etc/shadow, /etc/sudoers, /boot/...
bool IsCriticalSystemFile(std::string_view normalized);

// Recursive or bulk deletion (rm -r, find -delete, rsync --delete, rmtree) of the target.
bool IsDangerousRecursiveDelete(const Target& target);

// Deletion of the target without recursion (rm, unlink, shred -u).
bool IsDangerousFileDelete(const Target& target);

}  // namespace drawbridge::classify::shell
