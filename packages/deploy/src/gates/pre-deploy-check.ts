import { checkRepository, formatFindingText, PlumbingError } from '@plumbing/model';
import type { Gate } from './types.js';

/**
 * The pre-deploy test: the rules of `plumbing check` over the files the set comes from (the
 * whole repository is loaded, so references resolve). An error refuses the deploy before any
 * change, with the findings, compiler-style.
 */
export async function preDeployCheck(root: string, files: readonly string[], log: (line: string) => void): Promise<void> {
  const unique = [...new Set(files)].sort();
  if (unique.length === 0) return;
  const { findings, filesChecked } = await checkRepository(root, { paths: unique.map((f) => `${root}/${f}`) });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    const shown = errors.slice(0, 20).map((f) => `  ${formatFindingText(f)}`);
    throw new PlumbingError('DEPLOY_CHECK_FAILED', `plumbing check found ${errors.length} error(s) in the sources; nothing was deployed:\n${shown.join('\n')}${errors.length > 20 ? `\n  … and ${errors.length - 20} more` : ''}`, { hint: 'fix them, or pass --skip-check' });
  }
  log(`pre-deploy check: ${filesChecked} file(s), no errors${findings.length ? ` (${findings.length} warning(s))` : ''}`);
}

/** The pre-deploy check gate: before any change (and before the lease), unless --skip-check. */
export const preDeployCheckGate: Gate = {
  name: 'pre-deploy check',
  phase: 'before-apply',
  run: (input) => preDeployCheck(input.root, input.files, input.log),
};
