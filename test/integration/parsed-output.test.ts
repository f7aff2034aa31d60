// What kubectl and helm print for the deploy to parse (objects, events,
// release history and status, the records' labels) is read as printed, even
// where a secret value is also a word of it: `app` of a database user masked
// in `apps/v1`, or a name masked in the objects' names, left the rollout watch
// unable to find a healthy release's StatefulSet until it timed out. Their
// errors stay redacted. Each binary here prints a canned answer.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Helm } from '../../src/helm/helm.js';
import { Kubectl } from '../../src/kube/kubectl.js';
import { RecordStore } from '../../src/release/records.js';
import { clearSecrets, registerSecret } from '../../src/secrets/redact.js';
import { tempDir } from '../support/temp-dir.js';

const STATEFUL_SET = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'pg-postgresql', namespace: 'pg' },
};
const EVENT = {
  type: 'Normal',
  reason: 'Completed',
  involvedObject: { kind: 'Job', name: 'pg-postgresql-migrate' },
};
const HISTORY = [
  {
    revision: 1,
    updated: '2026-12-01T00:00:00Z',
    status: 'deployed',
    chart: 'postgresql-17.1.0',
    app_version: '17.6.0',
    description: 'Install complete',
  },
];
const STATUS = {
  name: 'pg',
  namespace: 'pg',
  version: 1,
  manifest: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg-postgresql}\n',
  info: { status: 'deployed' },
};
const RECORDS =
  'sh.helm.release.v1.pg.v1   helm.sh/release.v1   1   1m   name=pg,owner=helm,status=deployed,version=1';

/** A binary that prints `answers[<its first argument>]`, or fails echoing its argv when it has none. */
function fakeBinary(dir: string, name: string, answers: Record<string, string>): string {
  const file = path.join(dir, name);
  const cases = Object.entries(answers)
    .map(([arg, out]) => `  ${arg}) cat <<'EOF'\n${out}\nEOF\n  ;;`)
    .join('\n');
  writeFileSync(
    file,
    `#!/usr/bin/env bash\ncase "$1" in\n${cases}\n  *) echo "unknown: $*" >&2; exit 1;;\nesac\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe('output parsed by the deploy, with secrets that are words of it', () => {
  afterEach(clearSecrets);

  it('reads kubectl objects and events as kubectl printed them', async () => {
    const dir = tempDir('parsed-kubectl-');
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [STATEFUL_SET] });
    const kubectl = new Kubectl({
      kubectl: fakeBinary(dir, 'kubectl', { get: list }),
    });
    registerSecret('app');
    registerSecret('postgresql');
    expect(await kubectl.list('statefulsets.apps', 'pg')).toEqual([STATEFUL_SET]);
    expect(await kubectl.getNamed(['statefulsets.apps/pg-postgresql'], 'pg')).toEqual([
      STATEFUL_SET,
    ]);
    const events = new Kubectl({
      kubectl: fakeBinary(tempDir('parsed-events-'), 'kubectl', {
        get: JSON.stringify({ items: [EVENT] }),
      }),
    });
    expect(await events.events('pg', 'pg-postgresql-migrate')).toEqual([EVENT]);
    // A failing call's error is still redacted.
    await expect(kubectl.deletePods('pg', ['pg-postgresql-0'])).rejects.toThrow(
      /unknown: delete pod pg-\*\*\*-0/,
    );
  });

  it("reads helm's history and status, and the records' labels, as printed", async () => {
    const dir = tempDir('parsed-helm-');
    const helm = new Helm({
      bin: fakeBinary(dir, 'helm', {
        history: JSON.stringify(HISTORY),
        status: JSON.stringify(STATUS),
      }),
      major: 4,
    });
    const kubectl = new Kubectl({
      kubectl: fakeBinary(tempDir('parsed-records-'), 'kubectl', { get: RECORDS }),
    });
    registerSecret('app');
    registerSecret('deployed');
    expect(await helm.history('pg', 'pg')).toEqual(HISTORY);
    expect(await helm.status('pg', 'pg')).toEqual(STATUS);
    const records = await new RecordStore(kubectl, 'pg', 'pg').read();
    expect(records.deployed).toBe(1);
    expect(records.latest).toEqual({ revision: 1, status: 'deployed' });
  });
});
