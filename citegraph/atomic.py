"""Putting output files into place whole: a reader sees the old file or the new one, never half.

Every file citegraph writes goes through here. Each is written to a temporary file with a
*unique* name in its own directory (``tempfile.mkstemp``: two writers never share a temp file,
as they did with a fixed ``<file>.tmp``), flushed to disk, then renamed over the old file with
``os.replace``, which is atomic within one file system. On any failure the temporary file is
removed and the old file is left as it was; an ``OSError`` becomes :class:`OutputError` with a
one-line message.

:func:`atomic_files` does the same for a *set* of files: all are written first and renamed
into place only after the last one was written, so an interrupted or failed run leaves the
previous run's files, not a mix. (The renames themselves follow each other: two writers
committing into one directory at the same instant can still interleave; keeping a second
writer out of a directory is a lock's job, not this module's.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Union

from .errors import OutputError

__all__ = ["atomic_write", "atomic_files", "FileSet", "Content"]

#: What a file is written from: its text (UTF-8), its bytes, or a function writing to a binary handle
#: (for large files that should stream, not be built in memory first).
Content = Union[str, bytes, Callable[[BinaryIO], None]]


def _output_error(path: Path, exc: OSError) -> OutputError:
    reason = " ".join(str(exc.strerror or exc).split())  # one line, whatever the OS said
    return OutputError(f"cannot write {path}: {reason}; choose a writable --out")


def _new_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file (0o666 less the umask); mkstemp gives 0o600."""
    try:  # Linux tells the umask without changing it (os.umask would race other threads)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _write_temp(path: Path, content: Content) -> Path:
    """``content`` in a new, uniquely named file beside ``path``, synced to disk; removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, str):
                handle.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _new_file_mode())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _sync_directory(directory: Path) -> None:
    """Make the renames in ``directory`` durable (best effort: not every platform opens directories)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class FileSet:
    """Files written aside, to be renamed into place together by :meth:`commit`.

    Made by :func:`atomic_files`; use :meth:`write` for each file. Writing one path twice keeps
    the second content.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, Path] = {}  # final path -> its temporary file

    def write(self, path: Path | str, content: Content) -> Path:
        """Write ``content`` for ``path`` aside (nothing is visible at ``path`` yet); return ``path``."""
        final = Path(path)
        try:
            temp = _write_temp(final, content)
        except OSError as exc:
            raise _output_error(final, exc) from exc
        previous = self._staged.pop(final, None)
        if previous is not None:
            previous.unlink(missing_ok=True)
        self._staged[final] = temp
        return final

    def commit(self) -> None:
        """Rename every staged file into place, in the order written."""
        directories = []
        while self._staged:
            final, temp = next(iter(self._staged.items()))
            try:
                os.replace(temp, final)
            except OSError as exc:
                raise _output_error(final, exc) from exc
            del self._staged[final]
            if final.parent not in directories:
                directories.append(final.parent)
        for directory in directories:
            _sync_directory(directory)

    def discard(self) -> None:
        """Remove every temporary file not yet renamed into place."""
        while self._staged:
            _, temp = self._staged.popitem()
            temp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_files(within: FileSet | None = None) -> Iterator[FileSet]:
    """A :class:`FileSet` committed when the block ends without an exception, discarded otherwise.

    ``within``: an open set to join instead (its owner commits or discards), so a function that
    writes several files can be one step of a caller's larger set::

        with atomic_files() as files:
            save_graph(graph, out, files=files)
            files.write(out / "summary.json", text)
    """
    if within is not None:
        yield within
        return
    files = FileSet()
    try:
        yield files
        files.commit()
    finally:
        files.discard()


def atomic_write(path: Path | str, content: Content) -> Path:
    """Write one file whole: ``content`` replaces ``path`` at once, or ``path`` stays as it was.

    Creates the directory when missing. Raises :class:`OutputError` when it cannot be written.
    """
    with atomic_files() as files:
        return files.write(path, content)
