/**
 * CronJob schedule, timeZone and concurrencyPolicy, as the Kubernetes API server validates them
 * (pkg/apis/batch/validation: robfig/cron v3 `ParseStandard`, `TZ` rejected in the schedule,
 * `time.LoadLocation` for timeZone).
 */
import type { DocRule } from '../../check/rule.js';
import { isMap } from '../../yaml/values.js';

/** A problem in a schedule: `offset`/`text` locate the offending part of the string. */
export interface ScheduleProblem {
  message: string;
  offset: number;
  text: string;
}

interface Bounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly Bounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** Go's time.ParseDuration syntax. */
const GO_DURATION = /^[+-]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

function parseIntOrName(s: string, b: Bounds): number | string {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^[+-]?\d+$/.test(s)) return `failed to parse int from ${s}`;
  const n = Number(s);
  if (n < 0) return `negative number (${n}) not allowed: ${s}`;
  return n;
}

/** One comma-separated part of a field (robfig/cron getRange). Returns an error message or undefined. */
function checkRange(expr: string, b: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    const s = parseIntOrName(lowAndHigh[0]!, b);
    if (typeof s === 'string') return s;
    start = s;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const e = parseIntOrName(lowAndHigh[1]!, b);
      if (typeof e === 'string') return e;
      end = e;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const st = parseIntOrName(rangeAndStep[1]!, { ...b, names: {} });
    if (typeof st === 'string') return st;
    step = st;
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < b.min) return `beginning of range (${start}) below minimum (${b.min}) for ${b.name}: ${expr}`;
  if (end > b.max) return `end of range (${end}) above maximum (${b.max}) for ${b.name}: ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/** Validates a standard cron spec like Kubernetes does; returns the first problem, or undefined. */
export function checkSchedule(schedule: string): ScheduleProblem | undefined {
  if (schedule.length === 0) return { message: 'empty spec string', offset: 0, text: '' };
  let spec = schedule;
  let base = 0;
  const tz = /^(CRON_)?TZ=/.exec(spec);
  if (tz) {
    const sp = spec.indexOf(' ');
    base = sp < 0 ? spec.length : sp;
    spec = spec.slice(base);
    const lead = spec.length - spec.trimStart().length;
    base += lead;
    spec = spec.trim();
  }
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = spec.slice('@every '.length);
      return GO_DURATION.test(d) ? undefined : { message: `failed to parse duration ${spec}: invalid duration "${d}"`, offset: base + 7, text: d };
    }
    return { message: `unrecognized descriptor: ${spec}`, offset: base, text: spec };
  }
  const fields: { text: string; offset: number }[] = [];
  for (const m of spec.matchAll(/\S+/g)) fields.push({ text: m[0], offset: base + m.index });
  if (fields.length !== 5) {
    return { message: `expected exactly 5 fields, found ${fields.length}: [${fields.map((f) => f.text).join(' ')}]`, offset: fields[0]?.offset ?? 0, text: fields[0]?.text ?? '' };
  }
  for (let i = 0; i < 5; i++) {
    const f = fields[i]!;
    let off = 0;
    for (const part of f.text.split(',')) {
      if (part !== '') {
        const err = checkRange(part, FIELDS[i]!);
        if (err) return { message: err, offset: f.offset + off, text: part };
      }
      off += part.length + 1;
    }
  }
  return undefined;
}

function supportedZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}
/** Canonical IANA names known to this runtime's ICU data, and the same by lower case (built once, at load). */
const ZONES: ReadonlySet<string> = new Set([...supportedZones(), 'UTC']);
const ZONES_BY_LOWER: ReadonlyMap<string, string> = new Map(supportedZones().map((z) => [z.toLowerCase(), z]));

const ETC = /^Etc\/(UTC|UCT|GMT|GMT0|Greenwich|Universal|Zulu|GMT[+-]([0-9]|1[0-4]))$/;
/** Each path element as Kubernetes allows (validTimeZoneCharacters). */
const ZONE_ELEMENT = /^[A-Za-z._\-0-9+]{1,14}$/;

/** Whether `tz` looks like an IANA time zone that Go's time.LoadLocation would load. Returns a hint when not. */
export function checkTimeZone(tz: string): string | undefined {
  if (tz === '') return 'timeZone must be nil or a non-empty string';
  if (tz.toLowerCase() === 'local') return 'timeZone must be an explicit IANA time zone, not Local';
  if (ZONES.has(tz) || ETC.test(tz)) return undefined;
  if (!tz.split('/').every((e) => ZONE_ELEMENT.test(e))) return `unknown time zone ${tz}`;
  const sameButCase = ZONES_BY_LOWER.get(tz.toLowerCase());
  if (sameButCase) return `unknown time zone ${tz} (time zone names are case-sensitive: ${sameButCase})`;
  // Not canonical: accept the aliases the ICU database knows (US/Pacific, Asia/Calcutta, GMT, ...).
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return undefined;
  } catch {
    return `unknown time zone ${tz}`;
  }
}

const POLICIES = ['Allow', 'Forbid', 'Replace'];

export const cronJobRule: DocRule = {
  id: 'cronjob-invalid-schedule',
  kinds: ['CronJob'],
  check({ value, report }) {
    const code = 'CRONJOB_INVALID_SCHEDULE';
    const spec = value.spec;
    if (!isMap(spec)) {
      report(code, ['spec'], 'spec.schedule: Required value', { key: true });
      return;
    }
    const s = spec.schedule;
    if (s === undefined || s === null) report(code, ['spec'], 'spec.schedule: Required value', { key: true });
    else if (typeof s !== 'string') report(code, ['spec', 'schedule'], 'spec.schedule must be a string', { hint: 'quote it, e.g. schedule: "0 * * * *"' });
    else {
      const tzAt = s.indexOf('TZ');
      if (tzAt >= 0) {
        const needle = s.includes('CRON_TZ') ? 'CRON_TZ' : 'TZ';
        report(code, ['spec', 'schedule'], `invalid schedule ${JSON.stringify(s)}: cannot use TZ or CRON_TZ in schedule, use timeZone field instead`, { needle, hint: 'move the zone to spec.timeZone' });
      }
      const p = checkSchedule(s);
      if (p) {
        const occurrence = countBefore(s, p.text, p.offset);
        report(code, ['spec', 'schedule'], `invalid schedule ${JSON.stringify(s)}: ${p.message}`, {
          ...(p.text ? { needle: p.text, occurrence } : {}),
          hint: 'five fields: minute hour day-of-month month day-of-week (0-6 or SUN-SAT), or @hourly/@daily/@weekly/@monthly/@yearly',
        });
      }
    }
    const tz = spec.timeZone;
    if (tz !== undefined && tz !== null) {
      const problem = typeof tz === 'string' ? checkTimeZone(tz) : 'timeZone must be a string';
      if (problem) report(code, ['spec', 'timeZone'], problem, { hint: 'an IANA name such as Europe/Paris or Etc/UTC' });
    }
    const cp = spec.concurrencyPolicy;
    if (cp !== undefined && cp !== null && !POLICIES.includes(cp as string)) {
      report(code, ['spec', 'concurrencyPolicy'], `spec.concurrencyPolicy: Unsupported value: ${JSON.stringify(cp)}: supported values: "Allow", "Forbid", "Replace"`);
    }
  },
};

/** How many (overlapping) occurrences of `needle` start before `offset` in `s`. */
function countBefore(s: string, needle: string, offset: number): number {
  if (needle === '') return 0;
  let n = 0;
  let i = s.indexOf(needle);
  while (i >= 0 && i < offset) {
    n++;
    i = s.indexOf(needle, i + 1);
  }
  return n;
}

export const CRONJOB_RULES: readonly DocRule[] = [cronJobRule];
