// The kwok cluster binds claims as kind does: a default StorageClass whose
// provisioner (the controller manager's hostPath provisioner) makes a
// PersistentVolume for each claim, so a StatefulSet with volumeClaimTemplates
// becomes ready with no volume made by hand.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STORAGE_CLASS } from '../../src/cluster/kwok.js';
import { runCommand } from '../../src/exec/command.js';
import { CHART_DIR, ENVIRONMENTS_DIR } from '../support/chart.js';
import { toolPath } from '../support/tools.js';
import {
  createNamespace,
  deleteNamespace,
  kubeconfig,
  kubectl,
  kubectlJson,
  waitFor,
} from './support.js';

interface Claim {
  spec: { storageClassName?: string; volumeName?: string };
  status: { phase: string; capacity?: { storage: string } };
}
interface Volume {
  spec: {
    storageClassName: string;
    claimRef: { namespace: string; name: string };
    persistentVolumeReclaimPolicy: string;
  };
}

const claim = (name: string, storageClassName?: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '2Gi' } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  });

let ns: string;
beforeAll(async () => {
  ns = await createNamespace('storage');
});
afterAll(async () => {
  if (!ns) return;
  // The volumes (and the provisioner's directories) go with their claims while
  // the cluster runs; a claim is released once no pod uses it.
  await runCommand(toolPath('helm'), ['uninstall', 'db', '-n', ns, '--kubeconfig', kubeconfig()], {
    allowFailure: true,
    timeoutMs: 120_000,
  });
  await kubectl(['-n', ns, 'delete', 'pvc', '--all', '--timeout=60s']).catch(() => {});
  await deleteNamespace(ns);
});

describe('kwok cluster storage', () => {
  it('has one default StorageClass, named as kind names its own', async () => {
    const classes = await kubectlJson<{
      items: { metadata: { name: string; annotations?: Record<string, string> } }[];
    }>(['get', 'storageclass']);
    const defaults = classes.items.filter(
      (c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    expect(defaults.map((c) => c.metadata.name)).toEqual([DEFAULT_STORAGE_CLASS.metadata.name]);
    expect(
      await kubectlJson<{ provisioner: string }>(['get', 'storageclass', 'standard']),
    ).toMatchObject({ provisioner: 'kubernetes.io/host-path', volumeBindingMode: 'Immediate' });
  });

  it('provisions and binds a volume for a claim that names no class, and removes it with the claim', async () => {
    await kubectl(['-n', ns, 'apply', '-f', '-'], claim('plain'));
    await kubectl([
      '-n',
      ns,
      'wait',
      '--for=jsonpath={.status.phase}=Bound',
      'pvc/plain',
      '--timeout=60s',
    ]);
    const bound = await kubectlJson<Claim>(['-n', ns, 'get', 'pvc', 'plain']);
    expect(bound.spec.storageClassName).toBe('standard');
    expect(bound.status.capacity?.storage).toBe('2Gi');
    const pv = await kubectlJson<Volume>(['get', 'pv', bound.spec.volumeName!]);
    expect(pv.spec).toMatchObject({
      storageClassName: 'standard',
      claimRef: { namespace: ns, name: 'plain' },
      persistentVolumeReclaimPolicy: 'Delete',
    });

    await kubectl(['-n', ns, 'delete', 'pvc', 'plain', '--wait=true', '--timeout=60s']);
    await waitFor('the provisioned volume to be deleted with its claim', async () => {
      const r = await kubectl(['get', 'pv', bound.spec.volumeName!, '--ignore-not-found']);
      return r.stdout.trim() === '' ? true : undefined;
    });
  });

  it('leaves a claim for a class that does not exist Pending, saying why', async () => {
    await kubectl(['-n', ns, 'apply', '-f', '-'], claim('nowhere', 'no-such-class'));
    const event = await waitFor('the ProvisioningFailed event', async () => {
      const events = await kubectlJson<{ items: { reason: string; message: string }[] }>([
        '-n',
        ns,
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=nowhere',
      ]);
      return events.items.find((e) => e.reason === 'ProvisioningFailed');
    });
    expect(event.message).toMatch(/storageclass.storage.k8s.io "no-such-class" not found/);
    expect((await kubectlJson<Claim>(['-n', ns, 'get', 'pvc', 'nowhere'])).status.phase).toBe(
      'Pending',
    );
  });

  it('a StatefulSet with volumeClaimTemplates (the chart with PostgreSQL persistence) becomes ready', async () => {
    await runCommand(
      toolPath('helm'),
      [
        'upgrade',
        '--install',
        'db',
        CHART_DIR,
        '-n',
        ns,
        '-f',
        path.join(ENVIRONMENTS_DIR, 'dev.yaml'),
        '--set',
        'postgresql.primary.persistence.enabled=true',
        '--set',
        'postgresql.primary.persistence.size=5Gi',
        '--kubeconfig',
        kubeconfig(),
      ],
      { timeoutMs: 300_000 },
    );
    await kubectl(['-n', ns, 'rollout', 'status', 'statefulset/db-postgresql', '--timeout=120s']);
    const pvc = await kubectlJson<Claim>(['-n', ns, 'get', 'pvc', 'data-db-postgresql-0']);
    expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '5Gi' } });
  });
});
