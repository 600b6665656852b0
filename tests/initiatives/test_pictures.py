import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from initiatives.content_files import read_content
from initiatives.pictures import (
    LABEL_MAX_WIDTH,
    PAGE_BACKGROUND,
    PALETTE,
    TILE_EDGE,
    TILE_LAYOUT,
    ColourScale,
    bar_chart,
    cartogram,
    contrast_ratio,
    label_width,
)
from initiatives.selectors import police_areas_with_counts
from tests.factories import make_initiative, make_police_area, make_theme
from themes.selectors import themes_with_counts

pytestmark = pytest.mark.django_db


class TestTileLayout:
    def test_has_one_tile_for_each_of_the_43_areas(self):
        slugs = [slug for slug, *_ in TILE_LAYOUT]
        areas = read_content(only=["reference/areas.yaml"]).records["police_area"]
        assert sorted(slugs) == sorted(areas)
        assert len(set(slugs)) == 43

    def test_no_two_tiles_share_a_cell(self):
        cells = [(column, row) for _, _, column, row in TILE_LAYOUT]
        assert len(set(cells)) == len(cells)

    def test_short_labels_fit_a_tile(self):
        widths = {label: label_width(label) for _, label, _, _ in TILE_LAYOUT}
        assert max(widths.values()) <= LABEL_MAX_WIDTH, widths
        # The estimate is of real glyphs: wide letters count for more.
        assert label_width("WWW") > label_width("iii") * 3


class TestColourScale:
    def test_zero_has_its_own_step_and_the_largest_count_is_darkest(self):
        scale = ColourScale([0, 2, 3])
        assert [(s.number, s.low, s.high) for s in scale.steps] == [
            (0, 0, 0),
            (2, 1, 1),
            (3, 2, 2),
            (4, 3, 3),
        ]
        assert scale.step_for(0).number == 0
        assert scale.step_for(3).number == 4

    def test_the_legend_skips_no_values_whatever_the_smallest_count(self):
        scale = ColourScale([0, 7, 9, 12])
        assert [step.label for step in scale.steps] == [
            "None",
            "1 to 3",
            "4 to 6",
            "7 to 9",
            "10 to 12",
        ]

    def test_wide_ranges_get_four_equal_steps(self):
        scale = ColourScale([1, 40, 100])
        assert [step.label for step in scale.steps] == [
            "None",
            "1 to 25",
            "26 to 50",
            "51 to 75",
            "76 to 100",
        ]
        assert scale.step_for(26).number == 2
        assert scale.step_for(100).number == 4

    def test_no_counts_at_all_leave_only_none(self):
        assert [step.label for step in ColourScale([0, 0]).steps] == ["None"]


class TestPalette:
    def test_count_text_on_every_fill_meets_4_5_to_1(self):
        for fill, text in PALETTE:
            assert contrast_ratio(fill, text) >= 4.5, (fill, text)

    def test_tile_edges_stand_out_from_the_page_by_3_to_1(self):
        assert contrast_ratio(TILE_EDGE, PAGE_BACKGROUND) >= 3

    def test_stylesheet_uses_the_checked_palette(self):
        css = (Path(settings.BASE_DIR) / "static/css/library.css").read_text()
        for number, (fill, text) in enumerate(PALETTE):
            assert f"--step-{number}-fill: {fill};" in css
            assert f"--step-{number}-text: {text};" in css
        assert f"--tile-edge: {TILE_EDGE};" in css

    def test_contrast_ratio_matches_known_values(self):
        assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
        assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.usefixtures("seeded_library")
class TestCartogram:
    def test_tiles_carry_published_counts_only(self):
        make_initiative(police_areas=[_area("kent")], state="draft")
        make_initiative(police_areas=[_area("kent")], state="withdrawn")

        tiles = {
            t.area.slug: t for t in cartogram(list(police_areas_with_counts())).tiles
        }

        assert len(tiles) == 43
        assert tiles["lancashire"].count == 3
        assert tiles["kent"].count == 0
        assert tiles["kent"].step.number == 0
        assert tiles["lancashire"].step.number == 4

    def test_narrows_to_one_theme(self):
        theme = _theme("diverting-young-people-from-crime")

        tiles = {
            t.area.slug: t.count
            for t in cartogram(list(police_areas_with_counts(theme=theme))).tiles
        }

        assert tiles["south-wales"] == 1
        assert tiles["lancashire"] == 0

    def test_an_area_the_layout_does_not_know_is_still_in_the_table(self):
        make_police_area(slug="atlantis", name="Atlantis")

        picture = cartogram(list(police_areas_with_counts()))

        assert "atlantis" not in [t.area.slug for t in picture.tiles]
        assert "atlantis" in [a.slug for a in picture.areas]

    def test_home_page_draws_43_named_tiles_and_the_table(self, client):
        html = client.get(reverse("initiatives:home")).content.decode()

        start = html.index('<svg class="cartogram-map"')
        svg = html[start : html.index("</svg>", start)]
        assert svg.count("<a href=") == 43
        # The accessible name starts with what the tile shows (WCAG 2.5.3),
        # then says what a short label stands for.
        assert 'aria-label="Lancs: 3 initiatives in Lancashire"' in svg
        assert 'aria-label="Kent: 0 initiatives"' in svg
        assert 'textLength="40.0" lengthAdjust="spacingAndGlyphs">Lancs<' in svg
        key = html[html.index('<dl class="tile-key"') : html.index("</dl>")]
        assert "<dt>Lancs</dt><dd>Lancashire</dd>" in key
        assert "<dt>Thames</dt><dd>Thames Valley</dd>" in key
        assert ">Kent<" not in key  # a full name needs no key
        assert "Show the map’s data as a table" in html

    def test_area_list_narrows_the_map_by_theme(self, client):
        response = client.get(
            reverse("initiatives:police-area-list"),
            {"theme": "diverting-young-people-from-crime"},
        )

        assert response.context["theme"].slug == "diverting-young-people-from-crime"
        assert 'aria-label="S Wales: 1 initiative in South Wales"' in (
            response.content.decode()
        )
        assert 'aria-label="Lancs: 0 initiatives in Lancashire"' in (
            response.content.decode()
        )

    @pytest.mark.parametrize("value", ["no-such-theme", "%00", "%ED%A0%80"])
    def test_an_unknown_theme_is_reported_and_every_theme_shown(self, client, value):
        response = client.get(
            reverse("initiatives:police-area-list"), QUERY_STRING=f"theme={value}"
        )

        assert response.status_code == 200
        assert response.context["theme"] is None
        html = response.content.decode()
        assert "There is a problem with the theme" in html
        assert "Select a valid choice" in html
        assert 'aria-label="Lancs: 3 initiatives in Lancashire"' in html


def _area(slug):
    from initiatives.models import PoliceArea

    return PoliceArea.objects.get(slug=slug)


def _theme(slug):
    from themes.models import Theme

    return Theme.objects.get(slug=slug)


class TestBarChart:
    def test_bars_are_proportional_to_the_longest(self):
        big, small, empty = make_theme(), make_theme(), make_theme()
        for _ in range(4):
            make_initiative(themes=[big])
        make_initiative(themes=[small])
        make_initiative(themes=[small], state="draft")

        bars = {bar.theme: bar for bar in bar_chart(list(themes_with_counts()))}

        assert (bars[big].count, bars[big].length) == (4, 100)
        assert (bars[small].count, bars[small].length) == (1, 25)
        assert (bars[empty].count, bars[empty].length) == (0, 0)

    def test_theme_list_shows_each_count_as_text(self, client):
        theme = make_theme(name="Harbour work")
        make_initiative(themes=[theme])
        make_initiative(themes=[theme])

        html = client.get(reverse("themes:list")).content.decode()

        assert re.search(
            r"Harbour work</a>\s*<span class=\"bar-track\".*?"
            r"<span class=\"bar-count\">2<span class=\"visually-hidden\"> initiatives",
            html,
            re.S,
        )
        assert '<th scope="row">Harbour work</th><td class="numeric">2</td>' in html


class TestCompareMatrix:
    def test_cells_count_published_work_and_link_to_the_same_search(self, client):
        kent = make_police_area(slug="kent", name="Kent")
        essex = make_police_area(slug="essex", name="Essex")
        youth = make_theme(slug="youth", name="Youth")
        demand = make_theme(slug="demand", name="Demand")
        make_initiative(police_areas=[kent, essex], themes=[youth])
        make_initiative(police_areas=[kent], themes=[youth, demand])
        make_initiative(police_areas=[kent], themes=[demand], state="draft")

        response = client.get(reverse("initiatives:police-area-compare"))

        matrix = response.context["matrix"]
        cells = {
            (row.area.slug, cell.theme.slug): cell.count
            for row in matrix.rows
            for cell in row.cells
        }
        assert cells == {
            ("essex", "youth"): 1,
            ("essex", "demand"): 0,
            ("kent", "youth"): 2,
            ("kent", "demand"): 1,
        }
        assert matrix.gap_count == 1
        html = response.content.decode()
        link = f"{reverse('initiatives:list')}?police_area=kent&amp;theme=youth"
        assert f'<a href="{link}" aria-label="2 in Kent under Youth">2</a>' in html
        search = client.get(
            reverse("initiatives:list"), {"police_area": "kent", "theme": "youth"}
        )
        assert search.context["search"].count == 2

    def test_gaps_are_marked_for_sight_and_for_screen_readers(self, client):
        make_initiative(police_areas=[make_police_area()], themes=[make_theme()])
        make_theme()

        html = client.get(reverse("initiatives:police-area-compare")).content.decode()

        assert (
            '<td class="matrix-cell step-0"><span class="visually-hidden">None</span>'
            in html
        )
