/** Short human durations for the run views (`12.4s`, `2m05s`); parsing is @plumbing/model's. */

/** `0.3s`, `12.4s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)}m${String(totalS % 60).padStart(2, '0')}s`;
  const totalM = Math.floor(totalS / 60);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, '0')}m`;
}

/** Milliseconds between two ISO times (or until `now` when `end` is missing). */
export function elapsed(start: string | undefined, end: string | undefined, now: Date): number | undefined {
  if (!start) return undefined;
  const a = Date.parse(start);
  const b = end ? Date.parse(end) : now.getTime();
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.max(0, b - a);
}
