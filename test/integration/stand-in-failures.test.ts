// The stand-in's failure switches, as a process: what the kind tests rely on
// when they make a release fail the way a real one does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAND_IN_SERVER, startStandIn } from '../support/stand-in.js';

const run = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, [STAND_IN_SERVER, ...args], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('stand-in failure switches', () => {
  it('EXIT_AT_START logs why, with the database URL it tried, and exits with that code', () => {
    const r = run({ EXIT_AT_START: '3', DATABASE_USER: 'hs', DATABASE_PASSWORD: 'pw-123' });
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('fatal: schema version 42 required');
    expect(r.stdout).toContain('postgres://hs:pw-123@');
  });

  it('FAIL_FIRST_START fails the first start only, marking it in the file', async () => {
    const mark = path.join(mkdtempSync(path.join(tmpdir(), 'stand-in-')), 'started');
    const first = run({ FAIL_FIRST_START: mark });
    expect(first.status).toBe(1);
    expect(first.stdout).toContain('dependency not reachable yet');
    expect(existsSync(mark)).toBe(true);
    const api = await startStandIn({ env: { FAIL_FIRST_START: mark } });
    try {
      expect((await fetch(`${api.url}/health`)).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it('UNHEALTHY_AFTER_S turns /health to 503 after that long', async () => {
    const api = await startStandIn({ env: { UNHEALTHY_AFTER_S: '1' } });
    try {
      expect((await fetch(`${api.url}/health`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      expect((await fetch(`${api.url}/health`)).status).toBe(503);
    } finally {
      await api.stop();
    }
  });

  it('migrate applies the migrations and exits 0, or fails with MIGRATION_ERROR', () => {
    const ok = run({}, ['migrate']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('migrations applied');
    const failed = run({ MIGRATION_ERROR: 'column "x" already exists' }, ['migrate']);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(
      'migration 0042_kernel_index failed: column \\"x\\" already exists',
    );
  });
});
