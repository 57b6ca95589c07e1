#!/bin/sh
# Installs the plumbing CLI on this machine the way images/plumbing/Dockerfile installs it in the
# image: one bundled file at /usr/local/lib/plumbing/plumbing.mjs and /usr/local/bin/plumbing.
# `plumbing run` executes steps on the host (images are not pulled), so the catalog tasks that use
# the plumbing image (plumbing-check, deploy) find the CLI there. Needs root and a built CLI
# (npx turbo run build). PREFIX overrides /usr/local. Safe to run twice.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
prefix="${PREFIX:-/usr/local}"
[ -f "$repo/packages/cli/dist/main.js" ] || { echo "install-host: build the CLI first (npx turbo run build)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && npx --no-install rolldown packages/cli/bin/plumbing.js --platform node --format esm --no-codeSplitting -o "$tmp/plumbing.mjs" >/dev/null)
mkdir -p "$prefix/lib/plumbing" "$prefix/bin"
# Unique temporary names, then rename: a concurrent install or a running step never sees half a file.
cp "$tmp/plumbing.mjs" "$prefix/lib/plumbing/plumbing.mjs.new.$$"
mv -f "$prefix/lib/plumbing/plumbing.mjs.new.$$" "$prefix/lib/plumbing/plumbing.mjs"
printf '#!/bin/sh\nexec node %s/lib/plumbing/plumbing.mjs "$@"\n' "$prefix" > "$prefix/bin/plumbing.new.$$"
chmod 755 "$prefix/bin/plumbing.new.$$"
mv -f "$prefix/bin/plumbing.new.$$" "$prefix/bin/plumbing"
echo "install-host: $prefix/bin/plumbing ($(node "$prefix/lib/plumbing/plumbing.mjs" --version 2>/dev/null || echo bundled))"
