import { parse as parseYaml, stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSecrets,
  holdsSecret,
  onSecretLine,
  redact,
  registerSecret,
  secretLines,
} from '../../src/secrets/redact.js';

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  'q1w2e3r4t5y6u7i8o9p0',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');

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

  // Each form is produced by the library that really prints it, not retyped.
  const shapes: [string, string][] = [
    ['quotes and backslashes', 'Bearer a"b\\x'],
    ['yaml-special', "'a'' b: #{x} & *y | >"],
    ['unicode', 'pässwört-密码-🔑\u0007'],
    ['percent and colons', '%25::add-mask::%0A'],
    ['helm expression', 'a=b,c=d'],
  ];
  it.each(shapes)('masks %s in every printed form', (_, secret) => {
    registerSecret(secret);
    const once = JSON.stringify({ v: secret });
    const v = (doc: unknown) => (doc as { v: string }).v;
    // Each printed text, and how to read the secret back out of it.
    const printed: [string, string, (t: string) => string][] = [
      ['raw', `x ${secret} y`, (t) => t.slice(2, -2)],
      ['json once', once, (t) => v(JSON.parse(t))],
      [
        'json twice',
        JSON.stringify({ report: once }),
        (t) => v(JSON.parse((JSON.parse(t) as { report: string }).report)),
      ],
      [
        'yaml double-quoted',
        stringify({ v: secret }, { defaultStringType: 'QUOTE_DOUBLE' }),
        (t) => v(parseYaml(t)),
      ],
      [
        'yaml single-quoted',
        stringify({ v: secret }, { defaultStringType: 'QUOTE_SINGLE' }),
        (t) => v(parseYaml(t)),
      ],
      ['yaml plain', stringify({ v: secret }), (t) => v(parseYaml(t))],
      [
        'base64',
        Buffer.from(secret).toString('base64'),
        (t) => Buffer.from(t, 'base64').toString(),
      ],
    ];
    for (const [form, text, decode] of printed) {
      // The printed text really carries the secret (the test cannot pass vacuously)...
      expect(decode(text), form).toBe(secret);
      // ...and none of it survives redaction.
      const out = redact(text);
      expect(out, form).toContain('***');
      expect(holdsSecret(out), `${form}: ${out}`).toBe(false);
      expect(out.includes(secret), `${form}: ${out}`).toBe(false);
    }
  });

  it('masks a multi-line value whole, and each of its lines wherever it is printed alone', () => {
    registerSecret(PEM);
    expect(redact(`key: |\n  ${PEM.trimEnd().split('\n').join('\n  ')}\n`)).not.toMatch(
      /MIIE|q1w2e3|PRIVATE KEY/,
    );
    expect(redact(JSON.stringify({ key: PEM }))).toBe('{"key":"***"}');
    expect(redact(`- line q1w2e3r4t5y6u7i8o9p0 -`)).toBe('- line *** -');
    // Short lines of a multi-line secret are not masked everywhere on their own.
    registerSecret('{\n  "k": 1\n}');
    expect(redact('{ ok }')).toBe('{ ok }');
  });

  it('tells each line of 4 or more characters to its listeners, once', () => {
    const seen: string[] = [];
    registerSecret('early-secret');
    onSecretLine((line) => seen.push(line));
    registerSecret(PEM);
    registerSecret(PEM);
    registerSecret('{\n  "token": "abc"\n}');
    expect(seen).toEqual(['early-secret', ...PEM.split('\n').filter(Boolean), '"token": "abc"']);
    expect(secretLines(' abc \n abcd ')).toEqual(['abcd']);
  });
});
