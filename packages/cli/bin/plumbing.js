#!/usr/bin/env node
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(`plumbing: internal error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
