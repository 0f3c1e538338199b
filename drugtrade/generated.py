"""Files the project builds from real material and commits (the country seed, the bundled coca
estimates): a generator either writes its file or, with ``--check``, says whether the committed
file is still what the material gives, writing nothing (exit status 1 when it is not)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(output: Path, text: str, *, check: bool, made_from: str, wrote: str = "") -> int:
    """Write ``text`` to ``output``, or with ``check`` compare it with what ``output`` holds;
    ``made_from`` names the material in the message of a difference, ``wrote`` adds to the
    message of a write. Returns the exit status."""
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} differs from what {made_from} gives", file=sys.stderr)
            return 1
        return 0
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output}{wrote}")
    return 0
