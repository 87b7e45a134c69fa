#!/bin/sh
# Starts Deno's built-in Jupyter kernel for minima. Jupyter runs this with the notebook's folder as
# the working directory and the connection file as $1; kernel.json's env gives MINIMA_ROOT (the
# project) and MINIMA_DENO (the deno binary that installed the kernel).
#
# `deno jupyter` takes no --config: it reads the deno.json found by walking up from its working
# directory. A notebook inside the project finds the project's deno.json, which maps "minima" to
# mod.ts. A notebook elsewhere (no deno.json above it, or one that does not map "minima") gets the
# project as the kernel's working directory, so imports resolve, and MINIMA_NOTEBOOK_DIR, which the
# library uses to move file I/O back to the notebook's folder.
set -eu
conn="$1"
root="${MINIMA_ROOT:?MINIMA_ROOT is not set: reinstall with deno task kernel:install}"
deno="${MINIMA_DENO:-deno}"
if ! command -v "$deno" >/dev/null 2>&1; then
  echo "minima kernel: the deno binary $deno is gone; run deno task kernel:install again" >&2
  exit 1
fi

config=""
dir=$(pwd)
while :; do
  for name in deno.json deno.jsonc; do
    if [ -z "$config" ] && [ -f "$dir/$name" ]; then config="$dir/$name"; fi
  done
  if [ -n "$config" ] || [ "$dir" = "/" ]; then break; fi
  dir=$(dirname "$dir")
done

if [ -z "$config" ] || ! grep -q '"minima"' "$config"; then
  MINIMA_NOTEBOOK_DIR=$(pwd)
  export MINIMA_NOTEBOOK_DIR
  cd "$root"
fi
# The ■ button sends SIGINT, on which Deno's kernel exits and every variable is lost. Deno starts
# with SIGINT ignored; minima, once imported, listens for it and stops the running cell instead
# (lib/display/_interrupt_kernel.ts), reading the connection file named here.
MINIMA_CONNECTION_FILE="$conn"
export MINIMA_CONNECTION_FILE
trap '' INT
exec "$deno" jupyter --kernel --conn "$conn"
