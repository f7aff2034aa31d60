#!/usr/bin/env bash
# A Docker engine for the tests, the demo and CI on machines where none answers.
#
#   scripts/docker-engine.sh up     # engine answering + local base image present
#   scripts/docker-engine.sh down   # stops the engine only if `up` started it
#   scripts/docker-engine.sh status
#   scripts/docker-engine.sh runc-caps  # prints the path of the (built) wrapper
#
# `up` installs Debian's docker.io when `docker info` fails, starts dockerd,
# and probes a privileged container. Some VMs lack CAP_SYS_RESOURCE in their
# capability bounding set, so runc cannot start privileged containers there;
# then dockerd is restarted with tools/runc-caps (a runc wrapper that drops
# that capability and clamps negative OOM score adjustments) as its default
# runtime. Nothing can be pulled from an image registry here, so the base image
# (hotswap-local/debian:bookworm) comes from debootstrap + `docker import`,
# cached as a tarball next to the tools (a warm `up` takes seconds).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${HOTSWAP_TOOLS_CACHE:-$HOME/.cache/hotswap-tools}
STATE=${HOTSWAP_DOCKER_STATE:-/run/hotswap-docker}
SOCK=/var/run/docker.sock
BASE_IMAGE=hotswap-local/debian:bookworm
SUITE=bookworm
# Bump when the base image recipe changes: the cached tarball is keyed by it.
BASE_RECIPE=1

log() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

apt_install() { # apt_install <pkg>... (apt-get update once per run)
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  echo "${uri:-http://deb.debian.org/debian}"
}

# The wrapper binary, built once per source version.
runc_caps() {
  local src=$REPO/tools/runc-caps key dir
  key=$(cat "$src/go.mod" "$src/main.go" | sha256sum | cut -c1-12)
  dir=$CACHE/binaries/runc-caps-$key
  if [ ! -x "$dir/runc-caps" ]; then
    log "building the runc wrapper (tools/runc-caps)"
    mkdir -p "$dir"
    (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local nice -n 15 go build -trimpath -ldflags '-s -w' \
      -o "$dir/runc-caps.partial" .)
    mv "$dir/runc-caps.partial" "$dir/runc-caps"
  fi
  echo "$dir/runc-caps"
}

start_dockerd() { # start_dockerd <wrapper> <default-runtime>
  mkdir -p "$STATE"
  # setsid: the engine outlives this script and the caller's process group.
  setsid dockerd --host "unix://$SOCK" --pidfile "$STATE/dockerd.pid" \
    --add-runtime "runc-caps=$1" --default-runtime "$2" \
    >>"$STATE/dockerd.log" 2>&1 </dev/null &
  echo "$2" >"$STATE/runtime"
  local _
  for _ in $(seq 1 60); do
    answers && return 0
    sleep 0.5
  done
  tail -20 "$STATE/dockerd.log" >&2
  die "dockerd did not answer within 30 s (log: $STATE/dockerd.log)"
}

stop_dockerd() {
  local pid
  pid=$(cat "$STATE/dockerd.pid" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local _
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && die "dockerd ($pid) did not stop within 30 s"
  fi
  rm -f "$STATE/dockerd.pid" "$STATE/runtime"
}

ensure_base_image() {
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  local tarball=$CACHE/images/debian-$SUITE-minbase-r$BASE_RECIPE.tar.gz
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || apt_install debootstrap
    local root started=$SECONDS
    root=$(mktemp -d)
    log "debootstrap --variant=minbase $SUITE (about a minute)"
    nice -n 15 debootstrap --variant=minbase "$SUITE" "$root" "$(debian_mirror)" >"$STATE/debootstrap.log" 2>&1 ||
      { tail -5 "$STATE/debootstrap.log" >&2; rm -rf "$root"; die "debootstrap failed (log: $STATE/debootstrap.log)"; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    mkdir -p "$(dirname "$tarball")"
    tar -C "$root" -c . | nice -n 15 gzip -1 >"$tarball.partial"
    mv "$tarball.partial" "$tarball"
    rm -rf "$root"
    log "base image tree built in $((SECONDS - started)) s"
  fi
  docker import --change 'CMD ["/bin/bash"]' "$tarball" "$BASE_IMAGE" >/dev/null
}

privileged_works() {
  docker run --rm --privileged --network none "$BASE_IMAGE" true >/dev/null 2>"$STATE/probe.err"
}

up() {
  mkdir -p "$STATE"
  if answers; then
    if [ -f "$STATE/dockerd.pid" ]; then log "engine already up (ours, runtime $(cat "$STATE/runtime"))"
    else log "engine already answers (not started by this script)"; fi
    ensure_base_image
    return 0
  fi
  command -v dockerd >/dev/null || { log "installing Debian's docker.io"; apt_install docker.io; }
  local wrapper
  wrapper=$(runc_caps)
  start_dockerd "$wrapper" runc
  ensure_base_image
  if privileged_works; then
    log "engine up (runc; privileged containers work)"
    return 0
  fi
  grep -q 'apply caps\|operation not permitted' "$STATE/probe.err" ||
    die "a privileged container fails for another reason: $(tail -1 "$STATE/probe.err")"
  log "privileged containers fail here ($(grep -o 'unable to apply caps[^"]*' "$STATE/probe.err" | head -1)); restarting dockerd with runc-caps as its default runtime"
  stop_dockerd
  start_dockerd "$wrapper" runc-caps
  privileged_works || die "privileged containers still fail: $(tail -1 "$STATE/probe.err")"
  log "engine up (runc-caps; privileged containers work)"
}

down() {
  if [ ! -f "$STATE/dockerd.pid" ]; then
    log "no engine started by this script; nothing to stop"
    return 0
  fi
  stop_dockerd
  log "engine stopped"
}

case "${1:-}" in
up) up ;;
down) down ;;
runc-caps) runc_caps ;;
status)
  if answers; then echo "answering${STATE:+ (started here: $([ -f "$STATE/dockerd.pid" ] && echo yes || echo no))}"
  else echo "not answering"; exit 1; fi
  ;;
*) die "usage: $0 up|down|status|runc-caps" ;;
esac
