// sha256 of downloaded files, and the one error a mismatch produces.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const SHA256_PATTERN = /^[a-f0-9]{64}$/;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly file: string,
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
    readonly expectedFrom: string,
  ) {
    super(
      `sha256 mismatch for ${file} (downloaded from ${url}): expected ${expected} (${expectedFrom}), got ${actual}. Nothing was installed.`,
    );
    this.name = 'ChecksumMismatchError';
  }
}
