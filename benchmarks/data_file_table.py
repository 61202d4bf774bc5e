"""The table of every data file the lab refuses and the sentence it says, for
docs/reliability.md ("Data files"). The files are the cases of tests/test_datafile.py
(``bad_files``), made anew in a temporary folder; each sentence is what
``simulator.datafile.read_data_file`` says of it now. A test compares the doc with this
table, so the doc cannot drift from the code.

    python benchmarks/data_file_table.py           print the table
    python benchmarks/data_file_table.py --write   put it into docs/reliability.md
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from simulator.datafile import read_data_file  # noqa: E402
from test_datafile import bad_files, write_csv  # noqa: E402

DOC = ROOT / "docs" / "reliability.md"
START = "<!-- the data-file table: made by benchmarks/data_file_table.py --write -->"
END = "<!-- end of the data-file table -->"


def refusal(path, digest=""):
    """The sentence read_data_file refuses ``path`` with."""
    try:
        read_data_file(path, digest)
    except ValueError as error:
        return str(error)
    raise AssertionError(f"{path} was accepted")


def table():
    """The table's Markdown: one row per file, in bad_files' order, then the file changed
    between its check and the engine's read."""
    rows = ["| the file | what the user reads after its name |", "|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        cases = [(how, refusal(path)) for how, path, _ in bad_files(Path(folder))]
        good = write_csv(Path(folder) / "changed.csv", [[i, i % 3, "ab"[i % 2]] for i in range(10)])
        cases.append(("changed after it was checked (the engine's read: `make_dataset(digest=…)`)",
                      refusal(good, digest="0" * 64)))
    rows += [f"| {how} | {message.replace('|', '&#124;')} |" for how, message in cases]
    return "\n".join(rows)


def with_table(text, made):
    """``text`` (the doc) with ``made`` between the table's markers."""
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{made}\n{END}{after}"


def main():
    made = table()
    if "--write" not in sys.argv[1:]:
        print(made)
        return
    DOC.write_text(with_table(DOC.read_text(encoding="utf-8"), made), encoding="utf-8")


if __name__ == "__main__":
    main()
