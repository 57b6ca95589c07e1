/** Worker thread: reads and parses a share of the repository's files, sends back values and text. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { type LoadedFileData, toLoadedFileData } from './source.js';
import { loadYamlBytes } from './text.js';

interface Job {
  root: string;
  files: string[];
}

const { root, files } = workerData as Job;
const out: (LoadedFileData | { file: string; error: string })[] = [];
for (const rel of files) {
  try {
    out.push(toLoadedFileData(loadYamlBytes(rel, readFileSync(join(root, rel)))));
  } catch (e) {
    out.push({ file: rel, error: (e as Error).message });
  }
}
parentPort?.postMessage(out);
