"""The snapshot parity section of the HTML report, and ``parity.html`` (the section alone).

Fed a ``parity.json`` document (``backup_conformance.snapshot.parity``): per operation the share
of exchanges matching the recording, then each divergence, free choice and recording violation
with its paths. All text is escaped: paths quote a target's answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backup_conformance.reporting.render_html import CSS, _e

PARITY_CSS = """
.parity td.share{text-align:right}.parity .bar{display:inline-block;height:8px;
background:var(--pass);vertical-align:middle;margin-left:6px}
.parity-entry{margin:4px 0 4px 12px;padding:4px 8px;border-left:4px solid var(--line)}
.parity-entry.divergence{border-color:var(--fail)}.parity-entry.free-choice{border-color:var(--exp)}
.parity-entry.recording{border-color:#8250df}
"""
_KINDS = (("divergences", "divergence", "Divergences"),
          ("free_choices", "free-choice", "Free choices"),
          ("recording_violations", "recording", "Recording violates the contract"))


def section(parity: Mapping[str, Any]) -> list[str]:
    """The parity section's HTML parts (an ``<section id="parity">``)."""
    t = parity["totals"]
    parts = ['<section id="parity" class="parity">',
             f'<h2>Snapshot parity <span class="verdict '
             f'{"conformant" if parity["verdict"] == "parity" else "non-conformant"}">'
             f'{_e(parity["verdict"])}</span></h2>',
             f'<p class="meta">Snapshots <code>{_e(parity["snapshots"])}</code> replayed against '
             f'{_e(parity["target"])} · strictness <code>{_e(parity["strictness"])}</code> · '
             f'{_e(parity["generated_at"])}</p>',
             f'<p id="parity-totals"><strong>{t["matched"]}/{t["exchanges"]} exchanges match; '
             f'{t["divergences"]} divergences, {t["free_choices"]} free choices, '
             f'{t["recording_violations"]} recording violations</strong> ({t["ignored"]} '
             "ignored differences)</p>",
             '<table id="parity-table"><thead><tr><th>operation</th><th>recorded from</th>'
             "<th>match</th><th>divergences</th><th>free choices</th>"
             "<th>recording violates contract</th></tr></thead><tbody>"]
    for op in parity["operations"]:
        share = float(op["match_share"])
        parts.append(
            f'<tr data-api="{_e(op["api_id"])}"><th>{_e(op["api_id"])}</th>'
            f'<td>{_e(op["recorded_from"])}<br><small>{_e(op["recorded_at"])}</small></td>'
            f'<td class="share">{op["matched"]}/{op["exchanges"]} ({share:.0%})'
            f'<span class="bar" style="width:{round(share * 60)}px"></span></td>'
            f'<td>{len(op["divergences"])}</td><td>{len(op["free_choices"])}</td>'
            f'<td>{len(op["recording_violations"])}</td></tr>')
    parts.append("</tbody></table>")
    for key, css, title in _KINDS:
        entries = [(op["api_id"], e) for op in parity["operations"] for e in op[key]]
        if not entries:
            continue
        parts.append(f"<h3>{_e(title)}</h3>")
        for api_id, entry in entries:
            checks = entry["recording_checks"] if css == "recording" else entry["checks"]
            parts.append(
                f'<div class="parity-entry {css}" data-api="{_e(api_id)}"><code>{_e(api_id)}'
                f'</code> {_e(entry["case"])} call {entry["call"]}'
                + (f' · checks: {_e(", ".join(checks))}' if checks else "")
                + "".join(f"<pre>{_e(path)}</pre>" for path in entry["paths"]) + "</div>")
    if parity["ignore"]:
        parts.append("<h3>Paths ignored</h3><ul>")
        parts += [f'<li><code>{_e(e["path"])}</code> ({_e(e.get("api_id", "*"))}): '
                  f'{_e(e["reason"])}</li>' for e in parity["ignore"]]
        parts.append("</ul>")
    parts.append("</section>")
    return parts


def page(parity: Mapping[str, Any]) -> str:
    """``parity.html``: a self-contained page holding the section alone."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             "style-src 'unsafe-inline'\">", "<title>Snapshot parity</title>",
             f"<style>{CSS}{PARITY_CSS}</style></head><body>", *section(parity),
             "</body></html>"]
    return "\n".join(parts) + "\n"
