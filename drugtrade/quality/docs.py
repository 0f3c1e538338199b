"""GX Data Docs (static HTML) rendered by GX from its own validation results store.

Each stage's checkpoint renders its new results and the index (UpdateDataDocsAction), so a
daily run renders what it validated, not the history. ``build_data_docs`` only renders the
whole site when its index is missing (a fresh or cleaned quality folder).
"""

from __future__ import annotations

from pathlib import Path

from drugtrade.quality.context import SITE_NAME, open_context


def context_root_for(results_dir: Path) -> Path:
    """The GX context that sits beside a ResultStore folder (``<quality>/gx``)."""
    return Path(results_dir).resolve().parent / "gx"


def build_data_docs(results_dir: Path, out_dir: Path) -> Path:
    """The Data Docs site of the GX context beside ``results_dir``, in ``out_dir``; returns its
    index.html."""
    out_dir = Path(out_dir).resolve()
    index = out_dir / "index.html"
    if not index.is_file():
        context = open_context(context_root_for(results_dir), out_dir)
        context.build_data_docs(site_names=[SITE_NAME])
    if not index.is_file():
        raise RuntimeError(f"GX did not write {index}")
    return index
