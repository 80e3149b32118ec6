"""Charts drawn on the server as SVG: they print, work offline and need no script.

Only presentation attributes, no `style` attribute: the pages' CSP forbids inline styles.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: colour-blind-safe colours for stakeholder groups, as static/js/common.js groupColour()
GROUP_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
]
#: lead, co-lead, partner, support
ROLE_COLOURS = ["#0B3D63", "#2F6F9F", "#6FA8D6", "#B9D6EE"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif"


def group_colour(index: int) -> str:
    return GROUP_COLOURS[index % len(GROUP_COLOURS)]


@dataclass
class Bar:
    label: str
    #: stacked segments, in the order of the chart's colours
    values: Sequence[float]
    #: shown after the bar (e.g. "12 · 9 voted"); the total when empty
    note: str = ""


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)].rstrip() + "…"


def bar_chart(
    bars: Sequence[Bar],
    colours: Sequence[str],
    *,
    title: str,
    rtl: bool = False,
    width: int = 720,
    label_width: int = 260,
    row_height: int = 26,
) -> Markup:
    """Horizontal stacked bars with their labels; mirrored for right-to-left languages."""
    note_width = 150
    plot = width - label_width - note_width
    height = max(1, len(bars)) * row_height + 8
    largest = max([sum(b.values) for b in bars] + [0]) or 1
    font_size = 13
    chars = int(label_width / (font_size * 0.56))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="{font_size}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]

    def x_of(x: float, w: float = 0) -> float:
        return width - x - w if rtl else x

    for index, bar in enumerate(bars):
        top = 4 + index * row_height
        middle = top + row_height / 2
        label_x = width - 4 if rtl else 4
        anchor_dir = ' direction="rtl"' if rtl else ""
        parts.append(
            f'<text x="{label_x}" y="{middle + 4:.1f}" text-anchor="start"{anchor_dir} '
            f'fill="#111827"><title>{escape(bar.label)}</title>'
            f"{escape(_clip(bar.label, chars))}</text>"
        )
        x = float(label_width)
        for value, colour in zip(bar.values, colours, strict=False):
            w = plot * value / largest
            if w <= 0:
                continue
            parts.append(
                f'<rect x="{x_of(x, w):.1f}" y="{top + 4}" width="{w:.1f}" '
                f'height="{row_height - 8}" fill="{colour}"><title>{escape(bar.label)}: '
                f"{_fmt(value)}</title></rect>"
            )
            x += w
        note = bar.note or _fmt(sum(bar.values))
        note_x = x_of(x + 6)
        parts.append(
            f'<text x="{note_x:.1f}" y="{middle + 4:.1f}" '
            f'text-anchor="{"end" if rtl else "start"}" direction="ltr" fill="#374151">'
            f"{escape(note)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def split_bar(
    values: Sequence[float],
    colours: Sequence[str],
    *,
    scale: float,
    label: str,
    rtl: bool = False,
    width: int = 180,
    height: int = 14,
) -> Markup:
    """A small stacked bar (e.g. one activity's support split by group), `scale` of full width."""
    total = sum(values)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="split" role="img" '
        f'preserveAspectRatio="none" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#EEF2F6"/>',
    ]
    x = 0.0
    full = width * max(0.0, min(1.0, scale))
    for value, colour in zip(values, colours, strict=False):
        if value <= 0 or total <= 0:
            continue
        w = full * value / total
        left = width - x - w if rtl else x
        parts.append(
            f'<rect x="{left:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}"/>'
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()
