/**
 * The `catalog` profile: what catlin checks on a catalog Task / StepAction / Pipeline
 * (tektoncd/catlin pkg/validator: path, version label, minVersion, categories, description,
 * platforms, display name, tags), plus README.md and tests/ per version directory.
 * Categories come from a built-in copy of the Tekton Hub list (no network).
 */
import type { NodePath } from '../../check/finding.js';
import { catalogVersionDir } from '../../yaml/repo-index.js';
import type { DocContext, DocRule, RepoRule } from '../../check/rule.js';
import { isMap, type JsonMap } from '../../yaml/values.js';

export const CATALOG_KINDS: readonly string[] = ['Task', 'StepAction', 'Pipeline'];

/** tektoncd/hub config.yaml `categories` (the list catlin downloads). */
export const HUB_CATEGORIES: readonly string[] = [
  'Automation',
  'Build Tools',
  'CLI',
  'Cloud',
  'Code Quality',
  'Continuous Integration',
  'Deployment',
  'Developer Tools',
  'Image Build',
  'Integration & Delivery',
  'Git',
  'Kubernetes',
  'Messaging',
  'Monitoring',
  'Networking',
  'Openshift',
  'Publishing',
  'Security',
  'Storage',
  'Testing',
];
const CATEGORY_SET = new Set(HUB_CATEGORIES);

const VERSION_LABEL = 'app.kubernetes.io/version';
const MIN_VERSION = 'tekton.dev/pipelines.minVersion';
const CATEGORIES = 'tekton.dev/categories';
const TAGS = 'tekton.dev/tags';
const PLATFORMS = 'tekton.dev/platforms';
const DISPLAY_NAME = 'tekton.dev/displayName';

const VERSION_DIR = /^\d+(\.\d+){0,2}$/;
/** hashicorp/go-version, as catlin parses minVersion. */
const SEMVERISH = /^v?\d+(\.\d+)*(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** catlin's `os/arch`; we also accept a variant (`linux/arm/v7`), which images commonly use. */
const PLATFORM = /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/;

/** Files under tests/, samples/ or examples/ are fixtures, not catalog resources. */
export function isCatalogFixture(file: string): boolean {
  return /(^|\/)(tests|samples|examples)\//.test(file);
}

function splitOn(s: string, re: RegExp): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  for (const m of s.matchAll(re)) out.push({ text: m[0], offset: m.index });
  return out;
}

function occurrence(s: string, needle: string, offset: number): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0 && i < offset; i = s.indexOf(needle, i + 1)) n++;
  return n;
}

function checkCatalogPath(ctx: DocContext, labels: JsonMap): void {
  const { doc, report } = ctx;
  const name = doc.name;
  if (!name) return;
  const parts = doc.file.split('/');
  const base = parts[parts.length - 1];
  const version = parts[parts.length - 2] ?? '';
  const dir = parts[parts.length - 3];
  const label = typeof labels[VERSION_LABEL] === 'string' ? (labels[VERSION_LABEL] as string) : undefined;
  const expected = `${name}/${label ?? (VERSION_DIR.test(version) ? version : '<version>')}/${name}.yaml`;
  if (base !== `${name}.yaml` || dir !== name || !VERSION_DIR.test(version)) {
    report('CATALOG_PATH', ['metadata', 'name'], `catalog ${doc.kind} "${name}" must be at ${expected}, found ${doc.file}`, { hint: 'one resource per <name>/<version>/<name>.yaml' });
  }
  const vp: NodePath = ['metadata', 'labels', VERSION_LABEL];
  const v = labels[VERSION_LABEL];
  if (v === undefined || v === null) report('CATALOG_VERSION_LABEL', vp, `${doc.kind} "${name}" must have a label "${VERSION_LABEL}" to indicate its version`, { key: true, hint: VERSION_DIR.test(version) ? `${VERSION_LABEL}: "${version}"` : undefined });
  else if (typeof v !== 'string') report('CATALOG_VERSION_LABEL', vp, `label "${VERSION_LABEL}" must be a string`, { hint: `quote it: "${String(v)}"` });
  else if (VERSION_DIR.test(version) && v !== version) report('CATALOG_VERSION_LABEL', vp, `label "${VERSION_LABEL}" is "${v}" but the version directory is ${version}`, { hint: 'a published version is immutable: copy it to a new version directory, then change the copy' });
}

export const catalogRule: DocRule = {
  id: 'catalog',
  kinds: CATALOG_KINDS,
  check(ctx) {
    const { doc, value, report, profiles } = ctx;
    if (!profiles.has('catalog') || isCatalogFixture(doc.file)) return;
    const meta = isMap(value.metadata) ? value.metadata : {};
    const labels = isMap(meta.labels) ? meta.labels : {};
    const ann = isMap(meta.annotations) ? meta.annotations : {};
    const what = `${doc.kind} "${doc.name ?? ''}"`;
    const annPath = (k: string): NodePath => ['metadata', 'annotations', k];
    const missing = (code: Parameters<typeof report>[0], k: string, msg: string, hint?: string) => report(code, annPath(k), msg, { key: true, hint });

    checkCatalogPath(ctx, labels);

    const min = ann[MIN_VERSION];
    if (min === undefined || min === null) missing('CATALOG_MIN_VERSION', MIN_VERSION, `${what} is missing the annotation "${MIN_VERSION}"`, `${MIN_VERSION}: "0.50.0"`);
    else if (typeof min !== 'string' || !SEMVERISH.test(min)) report('CATALOG_MIN_VERSION', annPath(MIN_VERSION), `${what} has an invalid minimum pipeline version ${JSON.stringify(min)}`, { hint: typeof min === 'string' ? 'a version such as "0.50.0"' : 'annotations are strings: quote it' });

    const cats = ann[CATEGORIES];
    if (cats === undefined || cats === null) missing('CATALOG_CATEGORIES', CATEGORIES, `${what} is missing the annotation "${CATEGORIES}"`, `one or more of: ${HUB_CATEGORIES.join(', ')}`);
    else if (typeof cats !== 'string') report('CATALOG_CATEGORIES', annPath(CATEGORIES), `annotation "${CATEGORIES}" must be a string`);
    else {
      const parts = splitOn(cats, /[^,]+/g);
      if (parts.every((p) => p.text.trim() === '')) report('CATALOG_CATEGORIES', annPath(CATEGORIES), `annotation "${CATEGORIES}" is empty`, { hint: `one or more of: ${HUB_CATEGORIES.join(', ')}` });
      for (const p of parts) {
        const c = p.text.trim();
        if (c === '' || CATEGORY_SET.has(c)) continue;
        const near = HUB_CATEGORIES.find((h) => h.toLowerCase() === c.toLowerCase());
        report('CATALOG_CATEGORIES', annPath(CATEGORIES), `category "${c}" is not a Tekton Hub category`, {
          needle: c,
          occurrence: occurrence(cats, c, p.offset + p.text.indexOf(c)),
          hint: near ? `categories are case-sensitive: ${near}` : `one of: ${HUB_CATEGORIES.join(', ')}`,
        });
      }
    }

    if (ann[DISPLAY_NAME] === undefined || ann[DISPLAY_NAME] === null) missing('CATALOG_DISPLAY_NAME', DISPLAY_NAME, `${what} is missing a readable display name annotation "${DISPLAY_NAME}"`);

    const spec = value.spec;
    const desc = isMap(spec) ? spec.description : undefined;
    if (typeof desc !== 'string' || desc.trim() === '') {
      const at: NodePath = isMap(spec) && desc !== undefined ? ['spec', 'description'] : ['spec'];
      report('CATALOG_DESCRIPTION', at, `${what} must have a description`, { key: at.length === 1, hint: 'spec.description: one line on what it does, then details' });
    }

    const tags = ann[TAGS];
    if (typeof tags !== 'string' || splitOn(tags, /[^ ,]+/g).length === 0) missing('CATALOG_TAGS', TAGS, `${what} is easily discoverable if it has the annotation "${TAGS}"`);

    const plats = ann[PLATFORMS];
    const platList = typeof plats === 'string' ? splitOn(plats, /[^ ,]+/g) : [];
    if (platList.length === 0) missing('CATALOG_PLATFORMS', PLATFORMS, `${what} is more usable if it has the annotation "${PLATFORMS}" about platforms to run on`, `${PLATFORMS}: "linux/amd64,linux/arm64"`);
    else if (typeof plats === 'string') {
      for (const p of platList) {
        if (PLATFORM.test(p.text)) continue;
        report('CATALOG_PLATFORMS_FORMAT', annPath(PLATFORMS), `"${p.text}" platform must be in OS/ARCH format, e.g., linux/amd64`, { needle: p.text, occurrence: occurrence(plats, p.text, p.offset) });
      }
    }
  },
};

/** A catalog version directory without tests/, or (when the caller listed non-YAML files) without README.md. */
export const catalogReadmeRule: RepoRule = {
  id: 'catalog-readme',
  check({ index, reportFile, extraFiles }) {
    const dirs = new Map<string, string>();
    for (const kind of CATALOG_KINDS) {
      for (const d of index.ofKind(kind)) {
        if (isCatalogFixture(d.file)) continue;
        const dir = catalogVersionDir(d.file);
        if (!dir) continue;
        const cur = dirs.get(dir);
        if (cur === undefined || d.file < cur) dirs.set(dir, d.file);
      }
    }
    if (dirs.size === 0) return;
    const withTests = new Set<string>();
    const note = (f: string) => {
      for (let i = f.indexOf('/tests/'); i >= 0; i = f.indexOf('/tests/', i + 1)) withTests.add(f.slice(0, i));
    };
    for (const f of index.files) note(f.file);
    if (extraFiles) for (const f of extraFiles) note(f);
    for (const [dir, file] of [...dirs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (extraFiles && !extraFiles.has(`${dir}/README.md`)) {
        reportFile(file, 'CATALOG_README', `${dir} has no README.md`, { hint: 'document Parameters, Workspaces, Results, Platforms and Usage' });
      }
      if (!withTests.has(dir)) {
        reportFile(file, 'CATALOG_README', `${dir} has no tests (no file under ${dir}/tests/)`, { hint: 'add tests/run.yaml: a run of this version that the local executor can run' });
      }
    }
  },
};

export const CATALOG_RULES: readonly DocRule[] = [catalogRule];
export const CATALOG_REPO_RULES: readonly RepoRule[] = [catalogReadmeRule];
