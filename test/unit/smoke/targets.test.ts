import { describe, expect, it } from 'vitest';
import { joinUrl, withPort } from '../../../src/smoke/targets.js';

describe('target URLs', () => {
  it('appends endpoint paths to a base URL, keeping a path prefix', () => {
    expect(joinUrl('http://hotswap:8080', '/health')).toBe('http://hotswap:8080/health');
    expect(joinUrl('https://example.com/hotswap/', '/health')).toBe(
      'https://example.com/hotswap/health',
    );
  });

  it('moves a base URL to the metrics port', () => {
    expect(withPort('https://hotswap.example.com/', 5000)).toBe(
      'https://hotswap.example.com:5000/',
    );
    expect(withPort('http://127.0.0.1:8080/api', 5000)).toBe('http://127.0.0.1:5000/api');
  });
});
