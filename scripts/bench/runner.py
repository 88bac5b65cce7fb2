# The bench's process runner. Node cannot report a child's CPU time, Python's os.wait4 can.
# Reads one JSON request per line on stdin: {"argv": [...], "env": {...}, "capMs": n}; runs it
# with stdin, stdout and stderr on /dev/null; answers one JSON line:
#   {"wall": ms, "cpu": ms, "status": exit code or -signal, "overCap": bool}
# cpu is user + system time of the process and of the children it waited for (mfa-exec's
# target), which a busy machine disturbs much less than wall time.
import json, os, signal, sys, threading, time

devnull = os.open(os.devnull, os.O_RDWR)
for line in sys.stdin:
    req = json.loads(line)
    started = time.perf_counter_ns()
    pid = os.posix_spawn(req['argv'][0], req['argv'], req['env'],
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, fd) for fd in (0, 1, 2)])
    killed = threading.Event()

    def kill(pid=pid, killed=killed):
        killed.set()
        os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(req['capMs'] / 1000, kill)
    timer.start()
    _, status, usage = os.wait4(pid, 0)
    timer.cancel()
    wall = (time.perf_counter_ns() - started) / 1e6
    sys.stdout.write(json.dumps({
        'wall': wall,
        'cpu': (usage.ru_utime + usage.ru_stime) * 1000,
        'status': os.waitstatus_to_exitcode(status),
        'overCap': killed.is_set(),
    }) + '\n')
    sys.stdout.flush()
