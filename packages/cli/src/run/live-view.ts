import { elapsed, formatDuration, type RunEvent, type RunKind, taskLabel } from '@plumbing/executor';

export interface LiveViewOptions {
  write: (s: string) => void;
  /** Redraw in place with ANSI escapes; else append-only lines (pipes, CI=true). */
  tty: boolean;
  color?: boolean;
  /** Terminal width: lines of the redrawn block are cut to it so that the redraw stays exact. */
  columns?: number;
  /** Terminal height: a taller block is compacted (finished tasks without their steps, then counted). */
  rows?: number;
  /** Minimum time between two redraws (TTY). */
  throttleMs?: number;
  now?: () => Date;
}

type State = 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

interface StepView {
  name: string;
  state: State;
  reason?: string;
  exitCode?: number;
  start?: string;
  end?: string;
}

interface TaskView {
  taskRun: string;
  label: string;
  state: State;
  reason?: string;
  start?: string;
  end?: string;
  steps: StepView[];
}

interface RunView {
  kind: RunKind;
  name: string;
  state: State;
  reason?: string;
  start: string;
  end?: string;
  tasks: TaskView[];
}

const ICON: Record<State, string> = { waiting: '·', running: '●', succeeded: '✓', failed: '✗', skipped: '-', cancelled: '⊘' };
const COLOR: Record<State, string> = { waiting: '2', running: '33', succeeded: '32', failed: '31', skipped: '2', cancelled: '35' };

/** The progress of running runs: a block redrawn in place on a terminal, plain lines otherwise; step output prefixed `[task/step]`. */
export class LiveView {
  private readonly runs: RunView[] = [];
  private readonly partial = new Map<string, string>();
  private pending: string[] = [];
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private finished = false;
  private readonly now: () => Date;

  constructor(private readonly opts: LiveViewOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Registers a top-level run before its events arrive. */
  addRun(kind: RunKind, name: string): void {
    this.runs.push({ kind, name, state: 'running', start: this.now().toISOString(), tasks: [] });
    if (!this.opts.tty) this.line(`${this.icon('running')} ${kind} ${name} started`);
    else if (!this.ticker) {
      // Durations keep moving while a step is silent.
      this.ticker = setInterval(() => this.schedule(), 1000);
      this.ticker.unref();
    }
    this.schedule();
  }

  /** Marks a top-level run done. */
  endRun(name: string, succeeded: 'True' | 'False' | 'Unknown', reason: string): void {
    const r = this.runs.find((x) => x.name === name);
    if (!r) return;
    r.state = stateOf(succeeded, reason);
    r.reason = reason;
    r.end = this.now().toISOString();
    if (!this.opts.tty) this.line(`${this.icon(r.state)} ${r.kind} ${r.name} ${reason} ${formatDuration(elapsed(r.start, r.end, this.now()) ?? 0)}`);
    this.schedule();
  }

  /** One engine event of the top-level run `runName`. */
  event(runName: string, e: RunEvent): void {
    const run = this.runs.find((x) => x.name === runName);
    if (!run) return;
    switch (e.type) {
      case 'taskrun-start': {
        let t = run.tasks.find((x) => x.taskRun === e.taskRun);
        if (!t) {
          t = { taskRun: e.taskRun, label: taskLabel(run.name, run.kind, e.taskRun, e.pipelineTask), state: 'running', steps: [] };
          run.tasks.push(t);
        }
        Object.assign(t, { state: 'running' as State, start: this.at(), steps: [] });
        if (!this.opts.tty) this.line(`  ${this.icon('running')} ${t.label} started`);
        break;
      }
      case 'taskrun-end': {
        const t = this.task(run, e.taskRun, e.pipelineTask);
        t.state = stateOf(e.succeeded, e.reason);
        t.reason = e.reason;
        t.end = this.at();
        if (!this.opts.tty) this.line(`  ${this.icon(t.state)} ${t.label} ${e.reason} ${formatDuration(elapsed(t.start, t.end, this.now()) ?? 0)}`);
        break;
      }
      case 'pipelinetask-skipped': {
        run.tasks.push({ taskRun: '', label: e.pipelineTask, state: 'skipped', reason: e.reason, steps: [] });
        if (!this.opts.tty) this.line(`  ${this.icon('skipped')} ${e.pipelineTask} skipped: ${e.reason}`);
        break;
      }
      case 'pipelinetask-reused': {
        for (const taskRun of e.taskRuns) run.tasks.push({ taskRun, label: e.pipelineTask, state: 'succeeded', reason: `reused from ${e.from}`, steps: [] });
        if (!this.opts.tty) this.line(`  ${this.icon('succeeded')} ${e.pipelineTask} reused from ${e.from}`);
        break;
      }
      case 'step-start': {
        const t = this.task(run, e.taskRun);
        let s = t.steps.find((x) => x.name === e.step);
        if (!s) {
          s = { name: e.step, state: 'running' };
          t.steps.push(s);
        }
        s.state = 'running';
        s.start = this.at();
        if (!this.opts.tty) this.line(`    ${this.icon('running')} ${t.label}/${e.step} running${e.runsIn ? ` in ${e.runsIn}` : ''}`);
        break;
      }
      case 'step-end': {
        const t = this.task(run, e.taskRun);
        let s = t.steps.find((x) => x.name === e.step);
        if (!s) {
          s = { name: e.step, state: 'running' };
          t.steps.push(s);
        }
        this.flushPartial(run, e.taskRun, e.step);
        s.state = e.reason === 'Skipped' ? 'skipped' : /cancel/i.test(e.reason) ? 'cancelled' : e.exitCode === 0 || e.reason === 'Continued' ? 'succeeded' : 'failed';
        s.exitCode = e.exitCode;
        s.reason = e.reason;
        s.end = this.at();
        if (!this.opts.tty) this.line(`    ${this.icon(s.state)} ${t.label}/${e.step} ${e.reason}${s.state === 'failed' ? ` (exit ${e.exitCode})` : ''} ${s.start ? formatDuration(elapsed(s.start, s.end, this.now()) ?? 0) : ''}`.trimEnd());
        break;
      }
      case 'step-output': {
        const key = `${run.name}\u0000${e.taskRun}\u0000${e.step}`;
        const text = (this.partial.get(key) ?? '') + e.text;
        const lines = text.split('\n');
        this.partial.set(key, lines.pop() ?? '');
        const t = this.task(run, e.taskRun);
        for (const l of lines) this.output(`[${t.label}/${e.step}] ${l.replace(/\r$/, '')}`);
        break;
      }
      case 'warning':
        this.output(`warning: ${e.message}`);
        break;
    }
    this.schedule();
  }

  /** Draws the final state and stops redrawing. */
  finish(): void {
    if (this.finished) return;
    for (const run of this.runs) for (const [key] of this.partial) {
      const [r, tr, step] = key.split('\u0000');
      if (r === run.name && tr !== undefined && step !== undefined) this.flushPartial(run, tr, step);
    }
    if (this.timer) clearTimeout(this.timer);
    if (this.ticker) clearInterval(this.ticker);
    this.timer = undefined;
    this.ticker = undefined;
    this.render();
    this.finished = true;
  }

  /** Measured duration of a run (no taskRun), a TaskRun, or one of its steps; undefined when not seen. */
  duration(runName: string, taskRun?: string, step?: string): number | undefined {
    const r = this.runs.find((x) => x.name === runName);
    if (!r) return undefined;
    const now = this.now();
    if (taskRun === undefined) return elapsed(r.start, r.end, now);
    const t = r.tasks.find((x) => x.taskRun === taskRun);
    if (!t) return undefined;
    if (step === undefined) return elapsed(t.start, t.end, now);
    const s = t.steps.find((x) => x.name === step);
    return s ? elapsed(s.start, s.end, now) : undefined;
  }

  /** The block as lines (what the terminal shows), compacted to fit `maxRows`. */
  lines(maxRows = Number.POSITIVE_INFINITY): string[] {
    for (const mode of ['full', 'compact'] as const) {
      const l = this.build(mode);
      if (l.length <= maxRows) return l;
    }
    const l = this.build('active');
    return l.length <= maxRows ? l : [...l.slice(0, Math.max(0, maxRows - 1)), `… ${l.length - maxRows + 1} more`];
  }

  /** full: every task and step; compact: steps of running tasks only; active: running tasks, the rest counted. */
  private build(mode: 'full' | 'compact' | 'active'): string[] {
    const now = this.now();
    const out: string[] = [];
    for (const r of this.runs) {
      out.push(`${this.icon(r.state)} ${r.kind} ${r.name}${r.reason ? ` ${r.reason}` : ''}  ${formatDuration(elapsed(r.start, r.end, now) ?? 0)}`);
      const counts = new Map<State, number>();
      for (const t of r.tasks) {
        if (mode === 'active' && t.state !== 'running') {
          counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
          continue;
        }
        const d = t.start ? `  ${formatDuration(elapsed(t.start, t.end, now) ?? 0)}` : '';
        out.push(`  ${this.icon(t.state)} ${t.label}${t.reason && t.state !== 'running' ? ` ${t.reason}` : ''}${d}`);
        if (mode !== 'full' && t.state !== 'running') continue;
        for (const s of t.steps) {
          const sd = s.start ? `  ${formatDuration(elapsed(s.start, s.end, now) ?? 0)}` : '';
          const why = s.state === 'failed' ? ` exit ${s.exitCode}` : s.state === 'skipped' || s.state === 'cancelled' ? ` ${s.reason ?? ''}` : '';
          out.push(`      ${this.icon(s.state)} ${s.name}${why}${sd}`);
        }
      }
      if (counts.size > 0) out.push(`  ${[...counts].map(([st, n]) => `${this.icon(st)} ${n} ${st}`).join('  ')}`);
    }
    return out;
  }

  /** Times are taken when events arrive: engines stamp whole seconds, as Tekton does. */
  private at(): string {
    return this.now().toISOString();
  }

  private task(run: RunView, taskRun: string, pipelineTask?: string): TaskView {
    let t = run.tasks.find((x) => x.taskRun === taskRun);
    if (!t) {
      t = { taskRun, label: taskLabel(run.name, run.kind, taskRun, pipelineTask), state: 'running', steps: [] };
      run.tasks.push(t);
    }
    return t;
  }

  private flushPartial(run: RunView, taskRun: string, step: string): void {
    const key = `${run.name}\u0000${taskRun}\u0000${step}`;
    const rest = this.partial.get(key);
    if (rest) this.output(`[${this.task(run, taskRun).label}/${step}] ${rest}`);
    this.partial.delete(key);
  }

  private icon(s: State): string {
    return this.opts.color ? `\x1b[${COLOR[s]}m${ICON[s]}\x1b[0m` : ICON[s];
  }

  private output(line: string): void {
    if (this.opts.tty) this.pending.push(line);
    else this.opts.write(`${line}\n`);
  }

  private line(s: string): void {
    this.opts.write(`${s}\n`);
  }

  private schedule(): void {
    if (!this.opts.tty || this.finished || this.timer) return;
    const wait = Math.max(0, (this.opts.throttleMs ?? 100) - (Date.now() - this.lastDraw));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, wait);
  }

  private render(): void {
    if (!this.opts.tty || this.finished) return;
    this.lastDraw = Date.now();
    const width = Math.max(20, (this.opts.columns ?? 100) - 1);
    let s = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    for (const p of this.pending) s += `${p}\n`;
    this.pending = [];
    const block = this.lines(Math.max(3, (this.opts.rows ?? 40) - 2)).map((l) => cut(l, width));
    for (const l of block) s += `${l}\n`;
    this.drawnLines = block.length;
    this.opts.write(s);
  }
}

function stateOf(succeeded: string, reason: string): State {
  if (succeeded === 'True') return 'succeeded';
  if (/cancel/i.test(reason)) return 'cancelled';
  if (succeeded === 'False') return 'failed';
  return 'running';
}

/** Cuts a line to `width` visible characters, keeping ANSI colour codes out of the count. */
function cut(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const m = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    if (visible >= width) return `${out}\x1b[0m`;
    out += line[i];
    visible++;
  }
  return out;
}
