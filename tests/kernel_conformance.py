"""Runs the official Jupyter kernel test suite (jupyter_kernel_test) against the minima kernel.

Prints one JSON line: {"results": {test_name: "pass" | "fail" | "error" | "skip", ...},
"messages": {test_name: first line of the failure}}. The Deno test beside it decides which
results are expected (tests/kernel_conformance_test.ts) and the README reports them.
"""
import json
import sys
import unittest

import jupyter_kernel_test
from jupyter_kernel_test import KernelTests

# Deno's kernel does not answer history and inspect requests: wait 5 s for them, not 15.
jupyter_kernel_test.TIMEOUT = 5


class MinimaKernelTests(KernelTests):
    kernel_name = "minima"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    completion_samples = [{"text": "Math.ab", "matches": {"abs"}}]
    complete_code_samples = ["1 + 1", "const x = 1;", "function f() { return 1; }"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,"]
    invalid_code_samples = []
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": '"a" + "b"', "result": '"ab"'}]
    code_display_data = [
        {
            "code": 'await Deno.jupyter.display({"text/plain": "shown", "text/html": "<b>shown</b>"}, {raw: true}); await new Promise((r) => setTimeout(r, 15));',
            "mime": "text/html",
        }
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    # The settle after each message: Deno can publish output after the idle otherwise (see README).
    code_clear_output = 'await Deno.jupyter.broadcast("clear_output", { wait: false }); await new Promise((r) => setTimeout(r, 15));'

    def history_helper(self, execute_first, timeout=5, **histargs):
        return super().history_helper(execute_first, timeout=timeout, **histargs)


class Collect(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.outcome = {}
        self.message = {}

    def _name(self, test):
        # Sub-tests report as "test_history (hist_access_type='range')": count them under their test.
        return test.id().split(".")[-1].split(" ")[0]

    def addSuccess(self, test):
        self.outcome.setdefault(self._name(test), "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcome[self._name(test)] = "fail"
        self.message[self._name(test)] = str(err[1]).strip().splitlines()[0][:200] if str(err[1]).strip() else err[0].__name__

    def addError(self, test, err):
        super().addError(test, err)
        self.outcome[self._name(test)] = "error"
        self.message[self._name(test)] = f"{err[0].__name__}: {str(err[1]).strip()[:200]}"

    def addSkip(self, test, reason):
        self.outcome.setdefault(self._name(test), "skip")

    def addSubTest(self, test, subtest, err):
        name = self._name(test)
        if err is not None:
            if issubclass(err[0], unittest.SkipTest):
                return
            kind = "fail" if issubclass(err[0], AssertionError) else "error"
            self.outcome[name] = kind
            self.message.setdefault(name, f"{subtest._subDescription()}: {err[0].__name__} {str(err[1]).strip()[:160]}")


def main():
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(MinimaKernelTests)
    result = Collect()
    suite.run(result)
    print(json.dumps({"results": result.outcome, "messages": result.message}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
