"""dcsys core: what the seven dcsys systems share.

Modules:
    relational: schemas, typed columns and logical plans of relational operators.
    sql: SQL text to logical plans (via sqlglot) and back to SQL in any dialect.
    dataflow: deltas, incremental operators and a graph that propagates them.
    scheduling: resources, machines, cluster state, jobs, tasks and workload generators.
    sim: a deterministic discrete-event simulation kernel.
    execution: one ``Executor`` interface over local processes and Ray.
    experiments: the experiment registry, sweep runner and paper-vs-ours reports.
    cli: the ``dcsys`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dcsys-core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
