import { describe, expect, it } from 'vitest';
import { curlArguments, parseCurlResult, validateHeader } from '../../../src/http/curl.js';

describe('curl arguments', () => {
  it('keeps secret headers out of argv and in an escaped config', () => {
    const { args, config } = curlArguments({
      url: 'https://hotswap.example.com/health',
      timeoutMs: 2500,
      insecure: true,
      caFile: '/etc/ca.pem',
      headers: [
        { name: 'X-Trace', value: 'abc', secret: false },
        { name: 'Authorization', value: 'Bearer a"b\\c', secret: true },
      ],
    });
    expect(args).toEqual([
      '--silent',
      '--show-error',
      '--globoff',
      '--proto',
      '=http,https',
      '--max-time',
      '2.5',
      '--connect-timeout',
      '2.5',
      '--write-out',
      '\n@@hotswap-curl@@%{http_code} %{time_total}',
      '--insecure',
      '--cacert',
      '/etc/ca.pem',
      '--header',
      'X-Trace: abc',
      '--url',
      'https://hotswap.example.com/health',
    ]);
    expect(args.join(' ')).not.toContain('Bearer');
    expect(config).toBe('header = "Authorization: Bearer a\\"b\\\\c"\n');
  });

  it('has no config without secret headers', () => {
    expect(curlArguments({ url: 'http://x/', timeoutMs: 20_000 }).config).toBeUndefined();
    expect(curlArguments({ url: 'http://x/', timeoutMs: 20_000 }).args).toContain('10');
  });

  it('refuses header injection', () => {
    expect(validateHeader('X-A', 'ok')).toBeUndefined();
    expect(validateHeader('X A', 'ok')).toMatch(/invalid header name/);
    expect(validateHeader('X-A', 'a\r\nHost: evil')).toMatch(/line break/);
  });
});

describe('curl results', () => {
  it('splits the body from the write-out', () => {
    expect(
      parseCurlResult({
        code: 0,
        stdout: '{"status":"Healthy"}\n@@hotswap-curl@@ x\n@@hotswap-curl@@200 0.012345',
        stderr: '',
      }),
    ).toEqual({
      status: 200,
      body: '{"status":"Healthy"}\n@@hotswap-curl@@ x',
      timeMs: 12,
      exitCode: 0,
    });
  });

  it("keeps curl's own error line over kubectl exec's", () => {
    expect(
      parseCurlResult({
        code: 7,
        stdout: '\n@@hotswap-curl@@000 0.001',
        stderr:
          'curl: (7) Failed to connect to hotswap.dev.svc port 8080\ncommand terminated with exit code 7\n',
      }),
    ).toMatchObject({
      status: 0,
      exitCode: 7,
      error: 'curl: (7) Failed to connect to hotswap.dev.svc port 8080',
    });
  });
});
