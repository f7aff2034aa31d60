// Built-in PostgreSQL (StatefulSet, Service, Secret with a generated password),
// external PostgreSQL and the backup CronJob.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHART_DIR,
  type Container,
  type CronJob,
  type K8sObject,
  type Rendered,
  type Workload,
  envVar,
  renderChart,
  secretValue,
} from '../../support/chart.js';

const PG = 'hs-postgresql';

function apiContainer(r: Rendered): Container {
  const container = r.find<Workload>('Deployment', 'hs-hotswap').spec.template.spec.containers[0];
  if (!container) throw new Error('no api container');
  return container;
}

describe('built-in PostgreSQL', () => {
  let builtin: Rendered;

  beforeAll(async () => {
    builtin = await renderChart({ valuesFiles: ['ci/builtin-db-values.yaml'] });
  });

  it('runs the official postgres image as a StatefulSet with a 20Gi volume', () => {
    const sts = builtin.find<Workload>('StatefulSet', PG);
    const container = sts.spec.template.spec.containers[0];
    expect(container?.image).toBe('docker.io/library/postgres:17.6');
    expect(sts.spec.serviceName).toBe(`${PG}-hl`);
    expect(sts.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'hotswap',
      'app.kubernetes.io/instance': 'hs',
      'app.kubernetes.io/component': 'postgresql',
    });
    expect(sts.spec.volumeClaimTemplates?.[0]?.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
    });
    expect(envVar(container!, 'POSTGRES_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: PG, key: 'password' },
    });
    expect(envVar(container!, 'POSTGRES_USER').value).toBe('hotswap');
    expect(envVar(container!, 'POSTGRES_DB').value).toBe('hotswap');
  });

  it('runs postgres as its non-root uid with writable emptyDirs on a read-only root', () => {
    const pod = builtin.find<Workload>('StatefulSet', PG).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 });
    expect(pod.containers[0]?.securityContext?.readOnlyRootFilesystem).toBe(true);
    const mounts = pod.containers[0]?.volumeMounts?.map((m) => m.mountPath);
    expect(mounts).toEqual(['/var/lib/postgresql/data', '/var/run/postgresql', '/tmp', '/dev/shm']);
    expect(pod.volumes?.map((v) => v.name)).toEqual(['run', 'tmp', 'dshm']);
  });

  it('uses an emptyDir for data when persistence is off', async () => {
    const r = await renderChart({ set: { 'postgresql.primary.persistence.enabled': false } });
    const sts = r.find<Workload>('StatefulSet', PG);
    expect(sts.spec).not.toHaveProperty('volumeClaimTemplates');
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: {} });
    // Nothing outlives the release, so neither does the password.
    expect(r.find('Secret', PG).metadata.annotations).toBeUndefined();
  });

  it('keeps the password Secret on uninstall while the data volume is kept', () => {
    expect(builtin.find('Secret', PG).metadata.annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
    });
  });

  it('exposes postgres as Service <release>-postgresql on 5432', () => {
    const svc = builtin.find<K8sObject & { spec: { ports: unknown[] } }>('Service', PG);
    expect(svc.spec.ports).toEqual([
      { name: 'postgresql', port: 5432, targetPort: 'postgresql', protocol: 'TCP' },
    ]);
  });

  it('generates a password into Secret <release>-postgresql (key password) without a cluster', async () => {
    const secret = builtin.find('Secret', PG);
    expect(Object.keys(secret.data ?? {})).toEqual(['password']);
    expect(secretValue(secret, 'password')).toMatch(/^[A-Za-z0-9]{32}$/);
    // No cluster under `helm template`: each render generates a new one.
    const again = await renderChart();
    expect(secretValue(again.find('Secret', PG), 'password')).not.toBe(
      secretValue(secret, 'password'),
    );
  });

  // Keeping the password across an upgrade needs a live cluster; here we
  // pin that the template reads the live Secret before generating.
  it('keeps an existing Secret on upgrade by looking it up first', async () => {
    const template = await readFile(
      path.join(CHART_DIR, 'templates/postgresql/secret.yaml'),
      'utf8',
    );
    expect(template).toContain('lookup "v1" "Secret" .Release.Namespace $name');
    expect(template).toMatch(/dig "data" "password" "" \$existing/);
  });

  it('uses a given password as is', async () => {
    const r = await renderChart({ set: { 'postgresql.auth.password': 's3cret' } });
    expect(secretValue(r.find('Secret', PG), 'password')).toBe('s3cret');
  });

  it('wires the API to the built-in database, password only by secretKeyRef', () => {
    const c = apiContainer(builtin);
    expect(envVar(c, 'DATABASE_HOST').value).toBe(PG);
    expect(envVar(c, 'DATABASE_PORT').value).toBe('5432');
    expect(envVar(c, 'DATABASE_NAME').value).toBe('hotswap');
    expect(envVar(c, 'DATABASE_USER').value).toBe('hotswap');
    expect(envVar(c, 'DATABASE_PASSWORD')).toEqual({
      name: 'DATABASE_PASSWORD',
      valueFrom: { secretKeyRef: { name: PG, key: 'password' } },
    });
  });
});

describe('external PostgreSQL', () => {
  it('uses the existing Secret and renders no database of its own', async () => {
    const r = await renderChart({ valuesFiles: ['ci/external-db-values.yaml'] });
    expect(r.has('StatefulSet')).toBe(false);
    expect(r.has('Secret')).toBe(false);
    expect(r.has('Service', PG)).toBe(false);
    const c = apiContainer(r);
    expect(envVar(c, 'DATABASE_HOST').value).toBe('db.example.internal');
    expect(envVar(c, 'DATABASE_PORT').value).toBe('6432');
    expect(envVar(c, 'DATABASE_NAME').value).toBe('hotswap_ci');
    expect(envVar(c, 'DATABASE_USER').value).toBe('hotswap_ci');
    expect(envVar(c, 'DATABASE_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'hotswap-db', key: 'db-password' },
    });
  });

  it('stores a plain password in a Secret of its own', async () => {
    const r = await renderChart({
      values: {
        postgresql: { enabled: false },
        externalDatabase: { host: 'db.example.com', password: 'plain-pw' },
      },
    });
    const secret = r.find('Secret', 'hs-hotswap-external-db');
    expect(secretValue(secret, 'password')).toBe('plain-pw');
    const c = apiContainer(r);
    expect(envVar(c, 'DATABASE_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'hs-hotswap-external-db', key: 'password' },
    });
    expect(JSON.stringify(c.env)).not.toContain('plain-pw');
  });
});

describe('PostgreSQL backup', () => {
  it('runs pg_dump on a schedule into a kept PVC', async () => {
    const r = await renderChart({ valuesFiles: ['ci/backup-values.yaml'] });
    const cron = r.find<CronJob>('CronJob', `${PG}-backup`);
    expect(cron.spec.schedule).toBe('30 2 * * *');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0]!;
    expect(container.image).toBe('docker.io/library/postgres:17.6');
    expect(container.command?.join(' ')).toContain('pg_dump');
    expect(envVar(container, 'RETENTION_DAYS').value).toBe('14');
    expect(envVar(container, 'DATABASE_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: PG, key: 'password' },
    });
    expect(pod.volumes).toContainEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: `${PG}-backup` },
    });
    const pvc = r.find('PersistentVolumeClaim', `${PG}-backup`);
    expect(pvc.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(pvc.spec).toMatchObject({ resources: { requests: { storage: '10Gi' } } });
  });

  it('is off by default', async () => {
    expect((await renderChart()).has('CronJob')).toBe(false);
  });
});
