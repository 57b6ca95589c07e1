#!/usr/bin/env node
// Sends a signed sample pull_request delivery to a running `plumbing serve`, as GitHub would.
// By default the run tests this clone's HEAD (clone URL file://<this clone>).
//
//   scripts/send-delivery.mjs --secrets DIR [--url http://localhost:8080] [--listener github]
//                             [--sha SHA] [--action opened] [--number 1] [--dry-run]
//
// The webhook secret is read from DIR/github-webhook-secret/token (what the listener names).
// Thin: the payload and its signature come from samplePullRequestDelivery in @plumbing/serve.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePullRequestDelivery } from '@plumbing/serve';
import { $, argv } from 'zx';

$.verbose = false;
if (argv.help || !argv.secrets) {
  console.log('usage: scripts/send-delivery.mjs --secrets DIR [--url URL] [--listener NAME] [--sha SHA] [--action ACTION] [--number N] [--dry-run]');
  process.exit(argv.help ? 0 : 2);
}
const root = (await $`git rev-parse --show-toplevel`).stdout.trim();
const sha = argv.sha ? String(argv.sha) : (await $({ cwd: root })`git rev-parse HEAD`).stdout.trim();
const secret = readFileSync(join(String(argv.secrets), 'github-webhook-secret', 'token'), 'utf8').replace(/\r?\n$/, '');
const { headers, body } = await samplePullRequestDelivery({ secret, sha, cloneUrl: `file://${root}`, action: String(argv.action ?? 'opened'), number: Number(argv.number ?? 1) });
const url = `${String(argv.url ?? 'http://localhost:8080').replace(/\/$/, '')}/hooks/${String(argv.listener ?? 'github')}`;
if (argv['dry-run']) {
  console.log(`would POST ${url} (delivery ${headers['x-github-delivery']}, ${sha.slice(0, 12)})`);
  process.exit(0);
}
const res = await fetch(url, { method: 'POST', headers, body });
console.log(`${res.status} ${await res.text()}`);
console.log(`runs: curl -s ${url.replace(/\/hooks\/.*$/, '')}/api/v1/runs`);
process.exit(res.status === 202 ? 0 : 1);
