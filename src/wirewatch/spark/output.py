"""The job's output folder: a local path or a file system URI (hdfs://, s3://, ...).

It holds one Parquet folder per table (spark/tables.py) and summary.json. A folder that
exists must be empty or an earlier output of the job (it has summary.json): the job never
writes over anything else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.spark.inputs import is_uri

SUMMARY = "summary.json"


class OutputDir:
    def __init__(self, location: str):
        self.location = location.rstrip("/") or location
        self.remote = is_uri(location)

    def table(self, name: str) -> str:
        """Where Spark writes table `name` (an absolute URI, so every executor finds it)."""
        if self.remote:
            return f"{self.location}/{name}"
        return Path(self.location).resolve().joinpath(name).as_uri()

    def path(self, name: str) -> str:
        return f"{self.location}/{name}" if self.remote else str(Path(self.location) / name)

    def _filesystem(self) -> tuple[Any, str]:
        from pyarrow import fs

        return fs.FileSystem.from_uri(self.location)

    def prepare(self) -> None:
        """Check the folder can take the output (created when missing)."""
        if self.remote:
            from pyarrow import fs

            filesystem, root = self._filesystem()
            info = filesystem.get_file_info(root)
            if info.type == fs.FileType.NotFound:
                return
            names = [i.base_name for i in filesystem.get_file_info(fs.FileSelector(root))]
        else:
            folder = Path(self.location)
            if folder.exists() and not folder.is_dir():
                raise WirewatchError(errors.BAD_OPTION, f"--out {self.location}: not a folder")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WirewatchError(
                    errors.BAD_OPTION, f"--out {self.location}: cannot create ({exc.strerror})"
                ) from None
            if not os.access(folder, os.W_OK):
                raise WirewatchError(errors.BAD_OPTION, f"--out {self.location}: not writable")
            names = os.listdir(folder)
        if names and SUMMARY not in names:
            raise WirewatchError(
                errors.BAD_OPTION,
                f"--out {self.location}: folder holds other files (give an empty folder or an earlier output of `wirewatch spark`)",
            )

    def write_summary(self, summary: dict[str, Any]) -> None:
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        if self.remote:
            filesystem, root = self._filesystem()
            with filesystem.open_output_stream(f"{root}/{SUMMARY}") as f:
                f.write(text.encode("utf-8"))
        else:
            Path(self.location, SUMMARY).write_text(text, encoding="utf-8")

    def read_summary(self) -> dict[str, Any] | None:
        try:
            if self.remote:
                filesystem, root = self._filesystem()
                with filesystem.open_input_stream(f"{root}/{SUMMARY}") as f:
                    return json.loads(f.read().decode("utf-8"))
            return json.loads(Path(self.location, SUMMARY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def dataset(self, name: str) -> Any:
        """Table `name` as a pyarrow dataset (Spark's part files; its _SUCCESS marker is skipped)."""
        import pyarrow.dataset as ds

        if self.remote:
            filesystem, root = self._filesystem()
            return ds.dataset(f"{root}/{name}", format="parquet", filesystem=filesystem)
        return ds.dataset(self.path(name), format="parquet")
