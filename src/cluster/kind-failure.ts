// What a failed `kind create cluster` printed, reduced to the one line that
// names the cause. kind prints progress lines, WARNINGs (cgroup v1 deprecation,
// among others) and then `ERROR: failed to create cluster: <why>`, often with
// the failing command's own output after `Command Output:`.

export type KindFailureCause = 'no-runtime' | 'image-pull' | 'other';

export interface KindFailure {
  cause: KindFailureCause;
  /** kind's reason on one line, without its `ERROR: failed to create cluster:` prefix. */
  reason: string;
}

const NO_RUNTIME = [
  /executable file not found/i,
  /cannot connect to the docker daemon/i,
  /failed to get docker info/i,
  /docker.*(permission denied|no such file or directory)/i,
  /no .*provider.*(found|available)/i,
];

const PROGRESS =
  /^(✓|✗|•|Creating cluster|Ensuring node image|Preparing nodes|Writing configuration|Starting control-plane|Installing|Joining|Waiting|Set kubectl|You can now|Have a|Thanks for|kubectl cluster-info)/;

export function kindFailure(output: string): KindFailure {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errorAt = lines.findLastIndex((l) => l.startsWith('ERROR:'));
  let reason: string;
  if (errorAt >= 0) {
    reason = lines[errorAt]!.replace(/^ERROR:\s*/, '').replace(/^failed to create cluster:\s*/, '');
    const said = lines
      .slice(errorAt + 1)
      .find((l) => l.startsWith('Command Output:'))
      ?.replace(/^Command Output:\s*/, '');
    if (said) reason += ` (${said})`;
  } else {
    reason =
      lines.filter((l) => !l.startsWith('WARNING:') && !PROGRESS.test(l)).at(-1) ??
      lines.at(-1) ??
      '';
  }
  reason = reason.replace(/\s+/g, ' ');
  if (NO_RUNTIME.some((re) => re.test(reason))) return { cause: 'no-runtime', reason };
  if (/failed to pull image/i.test(reason)) return { cause: 'image-pull', reason };
  return { cause: 'other', reason };
}
