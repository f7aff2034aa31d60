import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseBoolean,
  parseChoice,
  parseDnsLabel,
  parseDuration,
  parseInteger,
  parseList,
} from '../../src/inputs/parse.js';

describe('input parsers', () => {
  it('parse booleans and name the input when they cannot', () => {
    expect(parseBoolean('wait', 'TRUE')).toBe(true);
    expect(parseBoolean('wait', '', false)).toBe(false);
    expect(() => parseBoolean('wait', 'maybe')).toThrow(
      'Invalid input \'wait\': "maybe". Expected true or false.',
    );
  });

  it('parse integers within bounds', () => {
    expect(parseInteger('history-max', '10', { min: 0 })).toBe(10);
    expect(() => parseInteger('history-max', '-1', { min: 0, max: 100 })).toThrow(
      /'history-max'.*from 0 to 100/,
    );
    expect(() => parseInteger('history-max', '1.5')).toThrow(/history-max/);
  });

  it('parse Go durations', () => {
    expect(parseDuration('timeout', '5m')).toBe(300_000);
    expect(parseDuration('timeout', '1m30s')).toBe(90_000);
    expect(parseDuration('timeout', '250ms')).toBe(250);
    expect(parseDuration('timeout', '', 1000)).toBe(1000);
    expect(() => parseDuration('timeout', '5 minutes')).toThrow(/'timeout'.*'90s'/);
    expect(() => parseDuration('timeout', '5mx')).toThrow(/timeout/);
    expect(formatDuration(90_000)).toBe('90s');
  });

  it('parse lists, choices and DNS labels', () => {
    expect(parseList('a, b\n# comment\n\nc')).toEqual(['a', 'b', 'c']);
    expect(parseChoice('cluster', 'kind', ['none', 'kind'] as const)).toBe('kind');
    expect(() => parseChoice('cluster', 'k3d', ['none', 'kind'] as const)).toThrow(
      /one of none, kind/,
    );
    expect(parseDnsLabel('namespace', 'hotswap-dev')).toBe('hotswap-dev');
    expect(() => parseDnsLabel('namespace', 'Hot_Swap')).toThrow(/'namespace'.*"Hot_Swap"/);
    expect(() => parseDnsLabel('namespace', 'a'.repeat(64))).toThrow(/63 characters/);
  });
});
