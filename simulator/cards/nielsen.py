"""Nielsen (2015), ch. 5: at initialisation each hidden layer learns several times slower
than the next, measured as the speed of learning ‖∂C/∂b^l‖ of each hidden layer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import make_dataset
from ..network import Network
from .card import Card, Figure, Progress, Series, pending, settle

KEY = "nielsen"
BOOK = np.array([0.003, 0.017, 0.070, 0.285])     # ch. 5, "The vanishing gradient problem"
PAPER = ("‖∂C/∂b^l‖ of the four hidden layers of [784, 30, 30, 30, 30, 10] at initialisation: "
         "0.003, 0.017, 0.070, 0.285 (ch. 5, 'The vanishing gradient problem')")
FACTOR = 2.0                                       # each speed within 2× of the book's
TOLERANCE = (f"the median speed of every hidden layer within {FACTOR:g}× of the book's, and "
             "every layer slower than the next in every seed")


@dataclass(frozen=True)
class Settings:
    seeds: int = 10            # networks drawn with seeds 0 … seeds-1
    images: int = 1000         # the book's generate_gradient.py uses 1,000 training images


def speeds(net, X, Y):
    """‖∂C/∂b^l‖ of every hidden layer on (X, Y): Nielsen's speed of learning."""
    gradients = net.gradients(X, Y)
    return np.array([np.linalg.norm(b) for b in gradients.biases[:-1]])


def nielsens_network(seed):
    """[64, 30, 30, 30, 30, 10], sigmoid, weights N(0, 1/n_in), biases N(0, 1), ten sigmoid
    outputs under cross-entropy: the book's network2 on the 8×8 digits."""
    return Network([64, 30, 30, 30, 30, 10], "sigmoid", "scaled_normal", "cross_entropy",
                   seed=seed, sigma_w=1.0, sigma_b=1.0)


def measure(settings):
    data = make_dataset("digits", seed=0)
    X = data.X_train[:settings.images]
    Y = np.eye(10)[data.y_train[:settings.images]]
    layers = np.arange(1, 5)
    measured = []
    result = None
    for seed in range(settings.seeds):
        measured.append(speeds(nielsens_network(seed), X, Y))
        table = np.array(measured)
        median = np.median(table, axis=0)
        figure = Figure("Speed of learning at initialisation", "hidden layer l", "‖∂C/∂b^l‖",
                        (Series("Nielsen, MNIST", layers, BOOK, "paper"),
                         Series(f"lab, digits (median of {len(measured)} seeds)", layers, median,
                                "lab", table.min(axis=0), table.max(axis=0))),
                        log_y=True)
        result = pending(KEY, PAPER, TOLERANCE, [figure],
                         numbers={"median": median, "speeds": table})
        yield Progress((seed + 1) / settings.seeds, f"network of seed {seed}", result)
    off = np.maximum(median / BOOK, BOOK / median)
    ordered = bool(np.all(np.diff(table, axis=1) > 0))
    holds = bool(off.max() <= FACTOR and ordered)
    ratios = median[1:] / median[:-1]
    lab = ("median ‖∂C/∂b^l‖ " + ", ".join(f"{v:.4f}" for v in median)
           + f" (each layer {', '.join(f'{r:.1f}' for r in ratios)}× slower than the next)")
    margin = (f"furthest from the book: layer {int(off.argmax()) + 1}, {off.max():.2f}× "
              f"(allowed {FACTOR:g}×); ordered in {'every' if ordered else 'not every'} seed")
    verdict = ("As in the book, each hidden layer learns about "
               f"{np.exp(np.mean(np.log(ratios))):.0f} times slower than the one after it: "
               "layer 1 is the slowest." if holds else
               "The lab's speeds do not follow the book's pattern here.")
    return settle(result, lab, holds, margin, verdict)


CARD = Card(
    key=KEY,
    title="The vanishing gradient, layer by layer",
    authors="Nielsen", year=2015, venue="Neural Networks and Deep Learning",
    where="ch. 5, 'The vanishing gradient problem'",
    claim="At the start of training, each hidden layer of a deep sigmoid network learns "
          "several times more slowly than the layer after it.",
    setup="The book's network on the 8×8 digits: [64, 30, 30, 30, 30, 10], sigmoid, weights "
          "N(0, 1/n_in), biases N(0, 1), cross-entropy; ‖∂C/∂b^l‖ over the first 1,000 "
          "training images (split seed 0), networks of seeds 0–9.",
    measure=measure, settings=Settings(), quick=Settings(seeds=2, images=200), seconds=0.2)
