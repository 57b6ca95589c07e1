import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';
import { checkSchedule, checkTimeZone } from './cronjob-rules.js';

const cron = (spec: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n${spec}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: c, image: alpine:3.20}]\n`;
const E = (line: number, column: number) => [{ code: 'CRONJOB_INVALID_SCHEDULE', severity: 'error', line, column }];
const findings = (spec: string) => only(checkYaml(cron(spec)), 'CRONJOB_INVALID_SCHEDULE');

describe('cronjob-invalid-schedule', () => {
  it('reports four fields at the schedule', () => {
    expect(findings('  schedule: "0 3 * *"\n')).toEqual(E(6, 14));
  });
  it('reports an hour out of range at that field, not at an earlier equal digit', () => {
    expect(findings('  schedule: "24 24 * * *"\n')).toEqual(E(6, 17));
  });
  it('reports day of week 7 (robfig/cron accepts 0-6 only)', () => {
    expect(findings('  schedule: "0 0 * * 1,7"\n')).toEqual(E(6, 24));
  });
  it('reports a zero step and a reversed range', () => {
    expect(findings('  schedule: "*/0 * * * *"\n')).toEqual(E(6, 14));
    expect(findings('  schedule: "0 0 * * FRI-MON"\n')).toEqual(E(6, 22));
  });
  it('reports TZ= inside the schedule at TZ', () => {
    expect(findings('  schedule: "TZ=Europe/Paris 0 3 * * *"\n')).toEqual(E(6, 14));
  });
  it('reports an unknown macro and an unquoted number', () => {
    expect(findings('  schedule: "@fortnightly"\n')).toEqual(E(6, 14));
    expect(findings('  schedule: 5\n')).toEqual(E(6, 13));
  });
  it('reports a missing schedule at spec', () => {
    expect(findings('')).toEqual(E(5, 1));
  });
  it('accepts ranges, steps, lists, names, ? and macros', () => {
    for (const s of ['*/15 2-6/2 1,15 JAN-jun mon-FRI', '0 3 ? * SUN', '5/10 * * * *', '@hourly', '@every 1h30m', '0 0 1 DEC *']) {
      expect(findings(`  schedule: "${s}"\n`)).toEqual([]);
    }
  });
  it('reports a time zone that is not an IANA name, or in the wrong case', () => {
    expect(findings('  schedule: "0 3 * * *"\n  timeZone: Paris/France\n')).toEqual(E(7, 13));
    expect(findings('  schedule: "0 3 * * *"\n  timeZone: europe/paris\n')).toEqual(E(7, 13));
    expect(findings('  schedule: "0 3 * * *"\n  timeZone: Local\n')).toEqual(E(7, 13));
  });
  it('accepts IANA names, UTC, Etc zones and aliases', () => {
    for (const tz of ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5', 'Etc/UTC', 'US/Pacific']) {
      expect(findings(`  schedule: "0 3 * * *"\n  timeZone: ${tz}\n`)).toEqual([]);
    }
  });
  it('reports an unknown concurrencyPolicy and accepts Forbid', () => {
    expect(findings('  schedule: "0 3 * * *"\n  concurrencyPolicy: Never\n')).toEqual(E(7, 22));
    expect(findings('  schedule: "0 3 * * *"\n  concurrencyPolicy: Forbid\n')).toEqual([]);
  });
});

describe('checkSchedule', () => {
  it('mirrors robfig/cron messages', () => {
    expect(checkSchedule('0 3 * *')?.message).toBe('expected exactly 5 fields, found 4: [0 3 * *]');
    expect(checkSchedule('61 * * * *')?.message).toBe('end of range (61) above maximum (59) for minute: 61');
    expect(checkSchedule('0 0 0 * *')?.message).toBe('beginning of range (0) below minimum (1) for day of month: 0');
    expect(checkSchedule('1-2-3 * * * *')?.message).toBe('too many hyphens: 1-2-3');
    expect(checkSchedule('x * * * *')?.message).toBe('failed to parse int from x');
    expect(checkSchedule('@every soon')?.offset).toBe(7);
    expect(checkSchedule('')?.message).toBe('empty spec string');
  });
  it('locates the part inside a list', () => {
    expect(checkSchedule('0 1,2,99 * * *')).toEqual({ message: 'end of range (99) above maximum (23) for hour: 99', offset: 6, text: '99' });
  });
  it('checks time zones', () => {
    expect(checkTimeZone('Europe/Paris')).toBeUndefined();
    expect(checkTimeZone('+01:00')).toBe('unknown time zone +01:00');
    expect(checkTimeZone('')).toBeDefined();
  });
});
