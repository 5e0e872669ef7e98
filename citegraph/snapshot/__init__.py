"""The OpenAlex snapshot as a source: the same answers as the API path, for the whole literature.

``citegraph snapshot PATH`` scans a snapshot in OpenAlex's layout (:mod:`.manifest`) with DuckDB
or Spark (:mod:`.engines`) through one logical plan (:mod:`.plan`), matches the terms with
citegraph's own matcher (:mod:`.source`) and writes the graph and the corpus view
(:mod:`.run`). :mod:`.layout` writes a small snapshot, for tests and trials.
"""

from .engines import DEFAULT_SPARK_MASTER, ENGINES, open_engine
from .layout import write_snapshot
from .manifest import Snapshot, open_snapshot
from .run import SnapshotOptions, SnapshotReport, run_snapshot
from .source import SnapshotSource

__all__ = ["run_snapshot", "SnapshotOptions", "SnapshotReport", "SnapshotSource", "Snapshot", "open_snapshot",
           "open_engine", "write_snapshot", "ENGINES", "DEFAULT_SPARK_MASTER"]
