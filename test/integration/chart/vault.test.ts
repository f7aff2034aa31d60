// Vault settings reach the API as environment, credentials only through
// secretKeyRef, for each auth method.
import { describe, expect, it } from 'vitest';
import {
  type Container,
  type Rendered,
  type Workload,
  envVar,
  renderChart,
  secretValue,
} from '../../support/chart.js';

function api(r: Rendered): { container: Container; automount?: boolean } {
  const pod = r.find<Workload>('Deployment', 'hs-hotswap').spec.template.spec;
  return { container: pod.containers[0]!, automount: pod.automountServiceAccountToken };
}

function vaultEnv(c: Container): Record<string, unknown> {
  return Object.fromEntries(
    (c.env ?? [])
      .filter((e) => e.name.startsWith('VAULT_'))
      .map((e) => [e.name, e.value ?? e.valueFrom]),
  );
}

describe('vault', () => {
  it('kubernetes: address, role and auth path, with the service account token mounted', async () => {
    const r = await renderChart({ valuesFiles: ['ci/vault-kubernetes-values.yaml'] });
    const { container, automount } = api(r);
    expect(vaultEnv(container)).toEqual({
      VAULT_ADDR: 'https://vault.vault.svc:8200',
      VAULT_AUTH_METHOD: 'kubernetes',
      VAULT_CACERT: '/vault/tls/ca.crt',
      VAULT_AUTH_PATH: 'k8s-ci',
      VAULT_ROLE: 'hotswap-ci',
      VAULT_K8S_TOKEN_PATH: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
    expect(automount).toBe(true);
  });

  it('mounts the CA of the Vault TLS certificate from a Secret, read-only', async () => {
    const r = await renderChart({ valuesFiles: ['ci/vault-kubernetes-values.yaml'] });
    const pod = r.find<Workload>('Deployment', 'hs-hotswap').spec.template.spec;
    expect(pod.volumes).toContainEqual({
      name: 'vault-tls',
      secret: { secretName: 'vault-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
    });
    expect(pod.containers[0]?.volumeMounts).toContainEqual({
      name: 'vault-tls',
      mountPath: '/vault/tls',
      readOnly: true,
    });
  });

  it('kubernetes is the default, against http://vault:8200', async () => {
    const { container } = api(await renderChart());
    expect(envVar(container, 'VAULT_ADDR').value).toBe('http://vault:8200');
    expect(envVar(container, 'VAULT_AUTH_METHOD').value).toBe('kubernetes');
    expect(envVar(container, 'VAULT_ROLE').value).toBe('hotswap');
  });

  it('token from an existing Secret: secretKeyRef, no token mounted', async () => {
    const r = await renderChart({ valuesFiles: ['ci/vault-token-values.yaml'] });
    const { container, automount } = api(r);
    expect(vaultEnv(container)).toEqual({
      VAULT_ADDR: 'http://vault:8200',
      VAULT_AUTH_METHOD: 'token',
      VAULT_TOKEN: { secretKeyRef: { name: 'hotswap-vault-token', key: 'vault-token' } },
    });
    expect(automount).toBe(false);
    expect(r.has('Secret', 'hs-hotswap-vault')).toBe(false);
  });

  it('token given as a value: stored in a chart Secret, never in env', async () => {
    const r = await renderChart({
      values: { vault: { authMethod: 'token', token: 'hvs.plain-token' } },
    });
    expect(secretValue(r.find('Secret', 'hs-hotswap-vault'), 'token')).toBe('hvs.plain-token');
    const { container } = api(r);
    expect(envVar(container, 'VAULT_TOKEN')).toEqual({
      name: 'VAULT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'hs-hotswap-vault', key: 'token' } },
    });
    expect(JSON.stringify(container)).not.toContain('hvs.plain-token');
  });

  it('approle given as values: role id and secret id from a chart Secret', async () => {
    const r = await renderChart({ valuesFiles: ['ci/vault-approle-values.yaml'] });
    const secret = r.find('Secret', 'hs-hotswap-vault');
    expect(secretValue(secret, 'role-id')).toBe('ci-role-id');
    expect(secretValue(secret, 'secret-id')).toBe('ci-secret-id');
    const { container, automount } = api(r);
    expect(vaultEnv(container)).toEqual({
      VAULT_ADDR: 'http://vault:8200',
      VAULT_AUTH_METHOD: 'approle',
      VAULT_AUTH_PATH: 'approle',
      VAULT_ROLE_ID: { secretKeyRef: { name: 'hs-hotswap-vault', key: 'role-id' } },
      VAULT_SECRET_ID: { secretKeyRef: { name: 'hs-hotswap-vault', key: 'secret-id' } },
    });
    expect(JSON.stringify(container)).not.toMatch(/ci-role-id|ci-secret-id/);
    expect(automount).toBe(false);
  });

  it('approle from an existing Secret with custom keys', async () => {
    const r = await renderChart({
      values: {
        vault: {
          authMethod: 'approle',
          appRole: { existingSecret: 'approle-creds', roleIdKey: 'rid', secretIdKey: 'sid' },
        },
      },
    });
    const { container } = api(r);
    expect(envVar(container, 'VAULT_ROLE_ID').valueFrom).toEqual({
      secretKeyRef: { name: 'approle-creds', key: 'rid' },
    });
    expect(envVar(container, 'VAULT_SECRET_ID').valueFrom).toEqual({
      secretKeyRef: { name: 'approle-creds', key: 'sid' },
    });
    expect(r.has('Secret', 'hs-hotswap-vault')).toBe(false);
  });

  it('no env value of any scenario carries a secret: only secretKeyRef', async () => {
    const r = await renderChart({
      values: { vault: { authMethod: 'token', token: 'hvs.x' }, postgresql: { auth: { password: 'pw' } } },
    });
    for (const e of api(r).container.env ?? [])
      if (/PASSWORD|TOKEN$|SECRET|ROLE_ID/.test(e.name)) {
        expect(e.value, e.name).toBeUndefined();
        expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
      }
  });

  it('sets no Vault env when disabled', async () => {
    const { container } = api(await renderChart({ set: { 'vault.enabled': false } }));
    expect(vaultEnv(container)).toEqual({});
  });
});
