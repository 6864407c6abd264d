"""Run a command as a fresh child and write that child's own peak RSS (KiB) to a file.

Usage: python -I -S _spawn.py REPORT_PATH CMD [ARGS...]

Why a launcher: Linux keeps a process's peak RSS across exec() and takes the peak of the
address space being replaced, which for a child spawned by fork/vfork/posix_spawn is the
parent's. A child of the benchmark driver would therefore never measure less than the
driver itself (`/usr/bin/true` measured 530 MB after the driver allocated 500 MB). This
small process forks the command from its own few megabytes, waits for it with wait4 and
reports the rusage of that one child; its exit status is passed on.
"""
import os
import signal
import sys


def main() -> None:
    report, cmd = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as exc:
            os.write(2, f"{cmd[0]}: {exc}\n".encode())
        os._exit(127)
    # The driver's timeout kills the whole process group; pass other signals on.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: os.kill(pid, s))
    while True:
        try:
            _, status, rusage = os.wait4(pid, 0)
            break
        except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
            continue
    with open(report, "w") as f:
        f.write(f"{rusage.ru_maxrss}\n")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
