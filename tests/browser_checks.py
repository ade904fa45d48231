"""What the browser tests check on every page: axe-core's accessibility rules, run in the page."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_FILE_PATH

AXE_SCRIPT = AXE_FILE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Any, *, rules: list[str] | None = None) -> list[str]:
    """Every axe-core violation on the page (open shadow roots included), one line each."""
    page.evaluate(AXE_SCRIPT)
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    result = page.evaluate("(options) => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" > ".join(map(str, n["target"])) for n in v["nodes"][:4])
        for v in result["violations"]
    ]
