import { describe, expect, it } from 'vitest';
import { apiQuery } from '../../../src/kube/kubectl.js';

describe('apiQuery', () => {
  it('encodes the parameters given a value, in order, and leaves out the rest', () => {
    expect(
      apiQuery({ watch: '1', resourceVersion: '42', labelSelector: 'app in (a, b),tier!=x' }),
    ).toBe('?watch=1&resourceVersion=42&labelSelector=app+in+%28a%2C+b%29%2Ctier%21%3Dx');
    expect(apiQuery({ labelSelector: undefined, fieldSelector: '' })).toBe('');
    expect(apiQuery({ fieldSelector: 'involvedObject.name=web-0' })).toBe(
      '?fieldSelector=involvedObject.name%3Dweb-0',
    );
  });
});
