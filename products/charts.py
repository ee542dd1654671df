"""Small server-rendered SVG charts (no JavaScript, no CDN, no inline styles: colours are SVG attributes, so the
strict Content-Security-Policy holds). Each bar has a <title> for a tooltip and screen readers; the page shows the
same figures in a table next to the chart."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

# 3★, 4★, 5★: from the portal palette (gold → deep red), readable on white and in greyscale print.
COLOURS = ("#d9a21b", "#b8451f", "#7a0e12")


def _axis(value: int) -> tuple[int, int]:
    """(top, steps): the smallest axis of 3 to 5 equal whole-number steps (1, 2, 2.5 or 5 × 10^k) covering value."""
    best = None
    for steps in (3, 4, 5):
        magnitude = 1
        while best is None or magnitude * steps <= best[0]:
            for multiple in (1, 2, 2.5, 5):
                step = multiple * magnitude
                if step == int(step) and step * steps >= value and (best is None or step * steps < best[0]):
                    best = (int(step * steps), steps)
            magnitude *= 10
    return best


def _legend(series, x, y):
    parts = []
    for index, (name, _values) in enumerate(series):
        cx = x + index * 70
        parts.append(f'<rect x="{cx}" y="{y - 10}" width="12" height="12" rx="2" fill="{COLOURS[index % 3]}"/>')
        parts.append(f'<text x="{cx + 17}" y="{y}" font-size="12" fill="#333">{escape(name)}</text>')
    return "".join(parts)


def stacked_bars(labels: list[str], series: list[tuple[str, list[int]]], *, title: str) -> str:
    width, height = 640, 300
    left, right, top, bottom = 48, 12, 36, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _n, values in series) for i in range(len(labels))]
    peak, steps = _axis(max(totals, default=0))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Noto Sans, DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title>",
        _legend(series, left, 18),
    ]
    for step in range(steps + 1):
        value = peak * step / steps
        y = top + plot_h - plot_h * step / steps
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e0d8"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#666">{value:,.0f}</text>'
        )
    slot = plot_w / max(len(labels), 1)
    bar = min(44, slot * 0.66)
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for index, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLOURS[index % 3]}">'
                f"<title>{escape(label)} — {escape(name)}: {value:,}</title></rect>"
            )
        if totals[i]:
            out.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle" '
                f'fill="#333">{totals[i]:,}</text>'
            )
        out.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" font-size="12" text-anchor="middle" '
            f'fill="#333">{escape(label)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def horizontal_bars(labels: list[str], series: list[tuple[str, list[int]]], *, title: str) -> str:
    row_h, left, right, top = 24, 190, 48, 36
    width = 640
    height = top + row_h * max(len(labels), 1) + 10
    totals = [sum(values[i] for _n, values in series) for i in range(len(labels))]
    peak, _steps = _axis(max(totals, default=0))
    plot_w = width - left - right
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Noto Sans, DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title>",
        _legend(series, left, 18),
    ]
    for i, label in enumerate(labels):
        y = top + row_h * i
        short = label if len(label) <= 28 else label[:27] + "…"
        out.append(
            f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#333">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        x = left
        for index, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            w = plot_w * value / peak
            out.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{COLOURS[index % 3]}">'
                f"<title>{escape(label)} — {escape(name)}: {value:,}</title></rect>"
            )
            x += w
        out.append(f'<text x="{x + 5:.1f}" y="{y + 15}" font-size="11" fill="#333">{totals[i]:,}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))
