#!/usr/bin/env python3
"""Time the HTML report of a big estate: rendering it, and opening it in headless Chromium.

    python bench/bench_html.py                      # 10,000 findings, 5 runs
    python bench/bench_html.py --findings 50000 --runs 3 --keep /tmp/big.html

The result is a scan's, shaped as a big estate's (tests/report/big_report.py: drift of
every class with attribute changes, policy findings over 24 rules, 12 types, 2 accounts,
3 regions). driftguard's renderer writes the page once (timed), then Debian's Chromium
(tests/report/browser.py) opens it once to warm up and N timed times, each a fresh
navigation; a run's time is from navigation start to the later of the load event and the
frame after the page's script set itself up; and the CPU time the browser's processes
spent meanwhile (from /proc), which a busy machine inflates less. Prints each run, the
medians and the time one filter takes over every row. The page must load nothing: the
benchmark says so or fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "report"))

FILTER = """
const t = performance.now();
document.querySelector('input[name="c"][value="policy"]').click();
const spent = performance.now() - t;
document.querySelector('input[name="c"][value="policy"]').click();
return spent;
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=10_000, help="default 10,000")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--keep", type=Path, help="write the page here (default: temp)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.findings < 1:
        parser.error("--runs and --findings must be at least 1")

    import browser
    from big_report import big_scan

    from driftguard.report.html_report import render

    result = big_scan(args.findings)
    start = time.perf_counter()
    page = render(result)
    rendered = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="driftguard-bench-") as tmp:
        path = args.keep or Path(tmp) / "report.html"
        path.write_text(page, encoding="utf-8")
        print(f"{len(result.findings)} findings: rendered in {rendered:.2f} s, "
              f"{len(page.encode()) / 1e6:.1f} MB")
        driver = browser.start()
        try:
            browser.open_times(driver, path)  # warm-up
            times = []
            cpu = []
            for run in range(1, args.runs + 1):
                before = browser.cpu_seconds(driver)
                t = browser.open_times(driver, path)
                cpu.append(browser.cpu_seconds(driver) - before)
                if t["resources"]:
                    print(f"the page loaded {t['resources']} resources", file=sys.stderr)
                    return 1
                opened = max(t["load"], t["ready"] or 0)
                times.append(opened)
                print(f"  run {run}: opened in {opened:.0f} ms (load event {t['load']:.0f} ms), "
                      f"browser CPU {cpu[-1] * 1000:.0f} ms")
            spent = driver.execute_script(FILTER)
        finally:
            driver.quit()
    print(f"median: {statistics.median(times):.0f} ms to open, browser CPU "
          f"{statistics.median(cpu) * 1000:.0f} ms; one filter over every row: {spent:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
