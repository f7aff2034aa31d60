import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { diffManifests } from '../../../src/deploy/diff.js';
import { clearSecrets, registerSecret } from '../../../src/secrets/redact.js';

const cm = (level: string) => `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  level: ${level}
`;
const secret = (pw: string) => `---
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  password: ${Buffer.from(pw).toString('base64')}
  user: ${Buffer.from('app').toString('base64')}
`;

afterEach(() => clearSecrets());

describe('diffManifests', () => {
  it('reports added, changed and removed objects with a compact diff', () => {
    const before = cm('info') + `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: old\n`;
    const after = cm('debug') + `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: new\n`;
    const changes = diffManifests(before, after, 'ns');
    expect(changes.map((c) => [c.change, c.id])).toEqual([
      ['removed', 'Service ns/old'],
      ['changed', 'ConfigMap ns/cfg'],
      ['added', 'Service ns/new'],
    ]);
    expect(changes[1]!.lines).toContain('-  level: info');
    expect(changes[1]!.lines).toContain('+  level: debug');
  });

  it('names cluster-scoped objects without the release namespace', () => {
    const role = `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: viewer\n`;
    const kubeSystem = `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: leader\n  namespace: kube-system\n`;
    const changes = diffManifests('', role + kubeSystem, 'ns');
    expect(changes.map((c) => c.id)).toEqual(['ClusterRole viewer', 'Role kube-system/leader']);
  });

  it('names a custom resource without a namespace when the CRD it comes with is cluster-scoped', () => {
    const crd = (scope: string, kind: string) =>
      `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${kind.toLowerCase()}s.example.io\nspec:\n  group: example.io\n  scope: ${scope}\n  names:\n    kind: ${kind}\n`;
    const cr = (kind: string) =>
      `---\napiVersion: example.io/v1\nkind: ${kind}\nmetadata:\n  name: default\n`;
    const manifest =
      crd('Cluster', 'Issuer') + cr('Issuer') + crd('Namespaced', 'Cert') + cr('Cert');
    const ids = diffManifests('', manifest, 'ns').map((c) => c.id);
    expect(ids).toContain('Issuer default');
    expect(ids).toContain('Cert ns/default');
  });

  it('never shows Secret data, only that it changed', () => {
    const changes = diffManifests(secret('old-password-1'), secret('new-password-2'), 'ns');
    const text = changes.flatMap((c) => c.lines).join('\n');
    expect(changes).toHaveLength(1);
    expect(text).toMatch(/-\s+password: \(redacted, fingerprint [0-9a-f]{8}\)/);
    expect(text).not.toContain(Buffer.from('new-password-2').toString('base64'));
    expect(text).not.toContain('new-password-2');
    expect(text).toMatch(/ \s+user: \(redacted, fingerprint [0-9a-f]{8}\)/); // unchanged context, still hidden
    expect(text).not.toContain(Buffer.from('app').toString('base64'));
    expect(diffManifests(secret('same-pw'), secret('same-pw'), 'ns')).toEqual([]);
  });

  it('hides a registered secret rendered into a plain object, showing only that it changed', () => {
    registerSecret('leaky-token-123');
    const changes = diffManifests(cm('a'), cm('leaky-token-123'), 'ns');
    expect(changes[0]!.lines.join('\n')).not.toContain('leaky-token-123');
    expect(changes[0]!.lines).toContainEqual(
      expect.stringMatching(/^\+ {2}level: \(redacted, fingerprint [0-9a-f]{8}\)$/),
    );
  });

  // A chart renders the same values into a Secret, a Deployment's env and a pod annotation.
  const pem = (tag: string) =>
    `-----BEGIN KEY-----\n${tag}-a2V5LWxpbmUtb25lLXh4\n${tag}-a2V5LWxpbmUtdHdvLXl5\n-----END KEY-----\n`;
  const release = (v: { token: string; pem: string; quoted: string }) =>
    [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: v.token } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'app' },
        spec: {
          template: {
            metadata: { annotations: { 'example.com/token': v.token, 'example.com/q': v.quoted } },
            spec: {
              containers: [
                {
                  name: 'app',
                  env: [
                    { name: 'TOKEN', value: v.token },
                    { name: 'KEY', value: v.pem },
                    { name: 'QUOTED', value: v.quoted },
                  ],
                },
              ],
            },
          },
        },
      },
    ]
      .map((doc) => `---\n${stringify(doc, { defaultStringType: 'QUOTE_SINGLE' })}`)
      .join('');

  it('hides new and rotated-away values wherever the chart renders them', () => {
    const oldValues = { token: "old-t0ken-'x'", pem: pem('old'), quoted: `'''a'' b' "old"` };
    const newValues = { token: 'new-t0ken-"y"', pem: pem('new'), quoted: `'''a'' b' "new"` };
    // Only this run's values are registered: the old ones are known from where they sit.
    for (const v of Object.values(newValues)) registerSecret(v);
    const changes = diffManifests(release(oldValues), release(newValues), 'ns');
    expect(changes.map((c) => c.id)).toEqual(['Deployment ns/app', 'Secret ns/s']);
    const text = changes.flatMap((c) => c.lines).join('\n');
    expect(text).toMatch(/^-\s+value: \(redacted, fingerprint [0-9a-f]{8}\)$/m);
    expect(text).toMatch(/^\+\s+example\.com\/token: \(redacted, fingerprint [0-9a-f]{8}\)$/m);
    for (const v of [...Object.values(oldValues), ...Object.values(newValues)]) {
      const lines = v.split('\n').filter((l) => l.length >= 4);
      for (const piece of [v, ...lines, "a'' b", 'old-', 'new-', 't0ken'])
        expect(text, piece).not.toContain(piece);
    }
  });
});
