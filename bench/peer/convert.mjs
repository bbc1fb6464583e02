#!/usr/bin/env node
// Translates the jit-workload/1 rules, groups and resources into a Drawbridge policy directory.
// Grants and requests are read by the runner directly (principal ids get the "user:" prefix).
//
//   node convert.mjs DATA_DIR OUT_DIR
//
// Mapping (decision semantics of the workload, in Drawbridge terms):
//   standing rule      -> a role + an assignment (principal_in -> group, none -> "*")
//   explicit_deny      -> guardrail, effect deny (principal_not_in -> except_principals)
//   jit_gate           -> guardrail, effect require_grant (standing access is not enough)
//   grant              -> access grants in the grant index, plus an eligibility rule so that a
//                         missing grant in the gated area is approval_required, not deny
import fs from 'node:fs';
import path from 'node:path';

const [dataDir, outDir] = process.argv.slice(2);
if (!dataDir || !outDir) {
  console.error('usage: convert.mjs DATA_DIR OUT_DIR');
  process.exit(2);
}
const base = path.join(dataDir, 'base');
const readNd = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const principals = readNd(path.join(base, 'principals.ndjson'));
const resources = readNd(path.join(base, 'resources.ndjson'));
const rules = JSON.parse(fs.readFileSync(path.join(base, 'rules.json'), 'utf8'));
const groupNames = JSON.parse(fs.readFileSync(path.join(base, 'groups.json'), 'utf8')).map((g) => g.id ?? g.name ?? g);

const q = (s) => JSON.stringify(s);  // YAML accepts JSON strings
const list = (xs) => '[' + xs.map(q).join(', ') + ']';
const user = (id) => `user:${id}`;

const members = new Map(groupNames.map((g) => [g, []]));
for (const p of principals) for (const g of p.groups) {
  if (!members.has(g)) members.set(g, []);
  members.get(g).push(user(p.id));
}

function selector(c = {}) {
  const parts = [];
  if (c.kind) parts.push(`kind: ${list(c.kind)}`);
  const labels = [], labelsNot = [];
  if (c.env) labels.push(`env: ${list(c.env)}`);
  if (c.classification) labels.push(`classification: ${list(c.classification)}`);
  if (c.env_not) labelsNot.push(`env: ${list(c.env_not)}`);
  if (c.classification_not) labelsNot.push(`classification: ${list(c.classification_not)}`);
  if (labels.length) parts.push(`labels: {${labels.join(', ')}}`);
  if (labelsNot.length) parts.push(`labels_not: {${labelsNot.join(', ')}}`);
  if (c.owner_is_principal_group) parts.push('label_in_principal_groups: owner');
  return `{${parts.join(', ')}}`;
}
const actions = (a) => (a === '*' ? '["*"]' : list(a));

const out = [];
out.push('# Generated from the jit-workload/1 peer benchmark by bench/peer/convert.mjs. Do not edit.');
out.push('version: 1', 'groups:');
for (const [g, ms] of members) out.push(`  ${q(g)}: ${list(ms)}`);
out.push('resources:');
for (const r of resources) {
  out.push(`  - {id: ${q(r.id)}, kind: ${q(r.kind)}, labels: {env: ${q(r.env)}, owner: ${q(r.owner)}, classification: ${q(r.classification)}}}`);
}
out.push('roles:');
for (const r of rules.filter((r) => r.type === 'standing')) {
  out.push(`  ${q(r.id)}: {permissions: [{actions: ${actions(r.actions)}, resources: ${selector(r.resource)}}]}`);
}
const gate = rules.find((r) => r.type === 'jit_gate');
out.push(`  "jit-dangerous": {permissions: [{actions: ${actions(gate.actions)}, resources: ${selector(gate.resource)}}]}`);
out.push('assignments:');
for (const r of rules.filter((r) => r.type === 'standing')) {
  const who = r.principal_in ? list(['group:' + r.principal_in]) : '["*"]';
  out.push(`  - {principals: ${who}, roles: [${q(r.id)}]}`);
}
out.push('eligibility:');
out.push('  - name: "jit-dangerous"');
out.push('    principals: ["*"]');
out.push('    roles: ["jit-dangerous"]');
out.push('    max_duration: 8h');
out.push('    approval: {approvers: ["group:security"], min_approvals: 1}');
out.push('guardrails:');
for (const r of rules.filter((r) => r.type === 'explicit_deny' || r.type === 'jit_gate')) {
  const parts = [`name: ${q(r.id)}`, `actions: ${actions(r.actions)}`, `resources: ${selector(r.resource)}`];
  if (r.principal_in) parts.push(`principals: ${list(['group:' + r.principal_in])}`);
  if (r.principal_not_in) parts.push(`except_principals: ${list(['group:' + r.principal_not_in])}`);
  parts.push(`effect: ${r.type === 'jit_gate' ? 'require_grant' : 'deny'}`);
  out.push(`  - {${parts.join(', ')}}`);
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'policy.yaml'), out.join('\n') + '\n');
console.log(`convert: wrote ${path.join(outDir, 'policy.yaml')} (${members.size} groups, ${resources.length} resources, ${rules.length} rules)`);
