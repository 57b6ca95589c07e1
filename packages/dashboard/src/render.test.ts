import { describe, expect, it } from 'vitest';
import { ansiToHtml } from './ansi.js';
import { graphTasks, pipelineSvg } from './graph.js';
import { linesHtml } from './log-page.js';
import { LineIndexes, styleAt } from './log-index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reusedTasks } from './run-page.js';
import type { RunRow } from '@plumbing/serve';

describe('ansiToHtml', () => {
  it('escapes the text, renders SGR colours as spans and carries the style to the next line', () => {
    const a = ansiToHtml('\x1b[31;1mFAIL\x1b[0m <script>&');
    expect(a.html).toBe('<span class="f1 a-b">FAIL</span> &lt;script&gt;&amp;');
    const b = ansiToHtml('\x1b[32mgreen', {});
    expect(ansiToHtml('still', b.style).html).toBe('<span class="f2">still</span>');
  });

  it('drops cursor moves and OSC sequences', () => {
    expect(ansiToHtml('a\x1b[2Kb\x1b]0;title\x07c').html).toBe('abc');
  });
});

describe('LineIndexes: ANSI colours across chunks', () => {
  it('records the colours in force at each chunk start and at the end, also for a line longer than one read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbing-ansi-'));
    try {
      const file = join(dir, 'step.log');
      const long = `${'x'.repeat(1024 * 1024 + 10)}\x1b[1m`;
      const lines = ['\x1b[31mred from here', ...Array.from({ length: 1200 }, (_, i) => `line ${i}`), '\x1b[0mreset', long, ...Array.from({ length: 900 }, () => 'bold')];
      writeFileSync(file, `${lines.join('\n')}\n`);
      const idx = await new LineIndexes().get(file);
      expect(idx.styles).toEqual([{}, { fg: 1 }, { bold: true }]);
      expect(idx.style).toEqual({ bold: true });
      expect(styleAt(file, idx, idx.offsets[1]!)).toEqual({ fg: 1 });
      // a line start inside the second chunk, before the reset: still red
      const at = idx.offsets[1]! + 'line 999\n'.length;
      expect(styleAt(file, idx, at)).toEqual({ fg: 1 });
      expect(linesHtml(['red'], 1001, styleAt(file, idx, idx.offsets[1]!))).toContain('<span class="f1">red</span>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('linesHtml', () => {
  it('numbers every line with an #L anchor from the first line given', () => {
    expect(linesHtml(['x', 'y'], 41)).toBe('<span class="l" id="L41"><a class="n" href="#L41" aria-label="line 41">41</a>x</span><span class="l" id="L42"><a class="n" href="#L42" aria-label="line 42">42</a>y</span>');
  });
});

describe('pipelineSvg', () => {
  const spec = {
    tasks: [{ name: 'a' }, { name: 'b', runAfter: ['a'] }, { name: 'c', params: [{ name: 'p', value: '$(tasks.a.results.out)' }] }],
    finally: [{ name: 'f' }],
  };

  it('reads runAfter and result references, finally apart', () => {
    expect(graphTasks(spec)).toEqual([
      { name: 'a', runAfter: [], resultRefs: [], isFinally: false },
      { name: 'b', runAfter: ['a'], resultRefs: [], isFinally: false },
      { name: 'c', runAfter: [], resultRefs: ['a'], isFinally: false },
      { name: 'f', runAfter: [], resultRefs: [], isFinally: true },
    ]);
  });

  it("takes result edges from model's task dependencies: an embedded script's reference counts, a finally task's status reference does not", () => {
    const more = {
      tasks: [{ name: 'a' }, { name: 'd', taskSpec: { steps: [{ name: 's', image: 'busybox', script: 'echo $(tasks.a.results.out)' }] } }],
      finally: [{ name: 'f', params: [{ name: 'p', value: '$(tasks.a.status)' }] }],
    };
    expect(graphTasks(more).map((t) => [t.name, t.resultRefs])).toEqual([['a', []], ['d', ['a']], ['f', []]]);
  });

  it('draws nodes filled by state and one edge per dependency', () => {
    const svg = pipelineSvg(graphTasks(spec), new Map([['b', { state: 'failed', started: null, finished: null }]]), new Map());
    expect(svg.match(/data-task="b" data-state="failed"[^>]*fill="#cf222e"/)).not.toBeNull();
    expect([...svg.matchAll(/class="edge edge-(\w+)" data-from="(\w)" data-to="(\w)"/g)].map((m) => m.slice(1).join(':'))).toEqual(['runAfter:a:b', 'result:a:c']);
    expect(svg).toContain('>finally</text>');
  });

  it('marks a task a rerun reused, with the run it came from', () => {
    const svg = pipelineSvg(graphTasks(spec), new Map([['a', { state: 'succeeded', started: null, finished: null, reusedFrom: 'ci-abcde' }]]), new Map());
    expect(svg).toMatch(/data-task="a" data-state="succeeded" data-reused-from="ci-abcde"/);
    expect(svg).toContain('<title>a: succeeded (reused from ci-abcde)</title>');
  });
});

describe('reusedTasks', () => {
  it('reads the executor\'s status of a rerun: reused[] and taskRuns[].reusedFrom', () => {
    const status = { reused: [{ pipelineTaskName: 'fetch', from: 'ci-1', taskRuns: [] }], taskRuns: [{ name: 'x', pipelineTaskName: 'build', reusedFrom: 'ci-1', status: {} }, { name: 'y', pipelineTaskName: 'test', status: {} }] };
    expect([...reusedTasks({ status } as unknown as RunRow)]).toEqual([['fetch', 'ci-1'], ['build', 'ci-1']]);
  });
});
