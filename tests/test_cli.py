"""The command line: headless pictures and animations, status 2 and nothing written on bad input."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=180, env=env)


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
    assert result.returncode == 0 and len(lines) == 9
    assert lines[1].startswith("Deep sigmoid (vanishing): Ten sigmoid layers")


def test_list_panels():
    result = run("--list-panels")
    assert result.returncode == 0 and result.stdout.split()[0] == "surface"
    assert {line.split()[0] for line in result.stdout.splitlines()} >= {"bars", "loss", "phase"}


def test_export_window_of_the_requested_size_shows_the_lab(tmp_path):
    out = tmp_path / "window.png"
    result = run("--preset", "Deep sigmoid (vanishing)", "--steps", 20, "--export", out, "--size", "1200x800")
    assert result.returncode == 0, result.stderr
    assert load(out).size == (1200, 800)
    assert distinct_colours(out) > 50                       # a real window, not a blank one


def test_export_one_panel_exactly_and_the_same_twice(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for out in (first, second):
        result = run("--preset", "Deep sigmoid (vanishing)", "--steps", 30, "--export", out,
                     "--panel", "bars", "--size", "640x480", "--theme", "light")
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
                 "--every", 4, "--panel", "surface", "--size", "400x300")
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
    assert result.returncode == 0, result.stderr and out.exists()


@pytest.mark.parametrize("args, message", [
    (["--preset", "Nope"], "unknown preset 'Nope'; allowed: Shallow sigmoid"),
    (["--panel", "nope"], "unknown panel 'nope'; allowed: surface, bars"),
    (["--theme", "blue"], "unknown theme 'blue'; allowed: dark, light, presentation"),
    (["--size", "big"], "--size must look like 1600x950"),
    (["--steps", "-3"], "--steps must be 0 or more"),
    (["--seed", "-1"], "seed: must be in [0, 4294967295]"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--preset", "Plateau", "--config", "x.json"], "give --preset or --config, not both"),
])
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "never.png"
    result = run(*args, "--export", out)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, message", [
    ('{"depth": 3,}', "malformed JSON at line 1 column 13"),
    ('{"depth": 0}', "depth: must be in [1, 100], got 0"),
    ('{"setup": 1, "config": {}, "colour": 1}', "unknown key 'colour'"),
])
def test_malformed_config_files_exit_2_and_write_nothing(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = tmp_path / "never.png"
    result = run("--config", bad, "--export", out)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_record_needs_frames_and_a_gif_name(tmp_path):
    assert "--record needs --frames" in run("--record", tmp_path / "a.gif").stderr
    assert "must end in .gif or .mp4" in run("--record", tmp_path / "a.png", "--frames", 2).stderr
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_named(tmp_path):
    result = run("--export", tmp_path / "missing" / "x.png")
    assert result.returncode == 2 and "does not exist" in result.stderr
