export { formatGc, runGc } from './gc.js';
