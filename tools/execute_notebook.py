"""Executes one notebook through the real Jupyter client (nbclient) and writes the result.

Usage: python3 execute_notebook.py IN.ipynb OUT.ipynb [--kernel minima] [--timeout 900] [--cwd DIR]

The kernel starts in DIR (default: IN's folder), so a notebook given with injected parameters
from another folder still runs where its source is.

The executed notebook is written even when a cell fails (with the outputs up to the failure);
the exit status is 0 when every cell ran, 1 when a cell raised, 2 for bad arguments.
minima's checks (claims, plots, lost outputs) are made afterwards on the written notebook.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


# A notebook that cannot import minima displayed nothing through it: the cell then prints nothing.
SENTINEL = (
    "try {\n"
    '  const { displayedOutputs } = await import("minima");\n'
    "  console.log(JSON.stringify({ minimaOutputsCreated: displayedOutputs() }));\n"
    "} catch { /* not a minima notebook */ }\n"
    "await new Promise((resolve) => setTimeout(resolve, 500));"
)


def outputs_created(cell):
    """The count the sentinel cell printed, or None when it did not run or its output was lost."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            for line in "".join(out.get("text", "")).splitlines():
                if line.startswith('{"minimaOutputsCreated"'):
                    return json.loads(line)["minimaOutputsCreated"]
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--kernel", default="minima")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--cwd", help="the kernel's working directory (default: IN's folder)")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    # A last cell, removed again before writing, asks the kernel how many outputs minima created:
    # the checker compares it with the numbered outputs that arrived (lost ones leave gaps).
    sentinel = nbformat.v4.new_code_cell(SENTINEL)
    nb.cells.append(sentinel)
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=120,
        resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.notebook))}},
    )
    status = 0
    started = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        status = 1
        first = str(error).strip().splitlines()
        print(f"cell failed: {first[-1] if first else type(error).__name__}", file=sys.stderr)
    nb.cells.remove(sentinel)
    meta = nb.metadata.setdefault("minima", {})
    meta["execution_seconds"] = round(time.time() - started, 2)
    meta["outputs_created"] = outputs_created(sentinel)
    nbformat.write(nb, args.output)
    return status


if __name__ == "__main__":
    sys.exit(main())
