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

  it('masks a registered secret rendered into a plain object', () => {
    registerSecret('leaky-token-123');
    const changes = diffManifests(cm('a'), cm('leaky-token-123'), 'ns');
    expect(changes[0]!.lines.join('\n')).not.toContain('leaky-token-123');
    expect(changes[0]!.lines).toContain('+  level: ***');
  });
});
