"""The demo's job kinds: real work on the standard library's source files.

A few files in the standard library are broken on purpose: the test suite's samples of bad
syntax and bad encodings, and Python 2 files kept as test data. Parsing or decoding them fails
for real, so those jobs retry a couple of times within seconds and then end dead.

Start a worker on these kinds with `roost worker --import backend.demo.jobs`.
"""

from __future__ import annotations

import ast
import bz2
import hashlib
import logging
import lzma
import time
import warnings
import zlib
from collections.abc import Callable
from typing import Any

from backend.demo import stdlib
from backend.jobs import NewJob, RoostError, current_job, enqueue_many, job

log = logging.getLogger(__name__)

# Kinds that fail on broken files give up fast, so the Dead tab fills within a minute.
FAIL_FAST: dict[str, Any] = {"max_attempts": 3, "min_backoff": 1.0, "max_backoff": 2.0}
PAUSE_PER_FILE_SECONDS = 0.05
MAX_PAUSE_SECONDS = 3.0
CODECS: dict[str, Callable[[bytes], bytes]] = {
    "zlib": lambda data: zlib.compress(data, 9),
    "bz2": lambda data: bz2.compress(data, 9),
    "lzma": lambda data: lzma.compress(data, preset=6),
}

# Parsing some test files warns (odd escapes and the like), which would only clutter a worker's
# log. The compiler names a warning's module after the file name it was given, so prefixing the
# names silences those warnings and nothing else in the process.
PARSED_AS = "stdlib/"
warnings.filterwarnings("ignore", module=PARSED_AS)


@job(kind="demo.parse", queue="parse", **FAIL_FAST)
def parse(file: str) -> dict[str, int]:
    """Parse one source file and count its functions and classes."""
    source = stdlib.resolve(file).read_bytes()
    tree = ast.parse(source, filename=PARSED_AS + file)
    found = {"functions": 0, "classes": 0, "lines": source.count(b"\n")}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found["functions"] += 1
        elif isinstance(node, ast.ClassDef):
            found["classes"] += 1
    _report("parsed %s: %d functions, %d classes", file, found["functions"], found["classes"])
    return found


@job(kind="demo.digest", queue="digest", **FAIL_FAST)
def digest(file: str) -> dict[str, Any]:
    """Checksum one source file and measure its text, which must be UTF-8 (PEP 3120)."""
    data = stdlib.resolve(file).read_bytes()
    text = data.decode("utf-8")
    lines = text.splitlines()
    sha256 = hashlib.sha256(data).hexdigest()
    longest = max((len(line) for line in lines), default=0)
    _report("digested %s: sha256 %s..., %d lines", file, sha256[:16], len(lines))
    return {"sha256": sha256, "lines": len(lines), "longest_line": longest}


@job(kind="demo.compress", queue="compress", max_attempts=5, timeout=120)
def compress(file: str) -> dict[str, Any]:
    """Compress one source file with three codecs and record the best ratio."""
    data = stdlib.resolve(file).read_bytes()
    sizes = {name: len(squeeze(data)) for name, squeeze in CODECS.items()}
    best = min(sizes, key=lambda name: sizes[name])
    ratio = round(len(data) / sizes[best], 2)
    _report("compressed %s: %s is best at %.2f to 1", file, best, ratio)
    return {"bytes": len(data), "sizes": sizes, "best": best, "ratio": ratio}


@job(kind="demo.summary", queue="summary", max_attempts=5, max_backoff=10.0)
def summary(directory: str) -> dict[str, Any]:
    """Total up one folder's source files, then fan out a compress job for each of them."""
    files = stdlib.files_in(directory)
    total = sum(stdlib.resolve(f).stat().st_size for f in files)
    # A stand-in for a slow file share, so summaries stay long enough to be seen as Busy.
    time.sleep(min(MAX_PAUSE_SECONDS, PAUSE_PER_FILE_SECONDS * len(files)))
    # The follow-ups go to this process's default store, ROOST_DATABASE_URL, which is where
    # `roost demo` points its workers.
    ids = enqueue_many(NewJob(kind="demo.compress", args={"file": f}) for f in files)
    _report(
        "summed up %s: %d files, %d bytes; %d compress jobs", directory, len(files), total, len(ids)
    )
    return {"files": len(files), "bytes": total, "follow_ups": len(ids)}


def _report(message: str, *args: Any) -> None:
    try:
        ctx = current_job()
    except RoostError:
        log.info(message, *args, extra={"action": "demo_result"})  # called directly, not as a job
        return
    context = {"job_id": ctx.id, "kind": ctx.kind, "queue": ctx.queue, "attempt": ctx.attempt}
    log.info(message, *args, extra={"action": "demo_result", **context})
