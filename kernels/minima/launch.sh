#!/bin/sh
# Starts Deno's built-in Jupyter kernel for minima. Jupyter runs this with the notebook's folder as
# the working directory and the connection file as $1; kernel.json's env gives MINIMA_ROOT (the
# project) and MINIMA_DENO (the deno binary that installed the kernel).
#
# `deno jupyter` takes no --config: it reads the deno.json found by walking up from its working
# directory. A notebook inside the project finds the project's deno.json, which maps "minima" to
# mod.ts. A notebook elsewhere (no deno.json above it, or a nearest one that does not map
# "minima") gets the project as the kernel's working directory, so imports resolve, and
# MINIMA_NOTEBOOK_DIR, which the library uses to move file I/O back to the notebook's folder.
set -eu
conn="$1"
root="${MINIMA_ROOT:?MINIMA_ROOT is not set: reinstall with deno task kernel:install}"
deno="${MINIMA_DENO:-deno}"
if ! command -v "$deno" >/dev/null 2>&1; then
  echo "minima kernel: the deno binary $deno is gone; run deno task kernel:install again" >&2
  exit 1
fi

# The nearest deno.json(c) counts only if its import map has an entry named exactly "minima"
# (find_config.ts parses it, comments and all); a parent folder's file that merely mentions
# minima does not redirect the import. MINIMA_CONFIG names the config in use: minima's first
# output in the kernel says which library and which config it came from.
found=$("$deno" run --no-config --no-lock --quiet --allow-read "$root/kernels/minima/find_config.ts" "$(pwd)" 2>/dev/null || echo project)
case "$found" in
  config*)
    MINIMA_CONFIG=$(printf '%s\n' "$found" | cut -f2)
    ;;
  *)
    MINIMA_NOTEBOOK_DIR=$(pwd)
    export MINIMA_NOTEBOOK_DIR
    MINIMA_CONFIG="$root/deno.json"
    cd "$root"
    ;;
esac
export MINIMA_CONFIG

# The ■ button sends SIGINT, on which Deno's kernel exits and every variable is lost. Deno starts
# with SIGINT ignored; minima, once imported, listens for it and stops the running cell instead
# (lib/display/_interrupt_kernel.ts), reading the connection file named here.
MINIMA_CONNECTION_FILE="$conn"
export MINIMA_CONNECTION_FILE
trap '' INT
exec "$deno" jupyter --kernel --conn "$conn"
