import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { KWOK_STAGES } from '../../src/cluster/kwok-stages.generated.js';
import { kwokConfig, nodeObjects } from '../../src/cluster/kwok.js';
// @ts-expect-error plain ESM script without types
import { render } from '../../scripts/embed-kwok-stages.mjs';

const generated = path.join(import.meta.dirname, '../../src/cluster/kwok-stages.generated.ts');

describe('kwok stages', () => {
  it('the embedded module matches src/cluster/kwok-stages/*.yaml', () => {
    expect(readFileSync(generated, 'utf8')).toBe(render());
  });

  it('the kwokctl config holds one uniquely named Stage per file', () => {
    const docs = YAML.parseAllDocuments(kwokConfig()).map((d) => d.toJS() as unknown) as {
      kind: string;
      metadata: { name: string };
    }[];
    expect(docs.map((d) => d.kind)).toEqual(Object.keys(KWOK_STAGES).map(() => 'Stage'));
    expect(new Set(docs.map((d) => d.metadata.name)).size).toBe(docs.length);
  });

  it('fake nodes carry capacity, zone and hostname', () => {
    const list = { items: nodeObjects(4) as any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(
      list.items.map((n: { metadata: { labels: Record<string, string> } }) => [
        n.metadata.labels['kubernetes.io/hostname'],
        n.metadata.labels['topology.kubernetes.io/zone'],
      ]),
    ).toEqual([
      ['kwok-node-0', 'a'],
      ['kwok-node-1', 'b'],
      ['kwok-node-2', 'c'],
      ['kwok-node-3', 'a'],
    ]);
    expect(list.items[0].status.capacity).toEqual({
      cpu: '4',
      memory: '16Gi',
      pods: '110',
      'ephemeral-storage': '100Gi',
    });
  });
});
