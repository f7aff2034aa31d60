// HTTP through the real curl: one request per call, status and timing read
// from --write-out, the body from stdout. Secret headers go in a curl config
// (-K) so they never reach argv, where process listings and error messages
// would show them. Where curl runs (this machine, or a Pod through kubectl
// exec) is a CurlTransport.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, type CommandResult } from '../exec/command.js';

export interface HttpHeader {
  name: string;
  value: string;
  /** Masked in logs and sent through the curl config, not argv. */
  secret: boolean;
}

export interface CurlRequest {
  url: string;
  /** Whole-request limit (curl --max-time). */
  timeoutMs: number;
  headers?: readonly HttpHeader[];
  insecure?: boolean;
  caFile?: string;
}

export interface CurlResponse {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  body: string;
  /** curl's time_total in milliseconds. */
  timeMs: number;
  /** curl's exit code: 0 when a response (of any status) arrived. */
  exitCode: number;
  /** curl's own error message when exitCode is not 0. */
  error?: string;
}

/** Runs curl with these arguments; `config` (curl -K format), when given, must not reach argv. */
export type CurlTransport = (
  args: readonly string[],
  config: string | undefined,
  timeoutMs: number,
) => Promise<CommandResult>;

const MARKER = '\n@@hotswap-curl@@';

/** Header names are tokens (RFC 9110); values must not break out of their line. */
export function validateHeader(name: string, value: string): string | undefined {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    return `invalid header name ${JSON.stringify(name)}`;
  if (/[\r\n\0]/.test(value)) return `the value of header ${name} contains a line break`;
  return undefined;
}

/** A value in a curl config file: double-quoted, with \ and " escaped. */
function configString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function seconds(ms: number): string {
  return String(Math.max(ms, 1) / 1000);
}

/** The argv (secret-free) and the config text (secret headers) for one request. */
export function curlArguments(request: CurlRequest): { args: string[]; config?: string } {
  const args = [
    '--silent',
    '--show-error',
    '--globoff',
    '--proto',
    '=http,https',
    '--max-time',
    seconds(request.timeoutMs),
    '--connect-timeout',
    seconds(Math.min(request.timeoutMs, 10_000)),
    '--write-out',
    `${MARKER}%{http_code} %{time_total}`,
  ];
  if (request.insecure) args.push('--insecure');
  if (request.caFile) args.push('--cacert', request.caFile);
  const secret: string[] = [];
  for (const header of request.headers ?? []) {
    const problem = validateHeader(header.name, header.value);
    if (problem) throw new Error(problem);
    const line = `${header.name}: ${header.value}`;
    if (header.secret) secret.push(`header = ${configString(line)}`);
    else args.push('--header', line);
  }
  args.push('--url', request.url);
  return secret.length ? { args, config: secret.join('\n') + '\n' } : { args };
}

/** Reads curl's stdout (body + write-out) and stderr into a response. */
export function parseCurlResult(result: CommandResult): CurlResponse {
  const at = result.stdout.lastIndexOf(MARKER);
  const body = at === -1 ? result.stdout : result.stdout.slice(0, at);
  const [status = '0', time = '0'] =
    at === -1
      ? []
      : result.stdout
          .slice(at + MARKER.length)
          .trim()
          .split(/\s+/);
  const response: CurlResponse = {
    status: Number(status) || 0,
    body,
    timeMs: Math.round(Number(time) * 1000) || 0,
    exitCode: result.code,
  };
  if (result.code !== 0) {
    // curl's own line ("curl: (7) ..."), not kubectl exec's "command terminated" after it.
    const lines = result.stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const message = lines.filter((l) => l.startsWith('curl:')).pop() ?? lines.pop();
    response.error = message ?? `curl exited with code ${result.code}`;
  }
  return response;
}

export async function curl(transport: CurlTransport, request: CurlRequest): Promise<CurlResponse> {
  const { args, config } = curlArguments(request);
  // The safety net only: curl's --max-time ends the request first.
  const result = await transport(args, config, request.timeoutMs + 15_000);
  return parseCurlResult(result);
}

/** curl on this machine; a secret config goes in a 0600 file under tempDir, removed afterwards. */
export function localCurl(curlBin: string, tempDir: string): CurlTransport {
  return async (args, config, timeoutMs) => {
    if (config === undefined) return runCommand(curlBin, args, { allowFailure: true, timeoutMs });
    const file = path.join(tempDir, `curl-${randomBytes(8).toString('hex')}.conf`);
    try {
      await writeFile(file, config, { mode: 0o600, flag: 'wx' });
      return await runCommand(curlBin, [...args, '--config', file], {
        allowFailure: true,
        timeoutMs,
      });
    } finally {
      await rm(file, { force: true });
    }
  };
}

/** What curl's exit code means, for a person reading the report. */
export function describeCurlError(response: CurlResponse, timeoutMs: number): string {
  const detail = response.error ? `: ${response.error}` : '';
  switch (response.exitCode) {
    case 28:
      return `no answer within ${timeoutMs / 1000}s (curl exit 28${detail})`;
    case 7:
      return `connection refused or unreachable (curl exit 7${detail})`;
    case 6:
      return `host name not resolved (curl exit 6${detail})`;
    case 52:
      return `the server closed the connection without answering (curl exit 52${detail})`;
    case 35:
    case 60:
      return `TLS handshake or certificate verification failed (curl exit ${response.exitCode}${detail})`;
    default:
      return `curl exit ${response.exitCode}${detail}`;
  }
}

/** Exit codes that another attempt cannot fix: bad usage, bad URL, unreadable CA file. */
export const PERMANENT_CURL_ERRORS = new Set([1, 2, 3, 4, 43, 77]);
