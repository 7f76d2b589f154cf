"""``matrix.html``: one self-contained page (inline CSS and JS, no network, no server).

API rows x check columns. Every cell is a link to its detail panel: a failed cell opens the
failures (received vs documented, the documentation line and the redacted repro command), a
not-run cell the reasons. The panels are plain HTML shown through ``:target``, so the page works
with scripts off; the small inline script only adds toggling, a failures-only filter and copy
buttons. All text is escaped: a target's answer is untrusted input.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from backup_conformance.reporting import evidence_view

LABELS = {"pass": "pass", "fail": "fail", "not-run": "not run", "expected-fail": "expected"}
OUTCOME_LABELS = {"passed": "passed", "failed": "failed", "not-run": "not run",
                  "expected-failure": "expected failure"}
MAX_FIELD = 4000

CSS = """
:root{--pass:#1a7f37;--fail:#cf222e;--skip:#6e7781;--exp:#9a6700;--bg:#fff;--fg:#1f2328;
--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
margin:0;padding:24px;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
h3{font-size:15px;margin:0 0 8px}.meta{color:#57606a;margin:0 0 12px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.verdict.conformant{background:var(--pass)}.verdict.non-conformant{background:var(--fail)}
table{border-collapse:collapse}th,td{border:1px solid var(--line);padding:4px 6px}
th{background:var(--soft);font-weight:600;text-align:left}
.matrix{overflow-x:auto;max-width:100%}
.matrix th.col{height:170px;vertical-align:bottom;padding:4px 2px;white-space:nowrap}
.matrix th.col span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block}
.matrix td{text-align:center;padding:2px;min-width:54px}
.matrix th.api{white-space:nowrap}.matrix th.api small{display:block;color:#57606a;
font-weight:400}.matrix tr.vendor th{background:#eaeef2;text-align:left}
a.cell{display:block;padding:3px 4px;border-radius:4px;color:#fff;text-decoration:none;
font-size:11px;font-weight:600;white-space:nowrap}
a.cell:focus,a.cell.open{outline:3px solid #0969da}
.pass{background:var(--pass)}.fail{background:var(--fail)}.not-run{background:var(--skip)}
.expected-fail{background:var(--exp)}td.na{background:repeating-linear-gradient(45deg,
#fff,#fff 4px,#f0f0f0 4px,#f0f0f0 8px)}
.counts td{text-align:right}.counts td:first-child{text-align:left}
.panel{display:none;border:1px solid var(--line);border-radius:6px;padding:12px 16px;
margin:12px 0;background:#fff}.panel:target,.panel.open{display:block}
.case{border-top:1px solid var(--line);padding:8px 0}.case:first-of-type{border-top:0}
.badge{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-size:12px}
.badge.passed{background:var(--pass)}.badge.failed{background:var(--fail)}
.badge.not-run{background:var(--skip)}.badge.expected-failure{background:var(--exp)}
.failure{margin:8px 0 8px 12px;padding:8px;border-left:4px solid var(--fail);
background:#fff8f8}.failure dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;
margin:6px 0}.failure dt{font-weight:600}.failure dd{margin:0}
pre{white-space:pre-wrap;word-break:break-all;background:var(--soft);padding:6px 8px;
border-radius:4px;margin:2px 0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.quote{font-style:italic;color:#57606a}button{font:inherit;cursor:pointer}
.toolbar{margin:8px 0}body.only-failures td:not(.has-fail) a.cell{opacity:.25}
.legend span{margin-right:10px}.legend .cell{display:inline-block}
"""

JS = """
(function(){
  var panels=document.querySelectorAll('.panel');
  function show(id){
    panels.forEach(function(p){p.classList.toggle('open',p.id===id)});
    document.querySelectorAll('a.cell').forEach(function(a){
      a.classList.toggle('open',a.getAttribute('href')==='#'+id)});
  }
  document.querySelectorAll('a.cell').forEach(function(a){
    a.addEventListener('click',function(e){
      e.preventDefault();
      var id=a.getAttribute('href').slice(1);
      var panel=document.getElementById(id);
      if(panel.classList.contains('open')){show('');return;}
      show(id);
      history.replaceState(null,'','#'+id);
      panel.scrollIntoView({block:'nearest'});
    });
  });
  document.querySelectorAll('button.copy').forEach(function(b){
    b.addEventListener('click',function(){
      var text=b.nextElementSibling.textContent;
      if(navigator.clipboard){navigator.clipboard.writeText(text).then(function(){
        b.textContent='copied'},function(){b.textContent='select and copy'})}
    });
  });
  var filter=document.getElementById('only-failures');
  if(filter){filter.addEventListener('change',function(){
    document.body.classList.toggle('only-failures',filter.checked)})}
  if(location.hash){show(location.hash.slice(1))}
})();
"""


def _e(value: Any, limit: int = MAX_FIELD) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + f" … ({len(text)} characters)"
    return escape(text, quote=True)


def _cell_id(index: int) -> str:
    return f"cell-{index}"


def render(matrix: Mapping[str, Any], parity: Mapping[str, Any] | None = None) -> str:
    """The whole page for ``matrix`` (a ``matrix.json`` document), with the snapshot parity
    section when a ``parity.json`` document is given."""
    from backup_conformance.reporting import render_parity  # it imports this module

    cells = list(matrix["cells"])
    index = {(c["api"], c["check"]): i for i, c in enumerate(cells)}
    checks = matrix["checks"]
    totals = matrix["totals"]
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        "<title>Conformance matrix</title>",
        f"<style>{CSS}{render_parity.PARITY_CSS if parity else ''}</style></head><body>",
        f'<h1>Conformance matrix <span class="verdict {_e(matrix["verdict"])}">'
        f'{_e(matrix["verdict"])}</span></h1>',
        f'<p class="meta">Target: {_e(matrix["target"] or "unknown")} · strictness '
        f'<code>{_e(matrix["strictness"] or "?")}</code> · {_e(matrix["generated_at"])}</p>',
        f'<p id="totals"><strong>{totals["passed"]} passed, {totals["failed"]} failed, '
        f'{totals["not_run"]} not run, {totals["expected"]} expected by the baseline</strong>'
        " (test cases)</p>",
        _counts_table(matrix),
        "<h2>API &times; check</h2>",
        '<p class="legend"><span><a class="cell pass">pass</a> every case passed</span>'
        '<span><a class="cell fail">fail</a> a case failed</span>'
        '<span><a class="cell not-run">not run</a> nothing ran (reason inside)</span>'
        '<span><a class="cell expected-fail">expected</a> fails as the baseline expects</span>'
        "<span>hatched: does not apply</span></p>",
        '<p class="toolbar"><label><input type="checkbox" id="only-failures"> highlight '
        "failures only</label> · click a cell for its cases</p>",
        '<div class="matrix"><table id="matrix"><thead><tr><th>API</th>',
    ]
    parts += [f'<th class="col" title="{_e(c["title"])}"><span>{_e(c["name"])}</span></th>'
              for c in checks]
    parts.append("</tr></thead><tbody>")
    vendor = None
    for api in matrix["apis"]:
        if api["vendor"] != vendor:
            vendor = api["vendor"]
            parts.append(f'<tr class="vendor"><th colspan="{len(checks) + 1}">'
                         f"{_e(vendor or 'other')}</th></tr>")
        parts.append(f'<tr data-api="{_e(api["id"])}"><th class="api">{_e(api["id"])}'
                     f'<small>{_e(api["page"])}</small></th>')
        for check in checks:
            i = index.get((api["id"], check["name"]))
            if i is None:
                parts.append('<td class="na" title="does not apply"></td>')
                continue
            cell = cells[i]
            fail = " has-fail" if cell["status"] in ("fail", "expected-fail") else ""
            parts.append(f'<td class="{cell["status"]}-cell{fail}">'
                         f'<a class="cell {cell["status"]}" href="#{_cell_id(i)}" '
                         f'data-api="{_e(cell["api"])}" data-check="{_e(cell["check"])}" '
                         f'title="{_e(_tooltip(cell))}">{_e(_short(cell))}</a></td>')
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    parts.append('<div id="panels">')
    columns = {c["name"]: c for c in checks}
    for i, cell in enumerate(cells):
        parts.append(_panel(i, cell, columns.get(cell["check"], {})))
    parts.append("</div>")
    parts += _baseline(matrix.get("baseline"))
    parts += _evidence(matrix)
    parts += render_parity.section(parity) if parity else []
    parts += [f"<script>{JS}</script>", "</body></html>"]
    return "\n".join(parts) + "\n"


def _short(cell: Mapping[str, Any]) -> str:
    total = cell["passed"] + cell["failed"] + cell["not_run"] + cell["expected"]
    label = LABELS[cell["status"]]
    if cell["status"] == "fail" and total > 1:
        return f"{label} {cell['failed']}/{total}"
    if cell["status"] == "pass" and total > 1:
        return f"{label} {cell['passed']}/{total}"
    return label


def _tooltip(cell: Mapping[str, Any]) -> str:
    if cell["status"] == "not-run":
        return "not run: " + "; ".join(cell["reasons"])
    return (f"{cell['passed']} passed, {cell['failed']} failed, {cell['not_run']} not run, "
            f"{cell['expected']} expected")


def _counts_table(matrix: Mapping[str, Any]) -> str:
    rows = ['<table class="counts" id="per-api"><thead><tr><th>API</th><th>vendor</th>'
            "<th>passed</th><th>failed</th><th>not run</th><th>expected</th></tr></thead>"
            "<tbody>"]
    for api in matrix["apis"]:
        counts = matrix["per_api"].get(api["id"], {})
        rows.append(f'<tr><td><code>{_e(api["id"])}</code></td><td>{_e(api["vendor"])}</td>'
                    + "".join(f"<td>{counts.get(k, 0)}</td>"
                              for k in ("passed", "failed", "not_run", "expected")) + "</tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def _panel(i: int, cell: Mapping[str, Any], column: Mapping[str, Any]) -> str:
    out = [f'<section class="panel" id="{_cell_id(i)}" data-status="{cell["status"]}">',
           f'<h3>{_e(cell["api"])} &times; {_e(cell["check"])}: '
           f'<span class="badge {_badge(cell["status"])}">{_e(LABELS[cell["status"]])}</span>'
           "</h3>"]
    if column.get("title"):
        out.append(f'<p class="meta">{_e(column["title"])} · layer {_e(column["layer"])} · '
                   f'severity {_e(column["severity"])}</p>')
    for case in cell["cases"]:
        outcome = case["outcome"]
        out.append(f'<div class="case"><span class="badge {outcome}">'
                   f"{_e(OUTCOME_LABELS[outcome])}</span> <code>{_e(case['test'])}</code>"
                   f" <small>({case['duration']:.2f}s)</small>")
        if outcome == "not-run":
            out.append(f"<p>not run: {_e(case['reason'])}</p>")
        if case["baseline"]:
            out.append("<p>Expected by the baseline: " + "; ".join(_e(b) for b in
                                                                case["baseline"]) + "</p>")
        for failure in case["failures"]:
            out.append(_failure(failure))
        if case["error"] and not case["failures"]:
            out.append(f'<div class="failure"><strong>error</strong><pre>{_e(case["error"])}'
                       "</pre></div>")
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _badge(status: str) -> str:
    return {"pass": "passed", "fail": "failed", "not-run": "not-run",
            "expected-fail": "expected-failure"}[status]


def _failure(failure: Mapping[str, str]) -> str:
    out = ['<div class="failure">',
           f"<strong>[{_e(failure['check'])}] {_e(failure['title'])}</strong>",
           "<dl>",
           f"<dt>Received</dt><dd><pre class=\"received\">{_e(failure['received'])}</pre></dd>",
           f"<dt>Documented</dt><dd><pre class=\"documented\">{_e(failure['documented'])}"
           "</pre></dd>",
           f"<dt>Source</dt><dd><code class=\"source\">{_e(failure['source'])}</code> "
           f"({_e(failure['layer'])}, {_e(failure['severity'])})"]
    if failure.get("quote"):
        out.append(f'<div class="quote">“{_e(failure["quote"])}”</div>')
    out.append("</dd>")
    rests = evidence_view.rested_on(failure)
    if rests:
        out.append('<dt>Rests on</dt><dd><ul class="evidence">'
                   + "".join(f"<li>{_e(text)}</li>" for text in rests) + "</ul></dd>")
    if failure["repro"]:
        out.append('<dt>Reproduce</dt><dd><button class="copy" type="button">copy</button>'
                   f'<pre class="repro">{_e(failure["repro"])}</pre></dd>')
    out.append("</dl></div>")
    return "".join(out)


def _evidence(matrix: Mapping[str, Any]) -> list[str]:
    rows = [f'<tr data-check="{_e(line.check)}"><td><code>{_e(line.check)}</code></td>'
            f"<td>{_e(line.layer)}</td><td>{_e(', '.join(line.levels))}</td><td><ul>"
            + "".join(f"<li>{_e(text)}</li>" for text in line.shown()) + "</ul></td></tr>"
            for line in evidence_view.lines(matrix)]
    if not rows:
        return []
    return [f'<h2>Evidence per check</h2><p class="meta">at <code>'
            f"{_e(evidence_view.level_of(matrix))}</code>; every API and level is in "
            'matrix.json</p><table id="evidence"><thead><tr><th>check</th><th>layer</th>'
            "<th>judged at</th><th>rests on</th></tr></thead><tbody>", *rows,
            "</tbody></table>"]


def _baseline(verdict: Mapping[str, Any] | None) -> list[str]:
    if not verdict:
        return []
    out = ["<h2>Baseline</h2>",
           f"<p><code>{_e(verdict['file'])}</code>: {len(verdict['expected'])} expected "
           f"failure(s) held, {len(verdict['new'])} new, {len(verdict['fixed'])} fixed, "
           f"{len(verdict['expired'])} expired.</p><ul>"]
    for entry in verdict["fixed"]:
        out.append(f"<li>no longer fails, prune it: <code>{_e(entry['api'])} &times; "
                   f"{_e(entry['check'])} &times; {_e(entry['test'])}</code></li>")
    for entry in verdict["expired"]:
        out.append(f"<li>expired on {_e(entry['expires'])}, fails again: <code>"
                   f"{_e(entry['api'])} &times; {_e(entry['check'])} &times; "
                   f"{_e(entry['test'])}</code></li>")
    out.append("</ul>")
    return out
