// The kwok cluster binaries that `npm run tools` puts in .tools/bin.
import type { KwokBinaries } from '../../src/cluster/kwok.js';
import { toolPath } from './tools.js';

export function kwokBinaries(): KwokBinaries {
  return {
    kwokctl: toolPath('kwokctl'),
    kwok: toolPath('kwok'),
    etcd: toolPath('etcd'),
    kubeApiserver: toolPath('kube-apiserver'),
    kubeControllerManager: toolPath('kube-controller-manager'),
    kubeScheduler: toolPath('kube-scheduler'),
    kubectl: toolPath('kubectl'),
  };
}
