"""``bench/report.md``: every benchmark's results as tables, four plots, and the machine they ran on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bench.report import Results  # noqa: E402

REPORT = Path(__file__).with_name("report.md")
Plot = tuple[str, str, Figure]  # title, file name, the figure
PIPELINE_COLOUR, FLOOR_COLOUR = "#1565c0", "#9e9e9e"


def write(results: Results, benchmarks: Sequence[str], seconds: float, report: Path = REPORT) -> Path:
    """Write the report and its PNGs in ``report``'s folder ``report/`` (replacing the previous run's); return
    the report's path."""
    plots_dir = report.with_suffix("")
    plots_dir.mkdir(exist_ok=True)
    for old in plots_dir.glob("*.png"):
        old.unlink()
    drawn = (_throughput(results), _batch_sizes(results), _latency(results))
    plots = [(title, _save(figure, plots_dir / name)) for title, name, figure in filter(None, drawn)]
    lines = [
        "# Benchmark report",
        "",
        f"Written by `make bench` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: {', '.join(benchmarks)} "
        f"in {seconds / 60:.0f} min. Every number below was measured in that run; the docs' Benchmarks page "
        "explains what each one measures.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine()),
        "",
    ]
    if plots:
        lines += ["## Plots", ""]
        lines += [f"![{title}]({plots_dir.name}/{path.name})\n" for title, path in plots]
    for title, rows in results.sections.items():
        lines += [f"## {title}", "", "| measured | result |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        lines.append("")
    report.write_text("\n".join(lines))
    return report


def machine() -> list[tuple[str, str]]:
    """What the numbers depend on: cores, CPU, memory, OS and the runtimes."""
    cpu = _first_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    memory_kb = _first_value("/proc/meminfo", "MemTotal")
    memory = f"{int(memory_kb.split()[0]) / 1024 / 1024:.1f} GiB" if memory_kb else "unknown"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    import pyspark

    return [
        ("cores", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", memory),
        ("system", platform.platform()),
        ("Python", platform.python_version()),
        ("Java", java[0] if java else "unknown"),
        ("Spark", pyspark.__version__),
    ]


def _first_value(path: str, key: str) -> str | None:
    try:
        for text in Path(path).read_text().splitlines():
            name, _, value = text.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def _throughput(results: Results) -> Plot | None:
    if not results.throughput:
        return None
    title = "Throughput per component (rows/s), the per-record baseline in grey"
    ordered = sorted(results.throughput, key=lambda item: item.rows_per_s)
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(ordered) + 1.2))
    bars = axes.barh(
        [item.component for item in ordered],
        [item.rows_per_s for item in ordered],
        color=[FLOOR_COLOUR if item.floor else PIPELINE_COLOUR for item in ordered],
    )
    axes.bar_label(bars, labels=[f"{item.rows_per_s:,.0f}" for item in ordered], padding=3, fontsize=8)
    _axes(axes, title, "rows per second (log scale)")
    return title, "throughput.png", figure


def _batch_sizes(results: Results) -> Plot | None:
    if len(results.batch_sizes) < 2:
        return None
    title = "Streaming landing: sustained readings/s against micro-batch size"
    points = sorted(results.batch_sizes)
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot([size for size, _ in points], [rate for _, rate in points], marker="o", color=PIPELINE_COLOUR)
    for size, rate in points:
        axes.annotate(f"{rate:,.0f}", (size, rate), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    _axes(axes, title, "readings per micro-batch (PA_STREAM_MAX_OFFSETS_PER_TRIGGER)", "readings per second")
    axes.set_ylim(bottom=0)
    return title, "batch_size.png", figure


def _latency(results: Results) -> Plot | None:
    if not results.latency:
        return None
    title = "Alert latency (event time to doctors-queue) against offered load, both alert paths"
    figure, axes = plt.subplots(figsize=(8, 4.5))
    styles = {"realtime": "#c62828", "microbatch": PIPELINE_COLOUR}
    for path in sorted({point.path for point in results.latency}):
        points = sorted((point for point in results.latency if point.path == path), key=lambda p: p.offered_per_s)
        loads = [point.offered_per_s for point in points]
        colour = styles.get(path, "black")
        axes.plot(loads, [p.p50_ms for p in points], marker="o", color=colour, label=f"{path} P50")
        axes.plot(loads, [p.p99_ms for p in points], marker="^", linestyle="--", color=colour, label=f"{path} P99")
        axes.fill_between(loads, [p.p50_ms for p in points], [p.p90_ms for p in points], color=colour, alpha=0.12)
    _axes(axes, title, "offered readings per second (all alerting)", "latency, ms (shaded: P50 to P90)")
    axes.set_yscale("log")
    axes.legend(fontsize=8)
    return title, "latency.png", figure


def _axes(axes, title: str, x_label: str, y_label: str | None = None) -> None:
    """Every plot's x axis is a rate or a size spanning decades: log scale."""
    axes.set_xscale("log")
    axes.set_xlabel(x_label)
    if y_label:
        axes.set_ylabel(y_label)
    axes.set_title(title, fontsize=10)


def _save(figure: Figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
