export { acquireLock, tryLock } from './lock.js';
