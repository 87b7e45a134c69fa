"""Executes one notebook through the real Jupyter client (nbclient) and writes the result.

Usage: python3 execute_notebook.py IN.ipynb OUT.ipynb [--kernel minima] [--timeout 900] [--cwd DIR]

The kernel starts in DIR (default: IN's folder), so a notebook given with injected parameters
from another folder still runs where its source is.

The executed notebook is written even when a cell fails (with the outputs up to the failure),
and says in its metadata (minima.failure) how the run ended early: a cell that raised, a cell that
timed out, or a kernel that died, with the cell and the kernel's exit status, so that a report can
name a death instead of listing only the cells after it as not run. The exit status is 0 when
every cell ran, 1 when one did not, 2 for bad arguments. minima's checks (claims, plots, lost
outputs) are made afterwards on the written notebook.

Deno's kernel can publish an output after the idle status of the cell that made it. Jupyter's
front ends still show it in that cell (they route outputs by the request they answer), but
nbclient stops listening to a cell at its idle and drops what comes later. This runner does what
the front ends do: an output that arrives for an earlier cell, while a later one runs, goes to
that earlier cell, and the count of such late outputs is recorded (minima.late_outputs).
"""
import argparse
import json
import os
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import (
    CellExecutionComplete,
    CellExecutionError,
    CellTimeoutError,
    DeadKernelError,
)
from jupyter_client.manager import AsyncKernelManager
from nbclient.util import ensure_async, run_sync


# A notebook that cannot import minima displayed nothing through it: the cell then prints nothing.
SENTINEL = (
    "try {\n"
    '  const { displayedOutputs } = await import("minima");\n'
    "  console.log(JSON.stringify({ minimaOutputsCreated: displayedOutputs() }));\n"
    "} catch { /* not a minima notebook */ }\n"
    "await new Promise((resolve) => setTimeout(resolve, 500));"
)


# Output messages a late arrival can carry (a status or an execute_input of an old request is
# not an output).
LATE_OUTPUT_TYPES = {"display_data", "update_display_data", "execute_result", "stream", "error"}


class LateOutputClient(NotebookClient):
    """nbclient's client, with outputs that arrive after their cell's idle kept in that cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells_by_request = {}
        self.late_outputs = 0

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.cells_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            parent = msg["parent_header"].get("msg_id")
            if parent == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            elif parent in self.cells_by_request and msg["msg_type"] in LATE_OUTPUT_TYPES:
                earlier, earlier_index = self.cells_by_request[parent]
                self.late_outputs += 1
                try:
                    self.process_message(msg, earlier, earlier_index)
                except CellExecutionComplete:
                    pass


def outputs_created(cell):
    """The count the sentinel cell printed, or None when it did not run or its output was lost."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            for line in "".join(out.get("text", "")).splitlines():
                if line.startswith('{"minimaOutputsCreated"'):
                    return json.loads(line)["minimaOutputsCreated"]
    return None


def exit_status(km):
    """The kernel process's exit status once it has ended (negative: the signal that ended it)."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return None
    for _ in range(50):  # the process may take a moment to be reaped after the channels closed
        code = process.poll()
        if code is not None:
            return code
        time.sleep(0.1)
    return None


def describe_status(code):
    """ "exit status 3", or "killed by SIGKILL (signal 9)" for a negative status."""
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "a signal"
        return f"killed by {name} (signal {-code})"
    return f"exit status {code}"


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
    # The runner owns the kernel manager, so that the kernel's exit status can still be read
    # after nbclient gives up on a dead kernel.
    km = AsyncKernelManager(kernel_name=args.kernel)
    client = LateOutputClient(
        nb,
        km=km,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=120,
        resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.notebook))}},
    )
    current = {"cell": None}

    def on_cell_execute(cell, cell_index, **_):
        current["cell"] = cell_index

    client.on_cell_execute = on_cell_execute
    status = 0
    failure = None
    started = time.time()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        status = 1
        first = str(error).strip().splitlines()
        message = first[-1] if first else type(error).__name__
        cell = current["cell"]
        if isinstance(error, DeadKernelError):
            code = exit_status(km)
            failure = {"kind": "kernel died", "cell": cell, "exit_status": code,
                       "status": describe_status(code)}
            print(f"kernel died in cell {cell} ({describe_status(code)})", file=sys.stderr)
        elif isinstance(error, CellTimeoutError):
            failure = {"kind": "cell timed out", "cell": cell, "timeout": args.timeout}
            print(f"cell {cell} timed out after {args.timeout} s", file=sys.stderr)
        else:
            failure = {"kind": "cell raised", "cell": cell, "message": message}
            print(f"cell failed: {message}", file=sys.stderr)
    finally:
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001: the kernel may be gone already
            pass
    nb.cells.remove(sentinel)
    meta = nb.metadata.setdefault("minima", {})
    if failure is not None:
        if failure["cell"] is not None and failure["cell"] >= len(nb.cells):
            failure["cell"] = None  # the sentinel itself: no cell of the notebook
        meta["failure"] = failure
    meta["execution_seconds"] = round(time.time() - started, 2)
    meta["outputs_created"] = outputs_created(sentinel)
    meta["late_outputs"] = client.late_outputs
    nbformat.write(nb, args.output)
    return status


if __name__ == "__main__":
    sys.exit(main())
