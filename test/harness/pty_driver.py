"""Runs a command in a real pseudo-terminal and plays a script of expect/send steps.

Protocol (one JSON object per line):
  stdin, first line:  {"argv": [...], "env": {...}, "cwd": "...", "timeoutMs": N,
                       "rows": 24, "cols": 200, "steps": [step, ...]}
    step: {"expect": "literal"} or {"expectRe": "python regex"}, then optionally one of
          {"send": "text"}         sent verbatim ("\\r" is Enter, "\\x03" is Ctrl-C)
          {"ask": true}            the driver asks the caller for the text at that moment:
                                   it writes {"need": index} and reads {"text": "..."}
          {"signal": "SIGINT", "target": "child" | "foreground"}
          {"sleepMs": N}
          {"timeoutMs": N}         this step's expect must match within N ms (else the overall bound)
  stdout, last line:  {"done": {"ok": bool, "error": str|null, "step": int|null,
                       "exitStatus": int|null, "signalStatus": int|null, "output": str}}
The child gets the pty as its controlling terminal (pexpect: new session, TIOCSCTTY).
If stdin reaches EOF (the test process died), the child is killed and the driver exits.
"""
import json
import os
import queue
import signal
import sys
import threading
import time

import pexpect


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    spec = json.loads(sys.stdin.readline())
    deadline = time.monotonic() + spec.get("timeoutMs", 20000) / 1000.0
    remaining = lambda: max(0.05, deadline - time.monotonic())
    out = bytearray()

    class Sink:
        def write(self, data):
            out.extend(data)

        def flush(self):
            pass

    child = pexpect.spawn(
        spec["argv"][0], spec["argv"][1:], env=spec["env"], cwd=spec.get("cwd"),
        dimensions=(spec.get("rows", 24), spec.get("cols", 200)), encoding=None, timeout=None,
    )
    child.logfile_read = Sink()

    def finish(ok, error=None, step=None):
        emit({"done": {"ok": ok, "error": error, "step": step, "exitStatus": child.exitstatus,
                       "signalStatus": child.signalstatus,
                       "output": out.decode("utf-8", errors="replace")}})

    def stop(signum, _frame):
        child.terminate(force=True)
        finish(False, "driver stopped by signal %d" % signum)
        sys.exit(1)

    signal.signal(signal.SIGTERM, stop)

    # Replies to "need" arrive on stdin. EOF there means the test process is gone (even if it
    # was SIGKILLed): take the child down with us rather than leave it running.
    replies = queue.Queue()

    def read_replies():
        for line in sys.stdin:
            replies.put(json.loads(line)["text"])
        child.terminate(force=True)
        os._exit(1)

    threading.Thread(target=read_replies, daemon=True).start()

    for i, step in enumerate(spec["steps"]):
        bound = remaining()
        if "timeoutMs" in step:
            bound = min(bound, step["timeoutMs"] / 1000.0)
        try:
            if "expect" in step:
                child.expect_exact(step["expect"].encode(), timeout=bound)
            elif "expectRe" in step:
                child.expect(step["expectRe"].encode(), timeout=bound)
        except pexpect.TIMEOUT:
            child.terminate(force=True)
            within = " within %d ms" % step["timeoutMs"] if "timeoutMs" in step else ""
            return finish(False, "timed out waiting for %r%s" % (step.get("expect") or step.get("expectRe"), within), i)
        except pexpect.EOF:
            child.wait()
            return finish(False, "the program ended before %r appeared" % (step.get("expect") or step.get("expectRe")), i)
        if "send" in step:
            child.send(step["send"].encode())
        elif step.get("ask"):
            emit({"need": i})
            child.send(replies.get().encode())
        elif "signal" in step:
            sig = getattr(signal, step["signal"])
            if step.get("target") == "foreground":
                os.killpg(os.tcgetpgrp(child.child_fd), sig)
            else:
                os.kill(child.pid, sig)
        if "sleepMs" in step:
            time.sleep(step["sleepMs"] / 1000.0)

    try:
        child.expect(pexpect.EOF, timeout=remaining())
    except pexpect.TIMEOUT:
        child.terminate(force=True)
        return finish(False, "timed out waiting for the program to end")
    while child.isalive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if child.isalive():
        child.terminate(force=True)
        return finish(False, "the program closed the terminal but did not exit")
    finish(True)


if __name__ == "__main__":
    main()
