"""The paper's experiments, one module per figure, registered as ``dcsys.experiments`` entries."""

__all__: list[str] = []
