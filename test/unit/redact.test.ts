import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, registerSecret } from '../../src/secrets/redact.js';

describe('redact', () => {
  afterEach(clearSecrets);

  it('masks registered values, their base64 form, longest first', () => {
    registerSecret('s3cret-pass');
    registerSecret('s3cret');
    expect(redact('pw=s3cret-pass and s3cret')).toBe('pw=*** and ***');
    expect(redact(Buffer.from('s3cret-pass').toString('base64'))).toBe('***');
  });

  it('ignores values too short to mask safely', () => {
    registerSecret('ab');
    expect(redact('abc ab')).toBe('abc ab');
  });
});
