import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatGoDurationNs, parseGoDuration, parseGoDurationNs, parseHumanDuration } from './duration.js';

/** Inputs and what Go 1.26's time.ParseDuration answers (generated with a Go program, pasted here). */
const GO_PARSE: [string, bigint | string][] = [
  ["0", 0n],
  ["-0", 0n],
  ["+0", 0n],
  ["", "time: invalid duration \"\""],
  ["+", "time: invalid duration \"+\""],
  ["-", "time: invalid duration \"-\""],
  ["1h30m", 5400000000000n],
  ["90s", 90000000000n],
  ["500ms", 500000000n],
  [".5s", 500000000n],
  ["5.s", 5000000000n],
  ["1.5h", 5400000000000n],
  ["-1.5h", -5400000000000n],
  ["+2m", 120000000000n],
  ["1μs", 1000n],
  ["1µs", 1000n],
  ["1us", 1000n],
  ["3ns", 3n],
  ["10m ", "time: unknown unit \"m \" in duration \"10m \""],
  [" 10m", "time: invalid duration \" 10m\""],
  ["10", "time: missing unit in duration \"10\""],
  ["1d", "time: unknown unit \"d\" in duration \"1d\""],
  ["1h 30m", "time: unknown unit \"h \" in duration \"1h 30m\""],
  [".s", "time: invalid duration \".s\""],
  ["-.s", "time: invalid duration \"-.s\""],
  ["1.0000000001h", 3600000000360n],
  ["9223372036854775807ns", 9223372036854775807n],
  ["9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""],
  ["-9223372036854775808ns", -9223372036854775808n],
  ["2562047h", 9223369200000000000n],
  ["2562048h", "time: invalid duration \"2562048h\""],
  ["1e3s", "time: unknown unit \"e\" in duration \"1e3s\""],
  ["1s1s", 2000000000n],
  ["0.000000001s", 1n],
  ["1.23456789123456789s", 1234567891n],
  ["10M", "time: unknown unit \"M\" in duration \"10M\""],
  ["1H", "time: unknown unit \"H\" in duration \"1H\""],
];

describe('parseGoDurationNs', () => {
  it.each(GO_PARSE)('answers %j as Go does', (input, want) => {
    const r = parseGoDurationNs(input);
    expect(r).toEqual(typeof want === 'bigint' ? { ok: true, ns: want } : { ok: false, error: want });
  });
});

describe('parseGoDuration', () => {
  it('gives milliseconds, fractional below one', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('.5s')).toBe(500);
    expect(parseGoDuration('1μs')).toBe(0.001);
    expect(parseGoDuration('10m ')).toBeUndefined();
  });
});

describe('parseHumanDuration', () => {
  it('adds days and weeks to Go syntax', () => {
    expect(parseHumanDuration('7d')).toEqual({ ok: true, ms: 7 * 86_400_000 });
    expect(parseHumanDuration('2w')).toEqual({ ok: true, ms: 14 * 86_400_000 });
    expect(parseHumanDuration('1d12h')).toEqual({ ok: true, ms: 36 * 3_600_000 });
    expect(parseHumanDuration('.5s')).toEqual({ ok: true, ms: 500 });
    expect(parseHumanDuration('1μs')).toEqual({ ok: true, ms: 0.001 });
  });
  it('refuses what Go refuses', () => {
    expect(parseHumanDuration('10m ')).toEqual({ ok: false, error: 'time: unknown unit "m " in duration "10m "' });
    expect(parseHumanDuration('7')).toEqual({ ok: false, error: 'time: missing unit in duration "7"' });
    expect(parseHumanDuration('1y').ok).toBe(false);
  });
});

/** Duration.String() of Go 1.26 for these nanosecond counts. */
const GO_STRING: [bigint, string][] = [
  [0n, "0s"],
  [1n, "1ns"],
  [999n, "999ns"],
  [1000n, "1µs"],
  [1500n, "1.5µs"],
  [999999n, "999.999µs"],
  [1000000n, "1ms"],
  [1500000n, "1.5ms"],
  [999999999n, "999.999999ms"],
  [1000000000n, "1s"],
  [1500000000n, "1.5s"],
  [60000000000n, "1m0s"],
  [90000000000n, "1m30s"],
  [3600000000000n, "1h0m0s"],
  [5400000000000n, "1h30m0s"],
  [86400000000000n, "24h0m0s"],
  [-1500000000n, "-1.5s"],
  [1234567890123n, "20m34.567890123s"],
];

describe('formatGoDurationNs', () => {
  it.each(GO_STRING)('formats %s ns as Go does', (ns, want) => {
    expect(formatGoDurationNs(ns)).toBe(want);
  });
  it('formats milliseconds', () => {
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
    expect(formatGoDuration(500)).toBe('500ms');
  });
});
