"""memo.py - replays a reference tool's output within one run of scripts/test.

The release, ASan+UBSan and TSan passes of scripts/test compute the same
expectations from the same inputs: ipfixdump2flowdump.py over ipfixDump's text
of the real captures (half a minute of CPU for all of them) and reference.py's
answers. scripts/test names a fresh directory in FLOWSWEEP_TEST_MEMO and
removes it when it ends. A tool whose __main__ goes through memo.run() then
computes each answer once: a later run with the same tool source, the same
arguments and the same input bytes (every argument naming a file, every @FILE
inside an argument, standard input) replays the first run's output. Failed runs
(non-zero exit) are never kept. Without the variable, memo.run() only computes.

Nothing here makes an expectation: it only saves computing one twice.
"""
import hashlib
import os
import re
import sys
import tempfile


def _digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _key(tool, argv, stdin):
    """The memo key, or None when the inputs cannot all be named (a directory,
    or standard input that the caller did not pass in `stdin`)."""
    h = hashlib.sha256()
    named = stdin is not None
    h.update(_digest(tool).encode())
    h.update(("\0TZ=%r" % os.environ.get("TZ")).encode())
    for a in argv:
        h.update(b"\0arg\0" + a.encode("utf-8", "surrogateescape"))
        for cand in [a] + re.findall(r"@([^\s,)'\"]+)", a):
            if os.path.isdir(cand):
                return None
            if os.path.isfile(cand):
                h.update(b"\0file\0" + _digest(cand).encode())
                named = True
        if a == "-" and stdin is None:
            return None
    if stdin is not None:
        h.update(b"\0stdin\0" + hashlib.sha256(stdin).digest())
    return h.hexdigest() if named else None


def run(tool, argv, compute, stdin=None):
    """compute(out) writes the tool's output to binary stream `out` and returns
    its exit status; `stdin` is the standard input it read (bytes), if any.
    Writes the output to stdout; returns the exit status."""
    out = sys.stdout.buffer
    d = os.environ.get("FLOWSWEEP_TEST_MEMO")
    key = _key(tool, argv, stdin) if d and os.path.isdir(d) else None
    if key is None:
        return compute(out)
    path = os.path.join(d, key)
    if os.path.exists(path):
        with open(path, "rb") as f:
            out.write(f.read())
        out.flush()
        return 0
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            rc = compute(f)
        with open(tmp, "rb") as f:
            out.write(f.read())
        out.flush()
        if rc == 0:
            os.replace(tmp, path)
        return rc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
