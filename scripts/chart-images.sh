#!/usr/bin/env bash
# Images for chart/hotswap built on a machine that cannot pull any: the
# stand-in API from stand-in/Dockerfile on a local Node.js base, PostgreSQL
# from Debian's packages (non-root, uid 999, an entrypoint doing what the
# chart needs of the official one), and curl for the `helm test` pod. Also
# Alertmanager, node_exporter, kube-state-metrics and metrics-server from their Go modules, the public
# applications whose public charts the kind tests deploy. Each is built on
# the local Debian base (scripts/docker-engine.sh up) and rebuilt only when
# its recipe changes.
#
#   scripts/chart-images.sh   # prints name=image lines: api, postgresql, curl, and each public app
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=$REPO/tools/chart-images
NODE_VERSION=$(node --version)

log() { printf 'chart-images: %s\n' "$*" >&2; }
key() { cat "$@" | sha256sum | cut -c1-12; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
contexts=()
trap 'rm -rf "${contexts[@]}"' EXIT
context() { ctx=$(mktemp -d) && contexts+=("$ctx"); } # sets ctx: a build context removed at exit

# build <image> <dockerfile> <context-dir>; --network host: apt and npm reach their registries.
build() {
  have "$1" && return 0
  local started=$SECONDS
  nice -n 15 docker build -q --network host -f "$2" -t "$1" "${@:4}" "$3" >/dev/null 2> >(grep -v -i 'deprecated\|buildx\|docs.docker\|^\s*$' >&2)
  log "$1 built in $((SECONDS - started)) s"
}

docker image inspect hotswap-local/debian:bookworm >/dev/null 2>&1 ||
  { log "no local base image: run 'npm run docker:up' first"; exit 1; }

node_image=hotswap-local/node:${NODE_VERSION#v}-$(key "$DIR/node.Dockerfile")
if ! have "$node_image"; then
  context
  cp "$(command -v node)" "$ctx/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ctx/npm"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
  build "$node_image" "$DIR/node.Dockerfile" "$ctx"
fi

api=hotswap-local/stand-in:$(key "$REPO"/stand-in/{Dockerfile,package.json,package-lock.json,server.mjs} <(echo "$node_image"))
build "$api" "$REPO/stand-in/Dockerfile" "$REPO/stand-in" --build-arg "BASE=$node_image"
postgres=hotswap-local/postgres:15-$(key "$DIR/postgres.Dockerfile" "$DIR/postgres-entrypoint")
build "$postgres" "$DIR/postgres.Dockerfile" "$DIR"
curl=hotswap-local/curl:$(key "$DIR/curl.Dockerfile")
build "$curl" "$DIR/curl.Dockerfile" "$DIR"

CACHE=${HOTSWAP_TOOLS_CACHE:-$HOME/.cache/hotswap-tools}

# public_app <tool> <version> <binary> <dockerfile>: the binary built from its
# Go module (cached), then its image; sets image.
public_app() {
  local tool=$1 version=$2 binary=$3 dockerfile=$DIR/$4
  local bin=$CACHE/binaries/$tool-$version
  if [ ! -x "$bin/$binary" ]; then
    local started=$SECONDS
    nice -n 15 bash "$REPO/tools/build-from-source.sh" "$tool" "$version" "$bin.partial" >"$bin.log" 2>&1 ||
      { tail -20 "$bin.log" >&2; log "$tool failed to build (log: $bin.log)"; exit 1; }
    rm -rf "$bin" && mv "$bin.partial" "$bin"
    log "$tool $version built from its Go module in $((SECONDS - started)) s"
  fi
  image=hotswap-local/$tool:$version-$(key "$dockerfile" "$bin/$binary")
  if ! have "$image"; then
    context
    cp "$bin/$binary" "$ctx/"
    build "$image" "$dockerfile" "$ctx"
  fi
}

# The versions the vendored charts (test/fixtures/charts) name as their appVersion.
public_app alertmanager v0.34.0 alertmanager alertmanager.Dockerfile
alertmanager=$image
public_app node-exporter v1.12.1 node_exporter node-exporter.Dockerfile
node_exporter=$image
public_app kube-state-metrics v2.20.0 kube-state-metrics kube-state-metrics.Dockerfile
kube_state_metrics=$image
public_app metrics-server v0.8.0 metrics-server metrics-server.Dockerfile
metrics_server=$image

echo "api=$api"
echo "postgresql=$postgres"
echo "curl=$curl"
echo "alertmanager=$alertmanager"
echo "nodeExporter=$node_exporter"
echo "kubeStateMetrics=$kube_state_metrics"
echo "metricsServer=$metrics_server"
