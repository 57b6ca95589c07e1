import { loadYaml, type SourceFile } from './source.js';

/** Reading a YAML file's bytes: UTF-8 validity. */

/** Reads a YAML file: its text, with an invalid UTF-8 sequence as a YAML_SYNTAX finding at its position (as go-yaml refuses it). */
export function loadYamlBytes(file: string, buf: Uint8Array): SourceFile {
  const { text, invalidAt } = decodeUtf8(buf);
  const src = loadYaml(file, text);
  if (invalidAt) src.findings.unshift({ code: 'YAML_SYNTAX', severity: 'error', message: 'invalid UTF-8: YAML files must be UTF-8 text', file, ...invalidAt });
  return src;
}

/** Decodes a file's bytes; `invalidAt` is the 1-based position of the first byte that is not UTF-8. */
export function decodeUtf8(buf: Uint8Array): { text: string; invalidAt?: { line: number; column: number } } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
  } catch {
    const text = new TextDecoder('utf-8').decode(buf);
    const i = text.indexOf('\uFFFD');
    const before = text.slice(0, Math.max(0, i));
    const line = before.split('\n').length;
    return { text, invalidAt: { line, column: i - before.lastIndexOf('\n') } };
  }
}
