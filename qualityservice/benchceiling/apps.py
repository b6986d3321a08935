from django.apps import AppConfig


class BenchCeilingConfig(AppConfig):
    """The benchmark's ceiling: the least a view of this project can do (same settings,
    middleware and database) — one trivial GET and one INSERT per POST. Its URLs exist only
    when QS_BENCH_CEILING=true (set by bench/run.py), never in a normal deployment."""

    name = "qualityservice.benchceiling"
    label = "benchceiling"
    verbose_name = "Benchmark ceiling"
