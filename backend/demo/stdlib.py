"""The demo's input: the source tree of the standard library this interpreter ships with."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path, PurePosixPath

# Installed packages live under the standard library's folder too, but are not part of it.
SKIP_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})


def root() -> Path:
    """Where this interpreter's standard library source lives."""
    return Path(sysconfig.get_paths()["stdlib"]).resolve()


def source_files(base: Path | None = None) -> list[str]:
    """Every .py file of the standard library, as sorted paths relative to its root."""
    base = base or root()
    found: list[str] = []
    for folder, subdirs, names in os.walk(base):
        subdirs[:] = [d for d in subdirs if d not in SKIP_DIRS]
        found.extend(_relative(Path(folder, n), base) for n in names if n.endswith(".py"))
    return sorted(found)


def directories(files: list[str]) -> list[str]:
    """The folders that hold at least one of `files`, sorted; "." is the root itself."""
    return sorted({Path(f).parent.as_posix() for f in files})


def files_in(directory: str) -> list[str]:
    """The .py files directly inside one folder of the standard library, sorted."""
    base = root()
    folder = resolve(directory)
    return sorted(_relative(p, base) for p in folder.glob("*.py") if p.is_file())


def resolve(relative: str) -> Path:
    """The path `relative` names under the standard library; refuse one that leads outside."""
    # Checked by name, not by resolving links: some systems link files in from elsewhere.
    name = PurePosixPath(relative)
    if name.is_absolute() or ".." in name.parts:
        raise ValueError(
            f"{relative!r} must be a path inside the standard library, like json/decoder.py"
        )
    return root() / name


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()
