import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readSysctls, restoreSysctls } from '../../../src/cluster/host-sysctls.js';

test('the values kubelet changes are read, and only the changed ones are written back', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sysctl-'));
  mkdirSync(path.join(root, 'vm'));
  mkdirSync(path.join(root, 'kernel'));
  const set = (key: string, value: string) => writeFileSync(path.join(root, key), `${value}\n`);
  set('vm/overcommit_memory', '0');
  set('kernel/panic', '0');
  set('kernel/panic_on_oops', '0');
  const saved = readSysctls(root);
  expect(saved).toEqual({
    'vm/overcommit_memory': '0',
    'kernel/panic': '0',
    'kernel/panic_on_oops': '0',
  });
  // what kubelet does with protectKernelDefaults off
  set('vm/overcommit_memory', '1');
  set('kernel/panic', '10');
  expect(restoreSysctls({ ...saved, 'net/other': '1' }, root)).toEqual([
    'vm/overcommit_memory',
    'kernel/panic',
  ]);
  expect(readFileSync(path.join(root, 'kernel/panic'), 'utf8')).toBe('0\n');
});
