"""Debian's headless Chromium through its own chromedriver, for the HTML report's tests and
bench/bench_html.py; and the few things they measure on a page and on a screenshot.

Selenium is given both binaries' paths, so it never looks for (or downloads) a driver of
its own."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path
from typing import Any

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = ("chromedriver",)
INSTALL = "sh .ci/system-packages --test (as root) installs chromium and chromium-driver"


def binaries() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths, or None when either is not installed."""
    browser = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver = next((p for p in map(shutil.which, DRIVER) if p), None)
    return (browser, driver) if browser and driver else None


def start(width: int = 1280, height: int = 1600) -> Any:
    """A headless Chromium (selenium.webdriver.Chrome); raise RuntimeError if not there."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = binaries()
    if found is None:
        raise RuntimeError(f"chromium or chromedriver not found: {INSTALL}")
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=found[1]), options=options)


# How long the page took to open, in ms from navigation start: until the load event and
# until the frame after the report's script set itself up (its `driftguard-ready` mark).
OPEN_TIMES = """
const nav = performance.getEntriesByType("navigation")[0];
const ready = performance.getEntriesByName("driftguard-ready");
return {load: nav.loadEventEnd, ready: ready.length ? ready[0].startTime : null,
        resources: performance.getEntriesByType("resource").length};
"""


def open_times(driver: Any, path: Path) -> dict[str, float]:
    """Open the page (a fresh navigation) and return its OPEN_TIMES once it is ready."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get("about:blank")
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return performance.getEntriesByName("
                                   "'driftguard-ready').length > 0"))
    return dict(driver.execute_script(OPEN_TIMES))


def cpu_seconds(driver: Any) -> float:
    """CPU time (user + system) used so far by the browser's processes (chromedriver's
    descendants), from /proc: what a page costs, whatever else the machine is doing."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    todo, total = [int(driver.service.process.pid)], 0.0
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if pid in stats:
            total += (int(stats[pid][11]) + int(stats[pid][12])) / ticks
    return total


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# The grey levels of an image, decoded by the browser on a blank page (no report's policy
# there): their variance and how many distinct levels there are. A blank page has neither.
GREY_STATS = """
const done = arguments[arguments.length - 1];
const img = new Image();
img.onload = () => {
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  let n = 0, sum = 0, sq = 0; const levels = new Set();
  for (let i = 0; i < px.length; i += 16) {
    const g = Math.round((px[i] + px[i + 1] + px[i + 2]) / 3);
    n++; sum += g; sq += g * g; levels.add(g);
  }
  const mean = sum / n;
  done({variance: sq / n - mean * mean, levels: levels.size, width: img.width});
};
img.onerror = () => done(null);
img.src = "data:image/png;base64," + arguments[0];
"""


def grey_stats(driver: Any, png: bytes) -> dict[str, float]:
    """GREY_STATS of a screenshot (leaves the browser on about:blank)."""
    import base64

    driver.get("about:blank")
    found = driver.execute_async_script(GREY_STATS, base64.b64encode(png).decode())
    assert found is not None, "the browser could not decode the screenshot"
    return dict(found)
