"""``bench/report.md``: the run's tables, its plots as PNG files the report links, and the machine."""

from __future__ import annotations

from bench.report import LatencyPoint, Results, Throughput
from bench.report_file import write


def test_the_report_links_a_png_per_plot_and_names_the_machine(tmp_path):
    results = Results()
    results.section("streaming")
    results.line("sustained", "18,000 readings/s")
    results.throughput += [Throughput("landing", 18_000.0), Throughput("per-record baseline", 1_900.0, floor=True)]
    results.batch_sizes += [(25_000, 9_000.0), (400_000, 18_000.0)]
    results.latency += [LatencyPoint("realtime", 100, 5, 9, 45), LatencyPoint("realtime", 1_000, 7, 15, 69)]
    results.latency += [LatencyPoint("microbatch", 100, 900, 1_200, 1_500)]

    report = write(results, ["streaming"], 60.0, tmp_path / "report.md")

    text = report.read_text()
    plots = sorted(path.name for path in (tmp_path / "report").iterdir())
    assert plots == ["batch_size.png", "latency.png", "throughput.png"]
    assert all(f"(report/{name})" in text for name in plots)
    assert all((tmp_path / "report" / name).read_bytes().startswith(b"\x89PNG") for name in plots)
    assert "| sustained | 18,000 readings/s |" in text and "| cores |" in text and "| Spark | 4.2.0 |" in text


def test_a_partial_run_draws_only_what_it_measured(tmp_path):
    results = Results()
    results.throughput.append(Throughput("producer", 50_000.0))
    write(results, ["producers"], 1.0, tmp_path / "report.md")
    assert [path.name for path in (tmp_path / "report").iterdir()] == ["throughput.png"]
