import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listYamlFiles } from './load.js';

describe('listYamlFiles', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('walks dot-directories such as .tekton/ and skips .git and node_modules', () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-list-'));
    for (const d of ['.tekton', '.git', 'node_modules/x', 'tasks']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['.tekton/push.yaml', '.git/config.yaml', 'node_modules/x/a.yaml', 'tasks/t.yaml']) writeFileSync(join(dir, f), 'a: 1\n');
    expect(listYamlFiles(dir, '', [])).toEqual(['.tekton/push.yaml', 'tasks/t.yaml']);
  });

  it('follows symbolic links to files and directories, and ends on a link loop', () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-list-'));
    mkdirSync(join(dir, 'real/sub'), { recursive: true });
    writeFileSync(join(dir, 'real/sub/a.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'real/sub/a.yaml'), join(dir, 'linked.yaml'));
    symlinkSync(join(dir, 'real'), join(dir, 'real/sub/loop'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    expect(listYamlFiles(dir, '', [])).toEqual(['linked.yaml', 'real/sub/a.yaml']);
  });
});
