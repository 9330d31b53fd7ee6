"""The Markdown report, written from the same dictionary as the JSON one."""

from __future__ import annotations

from typing import Any

from bench.latency import AIM_P99_MS


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _machine(results: dict[str, Any]) -> list[str]:
    machine = results["machine"]
    return [
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['os']}; "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, PostgreSQL {machine['postgresql']}.",
        f"Load average before: {machine['load_average']}, after: {results['load_average_after']} "
        + ("(**measured under contention**: other processes shared the cores)." if results["contended"] else "."),
        f"Scale `{results['scale']['name']}`; whole run {results['duration_s']} s.",
        "",
    ]


def _generation(dialect: str, data: dict[str, Any]) -> list[str]:
    generated = data["generation"]
    rows = [[table, _number(count), round(generated["seconds"][table], 2)]
            for table, count in generated["rows"].items()]  # fmt: skip
    extra = [[step, "", round(seconds, 2)] for step, seconds in generated["seconds"].items()
             if step not in generated["rows"]]  # fmt: skip
    return [f"### Data at scale, {dialect}: {generated['total_seconds']:.1f} s", "",
            *_table(["table", "rows", "seconds"], rows + extra), ""]  # fmt: skip


def _latency(dialect: str, data: dict[str, Any]) -> list[str]:
    rows = []
    for family, figures in data["latency"].items():
        verdict = "✅" if figures["p99_ms"] <= AIM_P99_MS else "❌"
        quantiles = [figures[key] for key in ("n", "p50_ms", "p95_ms", "p99_ms", "max_ms", "slowest_run_sql_ms")]
        rows.append([family, *quantiles, verdict])
    lines = [f"### Core latency through `LabBot.handle`, {dialect} (aim p99 ≤ {AIM_P99_MS:g} ms)", "",
             *_table(["command", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "SQL ms in the max", "aim"], rows),
             "", "The SQL column says how much of the slowest run was spent in the database (the rest is Python "
             "and waiting for a core).", ""]  # fmt: skip
    for family, figures in data["latency"].items():
        if "explain" in figures:
            heading = f"**{family}** missed the aim; its slowest statement took {figures['slowest_sql_ms']} ms:"
            sql, plan = figures["slowest_sql"].strip(), figures["explain"]
            lines += [heading, "", "```sql", sql, "```", "", "```", plan, "```", ""]
    return lines


def _memory(dialect: str, data: dict[str, Any]) -> list[str]:
    memory = data["memory"]
    largest = memory["largest_report"]
    return [
        f"### Memory, {dialect}",
        "",
        f'`labbot say "{largest["command"]}"` (a region\'s {_number(largest["entries_summed"])} entries summed per'
        f" agent in SQL, {_number(largest['output_chars'])} characters of reply): peak RSS "
        f"**{largest['peak_rss_mib']} MiB**, against {memory['baseline']['peak_rss_mib']} MiB for `aide`.",
        "",
    ]


def _dossier(dialect: str, data: dict[str, Any]) -> list[str]:
    dossier = data["dossier"]
    size, latency, aim = dossier["project"], dossier["latency"], dossier["aim"]
    odt, pdf = _number(dossier["bytes"].get("odt", 0)), _number(dossier["bytes"].get("pdf", 0))
    rss = dossier["memory"]["peak_rss_mib"]
    return [
        f"### Dossier (.odt + PDF), {dialect}",
        "",
        f"`dossier 1` with {size['members']} members, {size['meetings']} meetings, {size['plan_lines']} plan "
        f"lines ({odt} B .odt, {pdf} B PDF): p50 {latency['p50_ms']} ms, p99 **{latency['p99_ms']} ms** over "
        f"{latency['n']} runs (aim < {aim['p99_ms']:.0f} ms); peak RSS of `labbot say` **{rss} MiB** "
        f"(aim < {aim['peak_rss_mib']:.0f} MiB).",
        "",
    ]


def _exports(dialect: str, data: dict[str, Any]) -> list[str]:
    exports = data["exports"]
    aim = exports["aim"]
    rows = [
        [
            name,
            _number(entry["bytes"]),
            entry["latency"]["p50_ms"],
            entry["latency"]["p99_ms"],
            entry["memory"]["peak_rss_mib"] if "memory" in entry else "—",
        ]
        for name, entry in exports["commands"].items()
    ]
    return [
        f"### Exports and charts, {dialect}",
        "",
        f"Region {exports['region']} ({_number(exports['region_entries'])} entries); project "
        f"#{exports['project']} ({_number(exports['project_entries'])} entries). Aims: exports p99 < "
        f"{aim['export_p99_ms']:.0f} ms and peak RSS < {aim['export_rss_mib']:.0f} MiB, chart p99 < "
        f"{aim['chart_p99_ms']:.0f} ms.",
        "",
        *_table(["command", "bytes", "p50 ms", "p99 ms", "peak RSS MiB (labbot say)"], rows),
        "",
    ]


def _http(http: dict[str, Any]) -> list[str]:
    lines = [f"## HTTP: signed slash commands over loopback (labbot on {http['database']})", ""]
    for platform, result in http["platforms"].items():
        lines.append(f"### {platform}: {result['requests']} requests per round, {result['clients']} clients")
        lines.append("")
        rows = [[name, i + 1, r["requests_per_s"], r["p50_ms"], r["p99_ms"], r["errors"]]
                for name in ("bare", "labbot") for i, r in enumerate(result.get(name) or [])]  # fmt: skip
        lines += _table(["server", "round", "req/s", "p50 ms", "p99 ms (ack)", "errors"], rows)
        lines.append("")
        for clients, summary in result.get("by_clients", {}).items():
            rows = [
                [name, f["requests_per_s"], f["p50_ms"], f["p99_ms"], f.get("server_cpu_ms", "")]
                for name, f in summary["servers"].items()
            ]
            lines += [f"{clients} client(s), medians of the rounds:", ""]
            lines += [*_table(["server", "req/s", "p50 ms", "p99 ms", "server CPU ms / request"], rows), ""]
            if "requests_per_s_ratio" in summary:
                lines.append(
                    f"labbot / {summary['best_bare']}: acks/s **{summary['requests_per_s_ratio']}**, p50 "
                    f"**{summary['p50_ack_ratio']}** ×; server CPU per request, bare / labbot "
                    f"**{summary.get('server_cpu_ratio')}**; answered (through the response_url) "
                    f"**{summary['answered_per_s']}**/s"
                    + (
                        f", `LabBot.handle` alone **{summary['handle_alone_per_s']}**/s on the same cores: "
                        f"end to end **{summary.get('answered_ratio')}** (aim ≥ 0.5)."
                        if summary.get("handle_alone_per_s")
                        else "."
                    )
                )
            lines.append("")
        if result.get("labbot"):
            lines.append(
                f"labbot / bare (medians): requests/s **{result['requests_per_s_ratio']}** (aim ≥ 0.8), "
                f"p99 time to ack **{result['p99_ack_ratio']}**; labbot's peak RSS under this load: "
                f"**{result['labbot_peak_rss_mib']} MiB**."
            )
            if result.get("labbot_replies_s"):
                lines.append(
                    "Answers follow the ack through the response_url: the last reply of each round reached "
                    f"the stand-in {', '.join(str(s) for s in result['labbot_replies_s'])} s after the round's "
                    "first request."
                )
        else:
            lines.append(f"labbot: **not measured**: {result['skipped']}.")
        lines.append("")
    return lines


def _broadcast(broadcast: dict[str, Any]) -> list[str]:
    lines = ["## Broadcast through the Slack Web API stand-in", "", broadcast["limits"], ""]
    rows = [[name, r["recipients"], r["seconds"], r["minimum_seconds"], r["ratio"], r["duplicates"], r["losses"],
             r["rate_limited"]] for name, r in broadcast["runs"].items()]  # fmt: skip
    lines += _table(
        ["sender", "recipients", "seconds", "minimum s", "ratio", "duplicates", "losses", "429s"], rows
    )
    lines += ["", *(f"{note}\n" for note in broadcast["notes"])]
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The whole report."""
    lines = ["# labbot benchmarks", "", *_machine(results), "## Core", ""]
    for dialect, data in results["datasets"].items():
        lines += _generation(dialect, data)
        lines += _latency(dialect, data) if "latency" in data else []
        lines += _memory(dialect, data) if "memory" in data else []
        lines += _dossier(dialect, data) if "dossier" in data else []
        lines += _exports(dialect, data) if "exports" in data else []
    lines += _http(results["http"]) if "http" in results else []
    lines += _broadcast(results["broadcast"]) if "broadcast" in results else []
    return "\n".join(lines) + "\n"
