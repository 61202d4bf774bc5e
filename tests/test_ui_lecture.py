"""Lecture tools in the window: pictures, SVG, clipboard, GIFs, setups, data sets, themes."""
import hashlib
import json
import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from simulator import SimConfig
from ui.export import ExportError, atomic_write
from ui.style import THEMES, current
from ui_helpers import HANG_MS, read, wait_on_engine


def test_png_of_the_window_at_twice_the_scale(window, tmp_path):
    out = tmp_path / "window.png"
    assert window.lecture.export_picture("window", out, scale=2)
    with Image.open(out) as image:
        assert image.size == (2 * window.width(), 2 * window.height())


def test_png_of_a_panel_at_an_exact_size(window, tmp_path):
    out = tmp_path / "bars.png"
    assert window.lecture.export_picture("bars", out, size=(500, 400))
    with Image.open(out) as image:
        assert image.size == (500, 400)


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<rect width="10" height="10"/></svg>')


def exporter_giving(monkeypatch, result):
    """pyqtgraph's SVG exporter replaced: it returns ``result``, or raises it."""
    from pyqtgraph.exporters import SVGExporter

    def export(self, toBytes=False):
        if isinstance(result, Exception):
            raise result
        return result
    monkeypatch.setattr(SVGExporter, "export", export)


def test_an_svg_the_exporter_gives_is_written_as_it_is(window, tmp_path, monkeypatch):
    exporter_giving(monkeypatch, SVG)
    out = tmp_path / "bars.svg"
    assert window.lecture.export_picture("bars", out, fmt="svg")
    assert out.read_bytes() == SVG


def test_the_export_dialog_offers_svg_only_where_pyqtgraph_can_make_it(window, monkeypatch):
    """A live walkthrough chose SVG and got a refusal on every panel: with pyqtgraph 0.14 and
    Qt 6.11 the exporter fails on any plot (pyqtgraph #3485), so it is not offered then."""
    from ui import export
    from ui.dialogs import ExportDialog
    export.svg_refusal.cache_clear()
    exporter_giving(monkeypatch, ValueError("correctCoordinates"))
    assert "PNG" in export.svg_refusal()
    dialog = ExportDialog(window.docks, window)
    assert not dialog.format.model().item(1).isEnabled() and "not available" in dialog.format.toolTip()
    export.svg_refusal.cache_clear()
    exporter_giving(monkeypatch, SVG)
    assert export.svg_refusal() is None
    assert ExportDialog(window.docks, window).format.model().item(1).isEnabled()
    export.svg_refusal.cache_clear()                       # the real exporter for later tests


@pytest.mark.parametrize("result, message", [
    (ValueError("correctCoordinates"), "pyqtgraph cannot export this panel as SVG"),  # pyqtgraph #3485
    (b"<svg", "SVG of this panel is not valid"),
])
def test_an_svg_the_exporter_fails_to_make_is_refused_in_words(window, tmp_path, monkeypatch, result,
                                                               message):
    exporter_giving(monkeypatch, result)
    assert not window.lecture.export_picture("loss", tmp_path / "loss.svg", fmt="svg")
    assert message in window.lecture.last_message and "PNG" in window.lecture.last_message
    assert not window.lecture.export_picture("window", tmp_path / "w.svg", fmt="svg")
    assert "SVG is made per panel" in window.lecture.last_message
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".svg", ".part")]


def test_unwritable_path_gives_a_message_not_a_crash(window, tmp_path):
    assert not window.lecture.export_picture("bars", tmp_path / "missing" / "x.png")
    assert "does not exist" in window.lecture.last_message


def test_atomic_write_leaves_nothing_half_written(tmp_path):
    target = tmp_path / "x.bin"
    atomic_write(target, b"first")
    with pytest.raises(ExportError, match="cannot write"):
        atomic_write(tmp_path / "nope" / "x.bin", b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]        # no temporary left


def test_copy_panel_to_clipboard(window):
    window.lecture.copy_panel()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.width() > 100


def test_setup_round_trip(window, qtbot, tmp_path):
    path = tmp_path / "setup.json"
    window.controls.fields["depth"].slider.setValue(6)                # depth 7
    window.panels["surface"].log_scale.setChecked(False)
    window.panels["bars"].quantity.setCurrentText("‖∂C/∂W‖ per layer")
    assert window.lecture.save_setup(path)
    saved = json.loads(path.read_text())
    assert saved["config"]["depth"] == 7 and saved["view"]["log_colour"] is False
    window.controls.fields["depth"].slider.setValue(2)
    window.panels["surface"].log_scale.setChecked(True)
    assert read(qtbot, window, "load_setup", path)
    assert window.controls.config.depth == 7
    assert not window.panels["surface"].log_scale.isChecked()
    assert window.panels["bars"].quantity.currentText() == "‖∂C/∂W‖ per layer"
    wait_on_engine(qtbot, window, lambda: window.painted.snapshot.config.depth == 7)


@pytest.mark.parametrize("content, message", [
    ("{not json", "malformed JSON"),
    ('{"setup": 1, "config": {"depth": 0}}', "depth: must be in [1, 100]"),
    ('{"setup": 1, "config": {}, "view": {"bars": "pie chart"}}', "'pie chart' is not one of"),
    ('{"setup": 1, "config": {}, "layout": "@@@"}', "layout: not base64"),
])
def test_a_bad_setup_changes_nothing_and_says_why(window, qtbot, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    before = window.controls.config
    assert not read(qtbot, window, "load_setup", path)
    assert message in window.lecture.last_message and str(path) in window.lecture.last_message
    assert window.controls.config == before


def test_f5_presentation_mode_and_back(window, qtbot):
    assert window.theme == "dark"
    qtbot.keyClick(window, Qt.Key.Key_F5)                # panels are rebuilt one per event-loop turn
    assert window.theme == "presentation" and current() == THEMES["presentation"]
    assert QApplication.font().pointSize() == THEMES["presentation"].font_pt
    qtbot.waitUntil(lambda: window.panels["bars"].plot.backgroundBrush().color().name() == "#ffffff"
                    and window.panels["phase"].plot.backgroundBrush().color().name() == "#ffffff")
    bars = window.panels["bars"]
    qtbot.waitUntil(lambda: len(bars.logs) == window.painted.snapshot.config.depth + 1)   # redrawn
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.theme == "dark"
    qtbot.waitUntil(lambda: window.panels["phase"].plot.backgroundBrush().color().name()
                    == THEMES["dark"].background)


def test_light_theme_persists(qtbot, tmp_path):
    from ui_helpers import close_window, make_window
    first = make_window(qtbot, tmp_path, SimConfig(depth=2, width=4))
    first.set_theme("light")
    close_window(first)
    second = make_window(qtbot, tmp_path, SimConfig(depth=2, width=4))
    try:
        assert second.theme == "light"
    finally:
        second.set_theme("dark")
        close_window(second)


def test_export_and_record_dialogs_offer_every_panel_and_return_the_choice(window):
    from ui.dialogs import ExportDialog, RecordDialog
    export = ExportDialog(window.docks, window)
    assert export.target.count() == len(window.docks) + 1
    export.target.setCurrentIndex(2)
    export.scale.setCurrentIndex(2)
    export.use_size.setChecked(True)
    assert export.choice() == ("bars", "png", 4, (1600, 900))
    record = RecordDialog(window.docks, window)
    record.fps.setValue(15)
    assert record.choice() == ("surface", 15, 10.0)


def test_written_files_get_the_users_normal_permissions(tmp_path):
    import os
    atomic_write(tmp_path / "x.png", b"picture")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "x.png").stat().st_mode & 0o777 == 0o666 & ~mask    # not mkstemp's 0600


def test_a_theme_reaches_the_controls_and_the_menu_bar_at_once(window, qtbot):
    for name in ("light", "presentation", "dark"):
        window.set_theme(name)
        qtbot.wait(10)                                   # palette changes arrive as events
        for widget in (window.controls, window.menuBar(), window.statusBar()):
            assert widget.palette().window().color().name() == THEMES[name].panel
        assert window.controls.palette().windowText().color().name() == THEMES[name].foreground


def test_the_readers_view_choices_survive_a_theme_switch(window):
    window.panels["surface"].log_scale.setChecked(False)
    window.panels["bars"].quantity.setCurrentText("‖∂C/∂W‖ per layer")
    window.set_theme("light")                            # every panel is built anew
    try:
        assert not window.panels["surface"].log_scale.isChecked()
        assert window.panels["bars"].quantity.currentText() == "‖∂C/∂W‖ per layer"
    finally:
        window.set_theme("dark")


def loaded(qtbot, window, path):
    """Load the data set in ``path`` and wait until its check has ended."""
    read(qtbot, window, "load_data", path)


def test_a_data_set_is_loaded_saved_with_the_setup_and_missed_when_gone(window, qtbot, tmp_path):
    data = tmp_path / "three.csv"
    data.write_text("".join(f"{i},{i % 5},{'abc'[i % 3]}\n" for i in range(30)))
    loaded(qtbot, window, data)
    config = window.controls.config
    assert config.dataset == "file" and config.data_file == str(data)
    assert config.data_digest == hashlib.sha256(data.read_bytes()).hexdigest()
    wait_on_engine(qtbot, window, lambda: window.painted.snapshot.data.classes == ("a", "b", "c"))
    setup = tmp_path / "setup.json"
    assert window.lecture.save_setup(setup) and json.loads(setup.read_text())["config"]["data_file"] == str(data)
    window.state.restart(SimConfig(depth=2, width=4))
    window.lecture.load_setup(setup)              # read and its data checked in a process:
    assert window.lecture.loading.process.pid != os.getpid()
    assert window.controls.config == SimConfig(depth=2, width=4)       # nothing changed yet
    qtbot.waitUntil(lambda: window.lecture.loading is None, timeout=HANG_MS)
    assert window.controls.config == config
    window.state.step_once()                      # a step taken: the engine has read the file (a
    wait_on_engine(qtbot, window, lambda: window.painted.snapshot.config == config   # run seen
                   and window.painted.snapshot.step == 1)   # before is shown again at once)
    data.unlink()
    before = window.controls.config
    assert not read(qtbot, window, "load_setup", setup)
    assert window.lecture.last_message.startswith(f"The setup was not loaded: {setup}: its data set "
                                          f"cannot be used: {data}: cannot read it")
    assert window.controls.config == before


def test_a_bad_data_file_changes_nothing_and_says_why(window, qtbot, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("1,2,a\n" * 5 + "1,2,3,b\n" + "1,2,b\n" * 5)
    before = window.controls.config
    loaded(qtbot, window, path)
    assert window.lecture.last_message == (f"The data set was not loaded: {path}: it is ragged: line 6 "
                                   "has 4 columns, the first has 3")
    assert window.controls.config == before


def test_a_data_file_is_checked_off_the_ui_thread_and_esc_cancels(window, qtbot, tmp_path):
    """Issue 23, findings 2 and 10: the check ran on the UI thread (9.9 s for a bomb, 6.2 s
    for 10 million rows), and nothing could stop it."""
    path = tmp_path / "big.csv"
    path.write_bytes(b"x,label\n" + b"0,1\n1,0\n" * 300_000)
    before = window.controls.config
    window.lecture.load_data(path)
    job = window.lecture.loading
    assert job.process.pid != os.getpid() and job.process.is_alive()
    assert window.statusBar().currentMessage() == "Checking big.csv (2.4 MB)… (Esc cancels)"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.lecture.loading is None and not job.process.is_alive()
    assert window.statusBar().currentMessage() == "Stopped checking big.csv: nothing was loaded"
    assert window.controls.config == before
    assert not window.lecture.cancel_action.isEnabled()


def test_a_second_data_file_replaces_the_one_being_checked(window, qtbot, tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for path, labels in ((first, "ab"), (second, "cd")):
        path.write_text("".join(f"{i},{i % 5},{labels[i % 2]}\n" for i in range(30)))
    window.lecture.load_data(first)
    job = window.lecture.loading
    loaded(qtbot, window, second)
    assert not job.process.is_alive() and window.controls.config.data_file == str(second)
    wait_on_engine(qtbot, window, lambda: window.painted.snapshot.data.classes == ("c", "d"))


def test_a_setup_checks_its_data_file_anew_and_takes_its_digest_now(tmp_path):
    from ui.saved_setups import read_setup
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{i},{i % 5},{'ab'[i % 2]}\n" for i in range(30)))
    config = SimConfig(dataset="file", data_file=str(data), data_digest="0" * 64).to_dict()
    path = tmp_path / "setup.json"
    path.write_text(json.dumps({"setup": 1, "config": config, "baseline": config}))
    setup = read_setup(path)
    now = hashlib.sha256(data.read_bytes()).hexdigest()
    assert setup.config.data_digest == now and setup.baseline.data_digest == now


def test_a_setup_that_fails_while_being_read_is_one_sentence(window, qtbot, tmp_path):
    """Issue 23, finding 9: a setup that is a symlink to /proc/self/mem (EIO on read) let
    the error escape Load setup with no message."""
    link = tmp_path / "memory.json"
    link.symlink_to("/proc/self/mem")
    before = window.controls.config
    assert not read(qtbot, window, "load_setup", link)
    assert window.lecture.last_message == (f"The setup was not loaded: {link}: cannot read it "
                                           "(Input/output error)")
    assert window.controls.config == before


def test_file_dialogs_open_where_the_last_file_went_and_dialogs_keep_their_choices(window, tmp_path,
                                                                                  monkeypatch):
    """A live walkthrough found the file dialog opening in the folder the lab was started
    from, and the Record dialog back at its defaults each time."""
    from ui.dialogs import RecordDialog
    (tmp_path / "slides").mkdir()
    chosen, asked = [str(tmp_path / "slides" / "mine.json"), ""], []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, where, filters: (asked.append(where)
                                                                            or chosen.pop(0), "")))
    window.lecture.save_setup_dialog()
    window.lecture.save_setup_dialog()
    assert asked == [str(Path.home() / "setup.json"), str(tmp_path / "slides" / "setup.json")]
    assert (tmp_path / "slides" / "mine.json").is_file()
    seen = []
    monkeypatch.setattr(RecordDialog, "exec", lambda dialog: dialog.fps.setValue(20) or 0)
    window.lecture.record_dialog()
    monkeypatch.setattr(RecordDialog, "exec", lambda dialog: seen.append(dialog.fps.value()) or 0)
    window.lecture.record_dialog()
    assert seen == [20]
