"""axe-core (bundled by axe-playwright-python) run on a page; serious and critical violations are reported with the
rule, its help text and the offending nodes so that a failure says what to fix."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page, name: str) -> list[str]:
    """Serious or critical violations on the current page, one readable line per node."""
    results = _axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(
                f"[{name}] {violation['impact']} {violation['id']}: {violation['help']}"
                f" — {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}"
                f"\n    {node['html'][:300]}"
            )
    return found
