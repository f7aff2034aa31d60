import { describe, expect, it } from 'vitest';
import { evaluateJsonField, parseJsonFieldCheck } from '../../../src/smoke/json-fields.js';

const health = {
  status: 'Healthy',
  version: '2.1.0',
  ready: true,
  replicas: 3,
  checks: { database: { status: 'Degraded' } },
  kernels: [{ name: 'k1' }],
  note: null,
};

function check(text: string) {
  return evaluateJsonField(parseJsonFieldCheck(text), health);
}

describe('JSON field checks', () => {
  it('parses path=value and path!=value', () => {
    expect(parseJsonFieldCheck(' checks.database.status = Healthy ')).toEqual({
      text: 'checks.database.status = Healthy',
      path: ['checks', 'database', 'status'],
      op: '=',
      expected: 'Healthy',
    });
    expect(parseJsonFieldCheck('version!=0.0.0')).toMatchObject({ op: '!=', expected: '0.0.0' });
  });

  it.each(['status', '=Healthy', 'checks..status=x', 'a b=c'])('rejects %j', (text) => {
    expect(() => parseJsonFieldCheck(text)).toThrow(/expected/);
  });

  it('compares strings, numbers, booleans and null by their JSON text', () => {
    expect(check('status=Healthy').passed).toBe(true);
    expect(check('ready=true').passed).toBe(true);
    expect(check('replicas=3').passed).toBe(true);
    expect(check('note=null').passed).toBe(true);
    expect(check('kernels.0.name=k1').passed).toBe(true);
    expect(check('version!=0.0.0').passed).toBe(true);
  });

  it('says what it found when it fails', () => {
    expect(check('checks.database.status=Healthy')).toEqual({
      check: 'checks.database.status=Healthy',
      passed: false,
      detail: 'checks.database.status is "Degraded"',
    });
    expect(check('checks.cache.status=Healthy').detail).toBe('checks.cache.status is missing');
    expect(check('checks=Healthy').detail).toBe('checks is an object, not a value');
    expect(check('kernels=k1').detail).toBe('kernels is an array, not a value');
    expect(check('status.__proto__=x').detail).toBe('status.__proto__ is missing');
  });
});
