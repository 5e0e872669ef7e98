"""``RESULTS.md`` from ``results.json``: machine, date, tables, targets (plain text, no I/O)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

__all__ = ["render", "evaluate_targets", "merge_results", "SNAPSHOT_TARGETS"]

SECTIONS = ("crawl", "analysis", "snapshot")
#: The snapshot path's targets at 1M works, from issue 15's measurements on this kind of machine
#: (2 cores): DuckDB ~18 s and ~0.5 GB from gz JSON lines, ~10 s from Parquet; Spark local[2]
#: ~110 s. The bounds leave the shared machine some room: (engine, format, seconds, MB or None).
SNAPSHOT_TARGETS = (("duckdb", "jsonl", 30.0, 1024.0), ("duckdb", "parquet", 20.0, 1024.0),
                    ("spark", "jsonl", 180.0, None), ("spark", "parquet", 180.0, None))
FORMAT_NAMES = {"jsonl": "JSON lines (gz)", "parquet": "Parquet"}


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value and abs(value) < 0.01:
            return f"{value:.4f}"
        return f"{value:,.{digits}f}"
    return str(value)


def _usd(value: float | None) -> str:
    return "–" if value is None else f"${value:.4f}"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}x" if value < 10 else f"{value:,.0f}x"


def _kinds(by_kind: Mapping[str, int]) -> str:
    names = {"single": "singleton", "list": "list", "group_by": "group_by", "other": "other"}
    return " + ".join(f"{count} {names.get(kind, kind)}" for kind, count in sorted(by_kind.items(), key=lambda kv: -kv[1]))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def merge_results(previous: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with every section it did not measure taken from ``previous`` (a rerun of one
    section keeps the others). Each section keeps the stamp of the run that measured it; a
    section of an older ``results.json`` without stamps gets that run's dates and commit."""
    merged = dict(current)
    stamps = dict(current.get("sections") or {})
    old_stamps = previous.get("sections") or {}
    for name in SECTIONS:
        if name in current or name not in previous:
            continue
        merged[name] = previous[name]
        stamps[name] = old_stamps.get(name) or {
            "started": previous.get("started"), "finished": previous.get("finished"),
            "git": (previous.get("machine") or {}).get("git"), "load_end": previous.get("load_end"),
            "command": previous.get("command"), "load_start": (previous.get("machine") or {}).get("load_start")}
    merged["sections"] = stamps
    return merged


def _snapshot_targets(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    runs = {(r["engine"], r["format"]): r for r in snapshot.get("runs", []) if r["n"] == 1_000_000}
    targets = []
    for engine, fmt, seconds, mb in SNAPSHOT_TARGETS:
        run = runs.get((engine, fmt))
        if run is None:
            continue
        ok = bool(run.get("ok"))
        limit = f"under {seconds:g} s" + (f" and {mb / 1024:g} GB" if mb else "")
        value = (f"{run['total_s']:.1f} s, {run['peak_rss_mb']:,.0f} MB peak RSS (process tree)" if ok
                 else run.get("error"))
        met = ok and run["total_s"] < seconds and (mb is None or run["peak_rss_mb"] < mb)
        targets.append({"target": f"snapshot 1M works, {engine} from {FORMAT_NAMES[fmt]}: {limit}",
                        "value": value, "met": met})
    return targets


def evaluate_targets(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it is met (``None``: not measured)."""
    quick = results.get("quick")
    targets: list[dict[str, Any]] = []
    for crawl in results.get("crawl", []):
        if crawl.get("skipped"):
            continue
        name, ratios = crawl["dataset"], crawl["ratios"]
        req = ratios["citegraph_requests_vs_floor"]
        targets.append({"target": f"{name}: requests within 5% of the floor", "value": f"{_x(req)} "
                        f"({crawl['citegraph']['requests']} vs {crawl['floor']['requests']}; strict floor "
                        f"{crawl['floor']['requests_strict']}: {_x(ratios['citegraph_requests_vs_strict_floor'])})",
                        "met": req is not None and req <= 1.05})
        time_ratio = ratios["citegraph_crawl_time_vs_floor"]
        targets.append({"target": f"{name}: wall time within 1.3x of the rate-limit floor",
                        "value": "n/a (quick run: no latency, no rate limit)" if quick else
                        f"{_x(time_ratio)} ({crawl['citegraph']['crawl_s']} s vs {crawl['floor']['time_s']} s; "
                        f"{_x(ratios['citegraph_total_time_vs_floor'])} with graph files written)",
                        "met": None if quick or time_ratio is None else time_ratio <= 1.3})
        fewer = ratios["naive_over_citegraph_requests"]
        targets.append({"target": f"{name}: at least 50x fewer requests than the naive crawler",
                        "value": f"{_x(fewer)} ({crawl['naive']['requests_needed']:,} vs {crawl['citegraph']['requests']})",
                        "met": fewer is not None and fewer >= 50})
    analysis = results.get("analysis") or {}
    sizes = {r["n"]: r for r in analysis.get("results", [])}
    at_100k = sizes.get(100_000)
    if at_100k is not None:
        ok = bool(at_100k.get("ok"))
        targets.append({"target": "analysis of 100k works / 2M edges under 60 s",
                        "value": f"{at_100k['total_s']} s ({at_100k['edges']:,} edges)" if ok else at_100k.get("error"),
                        "met": ok and at_100k["total_s"] < 60})
        targets.append({"target": "analysis of 100k works under 4 GB",
                        "value": f"{at_100k['peak_rss_mb']:,.0f} MB peak RSS" if ok else at_100k.get("error"),
                        "met": ok and at_100k["peak_rss_mb"] < 4096})
    at_1m = sizes.get(1_000_000)
    if at_1m is not None:  # issue 15: everything after the records are in hand (slim is reported apart)
        ok = bool(at_1m.get("ok"))
        after = round(sum(at_1m["stages"][s] for s in ("build_graph", "terms", "analysis")), 3) if ok else None
        targets.append({"target": "analysis of 1M works / 20M edges ≤ 60 s and ≤ 4 GB (build_graph + terms + analysis)",
                        "value": f"{after} s, {at_1m['peak_rss_mb']:,.0f} MB peak RSS ({at_1m['edges']:,} edges; "
                                 f"slim {at_1m['stages']['slim']} s apart)" if ok else at_1m.get("error"),
                        "met": ok and after <= 60 and at_1m["peak_rss_mb"] <= 4096})
    growth = analysis.get("exponents") or {}
    if growth.get("time") is not None:
        targets.append({"target": "near-linear growth (time exponent <= 1.2)",
                        "value": f"time ~ n^{growth['time']}, memory ~ n^{growth['memory']} "
                                 f"(sizes {', '.join(f'{n:,}' for n in growth['sizes'])})",
                        "met": growth["time"] <= 1.2})
    targets += _snapshot_targets(results.get("snapshot") or {})
    return targets


def _machine(results: Mapping[str, Any]) -> list[str]:
    m = results["machine"]
    return [
        f"- **Date**: {results['started']} → {results['finished']} (UTC); git `{m.get('git', '?')}`",
        f"- **Machine**: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, {m['os']}",
        f"- **Python** {m['python']}; networkx {m['networkx']}, pandas {m['pandas']}",
        f"- **Load average** at start {m['load_start']}, at end {results.get('load_end')} — the machine is shared "
        "with other engineers' work, so times include their CPU use (the numbers are a conservative reading).",
        f"- **Command**: `{results['command']}`",
    ]


def _crawl_section(results: Mapping[str, Any]) -> list[str]:
    s = results["settings"]
    lines = ["## Crawl: citegraph vs the naive crawler vs the floor", ""]
    if results.get("quick"):
        lines += ["Quick run: no latency, no rate limit — request counts are real, times are not meaningful.", ""]
    else:
        lines += [f"Stand-in (`python -m citegraph.standin`, own process): latency {s['latency_ms']:g} ms + "
                  f"uniform 0–{s['jitter_ms']:g} ms (mean {s['latency_ms'] + s['jitter_ms'] / 2:g} ms, i.e. "
                  f"{s['latency_ms'] + s['jitter_ms'] / 2:g} ± {s['jitter_ms'] / 2:g} ms), rate limit "
                  f"{s['rate_limit']} requests/s (sliding 1 s window, 429 beyond). Depth {s['depth']} "
                  "(references), three seeds given as OpenAlex ids, fresh cache for every citegraph run.", ""]
    lines += ["How to read: the **floor** is computed from the data alone (breadth-first walk with the crawler's "
              "semantics): one resolution request per seed + ⌈ids asked at each level / 100⌉ (OpenAlex's OR-filter "
              "limit); its time is requests / rate limit. The **strict floor** fetches the three seeds in one batch; "
              "its time is (R − 1)/rate + one mean latency. **crawl s** = seed resolution + every fetch level (what "
              "the floor bounds; the targets use it); **s incl. graph files** adds `build_graph` and writing "
              "graph.json, GraphML, GEXF and the CSVs. Requests, 429s and dollars are counted by the stand-in "
              "(OpenAlex prices: list call $0.0001, singleton free — so the naive crawler pays $0 and is bound by "
              "the rate limit instead). The naive crawler is paced at 95% of the limit, like citegraph's limiter, "
              "and retries 429s.", ""]
    for crawl in results.get("crawl", []):
        if crawl.get("skipped"):
            lines += [f"### {crawl['dataset']}: skipped ({crawl['skipped']})", ""]
            continue
        f, c, n, r = crawl["floor"], crawl["citegraph"], crawl["naive"], crawl["ratios"]
        naive_time = n["wall_s"] if n["complete"] else n["wall_s_extrapolated"]
        lines += [f"### {crawl['dataset']} — {crawl['works_in_data']:,} works in the data; depth-{crawl['depth']} "
                  f"crawl reaches {f['works']:,} works (levels: {' + '.join(str(x) for x in [f['seeds'], *f['frontier']])})",
                  ""]
        rows = [
            ["floor (1 request per seed + ⌈level/100⌉)", _fmt(f["requests"]), _fmt(f["time_s"]), "–",
             _usd(f["cost_usd"]), "1x", "1x", "the target's reference"],
            ["strict floor (seeds in one batch)", _fmt(f["requests_strict"]), _fmt(f["time_s_strict"]), "–",
             _usd(f["cost_usd"] + 0.0001), _x(f["requests_strict"] / f["requests"]),
             _x(f["time_s_strict"] / f["time_s"]) if f["time_s"] else "–", "(R−1)/rate + mean latency"],
            [f"**citegraph** (median of {c['repeats']})", _fmt(c["requests"]), _fmt(c["crawl_s"]), _fmt(c["total_s"]),
             _usd(c["cost_usd"]), _x(r["citegraph_requests_vs_floor"]), _x(r["citegraph_crawl_time_vs_floor"]),
             f"{_kinds(c['served']['by_kind'])}; 429s per run: {', '.join(str(x['rate_limited']) for x in c['runs'])}"],
        ]
        for label, extra in (crawl.get("citegraph_extra") or {}).items():
            rows.append([f"citegraph, {label} ({' '.join(extra['seeds'])}; 1 run)", _fmt(extra["requests"]),
                         _fmt(extra["crawl_s"]), _fmt(extra["total_s"]), _usd(extra["cost_usd"]),
                         _x(extra["requests"] / f["requests"]),
                         _x(extra["crawl_s"] / f["time_s"]) if f["time_s"] else "–",
                         f"{_kinds(extra['served']['by_kind'])}; not a target row: presets are verified "
                         "(gpt1 by a $0.001 title search, bert/ulmfit by a preprint-twin lookup)"])
        rows += [
            ["naive (1 request per work)", _fmt(n["requests_needed"]), _fmt(naive_time), "–", _usd(n["cost_usd"]),
             _x(r["naive_requests_vs_floor"]), _x(r["naive_time_vs_floor"]),
             f"{n['measured']}; {n['rate_limited']} answered 429"],
        ]
        lines += _table(["crawler", "requests", "crawl s", "s incl. graph files", "$ (OpenAlex prices)",
                         "requests / floor", "time / floor", "notes"], rows)
        files_ms = (c["total_s"] - c["crawl_s"]) / max(1, c["works"]) * 1000
        lines += ["", f"Naive / citegraph: **{_x(r['naive_over_citegraph_requests'])} the requests**, "
                      f"{_x(r['naive_over_citegraph_time'])} the time. Works fetched: citegraph {c['works']:,}, "
                      f"naive {n['works']:,}{'' if n['complete'] else ' (before the time box)'}, floor {f['works']:,} "
                      f"({'match' if crawl['works_match'] else 'MISMATCH'}). Building the graph and writing its "
                      f"files took {c['total_s'] - c['crawl_s']:.2f} s ({files_ms:.2f} ms per work) after the crawl.", ""]
    return lines


def _analysis_section(results: Mapping[str, Any]) -> list[str]:
    analysis = results.get("analysis")
    if not analysis:
        return []
    lines = ["## Analysis scaling (synthetic works, one fresh process per size)", "",
             "Stages: `slim` = `records.slim_record` per raw work; `build_graph`; `terms` = `term_uses`; "
             "`analysis` = the rest of `analysis.analyze` (origin, spread, main path, RPYS). Generating the "
             "synthetic records is not timed. Peak RSS is the process high-water mark (baseline: interpreter "
             "with citegraph, networkx and pandas imported).", ""]
    rows = []
    for r in analysis["results"]:
        if not r.get("ok"):
            rows.append([_fmt(r["n"]), _fmt(r["mean_refs"], 0), "–", "–", "–", "–", "–", "–",
                         _fmt(r.get("peak_rss_mb")), f"**failed**: {r.get('error')}"])
            continue
        st = r["stages"]
        rows.append([_fmt(r["n"]), _fmt(r["mean_refs"], 0), _fmt(r["edges"]), _fmt(st["slim"]),
                     _fmt(st["build_graph"]), _fmt(st["terms"]), _fmt(st["analysis"]), f"**{_fmt(r['total_s'])}**",
                     f"{r['peak_rss_mb']:,.0f}", f"baseline {r['baseline_rss_mb']:.0f} MB; {r['adopters']:,} adopters"])
    lines += _table(["works", "mean refs", "edges", "slim s", "build_graph s", "terms s", "analysis s", "total s",
                     "peak RSS MB", "notes"], rows)
    parts = sorted({p for r in analysis["results"] if r.get("ok") for p in r["analysis_parts"]})
    if parts:
        lines += ["", "The `analysis` stage by function (s; `Analysis.timings`):", ""]
        ok = [r for r in analysis["results"] if r.get("ok")]
        exps = (analysis.get("exponents") or {}).get("analysis_parts", {})
        lines += _table(["part", *[f"{r['n']:,}" for r in ok], "exponent"],
                        [[p, *[_fmt(r["analysis_parts"].get(p)) for r in ok], _fmt(exps.get(p))] for p in parts])
    e = analysis.get("exponents") or {}
    if e.get("time") is not None:
        stages = ", ".join(f"{k} {_fmt(v)}" for k, v in e["per_stage"].items())
        steps = ", ".join(f"{a:,}→{b:,}: {v}" for (a, b), v in zip(zip(e["sizes"], e["sizes"][1:]), e.get("steps") or []))
        lines += ["", f"Growth exponents (least-squares slope of log y on log n over {', '.join(f'{n:,}' for n in e['sizes'])}): "
                      f"**time {e['time']}** (vs edges {e['time_vs_edges']}; between sizes {steps}), "
                      f"**memory {e['memory']}** (peak RSS minus baseline); per stage: {stages}."]
        steep = {k: v for k, v in {**e["per_stage"], **e.get("analysis_parts", {})}.items() if v is not None and v > 1.15}
        if steep:
            lines += ["", "Growing faster than n^1.15: " + ", ".join(f"`{k}` n^{v}" for k, v in
                                                                    sorted(steep.items(), key=lambda kv: -kv[1]))
                      + " — where that time goes: benchmarks/README.md, \"Where the time goes\"."]
    for note in analysis.get("notes", []):
        lines += ["", note]
    return lines + [""]


def _python_row(n: int, py: Mapping[str, Any]) -> list[Any]:
    ok = py.get("ok")
    return [_fmt(n), "Python pipeline", "records in memory", "–", "–", "–", "–", "–", "–",
            f"**{_fmt(py['total_s'], 1)}**" if ok else "–",
            _fmt(py.get("peak_rss_mb"), 0) if py.get("peak_rss_mb") else "–", "1x",
            (f"slim + build_graph + analyze of all {py['edges']:,} edges ({py['source']})" if ok
             else f"**failed** ({py.get('source')}): {py.get('error')}")]


def _snapshot_rows(snapshot: Mapping[str, Any], analysis: Mapping[str, Any] | None = None,
                   analysis_stamp: Mapping[str, Any] | None = None) -> list[list[Any]]:
    """One row per run, and the Python pipeline's per size; when that failed or is missing, the
    analysis section's number for the size (with the date it was measured) is shown instead, and
    the comparison column uses it."""
    python = {r["n"]: r for r in snapshot.get("python", [])}
    earlier = {r["n"]: r for r in (analysis or {}).get("results", []) if r.get("ok")}
    rows = []
    for n in snapshot["sizes"]:
        py = python.get(n)
        failed = py if py is not None and not py.get("ok") else None
        if failed is not None and n in earlier:
            when = (analysis_stamp or {}).get("started", "an earlier run")
            py = {**earlier[n], "source": f"the analysis section, measured {when} at git "
                                         f"`{(analysis_stamp or {}).get('git', '?')}`; this run's measurement failed"}
        py_ok = py is not None and py.get("ok")
        for run in [r for r in snapshot["runs"] if r["n"] == n]:
            label = f"{run['engine']}{' ' + snapshot.get('spark_master', '') if run['engine'] == 'spark' else ''}"
            if not run.get("ok"):
                rows.append([_fmt(n), label, FORMAT_NAMES[run["format"]], "–", "–", "–", "–", "–", "–", "–",
                             _fmt(run.get("peak_rss_mb"), 0), "–", f"**failed**: {run.get('error')}"])
                continue
            t = run["timings"]
            versus = (f"time {_x(py['total_s'] / run['total_s'])}, RSS {_x(py['peak_rss_mb'] / run['peak_rss_mb'])}"
                      if py_ok else "–")
            split = ", ".join(f"{name} {mb:,.0f}" for name, mb in sorted(run["peak_by_process_mb"].items(),
                                                                          key=lambda kv: -kv[1]) if mb >= 5)
            rows.append([_fmt(n), label, FORMAT_NAMES[run["format"]], _fmt(run["bytes"] / 1e6, 1),
                         _fmt(run["start_s"], 1), _fmt(t.get("scan_s"), 1), _fmt(t.get("match_s"), 1),
                         _fmt(t.get("graph_s"), 1), _fmt(t.get("corpus_s"), 1), f"**{_fmt(run['total_s'], 1)}**",
                         f"{run['peak_rss_mb']:,.0f}", versus,
                         f"{run['term_users']:,} term users; graph {run['graph_works']:,} works "
                         f"({run['left_out']:,} left out by --max-works); {run['processes']} process(es): {split}"])
        if failed is not None and py is not failed:
            rows.append(_python_row(n, failed))
        if py is not None:
            rows.append(_python_row(n, py))
    return rows


def _extrapolation_rows(snapshot: Mapping[str, Any]) -> list[list[Any]]:
    rows = []
    for e in snapshot.get("extrapolation", []):
        executors = e.get("executors") or {}
        rows.append([e["engine"], FORMAT_NAMES[e["format"]], _fmt(e["us_per_work"], 1), _fmt(e["fixed_s"], 1),
                     _fmt(e["full_works"]), f"**{_fmt(e['hours_by_works'])}**",
                     _fmt(e.get("mb_per_s")), _fmt(e.get("hours_by_bytes")),
                     ", ".join(f"{k}: {v:g} h" for k, v in executors.items()) or "–"])
    return rows


def _snapshot_section(results: Mapping[str, Any]) -> list[str]:
    snapshot = results.get("snapshot")
    if not snapshot:
        return []
    lines = ["## Snapshot path vs the Python pipeline (synthetic snapshots, one fresh process per run)", "",
             f"`citegraph snapshot PATH --term pre-training` with no seeds (`run_snapshot`: scan every part and check "
             f"the manifest's counts, match the term with citegraph's matcher, build the graph of the term's users and "
             f"their citation neighbours bounded by --max-works {snapshot['max_works']:,}, write it and the corpus "
             f"CSVs) over synthetic works (mean {snapshot['mean_refs']:g} references) in OpenAlex's layout, 400k "
             "records a part. **start** = opening the engine (Spark: the JVM); scan / match / graph / corpus are "
             "`summary.json`'s timings; **total** = start + run_snapshot. **Peak RSS** is the process tree's (the "
             "driver and, for Spark, the JVM and its Python workers): the sum of each process's own VmHWM, polled "
             "from /proc. The **Python pipeline** row is `benchmarks/analysis_scaling.py` at the same size: slim "
             "records → build_graph → analyze, the whole graph in memory (a different job: it analyses every work, "
             "where the snapshot path scans every work and analyses only the term's neighbourhood).", ""]
    for engine, reason in (snapshot.get("skipped") or {}).items():
        lines += [f"{engine}: skipped ({reason}).", ""]
    lines += _table(["works", "engine", "format", "data MB", "start s", "scan s", "match s", "graph s", "corpus s",
                     "total s", "peak RSS MB", "Python pipeline / this", "notes"],
                    _snapshot_rows(snapshot, results.get("analysis"), (results.get("sections") or {}).get("analysis")))
    full = snapshot.get("full") or {}
    extrapolated = _extrapolation_rows(snapshot)
    if extrapolated:
        lines += ["", f"### Extrapolation to the full snapshot ({_fmt(full.get('works'))} works; "
                      f"{_fmt((full.get('jsonl_bytes') or 0) / 1e9, 0)} GB of gz JSON lines)", "",
                  f"Full size from: {full.get('source')}. Assumptions: the cost is linear in works — seconds per "
                  "work are the marginal cost between the two largest sizes, **fixed s** what remains (start, graph, "
                  "corpus view) — and, for JSON lines, linear in compressed bytes too (real records are several times "
                  "bigger than synthetic ones, so the by-bytes hours are the likelier ones); Spark executors split "
                  "the scan evenly, each a 2-core executor scanning at this machine's local[2] rate (the larger of "
                  "the two estimates, fixed part not divided). Memory is not extrapolated: both engines stream the "
                  "parts (DuckDB spills its table to disk, Spark persists to memory and disk).", ""]
        lines += _table(["engine", "format", "µs per work", "fixed s", "full works", "h on this machine (by works)",
                         "MB/s (compressed)", "h by bytes", "Spark: h by executors"], extrapolated)
    for note in snapshot.get("notes", []):
        lines += ["", note]
    return lines + [""]


def _sections(results: Mapping[str, Any]) -> list[str]:
    """When sections come from different runs, which run measured each."""
    stamps = results.get("sections") or {}
    if len({(s.get("started"), s.get("git")) for s in stamps.values()}) <= 1:
        return []
    return [f"- **{name}** section measured {s.get('started')} → {s.get('finished')} at git `{s.get('git')}` "
            f"(load at end {s.get('load_end')}; `{s.get('command')}`)" for name, s in stamps.items() if name in results]


def render(results: Mapping[str, Any]) -> str:
    """The whole ``RESULTS.md``."""
    lines = ["# citegraph benchmark results", ""]
    if results.get("quick"):
        lines += ["**Quick smoke run** (tiny sizes, no latency): checks the benchmark runs; its numbers mean nothing.", ""]
    lines += _machine(results) + _sections(results) + [""]
    targets = results.get("targets") or []
    if targets:
        lines += ["## Targets", ""]
        lines += _table(["target", "measured", "met"],
                        [[t["target"], t["value"], "–" if t["met"] is None else ("**yes**" if t["met"] else "**NO**")]
                         for t in targets])
        lines += [""]
    if results.get("crawl"):
        lines += _crawl_section(results)
    lines += _analysis_section(results)
    lines += _snapshot_section(results)
    for note in results.get("notes", []):
        lines += [f"- {note}"]
    return "\n".join(lines).rstrip() + "\n"
