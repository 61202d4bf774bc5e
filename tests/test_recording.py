"""Recordings: timed by the moments frames were captured, memory bounded, nothing touched
or left running off the UI thread."""
import os
import subprocess
import threading
import time

import imageio_ffmpeg
import numpy as np
import pytest
import pyqtgraph as pg
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ui.export import Animation, ExportError, frame_ticks, image_to_rgb
from ui.widgets import on_screen
from ui_helpers import HANG_MS


def gif_durations(path):
    """Each frame's delay in ms, as Pillow reads it back."""
    with Image.open(path) as gif:
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    return durations


def mp4_frames(path, width, height):
    """The decoded frames, (n, height, width, 3)."""
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def frames(count, size=(64, 48)):
    """Distinct pictures of at most 192 colours (so a GIF keeps them exactly): red rises
    to the right, green in three bands downwards, blue is 10 k in frame k."""
    y, x = np.mgrid[0:size[1], 0:size[0]]
    return [np.stack([4 * x % 256, 40 * (y // 16), np.full_like(x, 10 * k)], axis=-1).astype(np.uint8)
            for k in range(count)]


def nearest(pictures, originals):
    """For each picture, the index of the original it is closest to."""
    return [int(np.argmin([np.abs(p.astype(int) - o[:p.shape[0], :p.shape[1]]).mean() for o in originals]))
            for p in pictures]


def test_frame_ticks_from_hand_made_moments():
    # GIF: ticks of 1/100 s, at least 2. Captured at 0, .1, .25, .26, .5; ended at .6:
    # shown .1, .15, (.01: dropped, the next frame starts at .25 instead), .25, .1 s.
    assert frame_ticks(5, [0, .1, .25, .26, .5, .6], 100, 2) == [10, 15, 0, 25, 10]
    # MP4 at 10 fps, at least 1 tick: a frame starts at its moment rounded to the grid,
    # 0 → 0, .13 → 1, .42 → 4, .44 → 4 (the same slot: dropped), .61 → 6, end .7 → 7.
    assert frame_ticks(5, [0, .13, .42, .44, .61, .7], 10, 1) == [1, 3, 0, 2, 1]
    # the last frame is stretched to the shortest delay, never dropped
    assert frame_ticks(2, [0, .1, .101], 100, 2) == [10, 2]


def test_frame_ticks_add_up_to_the_length_whatever_the_jitter():
    rng = np.random.default_rng(1)
    moments = np.cumsum(rng.uniform(0.001, 0.2, 199))
    seconds = [0.0, *moments, moments[-1] + 0.3]     # 200 frames, then the end
    for rate, shortest in ((100, 2), (10, 1), (30, 1)):
        ticks = frame_ticks(200, seconds, rate, shortest)
        assert sum(ticks) == round(seconds[-1] * rate)
        assert all(t == 0 or t >= shortest for t in ticks) and ticks[-1] >= shortest


def test_a_gif_is_timed_by_when_its_frames_were_captured(tmp_path):
    out = tmp_path / "x.gif"
    originals = frames(5)
    with Animation(out, fps=10, start=100.0) as animation:
        for frame, t in zip(originals, (100.0, 100.1, 100.25, 100.26, 100.5)):
            animation.add(frame, t)
        assert animation.finish(100.6) == (4, 0.6)
    assert gif_durations(out) == [100, 150, 250, 100]
    with Image.open(out) as gif:                     # the frame at .25 is dropped; the rest exact
        for k, original in zip(range(gif.n_frames), [originals[i] for i in (0, 1, 3, 4)]):
            gif.seek(k)
            assert np.array_equal(np.asarray(gif.convert("RGB")), original)
    assert [p.name for p in tmp_path.iterdir()] == ["x.gif"]


def test_an_mp4_repeats_and_drops_frames_to_keep_their_moments(tmp_path):
    out = tmp_path / "x.mp4"
    originals = frames(5, (63, 47))                  # odd sizes are padded to even ones
    with Animation(out, fps=10) as animation:
        for frame, t in zip(originals, (0, .13, .42, .44, .61)):
            animation.add(frame, t)
        animation.finish(.7)
    video = mp4_frames(out, 64, 48)                  # 1 + 3 + 2 + 1 slots of 1/10 s
    assert nearest(video[:, :47, :63], originals) == [0, 1, 1, 1, 3, 3, 4]


def test_a_frame_of_another_size_is_scaled_to_fit_whole():
    """A walkthrough resized the window while recording it: the frames were cut at the
    right and bottom, or padded with black, to the first frame's size."""
    from ui.export import fit
    big = np.zeros((100, 200, 3), np.uint8)
    big[50:, 100:] = (255, 0, 0)                              # the bottom-right quarter red
    canvas = fit(big, (100, 50))                             # half the size: all of it, halved
    assert canvas.shape == (50, 100, 3)
    assert (canvas[30:, 60:] == (255, 0, 0)).all() and (canvas[:20, :40] == 0).all()
    small = np.full((30, 40, 3), 200, np.uint8)              # 4:3 into 100 × 50: 67 × 50, centred
    canvas = fit(small, (100, 50))
    assert (canvas[:, 20:80] == 200).all() and (canvas[:, :15] == 0).all() and (canvas[:, 85:] == 0).all()
    odd = np.full((47, 63, 3), 7, np.uint8)                  # an encoder's even size: padded
    canvas = fit(odd, (64, 48))
    assert (canvas[:47, :63] == 7).all() and (canvas[47] == 0).all() and (canvas[:, 63] == 0).all()


def test_memory_stays_flat_over_a_long_recording(tmp_path):
    """The old recorder kept every raw frame: memory grew by one frame per frame."""
    width, height = 640, 480
    raw = width * height * 3
    x = np.linspace(0, 255, width, dtype=np.float32)

    def frame(k):                                   # a moving gradient, so every frame differs
        row = ((x + 7 * k) % 256).astype(np.uint8)
        return np.repeat(np.repeat(row[None, :, None], height, 0), 3, 2)

    def resident():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    with Animation(tmp_path / "long.gif", fps=10) as animation:
        for k in range(20):                         # allocators and Pillow settle in
            animation.add(frame(k), k / 10)
        before = resident()
        for k in range(20, 120):
            animation.add(frame(k), k / 10)
        growth = (resident() - before) / 100
        animation.finish(12.0)
    assert growth < 0.05 * raw, f"{growth / raw:.2f} raw frames per frame"


@pytest.mark.parametrize("name, message", [
    ("x.png", "an animation is .gif or .mp4, not .png"),
    ("missing/x.gif", "does not exist"),
])
def test_an_animation_that_cannot_be_written_says_why_at_once(tmp_path, name, message):
    with pytest.raises(ExportError, match=message):
        Animation(tmp_path / name, fps=10)
    assert list(tmp_path.iterdir()) == []


def test_an_mp4_without_ffmpeg_names_ffmpeg_not_the_file(tmp_path, monkeypatch):
    """Issue 23, finding 11: the message blamed the output file."""
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "no-ffmpeg"))
    with Animation(tmp_path / "x.mp4", fps=10) as animation:
        with pytest.raises(ExportError) as caught:
            animation.add(frames(1)[0], 0)
    assert str(caught.value) == (f"an MP4 needs ffmpeg, and {tmp_path / 'no-ffmpeg'} cannot be run "
                                 "(No such file or directory): record a GIF instead")

    def none_found():
        raise RuntimeError("No ffmpeg exe could be found.")
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", none_found)
    with Animation(tmp_path / "x.mp4", fps=10) as animation:
        with pytest.raises(ExportError, match="^an MP4 needs ffmpeg, and none was found"):
            animation.add(frames(1)[0], 0)
    assert list(tmp_path.iterdir()) == []


def test_an_abandoned_animation_leaves_the_target_as_it_was(tmp_path):
    out = tmp_path / "x.gif"
    out.write_bytes(b"before")
    with Animation(out, fps=10) as animation:
        animation.add(frames(1)[0], 0)
        animation.interrupt()
        with pytest.raises(ExportError, match="abandoned"):
            animation.finish(1)
    assert [p.name for p in tmp_path.iterdir()] == ["x.gif"] and out.read_bytes() == b"before"


def test_a_headless_recording_shows_each_frame_for_one_over_fps(tmp_path):
    from test_cli import run
    out = tmp_path / "bars.gif"
    result = run("--preset", "Deep ReLU + He (healthy)", "--record", out, "--frames", 3, "--fps", 4,
                 "--panel", "bars", "--size", "200x150")
    assert result.returncode == 0, result.stderr
    assert gif_durations(out) == [250, 250, 250] and [p.name for p in tmp_path.iterdir()] == ["bars.gif"]


# ------------------------------------------------------------------- in the window

def busy_ui(qtbot):
    """A moment of recording during which the UI thread is blocked for 0.3 s, as on a
    machine under load: no frame can be grabbed then."""
    qtbot.wait(150)
    time.sleep(0.3)
    qtbot.wait(50)


def test_a_recording_that_stops_by_itself_lasts_the_time_asked_for(window, qtbot, tmp_path):
    out = tmp_path / "surface.gif"
    window.controls.play_button.click()
    recorder = window.lecture.record("surface", out, fps=20, max_seconds=0.6)
    with qtbot.waitSignal(recorder.finished, timeout=20000) as done:
        busy_ui(qtbot)
    assert done.args[0].startswith("Saved")
    durations = gif_durations(out)
    assert len(durations) >= 1 and abs(sum(durations) - 600) <= 50      # within a frame


def test_a_recording_lasts_as_long_as_it_was_recorded(window, qtbot, tmp_path):
    """Under load fewer frames are grabbed than asked for; each is then shown longer, so
    the GIF lasts what the recording lasted, to within a frame, however many there are."""
    out = tmp_path / "surface.gif"
    window.controls.play_button.click()
    a = time.monotonic()
    recorder = window.lecture.record("surface", out, fps=20, max_seconds=30)
    b = time.monotonic()
    busy_ui(qtbot)
    c = time.monotonic()
    with qtbot.waitSignal(recorder.finished, timeout=20000) as done:
        window.lecture.stop_recording()
    d = time.monotonic()
    assert done.args[0].startswith("Saved")
    durations = gif_durations(out)
    assert len(durations) >= 1
    assert c - b - 0.02 <= sum(durations) / 1000 <= d - a + 0.02


def test_the_recorder_signals_from_the_ui_thread_only(window, qtbot, tmp_path):
    """The old recorder emitted progress from its encoding thread, into the status bar.
    A direct connection runs where the signal is emitted, so it sees the emitting thread."""
    emitted_in = set()

    def note(_):
        emitted_in.add(threading.current_thread().name)

    recorder = window.lecture.record("bars", tmp_path / "bars.gif", fps=20, max_seconds=30)
    for signal in (recorder.progress, recorder.finished):
        signal.connect(note, Qt.ConnectionType.DirectConnection)
    qtbot.wait(300)
    with qtbot.waitSignal(recorder.finished, timeout=20000):
        window.lecture.stop_recording()
    assert emitted_in == {threading.main_thread().name}
    assert window.statusBar().currentMessage().startswith("Saved")
    # and in a box that stays but blocks nothing: a window-modal one kept the window from closing
    boxes = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert [box.text()[:5] for box in boxes] == ["Saved"]
    assert boxes[0].windowModality() == Qt.WindowModality.NonModal
    window.lecture.report("Another thing")                         # replaces it: no pile of boxes
    assert [box.text() for box in window.findChildren(QMessageBox) if box.isVisible()] == ["Another thing"]


def test_a_recording_goes_on_through_a_theme_switch(window, qtbot, tmp_path):
    """The panel recorded takes the new theme in place, and the recording goes on."""
    out = tmp_path / "bars.gif"
    recorder = window.lecture.record("bars", out, fps=20, max_seconds=30)
    qtbot.waitUntil(lambda: recorder.grabbed >= 3, timeout=HANG_MS)   # frames in the dark theme
    window.set_theme("light")
    switched = recorder.grabbed
    qtbot.waitUntil(lambda: recorder.grabbed >= switched + 3, timeout=HANG_MS)   # and in the light
    with qtbot.waitSignal(recorder.finished, timeout=20000) as done:
        window.lecture.stop_recording()
    window.set_theme("dark")
    assert done.args[0].startswith("Saved")
    with Image.open(out) as gif:
        corners = []
        for k in (0, gif.n_frames - 1):
            gif.seek(k)
            corners.append(min(gif.convert("RGB").getpixel((2, 2))))
    assert corners[0] < 100 < 200 < corners[1]          # dark, then light


@pytest.fixture
def encoders(monkeypatch):
    """The OS ids of the threads that encode frames, noted as they do."""
    ids = set()
    add = Animation.add

    def noting(self, frame, t):
        ids.add(threading.get_native_id())
        return add(self, frame, t)

    monkeypatch.setattr(Animation, "add", noting)
    return ids


def alive(ids):
    """Those of the thread ids that are still threads of this process."""
    return {i for i in ids if os.path.exists(f"/proc/self/task/{i}")}


def ended(qtbot, ids):
    """Whether the threads ``ids`` are gone within 0.2 s: a joined QThread's OS thread
    returns from its last function just after the join (1 run in 6 saw it for a moment)."""
    qtbot.waitUntil(lambda: not alive(ids), timeout=200)
    return True


def test_closing_during_a_recording_finishes_it_quickly_and_leaves_no_thread(qtbot, tmp_path, encoders):
    from ui_helpers import close_window, make_window
    window = make_window(qtbot, tmp_path)
    out = tmp_path / "window.gif"
    window.controls.play_button.click()
    window.lecture.record("window", out, fps=10, max_seconds=60)
    qtbot.wait(1000)
    start = time.monotonic()
    close_window(window)
    assert time.monotonic() - start < 3
    assert encoders and ended(qtbot, encoders)       # the encoding thread has ended
    if window.lecture.last_message.startswith("Saved"):
        assert len(gif_durations(out)) >= 1
    else:
        assert "abandoned" in window.lecture.last_message and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_recording_that_cannot_finish_in_time_is_abandoned_without_a_trace(window, qtbot, tmp_path,
                                                                          encoders):
    out = tmp_path / "bars.mp4"
    recorder = window.lecture.record("bars", out, fps=10, max_seconds=30)
    qtbot.wait(500)
    assert "abandoned" in recorder.finish_now(seconds=0)    # ffmpeg cannot finish in no time
    assert encoders and ended(qtbot, encoders)
    assert not [p.name for p in tmp_path.iterdir() if p.name != "lab.ini"]


def test_recording_a_panel_behind_another_tab_brings_it_to_the_front(window, qtbot, tmp_path, monkeypatch):
    """A live walkthrough recorded the cost surface behind the decision boundary's tab: every
    frame of the GIF was an empty panel (panels off screen are not drawn). A later one found
    the first frames empty while the panel waited its turn to catch up (here: never)."""
    from ui.panels import build
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: window.painted is not None, timeout=5000)
    window.state.set_playing(False)
    qtbot.wait(300)                                             # no frame comes, none is drawn
    monkeypatch.setattr(window, "_show_painted", lambda name: None)
    window.docks["surface"].raise_()
    panel = window.panels["activation"]
    assert not on_screen(panel)                                 # never yet: nothing drawn in it
    recorder = window.lecture.record("activation", tmp_path / "activation.gif", fps=10, max_seconds=30)
    qtbot.waitUntil(lambda: on_screen(panel))
    qtbot.wait(300)
    with qtbot.waitSignal(recorder.finished, timeout=20000):
        window.lecture.stop_recording()
    def apart(frame):                                           # the panel drawn apart, at its size
        reference = build("activation")
        reference.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        reference.resize(panel.size())
        reference.show()
        qtbot.waitUntil(lambda: reference.size() == panel.size())
        if frame is not None:
            reference.show_frame(frame)
        qtbot.wait(100)
        picture = image_to_rgb(reference.grab().toImage()).astype(int)
        reference.deleteLater()
        return picture

    drawn, empty = apart(window.painted), apart(None)
    surface = image_to_rgb(window.panels["surface"].grab().toImage()).astype(int)
    with Image.open(tmp_path / "activation.gif") as gif:
        for k in range(gif.n_frames):
            gif.seek(k)
            frame = np.asarray(gif.convert("RGB"), dtype=int)
            assert frame.shape == drawn.shape == surface.shape
            # the recorded panel's, none the surface's it was behind, and not empty
            assert np.abs(frame - drawn).mean() < np.abs(frame - surface).mean(), k
            assert np.abs(frame - drawn).mean() < np.abs(frame - empty).mean(), k


def test_a_recording_says_how_many_frames_were_taken_while_its_panel_was_hidden(window, qtbot, tmp_path):
    """A walkthrough hid the recorded panel mid-recording: half the GIF was one frozen picture
    and the message said only "Saved 80 frames"."""
    recorder = window.lecture.record("bars", tmp_path / "bars.gif", fps=10, max_seconds=30)
    qtbot.waitUntil(lambda: recorder.grabbed >= 3)
    window.docks["bars"].hide()
    qtbot.waitUntil(lambda: recorder.grabbed >= 6)
    with qtbot.waitSignal(recorder.finished, timeout=20000) as saved:
        window.lecture.stop_recording()
    hidden = int(saved.args[0].split("; ")[1].split()[0])
    assert 2 <= hidden <= recorder.grabbed - 3 and "taken while it was hidden" in saved.args[0]
    window.docks["bars"].show()


def test_a_recording_copies_what_the_window_drew_without_drawing_it_again(window, qtbot):
    """A grab() drew the panel anew at every frame of a recording: at projector size 30-70 ms
    of the UI thread's time per frame, on top of the window's own drawing. A frame is now a
    copy of the pixels the window last drew (where the platform keeps them in one image)."""
    from PySide6.QtCore import QEvent, QObject

    from ui.recorder import shown_image

    panel = window.panels["bars"]
    window.docks["bars"].raise_()
    qtbot.waitUntil(lambda: on_screen(panel) and panel.visibleRegion().boundingRect() == panel.rect())
    qtbot.wait(300)                                       # drawn at its size

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched, event):
            Paints.count += event.type() == QEvent.Type.Paint
            return False

    paints = Paints()
    viewports = [view.viewport() for view in panel.findChildren(pg.GraphicsView)]
    assert viewports
    for viewport in viewports:
        viewport.installEventFilter(paints)
    copied = shown_image(panel)
    assert Paints.count == 0
    drawn = panel.grab().toImage()                         # the independent reference: drawn again
    assert Paints.count > 0
    assert copied.size() == drawn.size()
    as_array = [np.asarray(image_to_rgb(image), dtype=int) for image in (copied, drawn)]
    assert np.abs(as_array[0] - as_array[1]).mean() < 1.0  # the same picture (a frame may have come)

    behind = window.panels["decision"]                     # behind a tab: nothing on screen to copy
    window.docks["surface"].raise_()
    qtbot.waitUntil(lambda: not on_screen(behind))
    hidden = shown_image(behind)
    assert hidden.size() == behind.grab().toImage().size() and not hidden.isNull()


def test_a_panel_behind_a_tab_is_recorded_from_its_first_moment_with_a_red_dot(window, qtbot, tmp_path):
    """A recording of N seconds at F frames a second has N × F frames: a panel behind
    another tab had its first frame 1/F late, one frame short (issue 26, item 6); while it
    records, the status bar shows a red dot and the time, and nothing blocks."""
    window.docks["surface"].raise_()
    behind = "activation"
    assert not on_screen(window.panels[behind])                # behind the cost surface's tab
    recorder = window.lecture.record(behind, tmp_path / "activation.gif", fps=2, max_seconds=1.0)
    note = window.lecture.recording_note
    qtbot.waitUntil(lambda: note.isVisible() and "●" in note.text(), timeout=10000)
    with qtbot.waitSignal(recorder.finished, timeout=60000) as done:
        pass
    assert done.args[0].startswith("Saved 2 frames") and len(gif_durations(tmp_path / "activation.gif")) == 2
    assert not note.isVisible()
