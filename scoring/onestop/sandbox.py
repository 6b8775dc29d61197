"""Reading an uploaded file in a child process with a memory and CPU-time limit.

The measurement of ``readers.measure_xlsx`` refuses absurd sheets before any cell
is read; this is the last guard, for what it misses (a crafted file, a reader
bug). ``run_limited`` forks the current process (the web process in the embedded
set-up, the Celery pool process in production: the same code path), and the child

- gives up the database: the parent's connections are cut in the child, so a
  query there fails instead of talking over the parent's socket;
- sets ``RLIMIT_AS`` to its current address space plus
  ``ONESTOP_PARSE_MEMORY_MB`` and ``RLIMIT_CPU`` to ``ONESTOP_PARSE_CPU_SECONDS``
  (no core file);
- runs the function and sends its result back over a pipe (``marshal`` frames:
  the rows it returns are plain tuples, which marshal moves several times faster
  than pickle), asking the parent for database answers through ``ask``.

A child that dies (SIGABRT when the Rust reader cannot allocate, SIGXCPU/SIGKILL
at the CPU limit, ``MemoryError``) becomes ``FileRejected("Tệp không đọc
được: …")``: the batch shows it, the parent process goes on. ``fork`` (not a
fresh interpreter) keeps the cost to a few milliseconds and lets the child use
what the parent loaded (the validation context, the vocabularies); Celery's
billiard pool processes are daemonic, which ``multiprocessing`` would refuse, so
this uses ``os.fork`` itself.

``last_run`` keeps the figures of the latest child (peak RSS in MB, CPU and wall
seconds, the signal that ended it): the hostile-file tests and
``bench/hostile_bench.py`` read them.
"""

from __future__ import annotations

import marshal
import os
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

from .readers import FileRejected

_HEADER = struct.Struct("!Q")

#: Figures of the latest child: {"peak_rss_mb", "cpu_s", "wall_s", "signal", "limit_mb", "cpu_limit_s"}
#: (+ "stopped_by_measurement" when the measurement refused the file and killed it).
last_run: dict[str, Any] = {}


class ChildError(RuntimeError):
    """The function raised something other than ``FileRejected`` in the child (a bug):
    the parse fails as a system error, as it would have in the parent."""


def _send(fd: int, obj: Any) -> None:
    payload = marshal.dumps(obj)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes | None:
    chunks = []
    while size:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 22))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int, deadline: float | None = None) -> Any:
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(head)[0], deadline)
    if body is None:
        return None
    return marshal.loads(body)


def _address_space() -> int:
    """Bytes of virtual memory the process maps now (VmSize)."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _cut_database() -> None:
    from django.db import connections

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the parse child has no database connection (ask the parent through `ask`)")

    for conn in connections.all(initialized_only=True):
        conn.connection = None  # never closed here: the socket is the parent's
        conn.ensure_connection = refuse  # type: ignore[method-assign]
        conn.connect = refuse  # type: ignore[method-assign]


def _lower(kind: int, soft: int, hard: int) -> None:
    """Set a limit, never above the hard limit the process already has (a container's
    ulimit): raising it would fail and leave the child unlimited."""
    _, current = resource.getrlimit(kind)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(kind, (soft, hard))


def _limit(memory_mb: int, cpu_s: int) -> None:
    _lower(resource.RLIMIT_CORE, 0, 0)
    if memory_mb > 0:
        ceiling = _address_space() + memory_mb * 1024 * 1024
        _lower(resource.RLIMIT_AS, ceiling, ceiling)
    if cpu_s > 0:
        # SIGXCPU at the soft limit (default action: terminate), SIGKILL at the hard one.
        _lower(resource.RLIMIT_CPU, cpu_s, cpu_s + 2)


def _child(fn: Callable[..., Any], args: tuple, to_parent: int, from_parent: int, memory_mb: int, cpu_s: int) -> None:
    code = 0
    try:
        _cut_database()
        _limit(memory_mb, cpu_s)

        def ask(kind: str, payload: Any) -> Any:
            _send(to_parent, ("ask", kind, payload))
            return _receive(from_parent)

        try:
            result = fn(*args, ask)
            _send(to_parent, ("ok", result))
        except FileRejected as exc:
            _send(to_parent, ("rejected", str(exc), getattr(exc, "reading", None) or {}))
        except MemoryError:
            _send(to_parent, ("memory",))
        except RecursionError:
            _send(to_parent, ("rejected", "Tệp không đọc được: cấu trúc tệp lồng nhau quá sâu.", {}))
        except Exception as exc:  # noqa: BLE001 - a bug: the parent reports it as a system error
            _send(to_parent, ("error", exc.__class__.__name__, str(exc)[:500]))
    except BaseException as exc:  # noqa: BLE001 - nothing may escape the child: it must not run the parent's code on
        code = 70
        try:
            _send(to_parent, ("error", exc.__class__.__name__, f"parse child: {exc}"[:500]))
        except BaseException:  # noqa: BLE001, S110 - the pipe is gone: the exit code says it
            pass
    finally:
        os._exit(code)


def run_limited(fn: Callable[..., Any], *args: Any, answer: Callable[[str, Any], Any] | None = None,
                progress: Callable[[int], None] | None = None, alongside: Callable[[], None] | None = None) -> Any:
    """``fn(*args, ask)`` in a forked child under the parse limits; its result.

    ``fn`` returns something ``marshal`` can carry (tuples, lists, dicts, str,
    int, float, bool, None) and may call ``ask(kind, payload)``: the parent runs
    ``answer(kind, payload)`` (a database lookup) and the child gets its value;
    ``ask("progress", pct)`` calls ``progress(pct)`` instead. Raises
    ``FileRejected`` for what the child refused and for a child that died or ran
    out of memory or CPU time ("Tệp không đọc được: …"), ``ChildError`` for any
    other exception in the child. Limits: settings ``ONESTOP_PARSE_MEMORY_MB``
    (address space the child may add to the parent's), ``ONESTOP_PARSE_CPU_SECONDS``;
    the parent also waits at most twice the CPU limit plus 30 s of wall time.

    ``alongside``, if given, runs in this process while the child starts (another
    core): the measurement of the file. If it raises, the child is killed and its
    exception propagates, so the measurement's precise refusal wins over whatever
    the child was doing (it is under the limits meanwhile)."""
    memory_mb = settings.ONESTOP_PARSE_MEMORY_MB
    cpu_s = settings.ONESTOP_PARSE_CPU_SECONDS
    child_out, parent_in = os.pipe()  # child → parent
    parent_out, child_in = os.pipe()  # parent → child
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        os.close(child_out)
        os.close(child_in)
        _child(fn, args, parent_in, parent_out, memory_mb, cpu_s)
    os.close(parent_in)
    os.close(parent_out)
    if alongside is not None:
        try:
            alongside()
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.close(child_out)
            os.close(child_in)
            _, _, usage = os.wait4(pid, 0)
            last_run.clear()
            last_run.update({
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                "wall_s": round(time.monotonic() - started, 2), "signal": signal.SIGKILL, "limit_mb": memory_mb,
                "cpu_limit_s": cpu_s, "stopped_by_measurement": True,
            })
            raise
    deadline = started + (2 * cpu_s + 30 if cpu_s > 0 else 3600)
    message: Any = None
    try:
        while True:
            try:
                message = _receive(child_out, deadline)
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                message = None
                break
            if message is None or message[0] != "ask":
                break
            _, kind, payload = message
            if kind == "progress":
                if progress is not None:
                    progress(payload)
                reply = None
            else:
                reply = answer(kind, payload) if answer is not None else None
            try:
                _send(child_in, reply)
            except BrokenPipeError:
                message = None
                break
    finally:
        os.close(child_out)
        os.close(child_in)
        _, status, usage = os.wait4(pid, 0)
    dead = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    last_run.clear()
    last_run.update({
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "wall_s": round(time.monotonic() - started, 2), "signal": dead, "limit_mb": memory_mb, "cpu_limit_s": cpu_s,
    })
    if message is None:  # no complete answer: the child died, or never started its work
        if dead is None:
            raise ChildError(f"parse child exited with status {os.WEXITSTATUS(status)} without an answer")
        raise FileRejected(_death_message(dead, usage, memory_mb, cpu_s, time.monotonic() - started))
    if message[0] == "ok":
        return message[1]
    if message[0] == "rejected":
        exc = FileRejected(message[1])
        exc.reading = message[2]
        raise exc
    if message[0] == "memory":
        raise FileRejected(_death_message(signal.SIGABRT, usage, memory_mb, cpu_s, 0))
    raise ChildError(f"{message[1]}: {message[2]}")


def _death_message(sig: int | None, usage: Any, memory_mb: int, cpu_s: int, wall: float) -> str:
    cpu = usage.ru_utime + usage.ru_stime
    # SIGXCPU is the CPU limit itself; SIGKILL is its hard limit (or the kernel's OOM killer).
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_s and cpu >= 0.8 * cpu_s):
        why = f"việc đọc tệp dùng quá {cpu_s} giây xử lý"
    elif cpu_s and wall >= 2 * cpu_s + 30:
        why = f"việc đọc tệp không xong sau {int(wall)} giây"
    else:
        why = f"việc đọc tệp cần quá {memory_mb} MB bộ nhớ"
    return (
        f"Tệp không đọc được: {why} (giới hạn của hệ thống), nên đã dừng; không có số liệu nào được ghi nhận. "
        f"Tệp thường có vùng dữ liệu khai báo rất lớn hoặc bị hỏng: hãy mở bằng Excel, xóa các dòng, cột thừa, "
        f"lưu lại thành .xlsx rồi tải lên lại."
    )
