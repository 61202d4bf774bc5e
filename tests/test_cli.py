"""The command line: headless pictures and animations, status 2 and nothing written on bad input."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT, timeout=180):
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=env)


def load(path):
    """The picture as RGB, with the file closed again."""
    with Image.open(path) as image:
        return image.convert("RGB")


def distinct_colours(path):
    pixels = np.asarray(load(path).resize((120, 80))).reshape(-1, 3)
    return len(np.unique(pixels, axis=0))


def test_list_presets_one_per_line_with_a_description():
    result = run("--list-presets")
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and len(lines) == 10
    assert lines[1].startswith("Deep sigmoid (vanishing): Ten sigmoid layers")


def test_list_panels():
    result = run("--list-panels")
    assert result.returncode == 0 and result.stdout.split()[0] == "surface"
    assert {line.split()[0] for line in result.stdout.splitlines()} >= {"bars", "loss", "phase"}


def test_export_window_of_the_requested_size_shows_the_lab(tmp_path):
    out = tmp_path / "window.png"
    result = run("--preset", "Deep sigmoid (vanishing)", "--steps", 20, "--export", out, "--size", "1200x800")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""                              # success says nothing on stderr
    assert load(out).size == (1200, 800)
    assert distinct_colours(out) > 50                       # a real window, not a blank one


def test_export_one_panel_exactly_and_the_same_twice(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for out in (first, second):
        result = run("--preset", "Deep sigmoid (vanishing)", "--steps", 30, "--export", out,
                     "--panel", "bars", "--size", "640x480", "--theme", "light",
                     "--baseline", "Deep ReLU + He (healthy)")
        assert result.returncode == 0, result.stderr
    a, b = load(first), load(second)
    assert a.size == (640, 480)
    assert ImageChops.difference(a, b).getbbox() is None    # deterministic, to the pixel
    corner = a.getpixel((3, 3))
    assert min(corner) > 200                                # the light theme's background
    assert distinct_colours(first) > 10


def test_record_writes_a_gif_with_n_frames_that_differ(tmp_path):
    out = tmp_path / "ball.gif"
    result = run("--preset", "Deep ReLU + He (healthy)", "--record", out, "--frames", 6,
                 "--every", 10, "--panel", "surface", "--size", "400x300")
    assert result.returncode == 0, result.stderr
    with Image.open(out) as gif:
        assert gif.n_frames == 6 and gif.size == (400, 300)
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(gif.convert("RGB"))
    assert all(ImageChops.difference(x, y).getbbox() is not None for x, y in zip(frames, frames[1:]))


def test_record_writes_an_mp4(tmp_path):
    out = tmp_path / "ball.mp4"
    result = run("--preset", "Deep ReLU + He (healthy)", "--record", out, "--frames", 5,
                 "--panel", "bars", "--size", "321x201")
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) > 1000          # an ISO media file


def test_config_file_and_seed(tmp_path):
    setup = tmp_path / "setup.json"
    setup.write_text(json.dumps({"depth": 2, "width": 4}))
    out = tmp_path / "x.png"
    result = run("--config", setup, "--seed", 7, "--export", out, "--panel", "bars", "--size", "300x200")
    assert result.returncode == 0, result.stderr
    assert load(out).size == (300, 200)


def test_a_picture_from_a_setup_shows_the_setups_view(tmp_path):
    """The view part (theme, bar quantity and scale) is drawn; --theme overrides the theme."""
    view = {"theme": "light", "bars": "‖δ‖ per sample (with the theory)", "bars_log": False}
    pictures = {}
    for name, setup_view, extra in (("view", view, []), ("plain", {}, ["--theme", "light"])):
        setup = tmp_path / f"{name}.json"
        setup.write_text(json.dumps({"setup": 1, "config": {"depth": 3, "width": 8}, "view": setup_view}))
        out = pictures[name] = tmp_path / f"{name}.png"
        result = run("--config", setup, "--steps", 5, "--export", out, "--panel", "bars",
                     "--size", "400x300", *extra)
        assert result.returncode == 0, result.stderr
    assert min(load(pictures["view"]).getpixel((3, 3))) > 200      # the setup's light theme
    assert ImageChops.difference(load(pictures["view"]), load(pictures["plain"])).getbbox() is not None


# ---------------------------------------------------------------- bad input
# Each case: the arguments (FILE: a setup file holding the text given; OUT: a file in an
# empty folder; DIR: that folder) and a piece of the one line that must name the problem.
# Checked in-process (main.main, with a 10 s alarm against hangs); a few also as real runs.
HUGE = "x" * 900_000                                # a 50 MB string is refused by size alone
DEEP = "[" * 100_000 + "]" * 100_000
BAD_INPUTS = [
    # item 1: accepted values that crashed
    (["--seed", 2 ** 31], "seed: must be in [0, 2147483647], got 2147483648"),
    (["--seed", "-1"], "seed: must be in [0, 2147483647], got -1"),
    (["--config", "FILE", '{"surface_extent": 5e-324}'], "surface_extent: must be in [1e-09, 100.0]"),
    # item 2: hangs
    (["--steps", 10 ** 12], "--steps must be in 0 … 100,000, got 1000000000000"),
    (["--steps", 10 ** 30], "--steps must be in 0 … 100,000"),
    (["--steps", "9" * 5000], "--steps: '99999"),
    (["--record", "DIR/a.gif", "--frames", 10 ** 9], "--frames must be in 1 … 300"),
    (["--record", "DIR/a.gif", "--frames", 3, "--every", 10 ** 12], "--every must be in 1 … 1,000"),
    (["--export", ""], "--export needs a file name ending in .png"),
    (["--record", "", "--frames", 3], "--record needs a file name ending in .gif or .mp4"),
    (["--config", ""], "the setup's file name is empty"),
    # item 3: tracebacks
    (["--config", "/dev/zero"], "/dev/zero: it is not a regular file"),
    (["--config", "DIR"], "it is a folder, not a file"),
    (["--config", "FILE", "{" + " " * 1_000_001 + "}"], "larger than 1,000,000 bytes"),
    (["--config", "FILE", DEEP], "the JSON is nested too deeply"),
    (["--config", "FILE", '{"depth": ' + DEEP + "}"], "the JSON is nested too deeply"),
    (["--config", "FILE", '{"setup": 1, "config": ' + "{\"a\": " * 100_000 + "1" + "}" * 100_001],
     "the JSON is nested too deeply"),
    (["--config", "FILE", '{"depth": 1' + "0" * 5000 + "}"], "a number too long to read"),
    (["--config", "FILE", "\xff"], "not UTF-8 text"),
    # item 4: accepted when it should not be
    (["--frames", 3], "--frames goes with --record"),
    (["--every", 3], "--every goes with --record"),
    (["--size", ""], "--size: must look like 1600x950 (50 … 8000 each), got ''"),
    (["--config", "FILE", '{"setup": 1, "config": {}, "view": {"theme": "blue"}}'],
     "view: theme 'blue' is not one of dark, light, presentation"),
    (["--config", "FILE", '{"setup": 1, "config": {}, "view": {"bars": "pie"}}'],
     "view: bars 'pie' is not one of ‖∂C/∂b‖: speed of learning, ‖∂C/∂W‖ per layer"),
    # item 4a: long values are quoted, not printed back
    (["--config", "FILE", json.dumps({"activation": HUGE})], "activation: unknown value 'xxxx"),
    (["--config", "FILE", json.dumps({HUGE: 1})], "config: unknown field 'xxxx"),
    (["--preset", "p" * 100_000], "unknown preset 'pppp"),
    (["--export", "DIR/no\nsuch/" + "y" * 500 + ".png"], "does not exist"),
    # item 4b: output problems found before the run
    (["--steps", 100_000, "--export", "DIR"], "the file name must end in .png"),
    (["--steps", 100_000, "--export", "DIR/folder.png"], "it is a folder"),
    (["--steps", 100_000, "--export", "DIR/" + "n" * 300 + ".png"], "File name too long"),
    (["--steps", 100_000, "--export", "DIR/missing/x.png"], "the folder"),
    (["--steps", 100_000, "--export", "/sys/x.png"], "cannot write /sys/x.png"),
    # and what was checked before
    (["--preset", "Nope"], "unknown preset 'Nope'; allowed: Shallow sigmoid"),
    (["--panel", "nope"], "--panel: invalid choice: 'nope' (choose from 'surface', 'bars'"),
    (["--theme", "blue"], "--theme: invalid choice: 'blue' (choose from 'dark', 'light', 'presentation')"),
    (["--size", "big"], "--size: must look like 1600x950"),
    (["--size", "20x9000"], "--size: must look like 1600x950 (50 … 8000 each), got '20x9000'"),
    (["--steps", "-3"], "--steps must be in 0 … 100,000, got -3"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--preset", "Plateau", "--config", "x.json"], "--config: not allowed with argument --preset"),
    (["--export", "DIR/a.png", "--record", "DIR/a.gif"], "--record: not allowed with argument --export"),
    (["--config", "FILE", '{"depth": 3,}'], "malformed JSON at line 1 column 13"),
    (["--config", "FILE", '{"depth": 0}'], "depth: must be in [1, 100], got 0"),
    (["--config", "FILE", '{"setup": 1, "config": {}, "colour": 1}'], "unknown key 'colour'"),
    (["--record", "DIR/a.png", "--frames", 2], "must end in .gif or .mp4"),
    # the user's data set
    (["--data", "/dev/zero"], "a data set must be a .csv or .npz file"),
    (["--data", "DIR/folder.png"], "a data set must be a .csv or .npz file"),
    (["--data", "DIR/none.csv"], "none.csv: cannot read it (No such file or directory)"),
    (["--config", "FILE", '{"dataset": "file", "data_file": "/no/such.csv"}'],
     "setup.json: its data set cannot be used: /no/such.csv: cannot read it"),
]


def concrete(args, tmp_path):
    """The arguments with FILE written and OUT, DIR placed in tmp_path; (args, output folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "folder.png").mkdir()
    args = [str(a) for a in args]
    if "FILE" in args:
        k = args.index("FILE")
        text = args.pop(k + 1)
        setup = tmp_path / "setup.json"
        setup.write_bytes(text.encode("latin-1") if text == "\xff" else text.encode())
        args[k] = str(setup)
    args = [a.replace("DIR", str(folder)) for a in args]
    if "--export" not in args and "--record" not in args:
        args += ["--export", str(folder / "never.png")]
    return args, folder


@contextmanager
def deadline(seconds):
    """TimeoutError if the block runs longer than ``seconds``: a hang fails, never stalls."""
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def written(folder):
    """What is in the output folder besides the folder the table puts there."""
    return sorted(p.name for p in folder.iterdir() if p.name != "folder.png")


@pytest.mark.parametrize("args, message", BAD_INPUTS, ids=[" ".join(map(str, a))[:40] for a, _ in BAD_INPUTS])
def test_bad_input_exits_2_with_one_short_line_and_writes_nothing(tmp_path, capsys, args, message):
    import main
    args, folder = concrete(args, tmp_path)
    with deadline(10):
        status = main.main(args)
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and len(err) < 500, err[:500]      # one line, values cut short
    assert message in err
    assert written(folder) == []


@pytest.mark.parametrize("args, message", [
    (["--steps", 10 ** 12], "--steps must be in 0 … 100,000"),
    (["--export", ""], "--export needs a file name"),
    (["--config", "/dev/zero"], "not a regular file"),
])
def test_bad_input_in_a_real_run(tmp_path, args, message):
    args, folder = concrete(args, tmp_path)
    result = run(*args, timeout=10)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and written(folder) == []


def test_a_fifo_nobody_writes_is_refused_at_once(tmp_path):
    fifo = tmp_path / "setup.json"
    os.mkfifo(fifo)
    result = run("--config", fifo, "--export", tmp_path / "x.png", timeout=10)
    assert result.returncode == 2
    assert result.stderr == f"main.py: error: {fifo}: it is not a regular file (a FIFO or a device?)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["setup.json"]


def test_record_options_need_record_and_record_has_defaults(tmp_path):
    import main
    for args in (["--fps", "12"], ["--frames", "2", "--export", "x.png"]):
        with pytest.raises(main.Usage, match="goes with --record"):
            main.checked(main.parse_args(args))
    args = main.parse_args(["--record", str(tmp_path / "a.gif")])
    main.checked(args)
    assert (args.frames, args.every, args.fps) == (30, 5, 10)      # 3 s of 150 steps
    with pytest.raises(main.Usage, match="--panel goes with --export or --record"):
        main.checked(main.parse_args(["--panel", "bars"]))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- killed mid-write
WRITER = """
import os, sys, time
sys.path.insert(0, {root!r})
from ui import export
os.fsync = lambda fd: time.sleep(60)        # stalls mid-write: temporary file open and locked
export.atomic_write({target!r}, b"new")
"""


def locked(path):
    """Whether another process holds ``path``'s lock (a writer that is alive)."""
    import fcntl
    try:
        with open(path, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except BlockingIOError:
        return True
    except FileNotFoundError:
        return False


def test_what_a_killed_writer_leaves_is_removed_by_the_next_write_and_nothing_else(tmp_path):
    from ui.export import atomic_write
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")
    others = [tmp_path / ".notes.part", tmp_path / "film.part", tmp_path / ".a.png.abc.part"]
    for other in others:
        other.write_bytes(b"not the lab's")
    (tmp_path / ".b.png.abcd1234.part").mkdir()             # the lab's pattern, but a folder
    writer = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), target=str(target))],
                              env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    try:
        with deadline(10):                                  # until it is there, and locked:
            while not any(locked(part) for part in tmp_path.glob(".picture.png.*.part")):
                time.sleep(0.02)                            # between the two, it is a leftover
        [leftover] = tmp_path.glob(".picture.png.*.part")
        atomic_write(tmp_path / "other.png", b"x")          # a live writer's file stays
        assert leftover.exists()
    finally:
        writer.kill()                                       # SIGKILL, mid-write
        writer.wait(10)
    assert writer.returncode == -signal.SIGKILL and leftover.exists()
    assert target.read_bytes() == b"old"                    # the target was never half-written
    atomic_write(tmp_path / "third.png", b"y")
    assert not leftover.exists()
    assert all(other.read_bytes() == b"not the lab's" for other in others)
    assert (tmp_path / ".b.png.abcd1234.part").is_dir()


# ---------------------------------------------------------------- the user's data set
def test_data_is_checked_and_its_digest_goes_into_both_configs(tmp_path):
    import main
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{i},{i % 5},{'ab'[i % 2]}\n" for i in range(30)))
    setup, _ = main.checked(main.parse_args(["--preset", "Clipping tames the cliff", "--data", str(data)]))
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    assert setup.config.data_digest == digest and setup.baseline.data_digest == digest


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((40, 0)), np.arange(40) % 2, "X has no input columns; at least one is needed"),
    (np.full((10, 2), 1.797e308), np.arange(10) % 2, None),
])
def test_a_data_file_is_refused_or_trained_on_never_a_traceback(tmp_path, capsys, X, y, message):
    """Issue 23, findings 1 and 4: zero input columns gave status 1 and a 29-line traceback;
    huge finite values, 36 lines ending "Cannot set range [nan, nan]"."""
    import main
    data = tmp_path / "d.npz"
    np.savez(data, X=X, y=y)
    args = ["--data", str(data), "--steps", "20", "--export", str(tmp_path / "out.png"), "--panel", "decision"]
    if message is not None:
        assert main.main(args) == 2
        assert capsys.readouterr().err == f"main.py: error: {data}: {message}\n"
    else:
        result = run(*args, timeout=60)
        assert result.returncode == 0 and result.stderr == "", result.stderr


def test_a_setup_that_fails_while_being_read_is_one_line(tmp_path, capsys):
    """Issue 23, finding 9: a setup linked to /proc/self/mem (EIO on read) gave status 1
    and a 17-line traceback."""
    import main
    link = tmp_path / "setup.json"
    link.symlink_to("/proc/self/mem")
    assert main.main(["--config", str(link), "--export", str(tmp_path / "x.png")]) == 2
    assert capsys.readouterr().err == f"main.py: error: {link}: cannot read it (Input/output error)\n"


# ---------------------------------------------------------------- stopped by a signal
@pytest.mark.parametrize("number, suffix, written", [(signal.SIGINT, ".mp4", 0), (signal.SIGTERM, ".gif", 2000),
                                                     (signal.SIGHUP, ".gif", 0)])
def test_a_recording_stopped_by_a_signal_leaves_nothing_and_says_so(tmp_path, number, suffix, written):
    """Issue 23, finding 11: Ctrl+C printed an 18-line traceback; SIGTERM and SIGHUP left a
    .part until the next write. The signal comes as the file is begun, or once ``written``
    bytes of frames are in it (then mostly while Qt draws, where PySide would print an
    exception raised by the handler and carry on)."""
    out = tmp_path / f"film{suffix}"
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    recorder = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--record", str(out),
                                 "--frames", "300", "--every", "1", "--size", "500x350"],
                                cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        with deadline(60):
            while not _parts_of_at_least(tmp_path, f".film{suffix}.*.part", written):
                assert recorder.poll() is None, recorder.stderr.read()
                time.sleep(0.02)
        recorder.send_signal(number)
        _, err = recorder.communicate(timeout=60)
    finally:
        recorder.kill()
    assert recorder.returncode == 128 + number
    assert err == f"main.py: stopped by {signal.Signals(number).name}: {out} was not written\n"
    assert list(tmp_path.iterdir()) == []


def _parts_of_at_least(folder, pattern, size):
    """The temporary files in ``folder`` already ``size`` bytes long; one removed between the
    listing and the look is not one (the stat raised, one run in three on a quiet machine)."""
    found = []
    for part in folder.glob(pattern):
        try:
            if part.stat().st_size >= size:
                found.append(part)
        except FileNotFoundError:
            pass
    return found


LOSES_ITS_STOP = """
import signal, sys
sys.path.insert(0, {root!r})
import main
from ui import headless
real = {real}
def losing(*args, **kwargs):        # the handler ran, and C code cleared the Stopped it raised
    headless.stopped_by.append(signal.SIGINT)
    return real(*args, **kwargs)
headless.{name} = losing
sys.exit(main.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("name, args", [("advance", ["--record", "film.gif", "--frames", "3", "--every", "1"]),
                                        ("picture", ["--export", "picture.png"])])
def test_a_stop_whose_exception_was_lost_still_leaves_nothing(tmp_path, name, args):
    """Seen under load (1 run in 30): SIGINT as a recording was begun gave status 0, a whole
    file and nothing said: the handler had run and its Stopped had been lost on the way."""
    script = LOSES_ITS_STOP.format(root=str(ROOT), real=f"headless.{name}", name=name)
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script, *args, "--size", "300x200"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 128 + signal.SIGINT, result.stderr
    assert result.stderr == f"main.py: stopped by SIGINT: {args[1]} was not written\n"
    assert list(tmp_path.iterdir()) == []
