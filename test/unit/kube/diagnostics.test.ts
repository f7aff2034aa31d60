import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/exec/command.js';
import { collectDiagnostics } from '../../../src/kube/diagnostics.js';
import { Kubectl, type KubeObject } from '../../../src/kube/kubectl.js';
import { clearSecrets, registerSecret } from '../../../src/secrets/redact.js';

/** Answers `kubectl logs <pod>` from a table (events from a list); records every argv. */
class FakeKubectl extends Kubectl {
  calls: string[][] = [];
  constructor(
    private readonly logsOf: Record<string, string>,
    private readonly eventItems: unknown[] = [],
  ) {
    super({ kubectl: 'kubectl' });
  }
  override run(args: readonly string[]): Promise<CommandResult> {
    this.calls.push([...args]);
    const stdout =
      args[0] === 'logs'
        ? (this.logsOf[args[1]!] ?? '')
        : JSON.stringify({ items: args[1] === 'events' ? this.eventItems : [] });
    return Promise.resolve({ code: 0, stdout, stderr: '' } as CommandResult);
  }
}

const jobPod = (name: string, created: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    creationTimestamp: created,
    ownerReferences: [{ kind: 'Job', name: 'migrate', uid: 'job-uid' }],
  },
  spec: { containers: [{ name: 'migrations' }] },
});

describe('collectDiagnostics', () => {
  afterEach(clearSecrets);

  it("shows a failed Job's newest pod log, redacted", async () => {
    registerSecret('s3cret-db-pass');
    const kubectl = new FakeKubectl({
      'migrate-new': 'applying\nfatal: password s3cret-db-pass rejected\n',
      'migrate-old': 'an earlier attempt\n',
    });
    const [d] = await collectDiagnostics(
      kubectl,
      'shop',
      [
        {
          object: 'Job/migrate',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
      [
        jobPod('migrate-old', '2026-01-01T00:00:00Z'),
        jobPod('migrate-new', '2026-01-01T00:01:00Z'),
      ],
    );
    expect(d!.logs).toEqual([
      {
        container: 'migrations (Pod/migrate-new)',
        lines: 'applying\nfatal: password *** rejected',
      },
    ]);
    expect(kubectl.calls.filter((c) => c[0] === 'logs')).toEqual([
      ['logs', 'migrate-new', '-n', 'shop', '-c', 'migrations', '--tail', '20'],
    ]);
  });

  it('shows only the events of the failing object, not of an earlier one of that name', async () => {
    const event = (uid: string, reason: string, message: string, time: string) => ({
      type: 'Normal',
      reason,
      message,
      lastTimestamp: time,
      involvedObject: { kind: 'Job', name: 'migrate', uid },
    });
    const kubectl = new FakeKubectl({}, [
      event('old-uid', 'SuccessfulCreate', 'Created pod: migrate-old', '2026-01-01T00:00:00Z'),
      event('job-uid', 'SuccessfulCreate', 'Created pod: migrate-new', '2026-01-01T00:01:00Z'),
    ]);
    const [d] = await collectDiagnostics(
      kubectl,
      'shop',
      [{ object: 'Job/migrate', reason: 'JobAttemptsFailing', message: '2 pods failed' }],
      [jobPod('migrate-new', '2026-01-01T00:01:00Z')],
    );
    expect(d!.events).toEqual(['Normal SuccessfulCreate: Created pod: migrate-new']);
  });

  it('reads no logs for objects that are neither a Pod nor a Job', async () => {
    const kubectl = new FakeKubectl({});
    const [d] = await collectDiagnostics(
      kubectl,
      'shop',
      [{ object: 'Deployment/web', reason: 'ProgressDeadlineExceeded', message: 'stuck' }],
      [],
    );
    expect(d!.logs).toEqual([]);
    expect(kubectl.calls.some((c) => c[0] === 'logs')).toBe(false);
  });

  it('shows the log of the instance that died when the container restarted and runs again', async () => {
    const kubectl = new FakeKubectl({ 'web-1': 'loading kernels into memory\n' });
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop' },
      spec: { containers: [{ name: 'api' }] },
      status: {
        containerStatuses: [
          {
            name: 'api',
            restartCount: 1,
            state: { running: {} },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      },
    };
    const [d] = await collectDiagnostics(
      kubectl,
      'shop',
      [{ object: 'Pod/web-1', reason: 'OOMKilled', message: 'restarted' }],
      [pod],
    );
    expect(d!.logs).toEqual([
      { container: 'api, before its last restart', lines: 'loading kernels into memory' },
    ]);
    expect(kubectl.calls.filter((c) => c[0] === 'logs')).toEqual([
      ['logs', 'web-1', '-n', 'shop', '-c', 'api', '--tail', '20', '--previous'],
    ]);
  });
});
