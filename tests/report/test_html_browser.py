"""The HTML report in a real browser: Debian's headless Chromium, driven by selenium.

    .venv/bin/python -m pytest tests/report/test_html_browser.py -q

Reports of a real check (configs/examples/ml-plan.json) and of a real scan (a moto
account that drifted from its state) are opened, screenshot (kept in the test's tmp dir
and checked not to be blank, on a desktop and on a phone's width), filtered, searched and
expanded; the page must load nothing, and a 10,000-finding report must open in under 2 s.
Skipped, saying why, only where chromium or chromium-driver is not installed.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import browser
import pytest
from big_report import big_scan

from driftguard.cli import main
from driftguard.declared.state_writer import TerraformState
from driftguard.report.html_report import render

REPO = Path(__file__).resolve().parents[2]
REGION, ACCOUNT, AMI = "eu-west-1", "123456789012", "ami-03cf127a"

pytestmark = pytest.mark.skipif(browser.binaries() is None,
                                reason=f"chromium or chromedriver not installed: "
                                       f"{browser.INSTALL}")


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    driver = browser.start()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def check_report(clean_env: Path) -> Path:
    out = clean_env / "check.html"
    assert main(["check", str(REPO / "configs/examples/ml-plan.json"),
                 "-f", "html", "-o", str(out)]) == 1
    return out


@pytest.fixture
def scan_report(aws: str, clean_env: Path) -> Path:
    """A moto account: a declared instance resized behind the code's back (with a tag the
    state marks sensitive), and an instance no code declares."""
    ec2 = boto3.client("ec2")

    def run(itype: str, tags: dict[str, str]) -> str:
        made = ec2.run_instances(ImageId=AMI, InstanceType=itype, MinCount=1, MaxCount=1,
                                 TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                     {"Key": k, "Value": v} for k, v in tags.items()]}])
        return str(made["Instances"][0]["InstanceId"])

    trainer = run("p5.48xlarge", {"Name": "trainer", "ApiKey": "SECRET-CANARY-LIVE"})
    run("g5.xlarge", {"Name": "someones-experiment"})
    state = TerraformState()
    tags = {"Name": "trainer", "ApiKey": "SECRET-CANARY-STATE"}
    state.add("aws_instance", "trainer", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{trainer}", "id": trainer,
        "ami": AMI, "instance_type": "p4d.24xlarge", "tags": tags, "tags_all": dict(tags)},
        sensitive=("tags", "tags_all"), schema_version=1)
    path = state.write(clean_env / "terraform.tfstate")
    out = clean_env / "scan.html"
    code = main(["scan", "--state", str(path), "--region", REGION, "--no-progress",
                 "-f", "html", "-o", str(out)])
    assert code == 1
    return out


def open_page(driver: Any, path: Path) -> None:
    browser.open_times(driver, path)


def shown_rows(driver: Any) -> int:
    return int(driver.execute_script(
        "return document.querySelectorAll('#findings details.f:not([hidden])').length"))


def wait_rows(driver: Any, n: int) -> None:
    """Until `n` rows are shown (the reset button filters on the next turn)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: shown_rows(d) == n)


def wait_for(driver: Any, within: Any, selector: str) -> Any:
    """The first element under `within` that `selector` matches, once the page has made it."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 5).until(
        lambda _: next(iter(within.find_elements("css selector", selector)), None))


def screenshot(driver: Any, path: Path, out: Path, width: int, height: int) -> dict[str, Any]:
    """A screenshot of the page at this window size, saved to `out`; its grey-level stats
    and whether the page fits the width (nothing to scroll sideways)."""
    driver.set_window_size(width, height)
    open_page(driver, path)
    fits = driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")
    png = driver.get_screenshot_as_png()
    out.write_bytes(png)
    stats = browser.grey_stats(driver, png)
    return {**stats, "fits": fits, "size": browser.png_size(png), "bytes": len(png)}


def test_screenshots_of_a_real_check_are_not_blank(chrome: Any, check_report: Path,
                                                   tmp_path: Path) -> None:
    desktop = screenshot(chrome, check_report, tmp_path / "check-desktop.png", 1280, 1600)
    phone = screenshot(chrome, check_report, tmp_path / "check-phone.png", 390, 844)
    chrome.set_window_size(1280, 1600)
    for shot in (desktop, phone):
        assert shot["bytes"] > 20_000, shot
        assert shot["variance"] > 200 and shot["levels"] > 40, shot  # text, bars, colours
    assert desktop["fits"] and phone["fits"], (desktop, phone)  # readable on a phone
    print(f"screenshots in {tmp_path}: {desktop}, {phone}")


def test_filters_search_and_details_on_a_real_scan(chrome: Any, scan_report: Path,
                                                   tmp_path: Path) -> None:
    html = scan_report.read_text(encoding="utf-8")
    assert "SECRET-CANARY" not in html
    open_page(chrome, scan_report)
    chrome.save_screenshot(str(tmp_path / "scan.png"))
    total = shown_rows(chrome)
    classes = chrome.execute_script(
        "return Array.from(document.querySelectorAll('details.f'), r => r.dataset.c)")
    assert {"changed", "unmanaged", "policy"} <= set(classes)
    assert chrome.find_element("id", "shown").text == f"{total} of {total} findings shown"

    def click(selector: str) -> None:
        chrome.find_element("css selector", selector).click()

    click('input[name="c"][value="policy"]')  # drift only
    assert shown_rows(chrome) == classes.count("changed") + classes.count("unmanaged")
    policy_group = chrome.execute_script(
        "return document.querySelector('#findings .part:last-of-type').hidden")
    assert policy_group is True
    click('input[name="c"][value="unmanaged"]')
    assert shown_rows(chrome) == classes.count("changed") == 1
    click('button[type="reset"]')
    wait_rows(chrome, total)

    severities = chrome.execute_script(
        "return Array.from(document.querySelectorAll('details.f'), r => r.dataset.s)")
    for box in chrome.find_elements("css selector", 'input[name="s"]'):
        if box.get_attribute("value") != "high":
            box.click()
    assert shown_rows(chrome) == severities.count("high") < total
    click('button[type="reset"]')
    wait_rows(chrome, total)

    search = chrome.find_element("id", "q")
    search.send_keys("TFSTATE")  # the declaring file: only in the whys of what it declares
    chrome.execute_script("document.getElementById('q').dispatchEvent(new Event('change', "
                          "{bubbles: true}))")
    shown = chrome.find_elements("css selector", "#findings details.f:not([hidden])")
    kinds = [r.get_attribute("data-c") for r in shown]
    assert "changed" in kinds and "unmanaged" not in kinds and len(shown) < total
    assert shown_rows(chrome) == len(shown)
    row = next(r for r in shown if r.get_attribute("data-c") == "changed")
    row.find_element("tag name", "summary").click()
    assert row.get_attribute("open") == "true"
    why = wait_for(chrome, row, "dl.why").text  # built by the toggle event, a later task
    assert "p4d.24xlarge" in why and "p5.48xlarge" in why and "instance_type" in why
    search.clear()
    search.send_keys("no-such-thing-anywhere")
    chrome.execute_script("document.getElementById('q').dispatchEvent(new Event('change', "
                          "{bubbles: true}))")
    assert shown_rows(chrome) == 0
    assert "0 of" in chrome.find_element("id", "shown").text

    types = chrome.find_element("id", "t")
    assert "aws_instance" in types.text


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_the_page_loads_nothing_and_cannot_be_made_to(chrome: Any, check_report: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        open_page(chrome, check_report)
        assert chrome.execute_script(
            "return performance.getEntriesByType('resource').length") == 0
        # Markup that a hostile value would need, injected past the escaping: the page's
        # content policy refuses every request it tries.
        violations = chrome.execute_async_script(f"""
            const done = arguments[arguments.length - 1];
            const seen = [];
            document.addEventListener("securitypolicyviolation",
                                      e => seen.push(e.violatedDirective));
            const img = document.createElement("img"); img.src = "{url}/img";
            document.body.appendChild(img);
            const link = document.createElement("link"); link.rel = "stylesheet";
            link.href = "{url}/css"; document.head.appendChild(link);
            const s = document.createElement("script"); s.src = "{url}/js";
            document.body.appendChild(s);
            fetch("{url}/fetch").catch(() => null).finally(
                () => setTimeout(() => done(seen), 300));
        """)
        assert _Counting.hits == []
        assert {"img-src", "style-src-elem", "script-src-elem", "connect-src"} <= {
            v.split(" ")[0] for v in violations}, violations
    finally:
        server.shutdown()
        server.server_close()


def test_print_media_hides_the_controls(chrome: Any, check_report: Path) -> None:
    open_page(chrome, check_report)
    chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        display = chrome.execute_script(
            "return getComputedStyle(document.getElementById('filters')).display")
        assert display == "none"
        pdf = chrome.print_page()
        assert len(pdf) > 10_000
    finally:
        chrome.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_ten_thousand_findings_open_in_under_two_seconds(chrome: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(render(big_scan(10_000)), encoding="utf-8")
    browser.open_times(chrome, path)  # warm-up: the browser's own start, caches
    times = []
    for _ in range(5):  # the best of five: `make test` shares the cores with other tests
        t = browser.open_times(chrome, path)
        assert t["resources"] == 0
        times.append(max(t["load"], t["ready"]))
    assert shown_rows(chrome) == 10_000
    # The median on a quiet machine is bench/bench_html.py's figure; the test asks that the
    # page can open in time, which a loaded run's best opening still shows.
    best = min(times)
    print(f"10,000 findings: opened in {best:.0f} ms (best of {times})")
    assert best < 2000, times
    # and a filter over all of them stays quick
    spent = chrome.execute_script("""
        const t = performance.now();
        document.querySelector('input[name="c"][value="policy"]').click();
        return performance.now() - t;""")
    assert shown_rows(chrome) == 2_000 and spent < 1000, spent
