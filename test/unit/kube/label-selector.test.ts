import { describe, expect, it } from 'vitest';
import { matchesSelector } from '../../../src/kube/label-selector.js';

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
    expect(matchesSelector(labels, selector, { empty: 'nothing' })).toBe(expected);
  });

  it('reads an empty selector as Kubernetes does unless told it names nothing', () => {
    for (const empty of [{}, { matchLabels: {}, matchExpressions: [] }]) {
      expect(matchesSelector(labels, empty)).toBe(true);
      expect(matchesSelector(labels, empty, { empty: 'everything' })).toBe(true);
      expect(matchesSelector(labels, empty, { empty: 'nothing' })).toBe(false);
    }
  });

  it('compares rendered values as strings and never matches a label the pod lacks', () => {
    expect(matchesSelector({ version: 2 }, { matchLabels: { version: '2' } })).toBe(true);
    expect(matchesSelector({}, { matchLabels: { constructor: 'x' } })).toBe(false);
    expect(
      matchesSelector({}, { matchExpressions: [{ key: 'toString', operator: 'Exists' }] }),
    ).toBe(false);
  });
});
