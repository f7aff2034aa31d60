import { describe, expect, it } from 'vitest';
import { joinUrl, withPort } from '../../../src/smoke/targets.js';

describe('target URLs', () => {
  it('appends endpoint paths to a base URL, keeping a path prefix', () => {
    expect(joinUrl('http://hotswap:8080', '/health')).toBe('http://hotswap:8080/health');
    expect(joinUrl('https://example.com/hotswap/', '/health')).toBe(
      'https://example.com/hotswap/health',
    );
  });

  it("keeps a query on the endpoint path as a query, in place of the base URL's", () => {
    expect(joinUrl('http://hotswap:8080/api/', '/readyz?verbose')).toBe(
      'http://hotswap:8080/api/readyz?verbose',
    );
    expect(joinUrl('http://hotswap:8080/?a=1', '/health?full=1&b=%2F')).toBe(
      'http://hotswap:8080/health?full=1&b=%2F',
    );
    expect(joinUrl('http://hotswap:8080/?a=1', '/health')).toBe('http://hotswap:8080/health?a=1');
  });

  it('moves a base URL to the metrics port', () => {
    expect(withPort('https://hotswap.example.com/', 5000)).toBe(
      'https://hotswap.example.com:5000/',
    );
    expect(withPort('http://127.0.0.1:8080/api', 5000)).toBe('http://127.0.0.1:5000/api');
  });
});
