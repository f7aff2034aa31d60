import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { operationHooks } from '../../src/release/hook-watch.js';
import { recordHooks, type PendingRecord } from '../../src/release/pending-record.js';

const job = (name: string, hook: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations:
    helm.sh/hook: ${hook}
spec:
  template:
    spec:
      restartPolicy: Never
`;

const release = {
  name: 'web',
  version: 3,
  config: { db: { password: 'not-for-the-hooks' } },
  hooks: [
    {
      name: 'web-migrate',
      kind: 'Job',
      manifest: job('web-migrate', 'pre-upgrade'),
      events: ['pre-upgrade'],
      delete_policies: ['before-hook-creation', 'hook-failed'],
    },
    {
      name: 'web-seed',
      kind: 'Job',
      manifest: job('web-seed', 'post-install'),
      events: ['post-install'],
    },
    {
      name: 'web-test',
      kind: 'Pod',
      manifest: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-test\n',
      events: ['test'],
    },
    {
      name: 'web-config',
      kind: 'ConfigMap',
      manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n',
      events: ['pre-upgrade'],
    },
  ],
};

/** helm's encoding of a stored release: base64 of the gzipped JSON. */
const helmEncoded = gzipSync(JSON.stringify(release)).toString('base64');

describe('recordHooks', () => {
  it('decodes the hooks of a Secret record (base64 over helm base64) and keeps nothing else', () => {
    const field = Buffer.from(helmEncoded).toString('base64');
    const hooks = recordHooks(field, 'secret');
    expect(hooks.map((h) => h.name)).toEqual(['web-migrate', 'web-seed', 'web-test', 'web-config']);
    expect(JSON.stringify(hooks)).not.toContain('not-for-the-hooks');
    expect(hooks[0]!.delete_policies).toEqual(['before-hook-creation', 'hook-failed']);
  });

  it('decodes a ConfigMap record (helm base64 only)', () => {
    expect(recordHooks(helmEncoded, 'configmap').map((h) => h.name)).toHaveLength(4);
  });

  it('reads a release without hooks', () => {
    const none = gzipSync(JSON.stringify({ name: 'web', hooks: null })).toString('base64');
    expect(recordHooks(none, 'configmap')).toEqual([]);
  });
});

describe('operationHooks', () => {
  const record = (status: PendingRecord['status']): PendingRecord => ({
    revision: 3,
    status,
    createdAt: '2026-12-01T10:00:00Z',
    hooks: recordHooks(helmEncoded, 'configmap'),
  });

  it("an upgrade's Jobs and Pods of its own events only", () => {
    expect(
      operationHooks(record('pending-upgrade'), 'shop').map(
        (o) => `${o.kind}/${o.namespace}/${o.name}`,
      ),
    ).toEqual(['Job/shop/web-migrate']);
  });

  it("an install's", () => {
    expect(operationHooks(record('pending-install'), 'shop').map((o) => o.name)).toEqual([
      'web-seed',
    ]);
  });
});
