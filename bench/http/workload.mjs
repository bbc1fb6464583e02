#!/usr/bin/env node
// The jit-workload/1 request stream for bench/http.sh, in the terms of Drawbridge's HTTP API.
//
//   node workload.mjs bodies REQUESTS_NDJSON OUT [CATEGORY,...]
//       one POST /v1/check body per line, in stream order (principals get "user:", as in
//       bench/peer/convert.mjs), for bench/http/wrk-check-post.lua; only the given request
//       categories (routine_allow, grant_allow, grant_missing, deny_explicit, deny_default)
//       when a list is given
//   node workload.mjs sample URL TOKEN REQUESTS_NDJSON N
//       sends the first N checks one by one and compares the server's decisions with the
//       stream's expected ones, per category. The server decides at its own clock with every
//       seeded grant active (bench/http/seed_grants.cc), so only answers that hinge on time may
//       differ: near misses of an expired or not-yet-valid grant (grant_missing) become allow.
//       Exits 1 when any answer is not 200 or any other category disagrees.
import fs from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);
const readNd = (f) =>
  fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const body = (r) =>
  JSON.stringify({ principal: `user:${r.principal}`, action: r.action, resource: r.resource });

if (cmd === 'bodies') {
  const [requests, out, categories] = args;
  const only = categories ? new Set(categories.split(',')) : null;
  const reqs = readNd(requests).filter((r) => !only || only.has(r.category));
  fs.writeFileSync(out, reqs.map(body).join('\n') + '\n');
  console.log(`workload: ${reqs.length} check bodies -> ${out}`);
} else if (cmd === 'sample') {
  const [url, token, requests, n] = args;
  const reqs = readNd(requests).slice(0, Number(n));
  const tally = new Map();
  let failed = 0;
  for (const r of reqs) {
    const res = await fetch(`${url}/v1/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body(r),
    });
    const answer = await res.json();
    if (res.status !== 200) {
      if (failed++ < 3) console.error(`sample: ${res.status} ${JSON.stringify(answer)}`);
      continue;
    }
    const t = tally.get(r.category) ?? { n: 0, same: 0, got: {} };
    t.n++;
    if (answer.decision === r.expected) t.same++;
    t.got[answer.decision] = (t.got[answer.decision] ?? 0) + 1;
    tally.set(r.category, t);
  }
  let bad = failed > 0;
  for (const [category, t] of [...tally].sort()) {
    const timeDependent = category === 'grant_missing';
    if (!timeDependent && t.same !== t.n) bad = true;
    const note = timeDependent ? '  (time-dependent: may differ)' : '';
    const counts = `${String(t.same).padStart(5)}/${String(t.n).padEnd(5)}`;
    const got = JSON.stringify(t.got);
    console.log(`sample: ${category.padEnd(15)} ${counts} as expected  ${got}${note}`);
  }
  if (failed) console.log(`sample: ${failed} answers were not 200`);
  process.exit(bad ? 1 : 0);
} else {
  console.error('usage: workload.mjs bodies REQUESTS OUT | sample URL TOKEN REQUESTS N');
  process.exit(2);
}
