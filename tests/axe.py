"""axe-core in the browser tests: the pinned engine, run against WCAG 2.2 AA.

The engine is the project's own copy of axe-core (``tests/vendor``, from the
npm package, MPL-2.0; see ``tests/vendor/README.md``), not the older one a
Python wrapper bundles: 4.12 misses rules auditors run today, such as
``label-content-name-mismatch`` (WCAG 2.5.3). It is evaluated through the
DevTools protocol, so the site's Content Security Policy, which refuses inline
scripts, does not block it.
"""

from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_SOURCE = (
    Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}.min.js"
).read_text(encoding="utf-8")

# The conformance level public-sector sites in the UK are held to.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict[str, Any]]:
    """The WCAG 2.2 AA rules the loaded page breaks, as axe reports them."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations)",
        WCAG_22_AA,
    )


def axe_version(page) -> str:
    """The version of the engine injected into ``page``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate("axe.version")


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule and node, to read in a failed assertion."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.append(f"      {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)
