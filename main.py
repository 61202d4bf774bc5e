"""Vanishing Gradient Lab: start the window.

    python main.py
"""
from __future__ import annotations

import sys


def main(argv=None):
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    app = QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("Vanishing Gradient Lab")
    window = MainWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
