"""A baseline beside the live run (issue 14): exact, started over together, frozen alone."""
import numpy as np
import pytest

from helpers import session
from simulator import SimConfig, Simulation, load_presets
from simulator.compare import brief, difference, differing, versus

SMALL = SimConfig(depth=3, width=8)


def same_statistics(snapshot, sim):
    """The snapshot's numbers equal those of ``sim``, a run of its config alone."""
    alone = sim.snapshot()
    assert snapshot.step == alone.step
    assert np.array_equal(snapshot.stats.grad_b_norm, alone.stats.grad_b_norm)
    assert np.array_equal(snapshot.history.train_loss, alone.history.train_loss)
    assert snapshot.train_loss == alone.train_loss
    assert np.array_equal(snapshot.ball.position, alone.ball.position)


@pytest.fixture(autouse=True)
def measured_every_frame(monkeypatch):
    """The engine measures the costs every frame (it times them: back-to-back ticks, as
    here, would show the last measure): these tests compare every number with a run alone."""
    monkeypatch.setattr("simulator.session.MEASURE_SHARE", float("inf"))


def engine_with(config):
    engine, frames = session(config)
    engine.tick()
    return engine, frames


def test_the_difference_names_only_the_fields_that_differ():
    sigmoid = SimConfig(depth=10)
    relu = sigmoid.replace(activation="relu", init="he", learning_rate=0.05)
    assert differing(relu, sigmoid) == ["activation", "init", "learning_rate"]
    assert versus(relu, sigmoid) == "sigmoid·xavier·η 0.5 vs relu·he·η 0.05"
    assert difference(relu, sigmoid) == "activation sigmoid → relu, init xavier → he, η 0.5 → 0.05"
    norm = sigmoid.replace(batch_norm=True)
    assert versus(norm, sigmoid) == "sigmoid·xavier vs batch norm·sigmoid·xavier"
    assert difference(norm, sigmoid) == "no batch norm → batch norm"
    assert brief(sigmoid.replace(sigma_w=3.0), sigmoid) == "sigmoid·xavier"   # σw unused by xavier
    assert difference(sigmoid, sigmoid) == "the same config"


def test_a_pinned_baseline_equals_a_run_of_its_config_alone_after_a_control_change():
    engine, frames = engine_with(SMALL)
    engine.step_once()
    engine.tick()
    engine.pin_baseline()
    relu = SMALL.replace(activation="relu", init="he")
    engine.set_config(relu)                  # a new network: both runs start over
    engine.set_steps_per_frame(7)
    engine.set_playing(True)
    for _ in range(3):
        engine.tick()
    frame = frames[-1]
    steps = frame.snapshot.step
    assert steps > 0 and frame.baseline.step == steps
    assert frame.snapshot.config == relu and frame.baseline.config == SMALL
    for snapshot, config in ((frame.baseline, SMALL), (frame.snapshot, relu)):
        alone = Simulation(config)
        alone.advance(steps)
        same_statistics(snapshot, alone)
    engine.set_config(relu.replace(learning_rate=0.1))   # a training field: both train on
    engine.tick()
    assert frames[-1].baseline.step > steps
    engine.clear_baseline()
    engine.tick()
    assert frames[-1].baseline is None


def test_a_pin_copies_the_run_as_it_is_and_both_train_alike():
    engine, frames = engine_with(SMALL)
    for _ in range(3):
        engine.step_once()
        engine.tick()
    engine.pin_baseline()
    engine.step_once()
    engine.tick()
    frame = frames[-1]
    assert frame.baseline.step == frame.snapshot.step == 4
    assert np.array_equal(frame.baseline.stats.grad_w_norm, frame.snapshot.stats.grad_w_norm)


def test_divergence_freezes_only_the_run_that_diverged(monkeypatch):
    monkeypatch.setattr("simulator.session.JUMP_HOLD", 0.0)       # no slow motion over the cliff here
    presets = load_presets()
    large, clipped = presets["Large weights (exploding)"].config, presets["Clipping tames the cliff"].config
    engine, frames = engine_with(clipped)
    engine.restart(clipped, large)
    engine.set_steps_per_frame(10)
    engine.set_playing(True)
    for _ in range(8):
        engine.tick()
    frame = frames[-1]
    assert frame.baseline.diverged and "Diverged at step 6" in frame.baseline.diverged
    assert frame.snapshot.diverged is None and frame.snapshot.step > 6
    assert engine._playing and not any(f.halted for f in frames)
    engine.set_config(large)                  # both start over; the live run diverges too
    engine.reset()
    for _ in range(8):
        engine.tick()
    assert any(f.halted for f in frames) and not engine._playing
    assert frames[-1].snapshot.diverged and frames[-1].baseline.diverged


@pytest.mark.parametrize("name", ["Batch norm rescues deep sigmoid", "Residual connections",
                                  "Deep ReLU + He (healthy)", "Clipping tames the cliff"])
def test_presets_with_a_baseline_beat_it(name):
    """The promise: layer 1 learns faster than the baseline's (or, for clipping, the
    baseline diverges while the live run learns)."""
    from ui.headless import run_frame
    presets = load_presets()
    preset = presets[name]
    frame = run_frame(preset.config, 60, presets[preset.baseline].config)
    live, base = frame.snapshot, frame.baseline
    if preset.config.clip:
        assert base.diverged and live.diverged is None
    else:
        assert live.stats.grad_b_norm[0] > 10 * base.stats.grad_b_norm[0]


def test_a_setup_keeps_the_baseline_config():
    from ui.saved_setups import Setup, parse_setup, setup_json
    baseline = SMALL.replace(activation="tanh")
    assert parse_setup(setup_json(Setup(SMALL, None, {}, baseline))).baseline == baseline
    assert parse_setup(setup_json(Setup(SMALL))).baseline is None
    with pytest.raises(ValueError, match="baseline: depth"):
        parse_setup('{"setup": 1, "config": {}, "baseline": {"depth": 0}}')


def test_the_command_line_names_a_bad_baseline(capsys):
    import main
    assert main.main(["--baseline", "Nothing", "--export", "/tmp/x.png"]) == 2
    assert "--baseline: 'Nothing' is neither a preset nor a setup file" in capsys.readouterr().err
    presets = load_presets()
    args = main.parse_args(["--preset", "Batch norm rescues deep sigmoid"])
    assert main.checked(args)[0].baseline == presets["Deep sigmoid (vanishing)"].config   # the preset's own
    args = main.parse_args(["--preset", "Batch norm rescues deep sigmoid", "--baseline", "none"])
    assert main.checked(args)[0].baseline is None


def test_the_window_pins_compares_and_clears(window, qtbot, tmp_path):
    from ui_helpers import read, wait_for_config
    controls = window.controls
    assert not controls.clear_button.isEnabled()
    controls.pin_button.click()
    controls.fields["activation"].setCurrentIndex(controls.fields["activation"].findData("relu"))
    wait_for_config(qtbot, window)
    qtbot.waitUntil(lambda: window.painted.baseline is not None)
    frame = window.painted
    assert frame.baseline.config == SMALL and frame.snapshot.config.activation == "relu"
    assert window.status["versus"].text() == "sigmoid·xavier vs relu·xavier"
    assert controls.clear_button.isEnabled()
    bars = window.panels["bars"]
    assert "than the baseline's layer 1" in bars.ratio.text()
    assert len(bars.baseline_logs) == SMALL.depth + 1
    controls.step_button.click()
    qtbot.waitUntil(lambda: window.painted.snapshot.step == 1 == window.painted.baseline.step)
    controls.clear_button.click()
    qtbot.waitUntil(lambda: window.painted.baseline is None)
    assert window.status["versus"].text() == "" and not controls.clear_button.isEnabled()
    qtbot.keyClick(window, "b")                   # B pins the run as it is
    qtbot.waitUntil(lambda: window.painted.baseline is not None)
    assert window.painted.baseline.config == window.painted.snapshot.config
    assert window.lecture.current_setup().baseline == window.painted.baseline.config
    controls.preset.setCurrentText("Batch norm rescues deep sigmoid")     # opens with its baseline
    deep = load_presets()["Deep sigmoid (vanishing)"].config
    qtbot.waitUntil(lambda: window.painted.baseline is not None and window.painted.baseline.config == deep
                    and window.painted.snapshot.config.batch_norm, timeout=5000)
    assert window.status["versus"].text() == "sigmoid·xavier vs batch norm·sigmoid·xavier"
    assert window.lecture.save_setup(tmp_path / "setup.json")
    controls.clear_button.click()
    qtbot.waitUntil(lambda: window.painted.baseline is None)
    assert read(qtbot, window, "load_setup", tmp_path / "setup.json")       # the setup brings it back
    qtbot.waitUntil(lambda: window.painted.baseline is not None and window.painted.baseline.config == deep)


def test_a_brief_is_cut_at_a_word_to_fit():
    nielsen, deep = (load_presets()[n].config for n in ("Nielsen's experiment", "Deep sigmoid (vanishing)"))
    text = brief(nielsen, deep, 32)
    assert len(text) <= 33 and text.endswith("…") and text.startswith("sigmoid·scaled_normal·")


def test_a_remedy_is_named_first_and_never_cut_off():
    """'sigmoid·scaled_normal·σw 0.5…' hid the residual connections of the run it named,
    '…η 0.05…' its clipping: what differs from the defaults comes first."""
    residual = SimConfig(depth=10, init="scaled_normal", sigma_w=0.5, sigma_b=0.05, residual=True)
    clipped = SimConfig(depth=10, learning_rate=0.05, l2=0.001, optimizer="momentum", clip=True)
    for config, remedy in ((residual, "residual"), (clipped, "clipping")):
        for most in (12, 20, 32, None):
            text = brief(config, most=most)
            assert text.rstrip("…").split("·")[0] == remedy
            assert all(word in brief(config).split("·") for word in text.rstrip("…").split("·"))
    assert brief(residual.replace(batch_norm=True, clip=True)).startswith("residual·clipping·batch norm·")


def test_the_command_line_takes_a_setups_baseline_and_gives_both_runs_the_seed(tmp_path):
    import main
    from ui.saved_setups import Setup, setup_json
    path = tmp_path / "setup.json"
    path.write_text(setup_json(Setup(SMALL, None, {}, SMALL.replace(activation="tanh"))), encoding="utf-8")
    setup, _ = main.checked(main.parse_args(["--config", str(path), "--seed", "7"]))
    assert (setup.config, setup.baseline) == (SMALL.replace(seed=7), SMALL.replace(activation="tanh", seed=7))


def test_a_preset_whose_baseline_is_no_preset_is_refused(tmp_path):
    import json
    from simulator.config import PRESET_DIR
    for name in ("02_deep_sigmoid.json", "07_batch_norm.json"):
        (tmp_path / name).write_text((PRESET_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert load_presets(tmp_path)["Batch norm rescues deep sigmoid"].baseline == "Deep sigmoid (vanishing)"
    data = json.loads((tmp_path / "07_batch_norm.json").read_text(encoding="utf-8"))
    (tmp_path / "07_batch_norm.json").write_text(json.dumps(dict(data, baseline="Deep tanh")), encoding="utf-8")
    with pytest.raises(ValueError, match="its baseline 'Deep tanh' is not another preset"):
        load_presets(tmp_path)
