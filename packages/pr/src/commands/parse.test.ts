import { describe, expect, it } from 'vitest';
import { parseCommands } from './parse.js';

describe('parseCommands (Prow: a command at the start of its own line)', () => {
  const cases: [string, string, { name: string; args: string[] }[]][] = [
    ['one command', '/retest', [{ name: 'retest', args: [] }]],
    ['several, with text around', 'Looks flaky.\n/test unit\r\n/hold\nthanks', [{ name: 'test', args: ['unit'] }, { name: 'hold', args: [] }]],
    ['the name and arguments kept as written (case is the command\'s business)', '/TEST Unit-Tests', [{ name: 'TEST', args: ['Unit-Tests'] }]],
    ['trailing spaces and several arguments', '/build-image plumbing  v1.2  ', [{ name: 'build-image', args: ['plumbing', 'v1.2'] }]],
    ['not in the middle of a line', 'please /retest', []],
    ['not indented (Prow anchors at the line start)', '  /retest', []],
    ['not a path', '/usr/bin/env is missing', []],
    ['not inside a fenced code block', '```\n/retest\n```\n/hold', [{ name: 'hold', args: [] }]],
    ['not in a quote', '> /retest\n', []],
    ['the same command twice counts once', '/retest\n/retest', [{ name: 'retest', args: [] }]],
  ];
  it.each(cases)('%s', (_name, body, want) => {
    expect(parseCommands(body).map(({ name, args }) => ({ name, args }))).toEqual(want);
  });
});
