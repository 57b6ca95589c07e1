export type { AnsiStyle } from './ansi.js';
export { ansiToHtml } from './ansi.js';
export type { GraphTask, NodeState } from './graph.js';
export { graphTasks, pipelineSvg } from './graph.js';
export { duration, esc } from './html.js';
export { linesHtml, readWindow } from './log-page.js';
export { dashboardPages } from './pages.js';
