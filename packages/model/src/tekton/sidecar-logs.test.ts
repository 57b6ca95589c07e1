import { describe, expect, it } from 'vitest';
import { firstOversizedResult, oversizedResultMessage } from './sidecar-logs.js';

describe('sidecar-logs result limit', () => {
  it('measures the JSON line the sidecar prints, escapes included, not the bare value', () => {
    const r = { name: 'r', value: 'a'.repeat(4060), type: 'task' as const };
    expect(firstOversizedResult([r], 4096)).toEqual({ result: r, length: 4097 });
    expect(firstOversizedResult([{ ...r, value: 'a'.repeat(4059) }], 4096)).toBeUndefined();
    expect(firstOversizedResult([{ ...r, value: '<'.repeat(1000) }], 4096)?.length).toBe(6037);
  });

  it("words the TaskRun's message as the controller does", () => {
    expect(oversizedResultMessage('tr', 5000, 4096)).toBe('[User error] TaskRun ""tr"" failed: 5000 bytes results size exceeds configured limit of 4096 bytes');
  });
});
