import { describe, expect, it } from 'vitest';
import { requiredValuesPath } from '../../../src/lint/required-value.js';

/** The path read by the `required` that starts at the first `required` of the line. */
const at = (line: string) => requiredValuesPath(line, line.indexOf('required') + 1);

describe('requiredValuesPath', () => {
  it('reads the key a required call is given, whatever quotes its message', () => {
    expect(
      at('  addr: {{ required "loki.address is required" .Values.loki.address | quote }}'),
    ).toEqual(['loki', 'address']);
    expect(at('  addr: {{ required `raw "msg"` $.Values.lokiAddress }}')).toEqual(['lokiAddress']);
    expect(at('  a: {{ required "say \\"it\\"" (.Values.a.b) }}')).toEqual(['a', 'b']);
    expect(at('  a: {{ required $msg .Values.a }}')).toEqual(['a']);
  });

  it('reads the key piped into required', () => {
    expect(at('  b: {{ .Values.loki.address | required "again" }}')).toEqual(['loki', 'address']);
  });

  it('reads nothing where no required starts, or where it reads no values key', () => {
    const line = '  a: {{ required "x" .Values.a }}';
    expect(requiredValuesPath(line, 1)).toBeUndefined();
    expect(at('  a: {{ required "x" (include "name" .) }}')).toBeUndefined();
    expect(at('  a: {{ required "x" $name }}')).toBeUndefined();
    expect(requiredValuesPath('  a: {{ fail "no" }}', 9)).toBeUndefined();
  });
});
