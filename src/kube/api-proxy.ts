// One `kubectl proxy` on a private unix socket for the length of a deploy or
// rollback. kubectl still authenticates (every kubeconfig it understands:
// client certificates, tokens, exec plugins), but a read through it is one
// HTTP request of a few milliseconds instead of a kubectl process of 90-130
// (about 50 of them kubectl's own start): the rollout watch polls many times,
// and the time it takes to see a rollout finish is what a deploy adds to helm.
// Whenever the proxy is not there (not started yet, failed to start, gone),
// callers fall back to a kubectl process, so nothing depends on it.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../exec/command.js';
import { kubeFlags, type KubeTarget } from './kube-target.js';

/** How long kubectl gets to start serving; a proxy not ready by then is not used. */
const READY_TIMEOUT_MS = 5_000;

/** The proxy is gone (the socket refuses): the caller runs kubectl instead. */
export class ProxyUnavailable extends Error {}

/** An answer of the API server other than 2xx: its status and message, as kubectl reports them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ApiProxy {
  private gone = false;
  private readonly agent = new http.Agent({ keepAlive: true });

  private constructor(
    /** The unix socket kubectl serves on, in a directory only this user can enter. */
    readonly socket: string,
    private readonly stopProcess: () => Promise<void>,
  ) {}

  /**
   * Starts `kubectl proxy` in a fresh 0700 directory under `dir`; undefined
   * when it does not serve within READY_TIMEOUT_MS (an old kubectl, a
   * kubeconfig it cannot load): the caller goes on with kubectl processes.
   */
  static async start(
    target: KubeTarget,
    dir: string,
    log: (line: string) => void = () => {},
  ): Promise<ApiProxy | undefined> {
    // A unix socket's path has room for about 100 bytes.
    const base = dir.length <= 80 ? dir : tmpdir();
    const home = mkdtempSync(path.join(base, 'hotswap-api-'));
    const socket = path.join(home, 'api.sock');
    const stop = new AbortController();
    let ready: () => void = () => {};
    const serving = new Promise<void>((resolve) => (ready = resolve));
    const run = runCommand(
      target.kubectl,
      [...kubeFlags(target), 'proxy', `--unix-socket=${socket}`, '--keepalive=30s'],
      {
        allowFailure: true,
        signal: stop.signal,
        onLine: (line) => {
          if (line.startsWith('Starting to serve on')) ready();
        },
      },
    );
    const ended = run.then(
      (r) => `exited with code ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`,
      (e: unknown) => `could not start: ${(e as Error).message}`,
    );
    // Never left running behind the program, whatever ends it.
    const onExit = () => {
      stop.abort();
      rmSync(home, { recursive: true, force: true });
    };
    process.once('exit', onExit);
    const stopProcess = async () => {
      process.off('exit', onExit);
      stop.abort();
      await run.catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    };
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      serving.then(() => 'ready' as const),
      ended,
      new Promise<string>((resolve) => {
        timer = setTimeout(
          () => resolve(`not serving after ${READY_TIMEOUT_MS} ms`),
          READY_TIMEOUT_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'ready') {
      log(`kubectl proxy ${outcome}; reading with kubectl processes`);
      await stopProcess();
      return undefined;
    }
    const proxy = new ApiProxy(socket, stopProcess);
    void ended.then(() => (proxy.gone = true));
    return proxy;
  }

  get usable(): boolean {
    return !this.gone;
  }

  /** GET `apiPath` as JSON. `accept` asks for another representation (metadata only). */
  get<T>(apiPath: string, accept = 'application/json'): Promise<T> {
    return this.request<T>('GET', apiPath, { Accept: accept });
  }

  /** A JSON merge patch of one object. */
  mergePatch(apiPath: string, patch: unknown): Promise<unknown> {
    return this.request(
      'PATCH',
      apiPath,
      { 'Content-Type': 'application/merge-patch+json' },
      patch,
    );
  }

  /**
   * Follows a watch (`apiPath` with `watch=1`), calling `onEvent` for each
   * piece of the stream the server sends, until the returned function is
   * called or the stream ends. What the events say is not read: they only
   * tell the caller to look again.
   */
  follow(apiPath: string, onEvent: () => void): () => void {
    if (this.gone) return () => {};
    const req = http.request({
      socketPath: this.socket,
      path: apiPath,
      // A connection of its own, held for the length of the stream.
      agent: false,
      headers: { Accept: 'application/json', Host: 'localhost' },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) res.resume();
      else res.on('data', onEvent);
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end();
    return () => req.destroy();
  }

  async close(): Promise<void> {
    this.gone = true;
    this.agent.destroy();
    await this.stopProcess();
  }

  private request<T>(
    method: string,
    apiPath: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<T> {
    if (this.gone) return Promise.reject(new ProxyUnavailable('kubectl proxy is not running'));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socket,
          path: apiPath,
          method,
          agent: this.agent,
          // kubectl proxy accepts only requests for localhost.
          headers: { ...headers, Host: 'localhost' },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              try {
                resolve(JSON.parse(text) as T);
              } catch (error) {
                reject(new Error(`${method} ${apiPath}: not JSON (${(error as Error).message})`));
              }
              return;
            }
            reject(new ApiError(status, `${method} ${apiPath}: ${status} ${statusMessage(text)}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') {
          this.gone = true;
          reject(new ProxyUnavailable(`kubectl proxy is gone (${error.code})`));
        } else reject(error);
      });
      req.end(payload);
    });
  }
}

/** The message of the API server's Status object, or the start of whatever it sent. */
function statusMessage(text: string): string {
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    return status.message ?? status.reason ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200).trim();
  }
}
