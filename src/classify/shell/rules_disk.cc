// disk_format and device_overwrite: mkfs, wipefs -a, partition-table writes, volume destruction,
// and writes to raw block devices (dd of=/dev/..., cp/tee/pv to a device). Reading a device or
// writing an image file is safe.
#include <string>
#include <vector>

#include "classify/shell/shell_rules.h"

namespace drawbridge::classify::shell {
namespace {

bool NamesDevice(const Word& w, const Analyzer& a) {
  for (const Target& t : a.ResolveTargets(w)) {
    if (IsDevicePath(NormalizePath(t.path))) return true;
  }
  return false;
}

bool AnyDevice(Args args, const Analyzer& a) {
  for (const Word& w : args) {
    if (NamesDevice(w, a)) return true;
  }
  return false;
}

}  // namespace

void RuleMkfs(const Invocation& inv, Analyzer& a) {
  if (HasLongFlag(inv.args, "help") || (HasShortFlag(inv.args, 'V') && inv.args.size() == 1))
    return;
  a.Add(Fact::kShellDiskFormat);
}

void RuleWipefs(const Invocation& inv, Analyzer& a) {
  if (HasShortFlag(inv.args, 'a') || HasLongFlag(inv.args, "all") || HasShortFlag(inv.args, 'o') ||
      HasLongFlag(inv.args, "offset")) {
    if (!HasShortFlag(inv.args, 'n') && !HasLongFlag(inv.args, "no-act")) {
      a.Add(Fact::kShellDiskFormat);
    }
  }
}

void RulePartition(const Invocation& inv, Analyzer& a) {
  Args args = inv.args;
  std::string_view p = inv.program;
  bool lists = HasShortFlag(args, 'l') || HasLongFlag(args, "list") || HasShortFlag(args, 'p') ||
               HasLongFlag(args, "print");
  if (p == "fdisk" || p == "gdisk" || p == "cfdisk" || p == "cgdisk") {
    // Interactive editors write only when told to; fed a script they do.
    if (!lists && inv.stdin_source->source != Stdin::Source::kNone && AnyDevice(args, a)) {
      a.Add(Fact::kShellDiskFormat);
    }
    return;
  }
  if (p == "sfdisk") {
    if (!lists && !HasShortFlag(args, 'd') && !HasLongFlag(args, "dump") && AnyDevice(args, a) &&
        !HasLongFlag(args, "no-act")) {
      a.Add(Fact::kShellDiskFormat);
    }
    return;
  }
  if (p == "sgdisk") {
    for (const Word& w : args) {
      const std::string& t = w.text;
      if (t == "--zap-all" || t == "-Z" || t == "--zap" || t == "-z" || t == "--clear" ||
          t == "-o" || t.starts_with("--new") || t.starts_with("-n") || t.starts_with("--delete") ||
          t.starts_with("-d")) {
        a.Add(Fact::kShellDiskFormat);
        return;
      }
    }
    return;
  }
  if (p == "parted") {
    for (const Word* w : Positionals(args)) {
      std::string t = Lower(w->text);
      if (t == "mklabel" || t == "mktable" || t == "rm" || t == "mkpart" || t == "resizepart" ||
          t.find("mklabel") != std::string::npos || t.find("rm ") != std::string::npos) {
        a.Add(Fact::kShellDiskFormat);
        return;
      }
    }
    return;
  }
  if (p == "blkdiscard") {
    a.Add(Fact::kShellDeviceOverwrite);
    return;
  }
  if (p == "diskutil") {
    for (const Word* w : Positionals(args)) {
      std::string t = Lower(w->text);
      if (t == "erasedisk" || t == "erasevolume" || t == "partitiondisk" || t == "zerodisk" ||
          t == "randomdisk" || t == "secureerase" || t == "reformat") {
        a.Add(Fact::kShellDiskFormat);
        return;
      }
    }
  }
}

void RuleVolumeManager(const Invocation& inv, Analyzer& a) {
  std::string_view p = inv.program;
  std::vector<const Word*> positional = Positionals(inv.args);
  bool destroys = p == "lvremove" || p == "vgremove" || p == "pvremove" || p == "mkswap";
  if (p == "zpool" || p == "zfs") {
    destroys = !positional.empty() && (positional[0]->text == "destroy" ||
                                       (p == "zpool" && positional[0]->text == "labelclear"));
  }
  if (p == "cryptsetup") {
    for (const Word* w : positional) {
      if (w->text == "luksFormat" || w->text == "erase" || w->text == "luksErase") destroys = true;
    }
  }
  if (p == "mdadm") {
    destroys = HasLongFlag(inv.args, "zero-superblock") || HasLongFlag(inv.args, "create") ||
               HasShortFlag(inv.args, 'C');
  }
  if (p == "nvme") {
    destroys = !positional.empty() &&
               (positional[0]->text == "format" || positional[0]->text == "sanitize");
  }
  if (p == "hdparm") {
    destroys =
        HasLongFlag(inv.args, "security-erase") || HasLongFlag(inv.args, "security-erase-enhanced");
  }
  if (p == "badblocks") {
    if (HasShortFlag(inv.args, 'w')) a.Add(Fact::kShellDeviceOverwrite);
    return;
  }
  if (destroys) a.Add(Fact::kShellDiskFormat);
}

void RuleDd(const Invocation& inv, Analyzer& a) {
  for (const Word& w : inv.args) {
    if (!w.text.starts_with("of=")) continue;
    Word target = w;
    target.text = w.text.substr(3);
    if (NamesDevice(target, a)) {
      a.Add(Fact::kShellDeviceOverwrite);
      continue;
    }
    for (const Target& t : a.ResolveTargets(target)) {
      if (IsCriticalSystemFile(NormalizePath(t.path))) a.Add(Fact::kShellRecursiveDelete);
    }
  }
}

void RuleCopyToDevice(const Invocation& inv, Analyzer& a) {
  std::string_view p = inv.program;
  std::vector<const Word*> positional = Positionals(inv.args, {"-t", "--target-directory", "-S"});
  if (positional.empty()) return;
  if (p == "tee") {
    for (const Word* w : positional) {
      if (NamesDevice(*w, a)) a.Add(Fact::kShellDeviceOverwrite);
      for (const Target& t : a.ResolveTargets(*w)) {
        std::string path = NormalizePath(t.path);
        if (path == "/proc/sysrq-trigger") a.Add(Fact::kShellSystemPower);
        if (!HasShortFlag(inv.args, 'a') && IsCriticalSystemFile(path) &&
            path.rfind("/var/lib/", 0) != 0) {
          a.Add(Fact::kShellRecursiveDelete);
        }
      }
    }
    return;
  }
  // cp, install, pv...: the destination is the last operand.
  if (positional.size() >= 2 && NamesDevice(*positional.back(), a)) {
    a.Add(Fact::kShellDeviceOverwrite);
  }
}

}  // namespace drawbridge::classify::shell
