// The pinned versions in src/tools/pinned-versions.json, bundled into each action so its
// defaults match what this repository tests.
import versions from './pinned-versions.json' with { type: 'json' };

export type PinnedTool = Exclude<keyof typeof versions, '$comment'>;

export const PINNED: Record<PinnedTool, string> = versions;
