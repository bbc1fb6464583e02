// The table from program name to rule.
#include "classify/shell/shell_rules.h"

#include <string>
#include <unordered_map>

namespace drawbridge::classify::shell {
namespace {

const std::unordered_map<std::string_view, Rule>& Rules() {
  static const auto* const kRules = [] {
    auto* m = new std::unordered_map<std::string_view, Rule>();
    auto add = [m](std::initializer_list<std::string_view> names, Rule rule) {
      for (std::string_view n : names) (*m)[n] = rule;
    };
    add({"rm", "srm"}, RuleRm);
    add({"unlink"}, RuleUnlink);
    add({"find", "gfind"}, RuleFind);
    add({"rsync"}, RuleRsync);
    add({"mv"}, RuleMv);
    add({"shred"}, RuleShred);
    add({"truncate"}, RuleTruncate);
    add({"crontab"}, RuleCrontab);
    add({"git"}, RuleGit);
    add({"gh", "glab", "hub"}, RuleHostedRepo);
    add({"terraform", "tofu", "terragrunt", "terraform.exe"}, RuleTerraform);
    add({"pulumi"}, RulePulumi);
    add({"cdk", "cdktf"}, RuleCdk);
    add({"serverless", "sls", "sam", "copilot"}, RuleServerless);
    add({"iptables", "ip6tables", "iptables-legacy", "iptables-nft", "ip6tables-legacy",
         "ip6tables-nft", "nft", "ufw", "pfctl"},
        RuleFirewall);
    add({"kubectl", "oc", "k", "kubecolor"}, RuleKubectl);
    add({"helm"}, RuleHelm);
    add({"aws", "awslocal"}, RuleAws);
    add({"gcloud"}, RuleGcloud);
    add({"gsutil"}, RuleGsutil);
    add({"az"}, RuleAz);
    add({"doctl", "hcloud", "linode-cli", "vultr-cli", "scw", "exo", "oci", "ibmcloud", "openstack",
         "eksctl", "kops", "heroku", "fly", "flyctl", "vercel", "netlify", "railway", "firebase",
         "upcloud"},
        RuleCloudDeleteVerb);
    add({"s3cmd", "rclone", "mc", "s5cmd", "azcopy"}, RuleObjectStoreCli);
    add({"docker", "podman", "nerdctl", "finch"}, RuleDocker);
    add({"docker-compose", "podman-compose"}, RuleCompose);
    add({"psql"}, RulePsql);
    add({"mysql", "mariadb"}, RuleMysql);
    add({"sqlite3", "sqlite", "duckdb"}, RuleSqlite);
    add({"redis-cli", "valkey-cli", "keydb-cli"}, RuleRedis);
    add({"mongo", "mongosh"}, RuleMongo);
    add({"rails",     "rake",          "manage.py", "django-admin", "prisma",  "artisan",
         "sequelize", "sequelize-cli", "typeorm",   "mix",          "alembic", "flask",
         "supabase",  "flyway",        "liquibase", "diesel",       "sqlx",    "goose",
         "dbmate",    "drizzle-kit",   "knex"},
        RuleDbTask);
    add({"dropdb", "dropuser", "mysqladmin", "pg_restore"}, RuleDropDb);
    add({"mkfs", "mke2fs", "mkdosfs", "mkntfs", "newfs", "mformat"}, RuleMkfs);
    add({"wipefs"}, RuleWipefs);
    add({"fdisk", "sfdisk", "gdisk", "cfdisk", "cgdisk", "sgdisk", "parted", "blkdiscard",
         "diskutil"},
        RulePartition);
    add({"lvremove", "vgremove", "pvremove", "mkswap", "zpool", "zfs", "cryptsetup", "mdadm",
         "nvme", "hdparm", "badblocks"},
        RuleVolumeManager);
    add({"dd"}, RuleDd);
    add({"cp", "tee", "install"}, RuleCopyToDevice);
    add({"chmod"}, RuleChmod);
    add({"chown", "chgrp"}, RuleChown);
    add({"shutdown", "reboot", "poweroff", "halt"}, RulePower);
    add({"systemctl", "loginctl"}, RuleSystemctl);
    add({"init", "telinit"}, RuleInit);
    add({"kill"}, RuleKill);
    add({"apt",     "apt-get", "aptitude", "dpkg",   "yum",    "dnf",    "microdnf",
         "tdnf",    "zypper",  "pacman",   "yay",    "paru",   "apk",    "snap",
         "flatpak", "rpm",     "brew",     "port",   "choco",  "winget", "scoop",
         "gem",     "cargo",   "pipx",     "emerge", "nix-env"},
        RulePackages);
    add({"pip", "pip2", "pip3"}, RulePip);
    add({"npm", "pnpm", "yarn", "bun"}, RuleNodePackages);
    add({"python", "python2", "python3", "pypy", "pypy3", "perl", "ruby", "node", "nodejs", "php",
         "Rscript", "lua", "deno"},
        RuleInterpreter);
    add({"source", ".", "iex", "Invoke-Expression"}, RuleSource);
    return m;
  }();
  return *kRules;
}

// "python3.11" -> "python3", "pip3.12" -> "pip3", "mkfs.ext4" -> "mkfs".
std::string_view CanonicalName(std::string_view program) {
  if (program.starts_with("mkfs.")) return "mkfs";
  size_t dot = program.find('.');
  if (dot != std::string_view::npos && dot > 0 &&
      (program.starts_with("python") || program.starts_with("pip") || program.starts_with("php") ||
       program.starts_with("ruby"))) {
    bool version = true;
    for (char c : program.substr(dot + 1))
      version = version && ((c >= '0' && c <= '9') || c == '.');
    if (version) return program.substr(0, dot);
  }
  if (program.starts_with("iptables")) return "iptables";
  return program;
}

}  // namespace

Rule FindRule(std::string_view program) {
  const auto& rules = Rules();
  auto it = rules.find(program);
  if (it != rules.end()) return it->second;
  std::string_view canonical = CanonicalName(program);
  if (canonical == program) return nullptr;
  it = rules.find(canonical);
  return it == rules.end() ? nullptr : it->second;
}

}  // namespace drawbridge::classify::shell
