"""Memory of ``backup-conformance audit`` over large HAR files: is it flat in the entry count?

Writes HAR files of N entries (default 1k, 10k and 100k; a mix of the five APIs, the odd
invalid request and wrong answer so findings are kept too), then audits each in a fresh child
process and reports its peak resident memory (``ru_maxrss``) and wall time. Flat means the peak
for 100k entries is close to the peak for 1k, while the file is 100 times larger.

    python bench/audit_memory.py                 # 1k, 10k, 100k entries (~3-4 min on 2 cores)
    python bench/audit_memory.py --sizes 2000    # any sizes

Not a test: nothing is asserted; the README quotes the figures of a run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backup_conformance.har import HarWriter

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
RID = "0" * 32
JSON = [("Content-Type", "application/json")]
TIMEOUT = 1800


def _samples() -> list[dict[str, object]]:
    """One exchange per API (valid, conforming), plus a client and a server fault."""
    acs = [("x-acs-version", "2017-09-08"), ("Authorization", "***")]
    return [
        {"method": "POST", "url": "http://127.0.0.1/?JobId=j-1&VaultId=v-1",
         "headers": [("x-acs-action", "CancelBackupJob"), *acs], "status": 200,
         "response_headers": JSON,
         "response_body": b'{"RequestId": "R1", "Success": true, "Code": "200", "Message": "ok"}'},
        {"method": "POST", "url": "http://127.0.0.1/?BackupPlanId=p-1&StopMethod=ALL",
         "headers": [("x-acs-action", "StopBackupPlan"), ("x-acs-version", "2019-03-06"),
                     ("Authorization", "***")], "status": 200, "response_headers": JSON,
         "response_body": b'{"RequestId": "R2", "Success": true, "BackupPlanId": "p-1"}'},
        {"method": "DELETE", "url": f"http://127.0.0.1/v3/{PROJECT}/backups/b-1",
         "headers": [("X-Auth-Token", "***")], "status": 202,
         "response_headers": [*JSON, ("X-Request-Id", RID)],
         "response_body": b'{"job_id": "j-1"}'},
        {"method": "POST", "url": "http://127.0.0.1/?VaultId=v-1",  # JobId missing: client
         "headers": [("x-acs-action", "CancelBackupJob"), *acs], "status": 400,
         "response_headers": JSON,
         "response_body": b'{"RequestId": "R3", "Code": "MissingJobId", "Message": "x"}'},
        {"method": "DELETE", "url": f"http://127.0.0.1/v3/{PROJECT}/backups/b-2",
         "headers": [("X-Auth-Token", "***")], "status": 200,  # undocumented status: server
         "response_headers": [*JSON, ("X-Request-Id", RID)], "response_body": b"{}"},
    ]


def write_har(path: Path, entries: int) -> None:
    samples = _samples()
    writer = HarWriter(path)
    for index in range(entries):
        sample = samples[(index // 50) % len(samples)] if index % 50 == 0 else samples[index % 3]
        writer.add(body=b"", elapsed_ms=1.0, **sample)  # type: ignore[arg-type]
    writer.close()


def audit_child(har: Path, reports: Path) -> dict[str, float]:
    """Run the audit in this process; report peak RSS (KiB on Linux) and seconds."""
    from backup_conformance.cli import main

    started = time.perf_counter()
    code = main(["audit", str(har), "--report-dir", str(reports)])
    return {"exit": code, "seconds": round(time.perf_counter() - started, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--child", nargs=2, metavar=("HAR", "REPORTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(audit_child(Path(args.child[0]), Path(args.child[1]))))
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            har = Path(tmp) / f"{size}.har"
            write_har(har, size)
            done = subprocess.run([sys.executable, __file__, "--child", str(har),
                                   str(Path(tmp) / f"reports-{size}")], capture_output=True,
                                  text=True, timeout=TIMEOUT)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((size, har.stat().st_size / 2**20, figures))
            har.unlink()
    print("| entries | HAR size | audit peak RSS | wall | entries/s | exit |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, mib, figures in rows:
        rate = size / figures["seconds"] if figures["seconds"] else 0
        print(f"| {size} | {mib:.1f} MiB | {figures['peak_rss_mib']} MiB | "
              f"{figures['seconds']} s | {rate:.0f} | {figures['exit']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
