export type { Command } from './main.js';
export { main, mainHelp, registerCommand } from './main.js';
export type { Io } from './io.js';
export { processIo } from './io.js';
export { findRoot } from './root.js';
