// The few Docker engine calls the kind path makes itself: ask the engine
// before kind does (a missing engine is named as such, and cgroup v1 decides
// the kubelet patch), load a node image archive, and tell which network kind
// created so the post step can remove it.
import { runCommand } from '../exec/command.js';

export class NoEngineError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(`no Docker engine answers (docker info: ${detail})`, options);
    this.name = 'NoEngineError';
  }
}

export interface EngineInfo {
  /** 1 or 2: the cgroup version of the engine's host. */
  cgroupVersion: number;
  /** The runtime containers run with (`runc`, or `runc-caps` on hosts that need the wrapper). */
  defaultRuntime: string;
}

/**
 * The engine's answer to `docker info`. Without an engine the client's exit
 * code and stderr vary (without HOME it prints only a template error), so the
 * answer is judged by the server fields it fills in.
 */
export async function engineInfo(docker = 'docker'): Promise<EngineInfo> {
  let result;
  try {
    result = await runCommand(docker, ['info', '--format', '{{json .}}'], {
      allowFailure: true,
      rawOutput: true,
      timeoutMs: 30_000,
    });
  } catch (error) {
    throw new NoEngineError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  let info: { ServerVersion?: string; CgroupVersion?: string; DefaultRuntime?: string } = {};
  try {
    info = JSON.parse(result.stdout) as typeof info;
  } catch {
    // no JSON: no answer
  }
  if (!info.ServerVersion) {
    const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    const reason = result.stderr
      .split('\n')
      .find((l) => /cannot connect|permission denied|no such file/i.test(l));
    throw new NoEngineError(reason ?? `nothing answers at ${host}`);
  }
  return {
    cgroupVersion: Number(info.CgroupVersion) || 1,
    defaultRuntime: info.DefaultRuntime || 'runc',
  };
}

/** `docker load` of an image archive; returns the first image it names. */
export async function loadImageArchive(archive: string, docker = 'docker'): Promise<string> {
  const { stdout } = await runCommand(docker, ['load', '--input', archive], {
    timeoutMs: 10 * 60_000,
  });
  const loaded = /^Loaded image(?: ID)?: (\S+)$/m.exec(stdout);
  if (!loaded) throw new Error(`docker load --input ${archive} named no image: ${stdout.trim()}`);
  return loaded[1]!;
}

/** Whether the engine holds an image by this name (or id). */
export async function imagePresent(image: string, docker = 'docker'): Promise<boolean> {
  const probe = await runCommand(docker, ['image', 'inspect', '--format', '{{.Id}}', image], {
    allowFailure: true,
    timeoutMs: 30_000,
  });
  return probe.code === 0;
}

export async function networkExists(name: string, docker = 'docker'): Promise<boolean> {
  const result = await runCommand(docker, ['network', 'inspect', '--format', '{{.Name}}', name], {
    allowFailure: true,
    timeoutMs: 30_000,
  });
  return result.code === 0;
}

/** Removes a network when no container is attached to it any more; says whether it did. */
export async function removeNetworkIfUnused(name: string, docker = 'docker'): Promise<boolean> {
  const { stdout } = await runCommand(
    docker,
    ['network', 'inspect', '--format', '{{len .Containers}}', name],
    { allowFailure: true, timeoutMs: 30_000 },
  );
  if (stdout.trim() !== '0') return false;
  await runCommand(docker, ['network', 'rm', name], { timeoutMs: 60_000 });
  return true;
}
