"""The player's weight budget: all its JS and CSS together (index.html excluded) under 60,000 bytes."""

from __future__ import annotations

from player_site import PLAYER

BUDGET = 60_000


def test_player_js_and_css_stay_under_the_budget():
    files = sorted(p for p in PLAYER.iterdir() if p.suffix in (".js", ".css"))
    assert [p.name for p in files] == ["marking.js", "player.css", "player.js", "runtime.js"]
    sizes = {p.name: p.stat().st_size for p in files}
    total = sum(sizes.values())
    print(f"player JS + CSS: {total} bytes {sizes}")
    assert total < BUDGET, f"{total} bytes of JS and CSS, over the {BUDGET}-byte budget: {sizes}"
