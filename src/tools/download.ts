// Downloads through @actions/tool-cache's downloadTool, which already retries:
// 3 attempts in all, 10-20 s apart (random), for HTTP 5xx, 408, 429 and
// network errors; any other status (404, 403) fails at once. It streams to the
// destination and deletes a partial file before the next attempt. It does not
// honour Retry-After and sets no socket timeout. This wrapper adds the URL to
// every failure, which downloadTool's own message ("Unexpected HTTP response:
// 404") leaves out.
import * as tc from '@actions/tool-cache';
import { redact } from '../secrets/redact.js';

export class DownloadError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(redact(`download failed: GET ${url}: ${reason}`));
    this.name = 'DownloadError';
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof tc.HTTPError) {
    const retried = error.httpStatusCode !== undefined && isRetryable(error.httpStatusCode);
    return `HTTP ${error.httpStatusCode}${retried ? ' (after 3 attempts)' : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The statuses downloadTool retries. */
export function isRetryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** Downloads `url` to `dest` (which must not exist yet) and returns `dest`. */
export async function download(url: string, dest: string): Promise<string> {
  try {
    return await tc.downloadTool(url, dest);
  } catch (error) {
    throw new DownloadError(url, reasonOf(error));
  }
}
