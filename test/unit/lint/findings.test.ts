import { describe, expect, it } from 'vitest';
import { mergeFindings, type Finding } from '../../../src/lint/findings.js';

const finding = (set: string, check: Finding['check'], title: string): Finding => ({
  set,
  check,
  severity: 'error',
  title,
  message: 'spec.endpoints.0.interval: must match pattern',
  file: '/w/values.yaml',
  line: 3,
});

describe('mergeFindings', () => {
  it('names the versions of one finding newest first, in whichever order the helm calls ended', () => {
    const older = finding('dev', 'schema', 'schema (Kubernetes 1.34)');
    const newer = finding('dev', 'schema', 'schema (Kubernetes 1.36)');
    const lint = finding('staging', 'helm lint', 'helm lint');
    for (const input of [
      [older, newer, lint],
      [newer, lint, older],
    ]) {
      expect(mergeFindings(input)).toEqual([
        {
          ...lint,
          title: 'helm lint, schema (Kubernetes 1.36), schema (Kubernetes 1.34)',
          sets: ['staging', 'dev'],
        },
      ]);
    }
  });
});
