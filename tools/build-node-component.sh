#!/usr/bin/env bash
# Builds one component of the offline kind node image from its Go module (or,
# for pause, its C source in the Kubernetes module), at the version kind
# v0.33.0's images/base and node-image build use.
#
#   tools/build-node-component.sh <component> <version> <out-dir>
#
# components: kubernetes (kubelet, kubeadm, kube-proxy), containerd (containerd,
#   ctr, containerd-shim-runc-v2), runc, crictl, cni-plugins (host-local,
#   loopback, ptp, portmap), coredns (the plugins kubeadm's Corefile uses),
#   local-path-provisioner, pause
#
# Kept apart from tools/build-from-source.sh: changing that script marks every
# cached tool as stale (tools/install.ts keys its cache on the script's hash).
set -euo pipefail

component=$1 version=$2 out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)

export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
export CGO_ENABLED=0 GOFLAGS=-mod=mod

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gobuild() { # gobuild <ldflags> <pkg>... ; every main package into $out
  (cd "$work" && nice -n 15 go build -trimpath -ldflags "-s -w $1" -o "$out/" "${@:2}")
}
mkmod() { # mkmod <module> <version>
  (cd "$work" && go mod init hotswap.local/nodebuild >/dev/null 2>&1 && go mod edit -require="$1@$2")
}
moddir() { # moddir <module>@<version>
  (cd "$work" && go mod download -json "$1" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
}

case "$component" in
kubernetes)
  # As in tools/build-from-source.sh: pin each staging module to its v0.x tag.
  src=$(moddir "k8s.io/kubernetes@$version")
  sed -e 's#^module k8s.io/kubernetes#module hotswap.local/nodebuild#' \
    -e "s#=> ./staging/src/\(k8s.io/[a-z-]*\)#=> \1 v0.${version#v1.}#" "$src/go.mod" >"$work/go.mod"
  cp "$src/go.sum" "$work/go.sum"
  (cd "$work" && go mod edit -require="k8s.io/kubernetes@$version")
  minor=${version#v1.} minor=${minor%%.*}
  stamp=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  gobuild "$stamp" k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kube-proxy
  ;;
pause)
  # <version> is the Kubernetes version whose build/pause/linux/pause.c is built.
  src=$(moddir "k8s.io/kubernetes@$version")
  nice -n 15 gcc -Os -Wall -Werror -static -DVERSION="$version" -o "$out/pause" "$src/build/pause/linux/pause.c"
  strip "$out/pause"
  ;;
containerd)
  mkmod github.com/containerd/containerd/v2 "$version"
  m=github.com/containerd/containerd/v2
  (cd "$work" && nice -n 15 go build -trimpath -tags "no_aufs no_zfs no_btrfs no_devmapper" \
    -ldflags "-s -w -X $m/version.Version=$version -X $m/version.Package=$m" \
    -o "$out/" "$m/cmd/containerd" "$m/cmd/ctr" "$m/cmd/containerd-shim-runc-v2")
  ;;
runc)
  # runc's nsenter is C, and seccomp (RuntimeDefault profiles) needs libseccomp.
  mkmod github.com/opencontainers/runc "$version"
  (cd "$work" && CGO_ENABLED=1 nice -n 15 go build -trimpath -tags seccomp \
    -ldflags "-s -w -X main.version=${version#v}" -o "$out/runc" github.com/opencontainers/runc)
  ;;
crictl)
  mkmod sigs.k8s.io/cri-tools "$version"
  gobuild "-X sigs.k8s.io/cri-tools/pkg/version.Version=$version" sigs.k8s.io/cri-tools/cmd/crictl
  ;;
cni-plugins)
  mkmod github.com/containernetworking/plugins "$version"
  p=github.com/containernetworking/plugins/plugins
  gobuild "-X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$version" \
    $p/ipam/host-local $p/main/loopback $p/main/ptp $p/meta/portmap
  ;;
coredns)
  # A CoreDNS with only the plugins of kubeadm's Corefile, in the order of
  # CoreDNS's own directive list (that order decides how plugins chain).
  mkmod github.com/coredns/coredns "$version"
  src=$(moddir "github.com/coredns/coredns@$version")
  plugins=(errors health ready kubernetes prometheus forward cache loop reload loadbalance log)
  directives=$(sed -n 's/^\t"\([a-z0-9_]*\)",$/\1/p' "$src/core/dnsserver/zdirectives.go" |
    grep -xF -f <(printf '%s\n' "${plugins[@]}") | sed 's/.*/\t"&",/')
  imports=$(printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' \
    errors health ready kubernetes metrics forward cache loop reload loadbalance log)
  mkdir -p "$work/coredns"
  cat >"$work/coredns/main.go" <<EOF
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
$imports
)

func init() {
	dnsserver.Directives = []string{
$directives
	}
}

func main() { coremain.Run() }
EOF
  (cd "$work" && go mod tidy)
  gobuild "" ./coredns
  ;;
local-path-provisioner)
  mkmod github.com/rancher/local-path-provisioner "$version"
  gobuild "-X main.VERSION=$version" github.com/rancher/local-path-provisioner
  ;;
*)
  echo "build-node-component: unknown component '$component'" >&2
  exit 2
  ;;
esac
