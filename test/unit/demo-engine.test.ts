import { expect, test } from 'vitest';
import { chooseEngine, KIND_DEFAULT_NODE_IMAGE } from '../../src/demo/cluster.js';

test('the demo picks kind only with an engine that already holds the node image, and says why', () => {
  expect(chooseEngine(false, false)).toEqual({ engine: 'kwok', why: 'no Docker engine answers' });
  const noImage = chooseEngine(true, false);
  expect(noImage.engine).toBe('kwok');
  expect(noImage.why).toContain(`${KIND_DEFAULT_NODE_IMAGE.split('@')[0]} is not on it`);
  expect(chooseEngine(true, true).engine).toBe('kind');
});
