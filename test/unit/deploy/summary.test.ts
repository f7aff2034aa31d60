import { afterEach, describe, expect, it } from 'vitest';
import { releaseJson, type DeployResult } from '../../../src/deploy/deploy.js';
import { deploySummary } from '../../../src/deploy/summary.js';
import { clearSecrets, registerSecret } from '../../../src/secrets/redact.js';

afterEach(() => clearSecrets());

const result: DeployResult = {
  status: 'rolled-back',
  release: 'web',
  namespace: 'prod',
  revision: 5,
  previousRevision: 4,
  rolledBackTo: 4,
  manifestDigest: 'sha256:' + 'a'.repeat(64),
  error: 'revision 5 failed: Pod/web-1 CrashLoopBackOff: token=leaked-secret-xyz',
  failures: [
    {
      object: 'Pod/web-1',
      reason: 'CrashLoopBackOff',
      message: 'container api restarted 3 times | x',
    },
  ],
  diagnostics: [
    {
      object: 'Pod/web-1',
      reason: 'CrashLoopBackOff',
      message: 'restarted',
      events: ['Warning BackOff: Back-off restarting failed container'],
      logs: [{ container: 'api', lines: undefined }],
    },
  ],
  warnings: [],
  notJudged: [],
  rollback: { action: 'rollback', to: 4, ok: true, message: 'rolled back to revision 4' },
  history: [],
  durationMs: 12_345,
  phases: [
    { phase: 'prepare', ms: 310 },
    { phase: 'upgrade', ms: 720 },
    { phase: 'watch', ms: 8_100 },
    { phase: 'rollback', ms: 3_215 },
  ],
};

describe('deploySummary', () => {
  it('names the failing object, reason, events and rollback, escaped and redacted', () => {
    registerSecret('leaked-secret-xyz');
    const md = deploySummary(result, 'production');
    expect(md).toContain('## ↩️ Deploy prod/web (production): rolled-back');
    expect(md).toContain(
      '| Pod/web-1 | CrashLoopBackOff | container api restarted 3 times \\| x |',
    );
    expect(md).toContain('Back-off restarting failed container');
    expect(md).toContain('Container `api`: no logs available from the cluster.');
    expect(md).toContain('✅ rolled back to revision 4');
    expect(md).not.toContain('leaked-secret-xyz');
    expect(md).toContain('token=***');
  });

  it('says how long each phase took', () => {
    expect(deploySummary(result, '')).toContain(
      'Time by phase: prepare 0.3s · upgrade 0.7s · watch 8.1s · rollback 3.2s',
    );
  });
});

describe('deploySummary rollout notes', () => {
  it('says in one line per object what did not roll out, was not judged or was deleted', () => {
    const md = deploySummary(
      {
        ...result,
        status: 'deployed',
        error: undefined,
        failures: [],
        diagnostics: [],
        warnings: ['StatefulSet/db uses updateStrategy OnDelete: 0 of 1 pods run the new revision'],
        notJudged: ['Widget/w: custom resource without a Ready or Available condition, not judged'],
        rollback: { ...result.rollback!, deletedPods: ['prod/db-0'] },
      },
      '',
    );
    const lines = md.split('\n');
    expect(lines).toContain(
      '> ⚠️ **Not rolled out:** StatefulSet/db uses updateStrategy OnDelete: 0 of 1 pods run the new revision',
    );
    expect(lines).toContain(
      '> ℹ️ **Not judged:** Widget/w: custom resource without a Ready or Available condition, not judged',
    );
    expect(md).toMatch(
      /> 🗑️ \*\*Forced rollback:\*\* deleted pod\(s\) prod\/db-0 of the broken revision/,
    );
  });

  it("names pods the deploy's own watch deleted over a broken revision, with the rollback's", () => {
    const md = deploySummary(
      {
        ...result,
        deletedPods: ['prod/db-0'],
        rollback: { ...result.rollback!, deletedPods: ['prod/db-1'] },
      },
      '',
    );
    expect(md).toContain(
      '> 🗑️ **Forced rollback:** deleted pod(s) prod/db-0, prod/db-1 of the broken revision',
    );
  });
});

describe('releaseJson', () => {
  it("skips helm's 'Pulled:' lines before the JSON", () => {
    expect(
      releaseJson(
        'Pulled: r/c:1\nDigest: sha256:x\n{"name":"web","version":3,"info":{"status":"deployed"}}',
      ).version,
    ).toBe(3);
    expect(() => releaseJson('Error')).toThrow(/no release JSON/);
  });
});

describe('deploySummary of a cancelled run', () => {
  it('says where it stopped, what it did in order, and the state it left', () => {
    const steps = [
      'revision 6 (deployed) is recorded as cancelled: the next deploy recovers it at once',
      'rolled back to verified revision 5 (not waited for: no time left to watch it)',
    ];
    const md = deploySummary(
      {
        ...result,
        status: 'cancelled',
        revision: 6,
        rolledBackTo: undefined,
        lastVerifiedRevision: 5,
        rollback: undefined,
        failures: [],
        diagnostics: [],
        cancel: {
          signal: 'SIGINT',
          phase: 'watch',
          steps,
          state:
            'revision 7 deployed (Rollback to 5: run cancelled (SIGINT) during watch of revision 6)',
          history: [],
        },
      },
      '',
    );
    expect(md).toContain('## ⏹️ Deploy prod/web: cancelled');
    expect(md).toContain('| last verified revision |');
    expect(md).toContain('| cancelled | 6 | 4 | - | 5 |');
    expect(md).toContain('### Cancelled (SIGINT) during watch');
    expect(md).toContain(steps.map((line) => `- ${line}`).join('\n'));
    expect(md).toContain(
      'The release is now at revision 7 deployed (Rollback to 5: run cancelled (SIGINT) during watch of revision 6).',
    );
  });
});
