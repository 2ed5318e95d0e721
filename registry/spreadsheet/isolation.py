"""Run the reading of an untrusted file in a child process with a memory and time ceiling.

A crafted file can still make a parser allocate without bound (calamine aborts the
whole process when an allocation fails) or spin. In a child, that costs the child: its
address space is capped (RLIMIT_AS), the parent waits only so long, and a child that
dies or overruns becomes a ReadError with a Vietnamese message.

Children come from a "forkserver": a small server process started once per parent
process, which has imported the reader already, so each file costs a fork (a few
milliseconds) rather than a new interpreter. The result travels back pickled; equal
texts and dates are one object each (reader._shared), and pickle keeps them so.
"""

from __future__ import annotations

import multiprocessing
import resource
import traceback
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from registry.spreadsheet.errors import Limits, ReadError

with warnings.catch_warnings():
    # multiprocessing.connection probes for `_winapi`; an import hook installed by a
    # charting library warns about that probe. Import both now, quietly.
    warnings.simplefilter("ignore", ImportWarning)
    import multiprocessing.connection
    import multiprocessing.forkserver

T = TypeVar("T")

# "__main__" first: the server imports the parent's main module once (gunicorn's, flask's
# script) rather than every child importing it again. A script that reads spreadsheets
# must keep its work under `if __name__ == "__main__":`, as multiprocessing asks.
_PRELOAD = ["__main__", "registry.spreadsheet.reader"]
_context: Any = None


def _get_context() -> Any:
    global _context
    if _context is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        _context = ctx
    return _context


def run(func: Callable[..., T], args: tuple, limits: Limits) -> T:
    """func(*args) in a child under limits.memory_mb and limits.seconds; its ReadError
    raised here as it was there; any other end of the child is `reader_failed` (or
    `reader_timeout`)."""
    ctx = _get_context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child, args=(send, limits.memory_mb, func, args), daemon=True, name="reader"
    )
    try:
        child.start()
        send.close()
        if not receive.poll(limits.seconds):
            child.kill()
            raise ReadError("reader_timeout", seconds=round(limits.seconds))
        try:
            outcome, payload = receive.recv()
        except (EOFError, OSError) as exc:
            # The child died (killed at its memory ceiling, or aborted by the parser).
            raise ReadError("reader_failed") from exc
    finally:
        receive.close()
        if not send.closed:
            send.close()
        _stop(child)
    if outcome == "ok":
        return payload
    code, details = payload
    raise ReadError(code, **details)


def _stop(child: Any) -> None:
    if child.pid is None:
        return
    child.join(1)
    if child.is_alive():
        child.kill()
        child.join()
    child.close()


def _child(send: Any, memory_mb: int, func: Callable[..., Any], args: tuple) -> None:
    ceiling = memory_mb << 20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)  # never above a ceiling the parent already has
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    try:
        answer: tuple[str, Any] = ("ok", func(*args))
    except ReadError as error:
        answer = ("error", (error.code, error.details))
    except MemoryError:
        answer = ("error", ("reader_failed", {}))
    except Exception:  # a parser's own error on a malformed file: logged, then refused
        traceback.print_exc()
        answer = ("error", ("reader_failed", {}))
    try:
        send.send(answer)
    except MemoryError:
        send.send(("error", ("reader_failed", {})))
    finally:
        send.close()
