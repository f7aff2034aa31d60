// Bad values are rejected before anything renders, by values.schema.json or a
// template `fail`, with a message that names the value and what is expected.
import { describe, expect, it } from 'vitest';
import { type RenderOptions, lintChart, renderError } from '../../support/chart.js';

const SCHEMA = "values don't meet the specifications of the schema";

const rejected: { label: string; opts: RenderOptions; message: (string | RegExp)[] }[] = [
  {
    label: 'an unknown Vault auth method',
    opts: { set: { 'vault.authMethod': 'foo' } },
    message: [SCHEMA, "at '/vault/authMethod': value must be one of 'kubernetes', 'token', 'approle'"],
  },
  {
    label: 'an unknown Service type',
    opts: { set: { 'service.type': 'Ingress' } },
    message: ["at '/service/type': value must be one of 'ClusterIP', 'NodePort', 'LoadBalancer'"],
  },
  {
    label: 'an unknown image pull policy',
    opts: { set: { 'image.pullPolicy': 'Sometimes' } },
    message: ["at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"],
  },
  {
    label: 'a string replica count',
    opts: { set: { replicaCount: 'three' } },
    message: ["at '/replicaCount': got string, want null or integer"],
  },
  {
    label: 'the built-in database off without an external host',
    opts: { set: { 'postgresql.enabled': false } },
    message: ["at '/externalDatabase/host': minLength: got 0, want 1"],
  },
  {
    label: 'a misspelt top-level value',
    opts: { values: { replicaCont: 2 } },
    message: ["additional properties 'replicaCont' not allowed"],
  },
  {
    label: 'a misspelt nested value',
    opts: { values: { autoscaling: { maxReplica: 5 } } },
    message: ["at '/autoscaling': additional properties 'maxReplica' not allowed"],
  },
  {
    label: 'a CPU target above 100%',
    opts: { set: { 'autoscaling.targetCPUUtilizationPercentage': 150 } },
    message: ["at '/autoscaling/targetCPUUtilizationPercentage': maximum: got 150, want 100"],
  },
  {
    label: 'zero minimum replicas',
    opts: { set: { 'autoscaling.minReplicas': 0 } },
    message: ["at '/autoscaling/minReplicas': minimum: got 0, want 1"],
  },
  {
    label: 'a malformed image digest',
    opts: { set: { 'image.digest': 'latest' } },
    message: ["at '/image/digest': 'latest' does not match pattern"],
  },
  {
    label: 'an unknown ingress pathType',
    opts: {
      values: {
        ingress: { enabled: true, hosts: [{ host: 'a.example.com', paths: [{ path: '/', pathType: 'Glob' }] }] },
      },
    },
    message: ["at '/ingress/hosts/0/paths/0/pathType': value must be one of"],
  },
  {
    label: 'a Vault address without a scheme',
    opts: { set: { 'vault.address': 'vault:8200' } },
    message: ["at '/vault/address': 'vault:8200' does not match pattern"],
  },
  {
    label: 'a port out of range',
    opts: { set: { 'externalDatabase.port': 70000 } },
    message: [/at '\/externalDatabase\/port': maximum: got 70,?000, want 65,?535/],
  },
  {
    label: 'a boolean given as a string',
    opts: { values: { ingress: { enabled: 'yes' } } },
    message: ["at '/ingress/enabled': got string, want boolean"],
  },
  // Rules across values that the templates enforce with `fail`/`required`.
  {
    label: 'token auth without a token',
    opts: { set: { 'vault.authMethod': 'token' } },
    message: ['vault.authMethod=token needs a token: set vault.existingSecret (preferred) or vault.token'],
  },
  {
    label: 'approle auth without credentials',
    opts: { set: { 'vault.authMethod': 'approle', 'vault.appRole.roleId': 'only-role' } },
    message: ['vault.authMethod=approle needs credentials: set vault.appRole.existingSecret'],
  },
  {
    label: 'kubernetes auth without a role',
    opts: { set: { 'vault.role': '' } },
    message: ['vault.role is required when vault.authMethod=kubernetes'],
  },
  {
    label: 'an external database without a password source',
    opts: { set: { 'postgresql.enabled': false, 'externalDatabase.host': 'db.example.com' } },
    message: ['externalDatabase.existingSecret (preferred) or externalDatabase.password must be set'],
  },
  {
    label: 'an ingress path that is not absolute',
    opts: {
      set: { 'ingress.enabled': true, 'ingress.hosts[0].host': 'a.example.com', 'ingress.hosts[0].paths[0].path': 'api' },
    },
    message: ["at '/ingress/hosts/0/paths/0/path'"],
  },
  {
    label: 'minReplicas above maxReplicas',
    opts: { set: { 'autoscaling.minReplicas': 8, 'autoscaling.maxReplicas': 4 } },
    message: ['autoscaling.minReplicas (8) must not exceed autoscaling.maxReplicas (4)'],
  },
];

describe('bad values', () => {
  it.concurrent.each(rejected)('rejects $label', async ({ opts, message }) => {
    const stderr = await renderError(opts);
    for (const part of message) expect(stderr).toMatch(part);
  });

  it('rejects them with helm 3 as well', async () => {
    const stderr = await renderError({ helm: 'helm3', set: { 'vault.authMethod': 'foo' } });
    expect(stderr).toContain('/vault/authMethod');
    expect(stderr).toContain("'kubernetes', 'token', 'approle'");
  });

  it('fails helm lint --strict too', async () => {
    const result = await lintChart({ set: { 'service.type': 'Ingress' } });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('/service/type');
  });
});
