// The change feed against real processes standing in for `kubectl get -w`:
// a line on stdout wakes the waiting poll, a watch that dies leaves plain
// polling, and stop() ends the processes.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchChanges } from '../../../src/kube/change-feed.js';
import { Kubectl } from '../../../src/kube/kubectl.js';

function fakeKubectl(script: string): { kubectl: Kubectl; argsFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'change-feed-'));
  const file = path.join(dir, 'kubectl');
  const argsFile = path.join(dir, 'args');
  writeFileSync(file, `#!/bin/sh\necho "$@" >> '${argsFile}'\n${script}\n`);
  chmodSync(file, 0o755);
  return { kubectl: new Kubectl({ kubectl: file }), argsFile };
}

const watched = new Map([['apps', ['deployments.apps', 'pods', 'replicasets.apps']]]);

describe('watchChanges', () => {
  it('ends the wait when the watch prints a change, and watches pods and workloads only', async () => {
    const { kubectl, argsFile } = fakeKubectl('sleep 0.3; echo pod/web-1; exec sleep 30');
    const feed = watchChanges(kubectl, watched, { timeoutMs: 60_000, minGapMs: 0 });
    try {
      feed.reading();
      const started = Date.now();
      await feed.wait(20_000);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await feed.stop();
    }
    const calls = readFileSync(argsFile, 'utf8').trim().split('\n').sort();
    expect(calls).toEqual([
      'get deployments.apps -n apps --watch-only -o name --request-timeout=60s',
      'get pods -n apps --watch-only -o name --request-timeout=60s',
    ]);
  });

  it('waits the whole poll when the watch cannot run', async () => {
    const { kubectl } = fakeKubectl('echo "forbidden: cannot watch" >&2; exit 1');
    const feed = watchChanges(kubectl, watched, { timeoutMs: 60_000, minGapMs: 0 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      feed.reading();
      const started = Date.now();
      await feed.wait(400);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      await feed.stop();
    }
  });

  it('keeps the minimum gap after a read start even when a change comes sooner', async () => {
    const { kubectl } = fakeKubectl('sleep 0.2; echo pod/web-1; exec sleep 30');
    const feed = watchChanges(kubectl, watched, { timeoutMs: 60_000, minGapMs: 1500 });
    try {
      feed.reading();
      const started = Date.now();
      await feed.wait(20_000);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(1490);
      expect(waited).toBeLessThan(10_000);
    } finally {
      await feed.stop();
    }
  });

  it('stops its watches', async () => {
    const { kubectl } = fakeKubectl('exec sleep 30');
    const feed = watchChanges(kubectl, watched, { timeoutMs: 60_000 });
    const started = Date.now();
    await feed.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
