"""Where jobs keep their files: results and uploaded imports.

Under one directory, ``PCNHUB_JOB_FILES`` (default: ``jobs`` under
``MEDIA_ROOT``), outside the static files and served only through the jobs
download view, which checks the user may have the file. Each job has its own
folder (``<id>/``). A result is written beside its final name and renamed into
place (:func:`write_atomically`), so a worker killed half-way never leaves a
half-written file where a download would find it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings

from pcnhub.jobs.config import configured

#: What a partial result is called while it is written.
PARTIAL = ".partial"


def root() -> Path:
    return Path(configured("PCNHUB_JOB_FILES", str(Path(settings.MEDIA_ROOT) / "jobs")))


def job_folder(job_id: int) -> Path:
    return root() / str(job_id)


def safe_name(name: str) -> str:
    """A file name fit to keep: its last part only, odd characters replaced."""
    base = os.path.basename(name.replace("\\", "/")).strip() or "file"
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base)[-150:]
    return cleaned.lstrip(".") or "file"


def relative(path: Path) -> str:
    return str(path.relative_to(root()))


def absolute(relative_path: str) -> Path:
    """The file a job names; refuses a name outside the job files directory."""
    base = root().resolve()
    path = (base / relative_path).resolve()
    if base not in path.parents:
        raise ValueError(f"{relative_path!r} is not inside the job files directory")
    return path


def remove_partials(job_id: int) -> None:
    """Delete what an earlier, interrupted attempt left half-written."""
    folder = job_folder(job_id)
    if folder.is_dir():
        for leftover in folder.glob(f"*{PARTIAL}"):
            leftover.unlink(missing_ok=True)


@contextmanager
def write_atomically(path: Path, mode: str = "w") -> Iterator[IO]:
    """Open ``path``'s partial file for writing; on success, rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + PARTIAL)
    options = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
    try:
        with partial.open(mode, **options) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_result(
    job_id: int, name: str, mode: str, write: Callable[[IO], None]
) -> Path:
    path = job_folder(job_id) / safe_name(name)
    with write_atomically(path, mode) as out:
        write(out)
    return path


def delete_folder(job_id: int) -> None:
    shutil.rmtree(job_folder(job_id), ignore_errors=True)
