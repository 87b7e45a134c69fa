"""Runs cells in a fresh minima kernel through jupyter_client, pressing interrupt where asked.

Usage: python3 kernel_interrupt.py CWD STEPS_JSON
STEPS_JSON is a list of {"code": str, "interrupt_after": seconds or null, "timeout": seconds}.
Prints one JSON line: a list of results, one per step, with the execute_reply status, the error
name and value, the seconds the cell took and the seconds from the interrupt to the reply, the
text outputs, and whether the kernel was alive afterwards. Steps after a dead kernel or a timeout
are not run.
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager


def run_step(km, kc, step):
    msg_id = kc.execute(step["code"])
    started = time.time()
    interrupt_after = step.get("interrupt_after")
    timeout = step.get("timeout", 60)
    interrupted_at = None
    outputs = []
    result = {"status": None}
    while True:
        now = time.time()
        if interrupt_after is not None and interrupted_at is None and now - started >= interrupt_after:
            km.interrupt_kernel()
            interrupted_at = time.time()
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
        except Exception:
            if not km.is_alive():
                result["status"] = "dead"
                break
            if time.time() - started > timeout:
                result["status"] = "timeout"
                break
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            # Deno's kernel can publish a result just after its idle: listen a little longer.
            late_until = time.time() + 0.5
            while time.time() < late_until:
                try:
                    late = kc.get_iopub_msg(timeout=0.1)
                except Exception:
                    continue
                if late["parent_header"].get("msg_id") != msg_id:
                    continue
                if late["msg_type"] == "stream":
                    outputs.append(late["content"]["text"])
                elif late["msg_type"] in ("execute_result", "display_data"):
                    outputs.append(late["content"]["data"].get("text/plain", ""))
            break
        if kind == "stream":
            outputs.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            outputs.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            outputs.append(f"{content['ename']}: {content['evalue']}")
    if result["status"] is None:
        reply = kc.get_shell_msg(timeout=10)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=10)
        result["status"] = reply["content"]["status"]
        result["ename"] = reply["content"].get("ename")
        result["evalue"] = reply["content"].get("evalue")
    ended = time.time()
    result["seconds"] = round(ended - started, 3)
    result["after_interrupt"] = None if interrupted_at is None else round(ended - interrupted_at, 3)
    result["outputs"] = outputs
    result["alive"] = km.is_alive()
    return result


def main():
    cwd, steps = sys.argv[1], json.loads(sys.argv[2])
    km = KernelManager(kernel_name="minima")
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=120)
        for step in steps:
            result = run_step(km, kc, step)
            results.append(result)
            if result["status"] in ("dead", "timeout"):
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
