"""Pictures of every paper card: each card is run once, then drawn in every theme at
1280×720 and 1920×1080 into a folder for checking by eye, and (``--readme``) in the dark
theme at 1600×950 into docs/screenshots/card_<key>.png for the README's gallery.

    QT_QPA_PLATFORM=offscreen python docs/make_card_pictures.py --gallery /tmp/cards [--readme]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = ((1280, 720), (1920, 1080))
README = Path(__file__).resolve().parent / "screenshots"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gallery", metavar="DIR", help="every card, theme and size, into DIR")
    parser.add_argument("--readme", action="store_true", help="the README's pictures")
    parser.add_argument("cards", nargs="*", help="only these cards (default: all)")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])  # noqa: F841 (kept alive while drawing)
    from simulator.cards import CARDS, finish
    from ui.card_view import picture_of
    from ui.export import atomic_write, png_bytes
    from ui.style import THEMES

    for key in args.cards or CARDS:
        card = CARDS[key]
        start = time.perf_counter()
        result = finish(card.run())
        print(f"{key}: {result.mark} in {time.perf_counter() - start:.1f} s", flush=True)
        if args.gallery:
            folder = Path(args.gallery)
            folder.mkdir(parents=True, exist_ok=True)
            for theme in THEMES:
                for size in SIZES:
                    image = picture_of(card, result, size, theme)
                    atomic_write(folder / f"{key}_{theme}_{size[0]}x{size[1]}.png", png_bytes(image))
        if args.readme:
            atomic_write(README / f"card_{key}.png", png_bytes(picture_of(card, result, (1600, 950))))


if __name__ == "__main__":
    main()
