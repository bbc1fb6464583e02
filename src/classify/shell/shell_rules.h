// Per-program rules: each looks at one Invocation (a program and its arguments, wrappers already
// peeled off) and adds the facts DANGER.md assigns to it. Rules are pure apart from the facts
// they add through the Analyzer. Thread-safe lookup.
#pragma once

#include <string_view>

#include "classify/shell/shell_analyzer.h"
#include "classify/shell/shell_args.h"

namespace drawbridge::classify::shell {

using Rule = void (*)(const Invocation&, Analyzer&);

// The rule for a program name (basename), or nullptr for programs that are harmless by
// themselves (ls, cat, echo, grep...).
Rule FindRule(std::string_view program);

// Wrappers: returns true when `argv` starts with a wrapper (sudo, env, xargs, bash -c, ssh...)
// and has been handled by analyzing what it runs.
bool PeelWrapper(std::span<const Word> argv, const Stdin& stdin_source, Analyzer& analyzer);

// True for programs that execute shell text read from standard input when given no script.
bool IsShell(std::string_view program);
// True for curl, wget and friends when they write the download to standard output.
bool DownloadsToStdout(std::string_view program, Args args);

// rules_files.cc
void RuleRm(const Invocation& inv, Analyzer& a);
void RuleFind(const Invocation& inv, Analyzer& a);
void RuleRsync(const Invocation& inv, Analyzer& a);
void RuleMv(const Invocation& inv, Analyzer& a);
void RuleShred(const Invocation& inv, Analyzer& a);
void RuleTruncate(const Invocation& inv, Analyzer& a);
void RuleCrontab(const Invocation& inv, Analyzer& a);
void RuleUnlink(const Invocation& inv, Analyzer& a);
// rules_vcs.cc
void RuleGit(const Invocation& inv, Analyzer& a);
void RuleHostedRepo(const Invocation& inv, Analyzer& a);  // gh, glab, hub
// rules_infra.cc
void RuleTerraform(const Invocation& inv, Analyzer& a);
void RulePulumi(const Invocation& inv, Analyzer& a);
void RuleCdk(const Invocation& inv, Analyzer& a);
void RuleServerless(const Invocation& inv, Analyzer& a);
void RuleFirewall(const Invocation& inv, Analyzer& a);
// rules_k8s.cc
void RuleKubectl(const Invocation& inv, Analyzer& a);
void RuleHelm(const Invocation& inv, Analyzer& a);
// rules_cloud.cc
void RuleAws(const Invocation& inv, Analyzer& a);
void RuleGcloud(const Invocation& inv, Analyzer& a);
void RuleGsutil(const Invocation& inv, Analyzer& a);
void RuleAz(const Invocation& inv, Analyzer& a);
void RuleCloudDeleteVerb(const Invocation& inv, Analyzer& a);  // doctl, hcloud, heroku, fly...
void RuleObjectStoreCli(const Invocation& inv, Analyzer& a);   // s3cmd, rclone, mc
// rules_containers.cc
void RuleDocker(const Invocation& inv, Analyzer& a);
void RuleCompose(const Invocation& inv, Analyzer& a);  // docker-compose
// rules_db.cc
void RulePsql(const Invocation& inv, Analyzer& a);
void RuleMysql(const Invocation& inv, Analyzer& a);
void RuleSqlite(const Invocation& inv, Analyzer& a);
void RuleRedis(const Invocation& inv, Analyzer& a);
void RuleMongo(const Invocation& inv, Analyzer& a);
void RuleDbTask(const Invocation& inv, Analyzer& a);  // rails, rake, manage.py, prisma, artisan...
void RuleDropDb(const Invocation& inv, Analyzer& a);  // dropdb, mysqladmin drop, pg_restore -c
// rules_disk.cc
void RuleMkfs(const Invocation& inv, Analyzer& a);
void RuleWipefs(const Invocation& inv, Analyzer& a);
void RulePartition(const Invocation& inv, Analyzer& a);      // fdisk, sfdisk, parted, sgdisk...
void RuleVolumeManager(const Invocation& inv, Analyzer& a);  // lvremove, zpool destroy...
void RuleDd(const Invocation& inv, Analyzer& a);
void RuleCopyToDevice(const Invocation& inv, Analyzer& a);  // cp, tee, pv, cat
// rules_permissions.cc
void RuleChmod(const Invocation& inv, Analyzer& a);
void RuleChown(const Invocation& inv, Analyzer& a);
// rules_system.cc
void RulePower(const Invocation& inv, Analyzer& a);
void RuleSystemctl(const Invocation& inv, Analyzer& a);
void RuleInit(const Invocation& inv, Analyzer& a);
void RuleKill(const Invocation& inv, Analyzer& a);
void RulePackages(const Invocation& inv, Analyzer& a);
void RulePip(const Invocation& inv, Analyzer& a);
void RuleNodePackages(const Invocation& inv, Analyzer& a);  // npm, yarn, pnpm
// rules_exec.cc
void RuleInterpreter(const Invocation& inv, Analyzer& a);  // python, perl, ruby, node, php
void RuleSource(const Invocation& inv, Analyzer& a);       // source, ., iex

}  // namespace drawbridge::classify::shell
