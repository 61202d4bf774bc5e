"""The card view: every card's result drawn in every theme, progress while measuring, the
detail lines that fit, and the runner that measures in a thread of its own."""
import numpy as np
import pytest

from simulator.cards import CARDS, finish
from ui.card_view import CardRunner, CardView, case_of, picture_of
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


def test_the_runner_measures_in_its_own_thread_and_hands_over_the_result(qtbot):
    card = CARDS["bengio"]
    runner = CardRunner(card, card.quick)
    seen = []
    runner.progressed.connect(seen.append)
    with qtbot.waitSignal(runner.finished_result, timeout=60000) as done:
        runner.start()
    runner.wait()
    assert seen and done.args[0].lab == RESULTS["bengio"].lab


def test_series_of_one_case_share_a_colour():
    assert case_of("law, xavier") == case_of("lab, xavier (rms of 10 seeds)") == "xavier"
    assert case_of("law, tanh, orthogonal") == case_of("lab, tanh, orthogonal") != case_of("lab, relu, orthogonal")


def test_depth_scales_are_typeset_with_subscripts():
    assert typeset("6 ξ_c") == "6 ξ<sub>c</sub>"


def test_a_card_window_measures_when_shown_and_stops_when_closed(qtbot):
    from ui.card_view import CardWindow
    card = CARDS["pennington"]
    window = CardWindow(card, card.quick)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.runner.progressed, timeout=30000):
        window.show()
    window.close()
    assert window.runner.isFinished()
    assert window.mark.text().startswith(("measuring…", "✔", "✘"))
