"""The control panel: its ranges are the config's, it shows the config's values exactly, and
the mouse wheel scrolls the panel instead of changing a control it passes over."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSlider, QSpinBox

from simulator import SimConfig, load_presets
from ui.controls import ControlPanel
from ui.state import LabState
from ui.widgets import ValueSlider, log_values

# The ends of the config's ranges for every field with a control, as the label must read them.
EXTREMES = [
    ({"depth": 100}, {"depth": "100"}),
    ({"depth": 80}, {"depth": "80"}),
    ({"width": 256}, {"width": "256"}),
    ({"width": 200}, {"width": "200"}),
    ({"init": "scaled_normal", "sigma_w": 10.0, "sigma_b": 10.0}, {"sigma_w": "10", "sigma_b": "10"}),
    ({"init": "scaled_normal", "sigma_w": 1e-6, "sigma_b": 0.0}, {"sigma_w": "1e-06", "sigma_b": "0"}),
    ({"learning_rate": 100.0}, {"learning_rate": "100"}),
    ({"learning_rate": 5e-324}, {"learning_rate": "4.94066e-324"}),
    ({"learning_rate": 0.037}, {"learning_rate": "0.037"}),
    ({"batch_size": 4096}, {"batch_size": "4096"}),
    ({"batch_size": 100}, {"batch_size": "100"}),
    ({"clip": True, "clip_threshold": 1e6}, {"clip_threshold": "1e+06"}),
    ({"clip": True, "clip_threshold": 3e-5}, {"clip_threshold": "3e-05"}),
    ({"noise": 1.0}, {"noise": "1"}),
    ({"noise": 0.123}, {"noise": "0.123"}),
    ({"recurrent": True, "time_steps": 100, "spectral_radius": 3.0}, {"time_steps": "100", "spectral_radius": "3"}),
    ({"recurrent": True, "time_steps": 1, "spectral_radius": 1e-3}, {"time_steps": "1", "spectral_radius": "0.001"}),
    ({"spectral_radius": 0.93}, {"spectral_radius": "0.93"}),
]


def control_panel(config=None):
    """A ControlPanel of a LabState of its own; the state's edits collect in ``edits``."""
    panel = ControlPanel(LabState(config or SimConfig()))
    panel.edits = []
    panel.state.listen(lambda *edit: panel.edits.append(edit))
    return panel


@pytest.fixture
def panel(qtbot):
    panel = control_panel()
    qtbot.addWidget(panel)
    return panel


def sent(panel):
    """The config of the last set_config edit the panel made."""
    return next(edit[1] for edit in reversed(panel.edits) if edit[0] == "set_config")


def shown(panel, field):
    """(value the slider stands on, the label's text)."""
    slider = panel.fields[field]
    return slider.values[slider.slider.value()], slider.value_label.text()


@pytest.mark.parametrize("changes, labels", EXTREMES)
def test_every_value_the_config_accepts_is_shown_exactly(panel, changes, labels):
    config = SimConfig(**changes)
    panel.set_config(config)
    for field, text in labels.items():
        assert shown(panel, field) == (getattr(config, field), text)
    assert panel.config == config


@pytest.mark.parametrize("field, ends", [("depth", (1, 100)), ("width", (1, 256)), ("time_steps", (1, 100)),
                                         ("spectral_radius", (0.05, 3.0))])
def test_depth_and_width_sliders_span_the_config(panel, field, ends):
    slider = panel.fields[field]
    assert (slider.steps[0], slider.steps[-1]) == ends


def test_every_slider_offers_only_values_the_config_accepts(panel):
    sliders = {f: w for f, w in panel.fields.items() if isinstance(w, ValueSlider)}
    assert len(sliders) >= 8                 # depth, width, σw, σb, η, batch, clip, noise
    for field, slider in sliders.items():
        for value in (slider.steps[0], slider.steps[-1]):      # the steps increase
            assert getattr(SimConfig().replace(**{field: value}), field) == value


def test_an_off_list_value_sits_between_its_neighbours_and_the_slider_moves_on(panel, qtbot):
    panel.set_config(SimConfig(learning_rate=0.037))
    slider = panel.fields["learning_rate"]
    slider.slider.setValue(slider.slider.value() + 1)
    assert sent(panel).learning_rate == 0.04               # the next step of 10 per decade
    slider.slider.setValue(slider.slider.value() - 2)
    assert panel.config.learning_rate == 0.032
    panel.set_config(SimConfig())                               # 0.037 is gone from the list again
    assert 0.037 not in slider.values and shown(panel, "learning_rate") == (0.5, "0.5")


def test_log_steps_are_the_round_numbers():
    # 10 per decade: 10^(k/10) to two digits, the Renard-like series a lecturer types.
    assert log_values(0.01, 1, 10) == [0.01, 0.013, 0.016, 0.02, 0.025, 0.032, 0.04, 0.05, 0.063, 0.079,
                                       0.1, 0.13, 0.16, 0.2, 0.25, 0.32, 0.4, 0.5, 0.63, 0.79, 1.0]


def test_the_recurrent_box_gives_the_time_controls_and_takes_the_depths(panel, qtbot):
    """What the recurrent network does not use is greyed out, and what only it uses is live."""
    only_feed_forward = ["depth", "init", "batch_norm", "residual", "dataset", "noise"]
    assert all(panel.fields[f].isEnabled() for f in only_feed_forward)
    assert not panel.fields["time_steps"].isEnabled() and not panel.fields["spectral_radius"].isEnabled()
    panel.fields["recurrent"].setChecked(True)
    assert sent(panel) == SimConfig(recurrent=True)
    assert not any(panel.fields[f].isEnabled() for f in only_feed_forward)
    assert panel.fields["time_steps"].isEnabled() and panel.fields["spectral_radius"].isEnabled()
    assert "diag(φ'(u_t)) Wᵀ" in panel.fields["recurrent"].toolTip()


def test_every_preset_is_shown_as_it_is(panel):
    for preset in load_presets().values():
        panel.set_config(preset.config)
        for field, slider in panel.fields.items():
            if hasattr(slider, "value_label"):
                value = getattr(preset.config, field)
                assert slider.value_label.text() == (str(value) if isinstance(value, int) else f"{value:g}")
        assert panel.preset.currentText() == preset.name


def test_the_seed_box_holds_every_seed_the_config_accepts(panel):
    biggest = 2 ** 31 - 1                                       # a QSpinBox holds a C int
    panel.set_config(SimConfig(seed=biggest))
    assert panel.fields["seed"].value() == biggest
    with pytest.raises(ValueError, match=r"seed: must be in \[0, 2147483647\]"):
        SimConfig(seed=biggest + 1)


def test_set_config_never_leaves_a_control_deaf(panel, monkeypatch):
    def fail(value):
        raise OverflowError("a widget refused the value")
    monkeypatch.setattr(panel.fields["seed"], "setValue", fail)
    with pytest.raises(OverflowError):
        panel.set_config(SimConfig(seed=5))
    monkeypatch.undo()
    assert not any(w.signalsBlocked() for w in [panel.preset, *panel.fields.values()])


def wheel(widget, steps=-1):
    """A mouse-wheel turn over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_not_the_control_under_it(qtbot):
    scroll = QScrollArea()
    panel = control_panel()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.resize(320, 300)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    bar = scroll.verticalScrollBar()
    controls = panel.findChildren(QSlider) + panel.findChildren(QComboBox) + panel.findChildren(QSpinBox)
    assert len(controls) == 16                  # 10 sliders, 5 combo boxes, the seed (the speed: run_bar)
    noise = panel.fields["noise"].slider
    for control in controls:
        before = (panel.config, bar.value())
        wheel(control)
        assert panel.config == before[0], control
        assert bar.value() > before[1] or bar.value() == bar.maximum(), control
        bar.setValue(0)
    scroll.activateWindow()
    noise.setFocus()
    qtbot.waitUntil(noise.hasFocus)
    wheel(noise)                                # with focus, the wheel is the control's
    assert panel.config.noise != SimConfig().noise


def test_the_data_set_choice_lists_the_2d_sets_digits_and_the_loaded_file(qtbot, tmp_path):
    panel = control_panel()
    qtbot.addWidget(panel)
    combo = panel.fields["dataset"]
    names = ["circles", "xor", "gauss", "spiral", "moons", "digits"]
    assert [combo.itemText(i) for i in range(combo.count())] == names
    combo.setCurrentIndex(names.index("digits"))
    assert sent(panel).dataset == "digits" and not panel.fields["noise"].isEnabled()
    path = str(tmp_path / "my data.csv")
    panel.set_config(panel.config.replace(dataset="file", data_file=path))
    assert combo.currentText() == "my data.csv" and combo.count() == len(names) + 1
    combo.setCurrentIndex(0)                          # back to circles: the file stays listed
    assert sent(panel).dataset == "circles" and sent(panel).data_file == path
    assert combo.count() == len(names) + 1 and panel.fields["noise"].isEnabled()


def test_sigma_w_and_sigma_b_are_typeset_with_subscripts(panel):
    for field, letter in (("sigma_w", "w"), ("sigma_b", "b")):
        label = panel.fields[field].name_label
        assert label.text() == f"σ<sub>{letter}</sub>"
        assert label.textFormat() == Qt.TextFormat.AutoText     # read as rich text, not shown raw
