"""The command line's paper cards: the list, a picture, and bad input (status 2, one line)."""
from test_cli import load, run


def test_list_cards_one_per_line():
    result = run("--list-cards")
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and len(lines) == 7
    assert lines[0].startswith("nielsen") and "Nielsen (2015)" in lines[0]


def test_a_card_picture_of_the_size_asked_for_the_same_twice(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for out in (first, second):
        result = run("--card", "nielsen", "--export", out, "--size", "1280x720", "--theme", "light")
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    assert load(first).size == (1280, 720)
    assert first.read_bytes() == second.read_bytes()


def test_bad_card_input_exits_2_with_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "x.png"
    for args, message in ((("--card", "nope", "--export", out), "--card: invalid choice: 'nope' (choose from 'nielsen', 'glorot'"),
                          (("--card", "he", "--steps", 5, "--export", out), "--card goes with --export, --size and --theme only, not --steps"),
                          (("--card", "he", "--export", tmp_path / "x.gif"), "the file name must end in .png"),
                          (("--card", "he", "--preset", "Deep sigmoid (vanishing)"), "not --preset")):
        result = run(*args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr
    assert not out.exists()
