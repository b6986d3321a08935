from qualityservice.core.apps import PlatformAppConfig


class BenchCeilingConfig(PlatformAppConfig):
    """The benchmark's ceiling: the least a view of this project can do (same settings,
    middleware and database) — one trivial GET and one INSERT per POST. Installed only when
    QS_BENCH_CEILING=true (set by bench/run.py), so a normal deployment has neither its URL nor its table."""

    name = "qualityservice.benchceiling"
    label = "benchceiling"
    verbose_name = "Benchmark ceiling"
    url_prefix = "_bench/"
