export { acquireLock, type LockAttempt, type LockOptions, type LockOwner, tryLock } from './lock.js';
