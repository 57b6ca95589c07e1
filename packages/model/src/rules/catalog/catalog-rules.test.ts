import { describe, expect, it } from 'vitest';
import { checkFiles, only } from '../../test-helpers.js';

const CATALOG = { profiles: ['catalog'] };

interface Opts {
  name?: string;
  kind?: string;
  version?: string | null;
  annotations?: Record<string, string | null>;
  description?: string | null;
}
const defaults: Record<string, string> = {
  'tekton.dev/pipelines.minVersion': '"0.50.0"',
  'tekton.dev/categories': 'Build Tools, Git',
  'tekton.dev/tags': 'build, git',
  'tekton.dev/displayName': '"Git clone"',
  'tekton.dev/platforms': '"linux/amd64,linux/arm64"',
};
/** A complete catalog Task; `null` removes a field. Line numbers: annotations start at line 7, in the order above. */
function task(o: Opts = {}): string {
  const ann = { ...defaults, ...o.annotations };
  const lines = ['apiVersion: tekton.dev/v1', `kind: ${o.kind ?? 'Task'}`, 'metadata:', `  name: ${o.name ?? 'git-clone'}`, '  labels:'];
  if (o.version !== null) lines.push(`    app.kubernetes.io/version: ${o.version ?? '"0.1"'}`);
  else lines.push('    app.kubernetes.io/part-of: catalog');
  lines.push('  annotations:');
  for (const [k, v] of Object.entries(ann)) if (v !== null) lines.push(`    ${k}: ${v}`);
  lines.push('spec:');
  if (o.description !== null) lines.push(`  description: ${o.description ?? 'Clones a repository.'}`);
  lines.push('  steps:', '    - {name: clone, image: alpine:3.20, script: "#!/bin/sh"}');
  return `${lines.join('\n')}\n`;
}
const PATH = 'tasks/git-clone/0.1/git-clone.yaml';
const TESTS = { 'tasks/git-clone/0.1/tests/run.yaml': 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {generateName: t-}\nspec: {taskRef: {name: git-clone}}\n' };
const run = (text: string, file = PATH) => checkFiles({ [file]: text, ...TESTS }, CATALOG);
const F = (code: string, severity: string, line: number, column: number) => [{ code, severity, line, column }];

describe('catalog profile', () => {
  it('accepts a complete task, and reports nothing without the profile', () => {
    const f = run(task());
    expect(f.filter((x) => x.code.startsWith('CATALOG_'))).toEqual([]);
    expect(checkFiles({ 'x.yaml': task({ annotations: { 'tekton.dev/categories': 'Nope' } }) }).filter((x) => x.code.startsWith('CATALOG_'))).toEqual([]);
  });
  it('catalog-path: reports a file not at <name>/<version>/<name>.yaml, at metadata.name', () => {
    expect(only(run(task(), 'tasks/git-clone/0.1/clone.yaml'), 'CATALOG_PATH')).toEqual(F('CATALOG_PATH', 'error', 4, 9));
    expect(only(run(task(), 'tasks/git-clone/latest/git-clone.yaml'), 'CATALOG_PATH')).toEqual(F('CATALOG_PATH', 'error', 4, 9));
  });
  it('catalog-path: a StepAction and a Pipeline follow the same layout', () => {
    expect(only(run(task({ kind: 'StepAction' }), 'stepactions/git-clone/0.1/git-clone.yaml'), 'CATALOG_PATH')).toEqual([]);
    expect(only(run(task({ kind: 'Pipeline' }), 'pipelines/ci.yaml'), 'CATALOG_PATH')).toEqual(F('CATALOG_PATH', 'error', 4, 9));
  });
  it('catalog-version-label: reports a missing label at labels, and a label that differs from the directory', () => {
    expect(only(run(task({ version: null })), 'CATALOG_VERSION_LABEL')).toEqual(F('CATALOG_VERSION_LABEL', 'error', 5, 3));
    expect(only(run(task({ version: '"0.2"' })), 'CATALOG_VERSION_LABEL')).toEqual(F('CATALOG_VERSION_LABEL', 'error', 6, 32));
    expect(only(run(task({ version: '0.1' })), 'CATALOG_VERSION_LABEL')).toEqual(F('CATALOG_VERSION_LABEL', 'error', 6, 32));
  });
  it('catalog-min-version: reports a missing and an invalid minVersion, accepts v-prefixed', () => {
    expect(only(run(task({ annotations: { 'tekton.dev/pipelines.minVersion': null } })), 'CATALOG_MIN_VERSION')).toEqual(F('CATALOG_MIN_VERSION', 'error', 7, 3));
    expect(only(run(task({ annotations: { 'tekton.dev/pipelines.minVersion': 'latest' } })), 'CATALOG_MIN_VERSION')).toEqual(F('CATALOG_MIN_VERSION', 'error', 8, 38));
    expect(only(run(task({ annotations: { 'tekton.dev/pipelines.minVersion': 'v0.17.0' } })), 'CATALOG_MIN_VERSION')).toEqual([]);
  });
  it('catalog-categories: reports an unknown category at its text, each one', () => {
    const f = run(task({ annotations: { 'tekton.dev/categories': 'Git, build tools, Magic' } }));
    expect(only(f, 'CATALOG_CATEGORIES')).toEqual([
      { code: 'CATALOG_CATEGORIES', severity: 'error', line: 9, column: 33 },
      { code: 'CATALOG_CATEGORIES', severity: 'error', line: 9, column: 46 },
    ]);
  });
  it('catalog-categories: reports a missing annotation; accepts Integration & Delivery', () => {
    expect(only(run(task({ annotations: { 'tekton.dev/categories': null } })), 'CATALOG_CATEGORIES')).toEqual(F('CATALOG_CATEGORIES', 'error', 7, 3));
    expect(only(run(task({ annotations: { 'tekton.dev/categories': 'Integration & Delivery' } })), 'CATALOG_CATEGORIES')).toEqual([]);
  });
  it('catalog-description: reports a missing and an empty description', () => {
    expect(only(run(task({ description: null })), 'CATALOG_DESCRIPTION')).toEqual(F('CATALOG_DESCRIPTION', 'error', 13, 1));
    expect(only(run(task({ description: '""' })), 'CATALOG_DESCRIPTION')).toEqual(F('CATALOG_DESCRIPTION', 'error', 14, 16));
  });
  it('catalog-platforms-format: reports a platform that is not os/arch, at its text', () => {
    const f = run(task({ annotations: { 'tekton.dev/platforms': '"linux/amd64, linux"' } }));
    expect(only(f, 'CATALOG_PLATFORMS_FORMAT')).toEqual(F('CATALOG_PLATFORMS_FORMAT', 'error', 12, 41));
    expect(only(run(task({ annotations: { 'tekton.dev/platforms': 'linux/arm/v7 linux/s390x' } })), 'CATALOG_PLATFORMS_FORMAT')).toEqual([]);
  });
  it('catalog-display-name, catalog-tags, catalog-platforms: hints when missing', () => {
    const none = { 'tekton.dev/displayName': null, 'tekton.dev/tags': null, 'tekton.dev/platforms': null };
    const f = run(task({ annotations: none }));
    expect(only(f, 'CATALOG_DISPLAY_NAME')).toEqual(F('CATALOG_DISPLAY_NAME', 'info', 7, 3));
    expect(only(f, 'CATALOG_TAGS')).toEqual(F('CATALOG_TAGS', 'info', 7, 3));
    expect(only(f, 'CATALOG_PLATFORMS')).toEqual(F('CATALOG_PLATFORMS', 'info', 7, 3));
    const g = run(task({ annotations: { 'tekton.dev/tags': '" , "' } }));
    expect(only(g, 'CATALOG_TAGS')).toEqual(F('CATALOG_TAGS', 'info', 10, 5));
    expect(only(g, 'CATALOG_DISPLAY_NAME')).toEqual([]);
  });
  it('skips resources under tests/', () => {
    const f = checkFiles({ 'tasks/git-clone/0.1/tests/fixture.yaml': task({ name: 'fixture', version: null }) }, CATALOG);
    expect(f.filter((x) => x.code.startsWith('CATALOG_'))).toEqual([]);
  });
});

describe('catalog-readme', () => {
  it('reports a version directory without tests/, at its task file', () => {
    const f = checkFiles({ [PATH]: task() }, CATALOG);
    expect(only(f, 'CATALOG_README')).toEqual(F('CATALOG_README', 'warning', 1, 1));
  });
  it('reports a missing README.md when the caller lists non-YAML files', () => {
    const files = { [PATH]: task(), ...TESTS };
    expect(only(checkFiles(files, { ...CATALOG, extraFiles: new Set(['tasks/git-clone/0.1/tests/run.sh']) }), 'CATALOG_README')).toEqual(F('CATALOG_README', 'warning', 1, 1));
    expect(only(checkFiles(files, { ...CATALOG, extraFiles: new Set(['tasks/git-clone/0.1/README.md']) }), 'CATALOG_README')).toEqual([]);
  });
  it('counts a non-YAML file under tests/ as tests', () => {
    const f = checkFiles({ [PATH]: task() }, { ...CATALOG, extraFiles: new Set(['tasks/git-clone/0.1/README.md', 'tasks/git-clone/0.1/tests/run.sh']) });
    expect(only(f, 'CATALOG_README')).toEqual([]);
  });
});
