// The demo's images on kind: the stand-in HotSwap API as version GOOD, the same
// image with EXIT_AT_START=1 baked in as version BROKEN (a release whose process
// exits 1 at start, so the kubelet really crash-loops it), and PostgreSQL;
// loaded into the node with `kind load`. Offline (the local Debian base of
// scripts/docker-engine.sh is there) they come from scripts/chart-images.sh;
// elsewhere the stand-in is built from its Dockerfile and PostgreSQL pulled.
import path from 'node:path';
import { imagePresent } from '../../src/cluster/docker.js';
import { runCommand } from '../../src/exec/command.js';

const LOCAL_BASE = 'hotswap-local/debian:bookworm';

export interface DemoImages {
  /** helm --set lines that make the chart run them. */
  set: string[];
  /** Removes the tags the demo made on the engine. */
  remove(): Promise<void>;
}

/** name=image lines of scripts/chart-images.sh. */
export function parseChartImages(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string])
      .filter(([k, v]) => k && v),
  );
}

function splitImage(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return { repository: image.slice(0, at), tag: image.slice(at + 1) };
}

export async function prepareKindImages(o: {
  root: string;
  kind: string;
  cluster: string;
  good: string;
  broken: string;
  log: (line: string) => void;
}): Promise<DemoImages> {
  const repository = `hotswap-demo/${o.cluster}`;
  const good = `${repository}:${o.good}`;
  const broken = `${repository}:${o.broken}`;
  const tags = [good, broken];
  const set = [`image.repository=${repository}`, 'image.pullPolicy=Never'];
  const toLoad = [good, broken];
  const remove = async () => {
    await runCommand('docker', ['rmi', ...tags], { allowFailure: true, timeoutMs: 120_000 });
  };
  try {
    let api: string;
    if (await imagePresent(LOCAL_BASE)) {
      const { stdout } = await runCommand('bash', [path.join(o.root, 'scripts/chart-images.sh')], {
        timeoutMs: 30 * 60_000,
      });
      const images = parseChartImages(stdout);
      api = images.api!;
      const pg = splitImage(images.postgresql!);
      set.push(`postgresql.image.repository=${pg.repository}`, `postgresql.image.tag=${pg.tag}`);
      toLoad.push(images.postgresql!);
      o.log(`images built offline by scripts/chart-images.sh: ${api}, ${images.postgresql}`);
    } else {
      api = `${repository}:build`;
      tags.push(api);
      await runCommand('docker', ['build', '-t', api, path.join(o.root, 'stand-in')], {
        timeoutMs: 30 * 60_000,
      });
    }
    await runCommand('docker', ['tag', api, good]);
    await runCommand('docker', ['build', '-q', '-t', broken, '-'], {
      input: `FROM ${good}\nENV EXIT_AT_START=1\n`,
      timeoutMs: 300_000,
    });
    o.log(`${good}: the stand-in API; ${broken}: the same, exits 1 at start`);
    await runCommand(o.kind, ['load', 'docker-image', '--name', o.cluster, ...toLoad], {
      timeoutMs: 15 * 60_000,
    });
    o.log(`loaded into the kind node: ${toLoad.join(', ')}`);
  } catch (error) {
    await remove();
    throw error;
  }
  return { set, remove };
}
