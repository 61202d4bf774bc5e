"""The card view: every card's result drawn in every theme, progress while measuring, the
detail lines that fit, and the card window that measures in a process of its own."""
import numpy as np
import pytest

from simulator.cards import CARDS, finish
from ui.card_view import CardView, CardWindow, case_of, picture_of
from ui.style import THEMES, apply_theme
from ui.widgets import typeset

RESULTS = {key: finish(card.quick_run()) for key, card in CARDS.items()}


@pytest.mark.parametrize("theme", THEMES)
def test_every_card_is_drawn_with_its_mark_in_every_theme(qtbot, theme, theme_restored):
    apply_theme(theme)
    for key, card in CARDS.items():
        view = CardView(card)
        qtbot.addWidget(view)
        view.resize(1280, 720)
        view.show_result(RESULTS[key])
        assert view.mark.text() in ("✔ holds", "✘ does not hold")
        assert len(view.plots) == len(RESULTS[key].figures)
        drawn = [item for column in view.plots for item in column.plot.getPlotItem().items]
        assert drawn                                    # something is drawn on the plots


def test_while_measuring_the_card_says_how_far_it_is(qtbot):
    view = CardView(CARDS["nielsen"])
    qtbot.addWidget(view)
    progress = next(CARDS["nielsen"].quick_run())
    view.show_progress(progress)
    assert view.mark.text() == f"measuring… {progress.fraction:.0%}"
    assert "seed 0" in view.verdict.text()


def test_the_detail_lines_give_way_to_the_plots_on_a_small_slide(qtbot, theme_restored):
    apply_theme("presentation")
    view = CardView(CARDS["glorot"])
    qtbot.addWidget(view)
    view.show_result(RESULTS["glorot"])
    view.resize(1280, 720)
    view.show()
    qtbot.waitUntil(lambda: view.height() == 720)
    small = view.details.text().count("<br>") + 1 if view.details.isVisible() else 0
    view.resize(2400, 1800)
    qtbot.waitUntil(lambda: view.height() == 1800)
    assert small < 4 and view.details.text().count("<br>") + 1 == 4       # all four lines


def test_a_picture_has_the_size_asked_for(qtbot, theme_restored):
    image = picture_of(CARDS["bengio"], RESULTS["bengio"], (900, 600), "light")
    assert (image.width(), image.height()) == (900, 600)
    pixels = np.array([image.pixelColor(x, y).rgb() for x in range(0, 900, 30) for y in range(0, 600, 30)])
    assert len(np.unique(pixels)) > 5                   # not a blank picture


def test_a_card_window_measures_in_a_process_of_its_own_what_the_card_measures_here(qtbot):
    card = CARDS["bengio"]
    window = CardWindow(card, card.quick)
    qtbot.addWidget(window)
    seen = []
    window.show_progress = lambda progress: seen.append(progress) or CardView.show_progress(window, progress)
    window.show()
    qtbot.waitUntil(lambda: window.mark.text().startswith(("✔", "✘")), timeout=300000)
    assert seen and all(p.result.holds is None for p in seen)
    assert window.verdict.text() == typeset(RESULTS["bengio"].verdict)
    assert not window.measuring.process.is_alive()


def test_series_of_one_case_share_a_colour():
    assert case_of("law, xavier") == case_of("lab, xavier (rms of 10 seeds)") == "xavier"
    assert case_of("law, tanh, orthogonal") == case_of("lab, tanh, orthogonal") != case_of("lab, relu, orthogonal")


def test_depth_scales_are_typeset_with_subscripts():
    assert typeset("6 ξ_c") == "6 ξ<sub>c</sub>"


def test_a_card_window_measures_when_shown_and_stops_at_once_when_closed(qtbot):
    """Glorot & Bengio's full run measures for seconds: closed after its first Progress,
    the measurement ends then (the thread it ran in had finished its step first)."""
    window = CardWindow(CARDS["glorot"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "%" in window.mark.text(), timeout=60000)     # a Progress drawn
    window.close()
    assert not window.measuring.process.is_alive()
    assert window.mark.text().startswith("measuring…")


def test_the_cards_menu_opens_every_card_beside_the_lab_which_plays_on(qtbot, window):
    """Cards ▸ a card: its window measures while the lab trains; chosen again, the same
    window; the lab closed, every card window closes and its measurement ends."""
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Cards")
    titles = [action.text().replace("&&", "&") for action in menu.actions()]   # && shows &
    assert titles == [f"{c.authors} ({c.year}): {c.title}" for c in CARDS.values()]
    assert all("&" not in t.replace("&&", "") for t in (a.text() for a in menu.actions()))
    window.controls.play_button.click()
    step = window.painted.snapshot.step
    menu.actions()[list(CARDS).index("glorot")].trigger()
    card = window.cards.open["glorot"]
    assert card.isVisible() and card.card is CARDS["glorot"] and card.parent() is window
    qtbot.waitUntil(lambda: "%" in card.mark.text(), timeout=60000)
    qtbot.waitUntil(lambda: window.painted.snapshot.step > step, timeout=60000)   # the lab plays on
    assert window.cards.show("glorot") is card
    process = card.measuring.process
    window.cards.close()
    assert not process.is_alive()
