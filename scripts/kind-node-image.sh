#!/usr/bin/env bash
# A kind node image at the pinned Kubernetes version, built offline the way
# kind v0.33.0 builds one (images/base + pkg/build/nodeimage), and cached as a
# `docker save` archive with its image id, so a warm run only loads it.
#
#   scripts/kind-node-image.sh          # build or load; prints the image name
#   scripts/kind-node-image.sh archive  # the same; prints the archive path
#
# Needs an engine (scripts/docker-engine.sh up) and the tools (`npm run tools`:
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd).
#
# kind's own build fetches pause, etcd, CoreDNS, kindnetd and the
# local-path-provisioner images from registries inside its build container;
# here every image is built locally and imported into the node's containerd,
# and the build fails naming any image kubeadm or the manifests need that is
# not among them. Timings per component go to $CACHE/images/<image>.timings.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${HOTSWAP_TOOLS_CACHE:-$HOME/.cache/hotswap-tools}
version() { node -p "require('$REPO/src/tools/pinned-versions.json')['$1']"; }
K8S=$(version kubernetes)
ETCD=$(version etcd)
KIND_MOD=sigs.k8s.io/kind@$(version kind)
# The versions kind v0.33.0's images/base/Dockerfile builds; CoreDNS as kubeadm pins it.
declare -A VERSIONS=(
  [kubernetes]=$K8S [pause]=$K8S [containerd]=v2.3.4 [runc]=v1.4.3 [crictl]=v1.36.0
  [cni-plugins]=v1.9.1 [coredns]=v1.14.2 [local-path-provisioner]=v0.0.30
)
COMPONENTS=(kubernetes containerd runc crictl cni-plugins coredns local-path-provisioner pause)
NODE_PACKAGES=systemd,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,curl,jq,procps
LOCAL_BASE=hotswap-local/debian:bookworm
IPTABLES_IMAGE=hotswap-local/debian-iptables:bookworm

hash_of() { cat "$@" | sha256sum | cut -c1-12; }
COMPONENT_RECIPE=$(hash_of "$REPO/tools/build-node-component.sh")
RECIPE=$(hash_of "${BASH_SOURCE[0]}" "$REPO/tools/build-node-component.sh" "$REPO"/tools/kind-node/* \
  "$REPO/tools/runc-caps/main.go" <(declare -p VERSIONS; echo "$NODE_PACKAGES $ETCD $KIND_MOD"))
IMAGE=hotswap-local/kind-node:$K8S
# The archive name also says whether the node's containerd runs runc through
# runc-caps (decided by the engine it is built on): set in main.
ARCHIVE='' TIMINGS='' NODE_RUNC=''

log() { printf 'kind-node-image: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
timed() { # timed <label> <command>...: runs it, appends "<label> <seconds>" to the timings
  local started=$SECONDS
  "${@:2}"
  echo "$1 $((SECONDS - started))" >>"$TIMINGS.partial"
  log "$1: $((SECONDS - started)) s"
}

# ---- components ----------------------------------------------------------

component_dir() { echo "$CACHE/node-components/$1-${VERSIONS[$1]}-$COMPONENT_RECIPE"; }

build_component() {
  local dir
  dir=$(component_dir "$1")
  [ -f "$dir/.done" ] && return 0
  rm -rf "$dir"
  log "building $1 ${VERSIONS[$1]} from the Go module proxy"
  # runc is built with cgo and seccomp support (RuntimeDefault profiles).
  if [ "$1" = runc ] && ! pkg-config --exists libseccomp 2>/dev/null; then
    die "runc needs gcc, pkg-config and libseccomp's headers (Debian: apt-get install gcc pkg-config libseccomp-dev)"
  fi
  bash "$REPO/tools/build-node-component.sh" "$1" "${VERSIONS[$1]}" "$dir" >"$dir.log" 2>&1 ||
    { tail -20 "$dir.log" >&2; die "$1 failed to build (log: $dir.log)"; }
  touch "$dir/.done"
}

tool_binary() { # a binary `npm run tools` built: <tool> <version>
  local bin=$CACHE/binaries/$1-$2/$1
  [ -x "$bin" ] || die "$bin is missing: run 'npm run tools' first"
  echo "$bin"
}

# ---- images for the node's containerd ------------------------------------

# A single-binary image: the binary at /usr/local/bin, as the official images.
binary_image() { # binary_image <name:tag> <binary> [entrypoint-json]
  local stage
  stage=$(mktemp -d)
  mkdir -p "$stage/usr/local/bin" "$stage/etc" "$stage/tmp"
  # mktemp's 0700 would become the image's / and lock out non-root containers.
  chmod 0755 "$stage" && chmod 1777 "$stage/tmp"
  cp "$2" "$stage/usr/local/bin/"
  echo 'root:x:0:0:root:/root:/sbin/nologin' >"$stage/etc/passwd"
  local changes=(--change 'ENV PATH=/usr/local/bin:/usr/bin:/bin')
  [ -n "${3:-}" ] && changes+=(--change "ENTRYPOINT $3")
  tar -C "$stage" -c . | docker import "${changes[@]}" - "$1" >/dev/null
  rm -rf "$stage"
}

# Debian with iptables/nftables: the base of kube-proxy and of the CNI pod.
iptables_image() {
  docker image inspect "$IPTABLES_IMAGE" >/dev/null 2>&1 && return 0
  local ctx
  ctx=$(mktemp -d)
  cp "$REPO/tools/kind-node/iptables-wrapper" "$ctx/"
  cat >"$ctx/Dockerfile" <<EOF
FROM $LOCAL_BASE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      iptables nftables conntrack >/dev/null && rm -rf /var/lib/apt/lists/*
COPY iptables-wrapper /usr/sbin/iptables-wrapper
RUN chmod 0755 /usr/sbin/iptables-wrapper && for c in iptables iptables-save iptables-restore \
      ip6tables ip6tables-save ip6tables-restore; do ln -sf iptables-wrapper /usr/sbin/\$c; done
EOF
  nice -n 15 docker build --network host -q -t "$IPTABLES_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
}

kube_proxy_image() { # kube_proxy_image <name:tag>
  local ctx
  ctx=$(mktemp -d)
  cp "$(component_dir kubernetes)/kube-proxy" "$ctx/"
  printf 'FROM %s\nCOPY kube-proxy /usr/local/bin/kube-proxy\n' "$IPTABLES_IMAGE" >"$ctx/Dockerfile"
  docker build -q -t "$1" "$ctx" >/dev/null
  rm -rf "$ctx"
}

single_binary_images() {
  local k=registry.k8s.io
  binary_image "$k/kube-apiserver:$K8S" "$(tool_binary kube-apiserver "$K8S")"
  binary_image "$k/kube-controller-manager:$K8S" "$(tool_binary kube-controller-manager "$K8S")"
  binary_image "$k/kube-scheduler:$K8S" "$(tool_binary kube-scheduler "$K8S")"
  binary_image "$k/etcd:${ETCD#v}-0" "$(tool_binary etcd "$ETCD")"
  binary_image "$k/coredns/coredns:${VERSIONS[coredns]}" "$(component_dir coredns)/coredns" '["/usr/local/bin/coredns"]'
  # The tag containerd's sandbox_image names (kind's config), as kind's build replaces kubeadm's pause.
  binary_image "$k/pause:3.10" "$(component_dir pause)/pause" '["/usr/local/bin/pause"]'
  binary_image "$PROVISIONER_IMAGE" "$(component_dir local-path-provisioner)/local-path-provisioner"
  # The helper needs only sh, mkdir and rm: the local Debian base.
  docker tag "$LOCAL_BASE" "$HELPER_IMAGE"
}

save_archive() { docker save "$IMAGE" >"$ARCHIVE.partial"; }

# ---- the node ------------------------------------------------------------

kind_src() { (cd "$(mktemp -d)" && go mod download -json "$KIND_MOD" | sed -n 's/.*"Dir": "\(.*\)",/\1/p'); }

# images/base: Debian with the node packages (debootstrap, no registry), kind's
# files, containerd, runc, crictl and the CNI plugins.
base_image() { # base_image <name>
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  local tarball
  tarball=$CACHE/images/kind-base-rootfs-$(hash_of <(echo "$NODE_PACKAGES")).tar.gz
  if [ ! -s "$tarball" ]; then
    local root
    root=$(mktemp -d)
    log "debootstrap bookworm with the node packages"
    nice -n 15 debootstrap --variant=minbase --include="$NODE_PACKAGES" bookworm "$root" \
      "$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)" \
      >"$tarball.log" 2>&1 || { tail -5 "$tarball.log" >&2; die "debootstrap failed (log: $tarball.log)"; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | nice -n 15 gzip -1 >"$tarball.partial" && mv "$tarball.partial" "$tarball"
    rm -rf "$root"
  fi
  local files c
  files=$(kind_src)/images/base/files
  docker import "$tarball" "$1-rootfs" >/dev/null
  c=$(docker run -d --entrypoint=sleep --security-opt seccomp=unconfined "$1-rootfs" infinity)
  BUILD_CONTAINERS+=("$c")
  # The Dockerfile's COPY lines, then its RUN lines.
  docker cp "$files/." "$c:/"
  docker cp "$(component_dir containerd)/." "$c:/usr/local/bin/"
  docker cp "$(component_dir runc)/runc" "$c:/usr/local/sbin/runc"
  docker cp "$(component_dir crictl)/crictl" "$c:/usr/local/bin/"
  docker exec "$c" mkdir -p /opt/cni/bin
  docker cp "$(component_dir cni-plugins)/." "$c:/opt/cni/bin/"
  docker cp "$RUNC_CAPS" "$c:/usr/local/sbin/runc-caps"
  docker exec -i "$c" bash -euc "$(cat <<'EOF'
rm -f /usr/local/bin/.done /opt/cni/bin/.done
chmod 0755 /usr/local/bin/* /usr/local/sbin/* /opt/cni/bin/* /kind /kind/bin /kind/bin/*
find /etc/containerd /etc/default /etc/sysctl.d /etc/systemd/system /etc/crictl.yaml -type f -exec chmod 0644 {} +
find /lib/systemd/system/sysinit.target.wants/ -name "systemd-tmpfiles-setup.service" -delete
rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
  /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
  /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> /etc/systemd/journald.conf
ln -sf /usr/lib/systemd/systemd /sbin/init
systemctl enable kubelet.service containerd.service undo-mount-hacks.service
systemctl mask systemd-binfmt.service
mkdir -p /etc/kubernetes/manifests
ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
  | jq 'del(.process.rlimits)' > /etc/containerd/cri-base.json
containerd --version && runc --version | head -1 && crictl --version
EOF
)"
  if [ "$NODE_RUNC" = runc-caps ]; then
    # The host cannot grant CAP_SYS_RESOURCE: the node's containerd runs runc
    # through the same wrapper as dockerd (privileged pods, OOM score clamps).
    docker exec "$c" sed -i 's#^\(\s*\)SystemdCgroup = true#&\n\1BinaryName = "/usr/local/sbin/runc-caps"#' \
      /etc/containerd/config.toml
  fi
  docker commit --change 'ENV container=docker' \
    --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' "$c" "$1-layer" >/dev/null
  docker rm -f "$c" >/dev/null
  # systemd exits on SIGRTMIN+3 (SIGTERM re-executes it); `docker commit` cannot set that.
  printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\n' "$1-layer" | docker build -q -t "$1" - >/dev/null
  docker rmi "$1-layer" "$1-rootfs" >/dev/null
}

# pkg/build/nodeimage: Kubernetes binaries, /kind/version, the manifests and
# every image the node needs, imported into its containerd; then commit.
node_image() {
  local c
  c=$(docker run -d --entrypoint=sleep --security-opt seccomp=unconfined "$BASE" infinity)
  BUILD_CONTAINERS+=("$c")
  local kdir
  kdir=$(component_dir kubernetes)
  docker cp "$kdir/kubelet" "$c:/usr/bin/kubelet"
  docker cp "$kdir/kubeadm" "$c:/usr/bin/kubeadm"
  docker cp "$(tool_binary kubectl "$K8S")" "$c:/usr/bin/kubectl"
  docker exec "$c" bash -c "chown root:root /usr/bin/kube* && chmod 0755 /usr/bin/kube* && echo -n $K8S > /kind/version"
  docker exec "$c" mkdir -p /kind/manifests
  docker cp "$REPO/tools/kind-node/default-cni.yaml" "$c:/kind/manifests/default-cni.yaml"
  # kind's own storage manifest and image names, from its module.
  local storage
  storage=$(kind_src)/pkg/build/nodeimage/const_storage.go
  # shellcheck disable=SC2016 # backquotes of Go source, not shell
  sed -n '/^const defaultStorageManifest = `/,/^`/p' "$storage" | sed '1d;$d' |
    sed -e "s#\` + storageProvisionerImage + \`#$PROVISIONER_IMAGE#" -e "s#\` + storageHelperImage + \`#$HELPER_IMAGE#" |
    docker exec -i "$c" sh -c 'cat > /kind/manifests/default-storage.yaml'

  local required sandbox
  sandbox=$(docker exec "$c" sed -n 's/^\s*sandbox_image = "\(.*\)"/\1/p' /etc/containerd/config.toml)
  required=$(docker exec "$c" kubeadm config images list --kubernetes-version "$K8S" | grep -v pause)
  required+=$'\n'"$sandbox"$'\n'"$IPTABLES_IMAGE"$'\n'"$PROVISIONER_IMAGE"$'\n'"$HELPER_IMAGE"

  docker exec -d "$c" bash -c 'containerd > /var/log/build-containerd.log 2>&1'
  docker exec "$c" bash -c 'for i in $(seq 1 50); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1' ||
    die "containerd in the build container did not start"
  local image
  for image in $required; do
    docker image inspect "$image" >/dev/null 2>&1 ||
      die "image $image is required by the node but was not built (kubeadm config images list, containerd's sandbox_image or a manifest)"
  done
  # One archive: layers shared by several images (Debian, iptables) are stored once.
  # shellcheck disable=SC2086
  docker save $required | docker exec -i "$c" ctr --namespace=k8s.io images import \
    --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests - >/dev/null
  local imported
  imported=$(docker exec "$c" ctr --namespace=k8s.io images list -q)
  for image in $required; do
    grep -qxF "$(normalized "$image")" <<<"$imported" || die "image $image did not import into the node"
  done
  docker exec "$c" pkill containerd
  docker exec "$c" bash -c 'while pgrep -x containerd >/dev/null; do sleep 0.2; done; rm -f /var/log/build-containerd.log'
  docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' "$c" "$IMAGE" >/dev/null
  docker rm -f -v "$c" >/dev/null
}

# How containerd names an image reference (docker.io/library/ prefixes).
normalized() {
  local ref=$1
  case "${ref%%/*}" in
  *.* | *:* | localhost) ;;
  *) [[ $ref == */* ]] && ref=docker.io/$ref || ref=docker.io/library/$ref ;;
  esac
  echo "$ref"
}

# Build containers still running when the script stops (a failed step) are removed.
BUILD_CONTAINERS=()
cleanup() {
  local c
  for c in "${BUILD_CONTAINERS[@]}"; do docker rm -f -v "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

build() {
  rm -f "$TIMINGS.partial"
  local started=$SECONDS c
  # Checked up front: a missing tool inside $(...) would not stop the script.
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do tool_binary "$c" "$K8S" >/dev/null; done
  tool_binary etcd "$ETCD" >/dev/null
  for c in "${COMPONENTS[@]}"; do
    [ -f "$(component_dir "$c")/.done" ] && continue
    timed "component:$c" build_component "$c"
  done
  RUNC_CAPS=$(bash "$REPO/scripts/docker-engine.sh" runc-caps)
  BASE=hotswap-local/kind-base:$RECIPE
  timed "image:base (debootstrap + kind images/base)" base_image "$BASE"
  timed "image:debian-iptables" iptables_image

  local src
  src=$(kind_src)/pkg/build/nodeimage/const_storage.go
  PROVISIONER_IMAGE=$(sed -n 's/^const storageProvisionerImage = "\(.*\)"/\1/p' "$src")
  HELPER_IMAGE=$(sed -n 's/^const storageHelperImage = "\(.*\)"/\1/p' "$src")
  timed "image:control-plane+etcd+coredns+pause+storage" single_binary_images
  timed "image:kube-proxy" kube_proxy_image "registry.k8s.io/kube-proxy:$K8S"
  local previous
  previous=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  timed "node image (import into containerd, commit)" node_image
  # Earlier builds' base and node images are not needed any more (about 1.5 GB).
  docker images --format '{{.Repository}}:{{.Tag}}' hotswap-local/kind-base | grep -vxF "$BASE" |
    xargs -r docker rmi >/dev/null 2>&1 || true
  if [ -n "$previous" ]; then docker rmi "$previous" >/dev/null 2>&1 || true; fi
  timed "docker save" save_archive
  docker image inspect --format '{{.Id}}' "$IMAGE" >"$ARCHIVE.id"
  mv "$ARCHIVE.partial" "$ARCHIVE"
  echo "total $((SECONDS - started))" >>"$TIMINGS.partial"
  mv "$TIMINGS.partial" "$TIMINGS"
  log "built $IMAGE ($(cat "$ARCHIVE.id")) in $((SECONDS - started)) s; archive $ARCHIVE"
}

main() {
  mkdir -p "$CACHE/images" "$CACHE/node-components"
  NODE_RUNC=$(docker info --format '{{.DefaultRuntime}}' 2>/dev/null) ||
    die "no Docker engine answers: run 'npm run docker:up' first"
  [ "$NODE_RUNC" = runc-caps ] || NODE_RUNC=runc
  ARCHIVE=$CACHE/images/kind-node-$K8S-$RECIPE-$NODE_RUNC.tar
  TIMINGS=$ARCHIVE.timings
  if [ -s "$ARCHIVE" ] && [ -s "$ARCHIVE.id" ]; then
    if [ "$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null)" != "$(cat "$ARCHIVE.id")" ]; then
      local started=$SECONDS
      docker load -q -i "$ARCHIVE" >/dev/null
      log "loaded $IMAGE from $ARCHIVE in $((SECONDS - started)) s"
    fi
  else
    # Progress to stderr: stdout carries only the answer.
    build >&2
  fi
  if [ "${1:-}" = archive ]; then echo "$ARCHIVE"; else echo "$IMAGE"; fi
}

# Sourced (to run one step by hand): define only.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
