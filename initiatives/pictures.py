"""Pictures of the library: the police area cartogram, the theme bar chart and
the area-by-theme matrix.

Everything here is plain data for templates to draw as inline SVG or HTML
tables: no JavaScript and no map service. Counts come from the selectors, so
only published initiatives are ever counted.

Colour is never the only carrier of meaning: every tile and cell prints its
count, and each picture has a data table beside it. The palette's contrast is
checked by tests (text 4.5:1, tile edges 3:1 against the page).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.http import urlencode

from initiatives.models import PoliceArea
from themes.models import Theme

# The 43 police force areas as tiles on a grid of 7 columns and 9 rows, kept
# roughly where they sit on a map of England and Wales (north at the top).
# (slug, short label, column, row); the label must fit a tile at
# LABEL_FONT_SIZE, and the map's key spells out every label that is not the
# area's name.
TILE_LAYOUT: list[tuple[str, str, int, int]] = [
    ("northumbria", "Nthumb", 3, 0),
    ("cumbria", "Cumbria", 2, 1),
    ("durham", "Durham", 3, 1),
    ("cleveland", "Clevel", 4, 1),
    ("lancashire", "Lancs", 2, 2),
    ("north-yorkshire", "N Yorks", 3, 2),
    ("humberside", "Humber", 4, 2),
    ("merseyside", "Mersey", 1, 3),
    ("greater-manchester", "G Manc", 2, 3),
    ("west-yorkshire", "W Yorks", 3, 3),
    ("south-yorkshire", "S Yorks", 4, 3),
    ("lincolnshire", "Lincs", 5, 3),
    ("north-wales", "N Wales", 0, 4),
    ("cheshire", "Ches", 1, 4),
    ("staffordshire", "Staffs", 2, 4),
    ("derbyshire", "Derbys", 3, 4),
    ("nottinghamshire", "Notts", 4, 4),
    ("norfolk", "Norfolk", 6, 4),
    ("dyfed-powys", "Dyfed", 0, 5),
    ("west-mercia", "W Merc", 1, 5),
    ("west-midlands", "W Mids", 2, 5),
    ("warwickshire", "Warks", 3, 5),
    ("leicestershire", "Leics", 4, 5),
    ("cambridgeshire", "Cambs", 5, 5),
    ("suffolk", "Suffolk", 6, 5),
    ("south-wales", "S Wales", 0, 6),
    ("gwent", "Gwent", 1, 6),
    ("gloucestershire", "Glos", 2, 6),
    ("northamptonshire", "Nhants", 3, 6),
    ("bedfordshire", "Beds", 4, 6),
    ("hertfordshire", "Herts", 5, 6),
    ("essex", "Essex", 6, 6),
    ("avon-and-somerset", "Avon", 1, 7),
    ("wiltshire", "Wilts", 2, 7),
    ("thames-valley", "Thames", 3, 7),
    ("metropolitan", "Met", 4, 7),
    ("city-of-london", "City", 5, 7),
    ("kent", "Kent", 6, 7),
    ("devon-and-cornwall", "Devon", 1, 8),
    ("dorset", "Dorset", 2, 8),
    ("hampshire", "Hants", 3, 8),
    ("surrey", "Surrey", 4, 8),
    ("sussex", "Sussex", 5, 8),
]
TILE_SIZE = 60
TILE_STEP = 64
# Large enough to read when the map shrinks to a 375-pixel phone (about
# 12.5 px there); the widest label leaves a margin inside its tile.
LABEL_FONT_SIZE = 15
LABEL_MAX_WIDTH = TILE_SIZE - 3
# Advance widths of Arial/Helvetica glyphs in thousandths of an em. Each
# label is drawn at the width these give (SVG textLength), so that it fits
# its tile whatever sans-serif font the visitor's system has.
_GLYPH_WIDTHS = {
    **dict.fromkeys("ABEKPSVXY", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("FTZ", 611),
    "I": 278,
    "J": 500,
    "L": 556,
    "M": 833,
    "W": 944,
    **dict.fromkeys("abdeghnopqu", 556),
    **dict.fromkeys("ckszxvy", 500),
    **dict.fromkeys("ijl", 222),
    **dict.fromkeys("ft ", 278),
    "m": 833,
    "r": 333,
    "-": 333,
}


def label_width(label: str) -> float:
    """The width of a tile label at LABEL_FONT_SIZE, in the map's units."""
    return sum(_GLYPH_WIDTHS.get(char, 722) for char in label) * LABEL_FONT_SIZE / 1000


GRID_COLUMNS = 1 + max(column for _, _, column, _ in TILE_LAYOUT)
GRID_ROWS = 1 + max(row for _, _, _, row in TILE_LAYOUT)

# Fill and text colour of each step of the sequential scale, lightest first.
# Step 0 is "none": white with a dashed edge, so a gap reads as a gap.
PALETTE: list[tuple[str, str]] = [
    ("#ffffff", "#0b0c0c"),
    ("#deebf7", "#0b0c0c"),
    ("#9ecae1", "#0b0c0c"),
    ("#4292c6", "#0b0c0c"),
    ("#08519c", "#ffffff"),
]
TILE_EDGE = "#505a5f"
PAGE_BACKGROUND = "#ffffff"
MAX_STEPS = len(PALETTE) - 1

# A PoliceArea or Theme from a selector that annotates ``initiative_count``;
# the type checker cannot see annotations.
Counted = Any


@dataclass(frozen=True)
class Step:
    """One step of the colour scale: counts from ``low`` to ``high``."""

    number: int
    low: int
    high: int

    @property
    def label(self) -> str:
        if self.number == 0:
            return "None"
        if self.low == self.high:
            return f"{self.low:,}"
        return f"{self.low:,} to {self.high:,}"

    @property
    def css_class(self) -> str:
        return f"step-{self.number}"


class ColourScale:
    """Up to four equal-width steps from 1 to the largest count, the largest
    always the darkest; zero has a step of its own. The steps start at 1
    whatever the smallest count, so the legend skips no values."""

    def __init__(self, counts: Iterable[int]):
        present = [count for count in counts if count > 0]
        self.steps = [Step(0, 0, 0)]
        if not present:
            return
        low, high = 1, max(present)
        width = max(1, math.ceil((high - low + 1) / MAX_STEPS))
        bounds = []
        start = low
        while start <= high:
            bounds.append((start, min(high, start + width - 1)))
            start += width
        first = MAX_STEPS - len(bounds) + 1
        self.steps += [
            Step(first + i, start, end) for i, (start, end) in enumerate(bounds)
        ]

    def step_for(self, count: int) -> Step:
        for step in reversed(self.steps):
            if count >= step.low:
                return step
        return self.steps[0]


@dataclass(frozen=True)
class Tile:
    area: PoliceArea
    label: str
    count: int
    step: Step
    x: int
    y: int

    @property
    def centre_x(self) -> int:
        return self.x + TILE_SIZE // 2

    @property
    def label_length(self) -> str:
        """The label's drawn width (SVG textLength), one decimal place."""
        return f"{label_width(self.label):.1f}"

    @property
    def is_abbreviated(self) -> bool:
        return self.label != self.area.name


@dataclass(frozen=True)
class Cartogram:
    tiles: list[Tile]
    scale: ColourScale
    # Every area with its count, by name: the picture's data table. Holds
    # areas the tile layout does not know (there should be none).
    areas: list[Counted]
    theme: Theme | None
    width: int = GRID_COLUMNS * TILE_STEP
    height: int = GRID_ROWS * TILE_STEP
    tile_size: int = TILE_SIZE


def cartogram(areas: Sequence[Counted], *, theme: Theme | None = None) -> Cartogram:
    """Tiles for areas annotated with ``initiative_count``."""
    by_slug = {area.slug: area for area in areas}
    scale = ColourScale(area.initiative_count for area in areas)
    tiles = [
        Tile(
            area=by_slug[slug],
            label=label,
            count=by_slug[slug].initiative_count,
            step=scale.step_for(by_slug[slug].initiative_count),
            x=column * TILE_STEP,
            y=row * TILE_STEP,
        )
        for slug, label, column, row in TILE_LAYOUT
        if slug in by_slug
    ]
    return Cartogram(tiles=tiles, scale=scale, areas=list(areas), theme=theme)


@dataclass(frozen=True)
class Bar:
    theme: Theme
    count: int
    # Length as a share of the longest bar, 0-100, for a viewBox 100 wide.
    length: float


def bar_chart(themes: Sequence[Counted]) -> list[Bar]:
    """One bar per theme annotated with ``initiative_count``."""
    longest = max((theme.initiative_count for theme in themes), default=0)
    return [
        Bar(
            theme=theme,
            count=theme.initiative_count,
            length=round(100 * theme.initiative_count / longest, 2) if longest else 0,
        )
        for theme in themes
    ]


@dataclass(frozen=True)
class MatrixCell:
    theme: Theme
    count: int
    step: Step
    search_query: str


@dataclass(frozen=True)
class MatrixRow:
    area: PoliceArea
    cells: list[MatrixCell]


@dataclass(frozen=True)
class Matrix:
    themes: list[Theme]
    rows: list[MatrixRow]
    scale: ColourScale

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if not cell.count)


def area_theme_matrix(
    areas: Sequence[PoliceArea],
    themes: Sequence[Theme],
    counts: Mapping[tuple[int, int], int],
) -> Matrix:
    """A row per area and a cell per theme, each linking to its search."""
    scale = ColourScale(counts.values())
    rows = []
    for area in areas:
        cells = []
        for theme in themes:
            count = counts.get((area.pk, theme.pk), 0)
            query = urlencode({"police_area": area.slug, "theme": theme.slug})
            cells.append(MatrixCell(theme, count, scale.step_for(count), query))
        rows.append(MatrixRow(area, cells))
    return Matrix(themes=list(themes), rows=rows, scale=scale)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
