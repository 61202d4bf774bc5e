"""Schoenholz, Gilmer, Ganguli & Sohl-Dickstein (2017): random networks forget the
correlation between two inputs over ξ_c = −1/ln χ_c layers, and a network can be trained
only when its depth is below about 6 ξ_c; ξ_c diverges at the edge of chaos, so there
much deeper networks train."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import make_dataset
from ..depth_scales import depth_scale
from ..network import Network
from .card import Card, Figure, Heatmap, Progress, Series, pending, settle
from .training import Trainer, one_hot

KEY = "schoenholz"
PAPER = ("tanh networks, σb² = 0.05, MNIST and CIFAR-10: the trainable region of the depth × σw² "
         "plane lies under the curve 6 ξ_c, which peaks at the critical σw² (their trainability "
         "figure, 6ξ_c drawn over training accuracy)")
TRAINED = 0.5             # training accuracy that counts as 'trained' (chance: 0.1)
AGREE = 0.75
TOLERANCE = (f"in at least {AGREE:.0%} of the cells, 'trained' (training accuracy ≥ {TRAINED:g}) "
             "agrees with 'depth < 6 ξ_c'")
SIGMA_B = np.sqrt(0.05)


@dataclass(frozen=True)
class Settings:
    depths: tuple = (3, 6, 12, 24, 48)
    sigma_w2: tuple = (0.5, 1.0, 1.5, 1.76, 2.5, 3.0, 4.0)
    width: int = 32
    steps: int = 300
    learning_rate: float = 0.003
    batch: int = 32
    watched: int = 500         # training digits the accuracy is measured on


def trained_accuracy(settings, depth, sigma_w2, X, Y):
    net = Network([64] + [settings.width] * depth + [10], "tanh", "scaled_normal",
                  "softmax_cross_entropy", seed=0, sigma_w=float(np.sqrt(sigma_w2)), sigma_b=SIGMA_B)
    trainer = Trainer(net, X, Y, "momentum", settings.learning_rate, settings.batch, seed=1)
    trainer.advance(settings.steps)
    if trainer.diverged:
        return 0.0
    watched = slice(0, settings.watched)
    return float(np.mean(net.predict(X[watched]).argmax(axis=1) == Y[watched].argmax(axis=1)))


def curve(sigma_w2, top):
    """6 ξ_c on a fine grid of σw², cut at ``top`` (it is infinite at the edge of chaos)."""
    fine = np.linspace(min(sigma_w2), max(sigma_w2), 61)
    six_xi = np.array([6 * depth_scale("tanh", float(np.sqrt(s)), float(SIGMA_B)) for s in fine])
    return fine, np.minimum(six_xi, top)


def measure(settings):
    data = make_dataset("digits", seed=0)
    X, Y = data.X_train, one_hot(data.y_train)
    depths, sigmas = np.array(settings.depths), np.array(settings.sigma_w2)
    accuracy = np.full((len(depths), len(sigmas)), np.nan)
    top = 2.0 * depths.max()
    fine, six_xi = curve(sigmas, top)
    predicted = np.array([[d < 6 * depth_scale("tanh", float(np.sqrt(s)), float(SIGMA_B))
                           for s in sigmas] for d in depths])

    def result():
        grid = Heatmap(sigmas, depths, accuracy.copy(), "training accuracy", 0.0, 1.0)
        figure = Figure(f"Training accuracy after {settings.steps} steps (tanh, σb² = 0.05)",
                        "σw²", "depth (hidden layers)",
                        (Series("6 ξ_c (Schoenholz et al.)", fine, six_xi, "law"),), log_y=True,
                        heatmap=grid)
        return pending(KEY, PAPER, TOLERANCE, [figure])

    total, done = accuracy.size, 0
    for j, s in enumerate(sigmas):
        for i, d in enumerate(depths):
            accuracy[i, j] = trained_accuracy(settings, int(d), float(s), X, Y)
            done += 1
            yield Progress(done / total, f"σw² = {s:g}, depth {d}", result())
    trained = accuracy >= TRAINED
    agreement = float(np.mean(trained == predicted))
    holds = agreement >= AGREE
    disagree = [(int(d), float(s)) for (i, d) in enumerate(depths) for (j, s) in enumerate(sigmas)
                if trained[i, j] != predicted[i, j]]
    deepest = {float(s): int(depths[trained[:, j]].max()) if trained[:, j].any() else 0
               for j, s in enumerate(sigmas)}
    lab = ("the deepest network trained at each σw²: " + ", ".join(
        f"{d} (σw² = {s:g})" for s, d in deepest.items())
        + f"; {agreement:.0%} of the cells agree with 'depth < 6 ξ_c'")
    margin = (f"{agreement:.0%} agreement (needed {AGREE:.0%}); disagreeing cells (depth, σw²): "
              + (", ".join(f"({d}, {s:g})" for d, s in disagree) or "none"))
    verdict = ("As in the paper: the networks that train lie under 6 ξ_c, and the deepest ones "
               "train near the edge of chaos." if holds else
               "The lab's map does not follow 6 ξ_c closely enough here.")
    if disagree and not (trained & ~predicted).any():
        verdict += (f" Every cell that disagrees lies under 6 ξ_c but did not train in "
                    f"{settings.steps} steps: 6 ξ_c bounds the depth that can train, not how fast.")
    return settle(result(), lab, holds, margin, verdict,
                  {"accuracy": accuracy, "agreement": agreement, "predicted": predicted})


CARD = Card(
    key=KEY,
    title="How deep can a network train? The depth scale ξ",
    authors="Schoenholz, Gilmer, Ganguli & Sohl-Dickstein", year=2017, venue="ICLR",
    where="trainability and 6ξ_c",
    claim="Information about the input survives about ξ layers of a random network, and a "
          "network trains only if it is shallower than about 6ξ; ξ grows without bound at the "
          "edge of chaos, so only there do very deep networks train.",
    setup="tanh networks of width 32 on the 8×8 digits (split seed 0), weights N(0, σw²/n), "
          "biases N(0, 0.05) (seed 0), σw² = 0.5 … 4, depth 3 … 48; softmax cross-entropy, "
          "300 steps of momentum 0.9, η = 0.003, batches of 32 (order seed 1); accuracy on the "
          "first 500 training digits. ξ_c from the mean-field correlation map (48² Gauss–Hermite).",
    measure=measure, settings=Settings(),
    quick=Settings(depths=(2, 4), sigma_w2=(1.0, 3.0), width=8, steps=20, watched=100), seconds=20.0)
