import { describe, expect, it } from 'vitest';
import { matchesSelector } from '../../../src/kube/workload-pods.js';

describe('matchesSelector', () => {
  const labels = { app: 'web', tier: 'api' };
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'web', tier: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'db'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['api'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    [undefined, false],
  ])('%j -> %s', (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
  });
});
