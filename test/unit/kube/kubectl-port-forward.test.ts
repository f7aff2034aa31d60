import { describe, expect, it } from 'vitest';
import { portForwardArgs } from '../../../src/kube/kubectl-port-forward.js';

describe('port-forward arguments', () => {
  it('lets kubectl pick free local ports on 127.0.0.1, one per distinct remote port', () => {
    expect(
      portForwardArgs({
        kube: { kubectl: 'kubectl', context: 'kind-dev' },
        namespace: 'dev',
        resource: 'service/hotswap',
        remotePorts: [8080, 5000, 8080],
        readyTimeoutMs: 90_500,
      }),
    ).toEqual([
      'port-forward',
      '--namespace',
      'dev',
      'service/hotswap',
      ':8080',
      ':5000',
      '--address',
      '127.0.0.1',
      '--pod-running-timeout',
      '91s',
      '--context',
      'kind-dev',
    ]);
  });

  it('pins the local ports it was given, to start kubectl again on the same ones', () => {
    const args = portForwardArgs({
      kube: { kubectl: 'kubectl' },
      namespace: 'dev',
      resource: 'service/hotswap',
      remotePorts: ['41234:8080', '41235:5000'],
      readyTimeoutMs: 5_000,
    });
    expect(args.slice(0, 6)).toEqual([
      'port-forward',
      '--namespace',
      'dev',
      'service/hotswap',
      '41234:8080',
      '41235:5000',
    ]);
  });
});
