import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATH, imageArgv, imageEnv, resolveUser } from './entrypoint.js';

describe('imageArgv (Kubernetes entrypoint rules)', () => {
  const config = { Entrypoint: ['/entry'], Cmd: ['--default'] };
  it('runs Entrypoint + Cmd without command and args', () => expect(imageArgv(config, undefined, undefined, 'i')).toEqual(['/entry', '--default']));
  it('runs Entrypoint + args when only args are given', () => expect(imageArgv(config, undefined, ['x'], 'i')).toEqual(['/entry', 'x']));
  it('runs command + args, ignoring the image', () => expect(imageArgv(config, ['/bin/sh'], ['-c', 'true'], 'i')).toEqual(['/bin/sh', '-c', 'true']));
  it('refuses an image with nothing to run', () => expect(() => imageArgv({}, undefined, undefined, 'i')).toThrow(expect.objectContaining({ code: 'OCI_NO_ENTRYPOINT' })));
});

describe('imageEnv', () => {
  it('defaults PATH and reads K=V pairs', () => {
    expect(Object.fromEntries(imageEnv({ Env: ['A=1=2', 'PATH=/x'] }))).toEqual({ PATH: '/x', A: '1=2' });
    expect(imageEnv({}).get('PATH')).toBe(DEFAULT_PATH);
  });
});

describe('resolveUser', () => {
  const root = mkdtempSync(join(tmpdir(), 'oci-user-'));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nstaff:x:50:\n');
  it('reads names, numbers and groups from the image', () => {
    expect(resolveUser(root, 'app', 'i')).toEqual({ uid: 1000, gid: 1001, home: '/home/app' });
    expect(resolveUser(root, '1000:staff', 'i')).toEqual({ uid: 1000, gid: 50, home: '/home/app' });
    expect(resolveUser(root, '4242', 'i')).toEqual({ uid: 4242, gid: 4242, home: '/' });
    expect(resolveUser(root, undefined, 'i')).toEqual({ uid: 0, gid: 0, home: '/root' });
  });
  it('refuses a user name the image does not have', () => expect(() => resolveUser(root, 'nobody2', 'i')).toThrow(expect.objectContaining({ code: 'OCI_USER_UNKNOWN' })));
});
