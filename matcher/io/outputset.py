"""One run's outputs as one set: staged in a fresh sibling directory, swapped in whole.

A run never writes into the `--out` directory itself. It writes every file into
`.<name>.tmp-<pid>` beside it (same filesystem), adds `manifest.json` last (each file with its
size and sha256), then swaps the staged directory in by renames and removes the old set.

What a reader sees at each kill point, and the recovery rule:

- killed while staging: `--out` still holds the previous set, untouched; the staging directory
  is a leftover.
- killed during the swap: where the kernel can exchange two directories atomically
  (Linux renameat2 RENAME_EXCHANGE) there is no in-between state. Elsewhere the old set is
  first renamed to `.<name>.old-<pid>`, then the new one to `<name>`: a kill between the two
  leaves `--out` missing for a moment, with both complete sets beside it.
- killed while removing the old set: `--out` holds the new set; the old one is a leftover.

Recovery rule (run by the next write to the same `--out`): leftovers of dead processes are
removed, except that an `.old-<pid>` set is renamed back to `--out` when `--out` is missing.
A directory therefore only ever holds one run's complete set, and `matcher explain` checks the
manifest so a folder put together by hand (or by an older version) is refused, not trusted.

Because the whole directory is replaced, a `--out` holding files this program did not write is
refused before any work is done: nothing of the user's is ever deleted.
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from ..i18n import register, render

MANIFEST = "manifest.json"
MANIFEST_FORMAT = "mentor-matcher/outputs"
# What versions without a manifest wrote into --out (and `demo` into --out/input): a directory
# holding only these is a previous result and may be replaced.
LEGACY_FILES = frozenset({"pairs.csv", "unmatched.csv", "result.json", "report.html", "pairs.xlsx",
                          "input/mentors.csv", "input/mentees.csv"})
_LEGACY_TMP = re.compile(r"^\.(pairs\.csv|unmatched\.csv|result\.json|report\.html|pairs\.xlsx)\..+\.tmp$")
_LIST_AT_MOST = 5

register({
    "output.is_file": ("--out {path}: это файл, а для результатов нужна папка",
                       "--out {path} is a file; the results need a directory"),
    "output.under_a_file": ("--out {path}: {file} — это файл, а не папка, и создать в нём папку для результатов "
                            "нельзя", "--out {path}: {file} is a file, not a directory, so no directory for the "
                            "results can be made in it"),
    "output.holds_input": ("--out {path}: в этой папке лежит входной файл {file}, а результаты заменяют папку "
                           "целиком; укажите для результатов другую папку",
                           "--out {path} holds the input file {file}, and the results replace the directory as "
                           "a whole; give another directory for the results"),
    "output.cannot_create": ("не удаётся создать папку {path} для результатов: {reason}",
                             "cannot create the directory {path} for the results: {reason}"),
    "output.not_writable": ("нельзя записать файлы в папку {path}: {reason}",
                            "cannot write into the directory {path}: {reason}"),
    "output.not_replaceable": ("--out {path}: эту папку нельзя заменить целиком (это текущая папка или корень "
                               "диска); укажите вложенную папку, например {path}/results",
                               "--out {path}: this directory cannot be replaced as a whole (it is the current "
                               "directory or a root); give a subdirectory, e.g. {path}/results"),
    "output.foreign_files": ("в папке {path} есть файлы, которые записала не эта программа: {files}. Результаты "
                             "заменяют содержимое папки целиком, поэтому укажите новую или пустую папку либо "
                             "перенесите эти файлы",
                             "{path} holds files this program did not write: {files}. The results replace the "
                             "directory as a whole, so give a new or empty directory, or move those files"),
    "output.write_failed": ("не удалось записать результаты в {path}: {reason}. Прежние результаты в папке "
                            "не изменены",
                            "cannot write the results to {path}: {reason}. The previous results there are "
                            "unchanged"),
    "outputs.no_manifest": ("в папке {path} нет manifest.json: результаты записаны старой версией программы "
                            "или собраны вручную, и нельзя проверить, что файлы — из одного запуска. "
                            "Запустите matcher match заново",
                            "{path} has no manifest.json: the results were written by an older version or "
                            "put together by hand, so its files cannot be checked to come from one run. "
                            "Run matcher match again"),
    "outputs.bad_manifest": ("manifest.json в папке {path} повреждён: {error}. Запустите matcher match заново",
                             "manifest.json in {path} is damaged: {error}. Run matcher match again"),
    "outputs.mixed": ("файлы в папке {path} не из одного запуска: {files}. Не смешивайте результаты разных "
                      "запусков; запустите matcher match заново",
                      "the files in {path} do not belong to one run: {files}. Do not mix results of "
                      "different runs; run matcher match again"),
    "outputs.unreadable": ("не удалось прочитать {file}: {reason}", "cannot read {file}: {reason}"),
    "outputs.file_changed": ("{file} изменён", "{file} was changed"),
    "outputs.file_missing": ("{file} отсутствует", "{file} is missing"),
    "outputs.file_extra": ("{file} не из этого запуска", "{file} is not from this run"),
    # The OS reason, for the errors a curator meets; others keep the system's own wording.
    "os.EACCES": ("нет прав доступа", "permission denied"),
    "os.EPERM": ("операция запрещена", "operation not permitted"),
    "os.EROFS": ("файловая система доступна только для чтения", "read-only file system"),
    "os.ENOSPC": ("на диске нет места", "no space left on the device"),
    "os.EDQUOT": ("превышена дисковая квота", "disk quota exceeded"),
    "os.ENOTDIR": ("часть пути — файл, а не папка", "a part of the path is a file, not a directory"),
    "os.EEXIST": ("уже есть файл с таким именем", "a file with that name already exists"),
    "os.EBUSY": ("папка занята (например, это точка монтирования)", "the directory is busy (a mount point?)"),
    "os.ENAMETOOLONG": ("слишком длинное имя", "the name is too long"),
})


def os_reason(exc: OSError, lang: str) -> str:
    """Why the OS said no, in the curator's language where the catalogue knows the error."""
    name = errno.errorcode.get(exc.errno or 0, "")
    text = render(f"os.{name}", None, lang) if name else ""
    if not name or text == f"os.{name}":
        return exc.strerror or str(exc)
    return text


class OutputError(Exception):
    """The outputs cannot be written (CLI exit 4), or a result folder is not one run's set."""

    def __init__(self, code: str, params: dict | None = None, error: OSError | None = None):
        super().__init__(code)
        self.code, self.params, self.error = code, dict(params or {}), error

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if self.error is not None:
            params["reason"] = os_reason(self.error, lang)
        if isinstance(params.get("files"), list):
            params["files"] = ", ".join(render(code, {"file": f}, lang) if code else f
                                        for code, f in params["files"])
        return render(self.code, params, lang)


def _mkdir_or_raise(directory: Path, shown: str) -> None:
    """mkdir -p, or the OutputError that names what stands in the way."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):
            for ancestor in [*reversed(directory.parents), directory]:
                if ancestor.exists() and not ancestor.is_dir():
                    raise OutputError("output.under_a_file", {"path": shown, "file": str(ancestor)}) from None
        raise OutputError("output.cannot_create", {"path": str(directory)}, exc) from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files_under(root: Path) -> list[str]:
    """Every file below root as a sorted relative posix path (symlinks count as files)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            out.append((base / name).relative_to(root).as_posix())
    return sorted(out)


def read_manifest(directory: Path) -> dict:
    """The manifest's {relative path: {"size", "sha256"}}; ValueError when damaged."""
    doc = json.loads((directory / MANIFEST).read_bytes().decode("utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT or not isinstance(doc.get("files"), dict):
        raise ValueError("not a mentor-matcher manifest")
    for name, entry in doc["files"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) or not isinstance(
                entry.get("size"), int) or name == MANIFEST or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"bad entry {name!r}")
    return doc["files"]


def manifest_bytes(directory: Path, known: dict[str, dict] | None = None) -> bytes:
    """manifest.json for every file in directory: sorted, no timestamps (same set, same bytes).
    `known`: entries ({"size", "sha256"}) of files whose bytes were hashed as they were written,
    so tens of megabytes are not read back; the others are read."""
    from .. import __version__

    files = {}
    for name in _files_under(directory):
        if name == MANIFEST:
            continue
        path = directory / name
        size = path.stat().st_size
        entry = (known or {}).get(name)
        files[name] = entry if entry and entry["size"] == size else {"size": size, "sha256": _sha256(path)}
    doc = {"format": MANIFEST_FORMAT, "format_version": 1, "package_version": __version__, "files": files}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def verify_output_set(directory: str | Path) -> None:
    """Raise OutputError unless every output in directory is the one its manifest names."""
    directory = Path(directory)
    shown = str(directory)
    if not (directory / MANIFEST).is_file():
        raise OutputError("outputs.no_manifest", {"path": shown})
    try:
        listed = read_manifest(directory)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise OutputError("outputs.bad_manifest", {"path": shown, "error": str(exc)}) from None
    problems = _changed(directory, listed)
    for name in _files_under(directory):
        if name in LEGACY_FILES and name not in listed:
            problems.append(("outputs.file_extra", name))
    if problems:
        raise OutputError("outputs.mixed", {"path": shown, "files": problems})


def _changed(directory: Path, listed: dict) -> list[tuple[str, str]]:
    """The listed files that are missing or not the ones the manifest names."""
    problems = []
    for name, entry in sorted(listed.items()):
        path = directory / name
        try:
            if not path.is_file():
                problems.append(("outputs.file_missing", name))
            elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
                problems.append(("outputs.file_changed", name))
        except OSError as exc:
            raise OutputError("outputs.unreadable", {"file": str(path)}, exc) from None
    return problems


def replace_in_set(out_dir: str | Path, files: dict[str, bytes]) -> Path:
    """Add or replace `files` in the output set out_dir holds (report.html after
    results.write_outputs): the set's other files, checked against its manifest, and the new
    ones are staged and swapped in as one new set with its manifest; OutputError when out_dir
    holds no intact set or cannot be written."""
    directory = Path(out_dir)
    shown = str(directory)
    try:
        listed = read_manifest(directory)
    except FileNotFoundError:
        raise OutputError("outputs.no_manifest", {"path": shown}) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise OutputError("outputs.bad_manifest", {"path": shown, "error": str(exc)}) from None
    kept = {name: entry for name, entry in listed.items() if name not in files}
    problems = _changed(directory, kept)
    if problems:
        raise OutputError("outputs.mixed", {"path": shown, "files": problems})
    with OutputSet(directory) as outputs:
        for name in sorted(kept):
            try:
                data = (directory / name).read_bytes()
            except OSError as exc:
                raise OutputError("outputs.unreadable", {"file": str(directory / name)}, exc) from None
            outputs.add(name, data)
        for name, data in files.items():
            outputs.add(name, data)
        return outputs.commit()


def prepare_plain_dir(out_dir: str | Path) -> Path:
    """For outputs that are independent files (`matcher sample`): the directory exists or is
    created, and a file can be created in it; OutputError otherwise."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError("output.is_file", {"path": str(out)})
    _mkdir_or_raise(out, str(out))
    try:
        fd, probe = tempfile.mkstemp(prefix=".matcher-probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError("output.not_writable", {"path": str(out)}, exc) from None
    return out


# --- writing ----------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():  # a leftover of an earlier process that had our pid
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step where the kernel can; False where it cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class OutputSet:
    """The files of one run, staged beside `out_dir` and swapped in whole by `commit()`.

    `prepare()` does every check (and creates the staging directory) before any heavy work,
    so a bad `--out` is reported in seconds, not after the solve. Use as a context manager:
    leaving without `commit()` removes the staging directory and leaves `out_dir` as it was.
    """

    def __init__(self, out_dir: str | Path, inputs: list[str | Path] = ()):
        self.shown = str(out_dir)
        self.inputs = [Path(p) for p in inputs if p]
        out = Path(out_dir)
        # A symlinked --out: replace the directory it points at, keep the link.
        self.target = Path(os.path.realpath(out)) if out.is_symlink() else Path(os.path.abspath(out))
        self.parent = self.target.parent
        self.name = self.target.name
        self.staging = self.parent / f".{self.name}.tmp-{os.getpid()}"
        self._prepared = False
        self._written: dict[str, dict] = {}  # manifest entries of the files add() wrote

    # -- checks -------------------------------------------------------------------------

    def prepare(self) -> "OutputSet":
        try:
            self._check_and_stage()
        except OSError as exc:  # e.g. --out cannot even be looked at
            raise OutputError("output.not_writable", {"path": self.shown}, exc) from None
        self._prepared = True
        return self

    def _check_and_stage(self) -> None:
        target = self.target
        if target.exists() and not target.is_dir():
            raise OutputError("output.is_file", {"path": self.shown})
        cwd = Path(os.path.realpath(os.getcwd()))
        real = Path(os.path.realpath(target))
        if not self.name or real == real.parent or real == cwd or real in cwd.parents:
            raise OutputError("output.not_replaceable", {"path": self.shown})
        for path in self.inputs:  # inputs are never modified, so never replaced with the set
            if real in Path(os.path.realpath(path)).parents:
                raise OutputError("output.holds_input", {"path": self.shown, "file": str(path)})
        _mkdir_or_raise(self.parent, self.shown)
        if target.is_dir():
            try:
                foreign = self._foreign_files()
            except OSError as exc:
                raise OutputError("output.not_writable", {"path": self.shown}, exc) from None
            if foreign:
                raise OutputError("output.foreign_files", {"path": self.shown, "files": [("", f) for f in foreign]})
        self._recover()
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging)
            self.staging.mkdir()
        except OSError as exc:
            # The set is staged beside --out, so it is the parent that must take new entries.
            raise OutputError("output.not_writable", {"path": str(self.parent)}, exc) from None

    def _foreign_files(self) -> list[str]:
        """Files in the existing --out that no run of this program wrote (at most a few)."""
        try:
            listed = set(read_manifest(self.target))
        except (OSError, UnicodeDecodeError, ValueError):
            listed = set()
        ours = listed | LEGACY_FILES | {MANIFEST}
        dirs = {name.split("/", 1)[0] for name in ours if "/" in name}
        foreign = []
        for entry in sorted(os.scandir(self.target), key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in dirs:
                    foreign.append(entry.name + "/")
                    continue
                foreign += [f"{entry.name}/{f}" for f in _files_under(Path(entry.path))
                            if f"{entry.name}/{f}" not in ours]
            elif entry.name not in ours and not _LEGACY_TMP.match(entry.name):
                foreign.append(entry.name)
            if len(foreign) >= _LIST_AT_MOST:
                break
        return foreign[:_LIST_AT_MOST]

    def _recover(self) -> None:
        """Apply the recovery rule to leftovers of killed runs (see the module docstring)."""
        pattern = re.compile(rf"^\.{re.escape(self.name)}\.(tmp|old)-(\d+)$")
        try:
            entries = list(os.scandir(self.parent))
        except OSError:
            return
        stale = []
        for entry in entries:
            m = pattern.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False) and not _pid_alive(int(m.group(2))):
                stale.append((m.group(1), Path(entry.path)))
        for kind, path in sorted(stale, key=lambda kp: kp[0] != "old"):
            try:
                if kind == "old" and not os.path.lexists(self.target):
                    os.rename(path, self.target)
                else:
                    shutil.rmtree(path)
            except OSError:
                pass  # still a leftover, still never read: the next run tries again

    # -- writing ------------------------------------------------------------------------

    def path(self, name: str) -> Path:
        """Where a file of the set is staged (for writers that need a path)."""
        return self.staging / name

    def add(self, name: str, data: bytes) -> Path:
        """Stage one file of the set; OutputError (not a traceback) when the disk says no."""
        assert self._prepared, "prepare() first"
        path = self.staging / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError("output.write_failed", {"path": self.shown}, exc) from None
        self._written[Path(name).as_posix()] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        return path

    def commit(self) -> Path:
        """Write the manifest and swap the staged set in; the previous set is removed."""
        assert self._prepared, "prepare() first"
        try:
            manifest = manifest_bytes(self.staging, self._written)
        except OSError as exc:
            raise OutputError("output.write_failed", {"path": self.shown}, exc) from None
        self.add(MANIFEST, manifest)
        _fsync_dir(self.staging)
        try:
            old = self._swap()
        except OSError as exc:
            raise OutputError("output.write_failed", {"path": self.shown}, exc) from None
        self._prepared = False
        _fsync_dir(self.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def _swap(self) -> Path | None:
        target, staging = self.target, self.staging
        if not os.path.lexists(target):
            os.rename(staging, target)
            return None
        if _exchange(staging, target):
            return staging  # now holds the previous set
        old = self.parent / f".{self.name}.old-{os.getpid()}"
        os.rename(target, old)
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(old, target)
            raise
        return old

    def discard(self) -> None:
        if self._prepared:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._prepared = False

    def __enter__(self) -> "OutputSet":
        if not self._prepared:
            self.prepare()
        return self

    def __exit__(self, *exc) -> None:
        self.discard()
