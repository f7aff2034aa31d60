#!/usr/bin/env bash
# Builds one pinned external tool from its Go module, for machines that cannot
# reach the official release downloads. The binary is stamped with the same
# version string the official build reports.
#
#   tools/build-from-source.sh <tool> <version> <out-dir>
#
# tools: helm, kubectl, kube-apiserver, kube-controller-manager, kube-scheduler,
#        kind, kwok, kwokctl, etcd, actionlint, helm-docs, act, registry,
#        alertmanager, node-exporter, kube-state-metrics, metrics-server (public applications the
#        kind tests run under their own charts)
set -euo pipefail

tool=$1 version=$2 out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Modules that ask for a newer Go than the machine's fetch it through the proxy.
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
export CGO_ENABLED=0 GOFLAGS=-mod=mod

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A throwaway module that requires <module>@<version> (plus replaces) and builds <pkg>.
build() { # build <pkg> <binary-name> <ldflags>
  (cd "$work" && go build -trimpath -ldflags "-s -w $3" -o "$out/$2" "$1")
}

mkmod() { # mkmod <module> <version>
  (cd "$work" && go mod init hotswap.local/toolbuild >/dev/null 2>&1 && go mod edit -require="$1@$2")
}

case "$tool" in
helm)
  major=${version#v}; major=${major%%.*}
  mod=helm.sh/helm/v$major
  mkmod "$mod" "$version"
  stamp="-X $mod/internal/version.version=$version -X $mod/internal/version.gitTreeState=clean"
  if [ "$major" = 3 ]; then
    # Helm 3 takes its default Kubernetes version (.Capabilities.KubeVersion,
    # and what `helm template` checks kubeVersion against) from link flags
    # derived from its client-go version, as its Makefile does. Helm 4 reads it
    # from the build info at run time.
    client_go=$(cd "$work" && go list -m -f '{{.Version}}' k8s.io/client-go)
    k8s_minor=$(echo "$client_go" | cut -d. -f2)
    for pkg in pkg/lint/rules pkg/chartutil; do
      stamp+=" -X $mod/$pkg.k8sVersionMajor=1 -X $mod/$pkg.k8sVersionMinor=$k8s_minor"
    done
  fi
  build "$mod/cmd/helm" helm "$stamp"
  ;;
kubectl | kube-apiserver | kube-controller-manager | kube-scheduler)
  # k8s.io/kubernetes replaces its staging modules with local paths, which a
  # dependent module ignores: pin each staging module to the matching v0.x tag.
  src=$(cd "$work" && go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  staging_version="v0.${version#v1.}"
  sed -e 's#^module k8s.io/kubernetes#module hotswap.local/toolbuild#' \
      -e "s#=> ./staging/src/\(k8s.io/[a-z-]*\)#=> \1 $staging_version#" "$src/go.mod" >"$work/go.mod"
  cp "$src/go.sum" "$work/go.sum"
  (cd "$work" && go mod edit -require="k8s.io/kubernetes@$version")
  minor=${version#v1.}; minor=${minor%%.*}
  stamp=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  build "k8s.io/kubernetes/cmd/$tool" "$tool" "$stamp"
  ;;
kind)
  mkmod sigs.k8s.io/kind "$version"
  build sigs.k8s.io/kind kind ""
  ;;
kwok | kwokctl)
  mkmod sigs.k8s.io/kwok "$version"
  build "sigs.k8s.io/kwok/cmd/$tool" "$tool" "-X sigs.k8s.io/kwok/pkg/consts.Version=${version#v}"
  ;;
etcd)
  # etcd's server module replaces its sibling modules with local paths too.
  mkmod go.etcd.io/etcd/server/v3 "$version"
  for m in api/v3 client/pkg/v3 client/v3 pkg/v3; do
    (cd "$work" && go mod edit -replace="go.etcd.io/etcd/$m=go.etcd.io/etcd/$m@$version")
  done
  build go.etcd.io/etcd/server/v3 etcd "-X go.etcd.io/etcd/api/v3/version.GitSHA=release"
  ;;
actionlint)
  mkmod github.com/rhysd/actionlint "$version"
  build github.com/rhysd/actionlint/cmd/actionlint actionlint "-X github.com/rhysd/actionlint.version=$version"
  ;;
registry)
  # The CNCF distribution registry, a local OCI registry for the deploy tests.
  mkmod github.com/distribution/distribution/v3 "$version"
  build github.com/distribution/distribution/v3/cmd/registry registry "-X github.com/distribution/distribution/v3/version.version=$version"
  ;;
act)
  mkmod github.com/nektos/act "$version"
  build github.com/nektos/act act "-X main.version=$version"
  ;;
helm-docs)
  mkmod github.com/norwoodj/helm-docs "$version"
  build github.com/norwoodj/helm-docs/cmd/helm-docs helm-docs "-X main.version=${version#v}"
  ;;
alertmanager)
  # Its web UI is built by npm into ui/app/dist, which the module does not
  # carry; health, API and metrics do not need it, so a placeholder page is
  # embedded in its place (gzipped, as the UI's files are served; the chart's
  # probes ask for it at /).
  src=$(cd "$work" && go mod download -json "github.com/prometheus/alertmanager@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  cp -r "$src" "$work/alertmanager" && chmod -R u+w "$work/alertmanager"
  mkdir -p "$work/alertmanager/ui/app/dist"
  echo '<html><body>Alertmanager (web UI not built)</body></html>' | gzip -9n >"$work/alertmanager/ui/app/dist/index.html.gz"
  mkmod github.com/prometheus/alertmanager "$version"
  (cd "$work" && go mod edit -replace=github.com/prometheus/alertmanager=./alertmanager)
  v=github.com/prometheus/common/version
  build github.com/prometheus/alertmanager/cmd/alertmanager alertmanager "-X $v.Version=${version#v} -X $v.Branch=HEAD -X $v.Revision=release"
  ;;
node-exporter)
  mkmod github.com/prometheus/node_exporter "$version"
  v=github.com/prometheus/common/version
  build github.com/prometheus/node_exporter node_exporter "-X $v.Version=${version#v} -X $v.Branch=HEAD -X $v.Revision=release"
  ;;
kube-state-metrics)
  mkmod k8s.io/kube-state-metrics/v2 "$version"
  v=github.com/prometheus/common/version
  build k8s.io/kube-state-metrics/v2 kube-state-metrics "-X $v.Version=${version#v} -X $v.Branch=HEAD -X $v.Revision=release"
  ;;
metrics-server)
  mkmod sigs.k8s.io/metrics-server "$version"
  v=k8s.io/client-go/pkg/version
  build sigs.k8s.io/metrics-server/cmd/metrics-server metrics-server "-X $v.gitVersion=$version -X $v.gitCommit=release"
  ;;
*)
  echo "build-from-source: unknown tool '$tool'" >&2
  exit 2
  ;;
esac
