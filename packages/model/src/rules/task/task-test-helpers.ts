/** Test helpers for the task rule family: build small Task / StepAction documents with known line numbers. */
import { yaml } from '../../test-helpers.js';

/**
 * A Task whose spec is `body` (written at column 1, as with `yaml```): the header takes lines 1-5, so the
 * body's first line is line 6 and its columns shift by 2.
 */
export function taskYaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return wrap('apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n', yaml(strings, ...values));
}

/** A StepAction whose spec is `body` (lines from 6, columns shifted by 2). */
export function stepActionYaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return wrap('apiVersion: tekton.dev/v1beta1\nkind: StepAction\nmetadata:\n  name: a\nspec:\n', yaml(strings, ...values));
}

function wrap(header: string, body: string): string {
  return header + body.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');
}
