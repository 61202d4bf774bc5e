"""The engine never imports Qt: checked in its source and in a fresh interpreter."""
import ast
import subprocess
import sys
from pathlib import Path

SIMULATOR = Path(__file__).resolve().parent.parent / "simulator"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "pyqtgraph", "shiboken6")


def test_no_source_file_imports_qt():
    for path in SIMULATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in QT_MODULES, f"{path.name} imports {name}"


def test_importing_the_engine_loads_no_qt_module():
    code = ("import sys, simulator, simulator.simulation, simulator.theory; "
            f"print([m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}])")
    out = subprocess.run([sys.executable, "-c", code], cwd=SIMULATOR.parent, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
