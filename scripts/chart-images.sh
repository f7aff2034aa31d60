#!/usr/bin/env bash
# Images for chart/hotswap built on a machine that cannot pull any: the
# stand-in API from stand-in/Dockerfile on a local Node.js base, PostgreSQL
# from Debian's packages (non-root, uid 999, an entrypoint doing what the
# chart needs of the official one), and curl for the `helm test` pod. Also
# Alertmanager from its Go module, the public application whose public chart
# the kind tests deploy. Each is built on the local Debian base
# (scripts/docker-engine.sh up) and rebuilt only when its recipe changes.
#
#   scripts/chart-images.sh   # prints name=image lines: api, postgresql, curl, alertmanager
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

# The version the vendored chart (test/fixtures/charts/alertmanager) names as its appVersion.
ALERTMANAGER_VERSION=v0.34.0
CACHE=${HOTSWAP_TOOLS_CACHE:-$HOME/.cache/hotswap-tools}
am_bin=$CACHE/binaries/alertmanager-$ALERTMANAGER_VERSION
if [ ! -x "$am_bin/alertmanager" ]; then
  started=$SECONDS
  nice -n 15 bash "$REPO/tools/build-from-source.sh" alertmanager "$ALERTMANAGER_VERSION" "$am_bin.partial" >"$am_bin.log" 2>&1 ||
    { tail -20 "$am_bin.log" >&2; log "alertmanager failed to build (log: $am_bin.log)"; exit 1; }
  rm -rf "$am_bin" && mv "$am_bin.partial" "$am_bin"
  log "alertmanager $ALERTMANAGER_VERSION built from its Go module in $((SECONDS - started)) s"
fi
alertmanager=hotswap-local/alertmanager:$ALERTMANAGER_VERSION-$(key "$DIR/alertmanager.Dockerfile" "$am_bin/alertmanager")
if ! have "$alertmanager"; then
  context
  cp "$am_bin/alertmanager" "$ctx/"
  build "$alertmanager" "$DIR/alertmanager.Dockerfile" "$ctx"
fi

echo "api=$api"
echo "postgresql=$postgres"
echo "curl=$curl"
echo "alertmanager=$alertmanager"
