"""The command line renders pictures headless and refuses bad input with status 2."""
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_export_writes_a_picture_of_the_requested_size(tmp_path):
    out = tmp_path / "window.png"
    result = run("--preset", "Deep sigmoid (vanishing)", "--steps", "20", "--export", str(out),
                 "--size", "1200x800")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    pixels = {image.pixel(x, y) for x in range(0, 1200, 9) for y in range(0, 800, 9)}
    assert len(pixels) > 50                      # a real window, not a blank one


@pytest.mark.parametrize("args, message", [
    (["--preset", "Nope"], "unknown preset 'Nope'; allowed: Shallow sigmoid"),
    (["--size", "big"], "--size must look like 1600x950, got 'big'"),
])
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "never.png"
    result = run(*args, "--export", str(out))
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
