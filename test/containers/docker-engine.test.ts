// The engine scripts/docker-engine.sh brings up runs what kind needs of it:
// privileged containers (the kind node), `docker exec` into them (kind's
// every step), and a lowered OOM score (pod sandboxes ask for -998), also on
// hosts whose capability bounding set lacks CAP_SYS_RESOURCE.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BASE_IMAGE, docker, engineUp } from '../support/docker.js';

const NAME = `hotswap-engine-test-${process.pid}`;
// Bit 21 of the capability masks: CAP_SYS_ADMIN, which only a privileged container gets.
const CAP_SYS_ADMIN = 1n << 21n;

beforeAll(() => engineUp());
afterAll(() => {
  docker(['rm', '--force', NAME]);
});

const capEff = (status: string) => BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(status)![1]}`);

describe('docker engine', () => {
  test('a privileged container runs and docker exec reaches it', () => {
    docker(['run', '--detach', '--privileged', '--name', NAME, BASE_IMAGE, 'sleep', '300']);
    const status = docker(['exec', NAME, 'cat', '/proc/self/status']);
    expect(capEff(status) & CAP_SYS_ADMIN).toBe(CAP_SYS_ADMIN);
    // Privileged means the host's devices and a writable /sys too.
    expect(
      docker(['exec', NAME, 'sh', '-c', 'test -c /dev/kmsg && grep -c " /sys .*rw," /proc/mounts']),
    ).toBe('1');
    expect(docker(['exec', '--privileged', NAME, 'echo', 'exec ok'])).toBe('exec ok');
  });

  test('an unprivileged container keeps the default capabilities', () => {
    const status = docker([
      'run',
      '--rm',
      '--network',
      'none',
      BASE_IMAGE,
      'cat',
      '/proc/self/status',
    ]);
    expect(capEff(status) & CAP_SYS_ADMIN).toBe(0n);
  });

  test('a container asking for a negative OOM score adjustment starts', () => {
    const score = Number(
      docker([
        'run',
        '--rm',
        '--oom-score-adj=-500',
        BASE_IMAGE,
        'cat',
        '/proc/self/oom_score_adj',
      ]),
    );
    // -500 where the host allows it; 0 where the runc-caps wrapper had to clamp it.
    expect([-500, 0]).toContain(score);
  });
});
