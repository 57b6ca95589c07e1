import type { FeatureGate } from '../tekton/feature-flags.js';
import type { Code } from './codes.js';
import type { Finding, NodePath } from './finding.js';
import type { RepoIndex } from '../yaml/repo-index.js';
import type { ResourceDoc } from '../yaml/source.js';

export interface ReportOptions {
  hint?: string | undefined;
  /** A substring of the scalar at `path` (e.g. the `$(...)` reference) to point at. */
  needle?: string | undefined;
  /** Which occurrence of `needle` in the scalar (0-based). */
  occurrence?: number;
  /** Point at the key of `path` rather than its value. */
  key?: boolean;
  /** The feature gate of a FEATURE_FLAG_REQUIRED finding (required for that code). */
  gate?: FeatureGate;
}

export interface DocContext {
  doc: ResourceDoc;
  /** `doc.value` as a map (rules only run on map documents). */
  value: Record<string, unknown>;
  index: RepoIndex;
  profiles: ReadonlySet<string>;
  report(code: Code, path: NodePath, message: string, opts?: ReportOptions): void;
  /** Whether findings with `code` are reported for this document (not `off`): skip costly work when not. */
  enabled(code: Code): boolean;
  /** Reports at another document (for cross-document rules). */
  reportAt(doc: ResourceDoc, code: Code, path: NodePath, message: string, opts?: ReportOptions): void;
}

/** A rule over one document. `kinds` filters by kind; omitted means every document. */
export interface DocRule {
  id: string;
  kinds?: readonly string[];
  check(ctx: DocContext): void;
}

export interface RepoContext {
  index: RepoIndex;
  profiles: ReadonlySet<string>;
  reportAt(doc: ResourceDoc, code: Code, path: NodePath, message: string, opts?: ReportOptions): void;
  /** Reports at a file without a document (e.g. catalog layout). */
  reportFile(file: string, code: Code, message: string, opts?: { hint?: string }): void;
  /** Non-YAML files the caller knows about (e.g. `tasks/x/0.1/README.md`), when it listed them. */
  extraFiles?: ReadonlySet<string>;
}

/** A rule over the whole repository (duplicates, catalog layout). */
export interface RepoRule {
  id: string;
  check(ctx: RepoContext): void;
}

export type { Finding };
