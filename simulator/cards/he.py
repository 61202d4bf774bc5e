"""He, Zhang, Ren & Sun (2015): with ReLU, Xavier's initialisation halves the signal's
variance at every layer, so a 30-layer network passes back to its first layer about
2^-15 of the output's gradient and stalls; He's initialisation (Var W = 2/n) keeps it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import make_dataset
from ..network import Network
from ..theory import predict
from .card import Card, Figure, Progress, Series, pending, settle
from .training import Trainer, one_hot

KEY = "he"
PAPER = ("with n·Var[w] = 1 ('Xavier') a ReLU layer halves the variance, so after L layers "
         "the std is 1/√(2^L) of theirs: 2^-15 at L = 30 (Sec. 2.2, 'Comparisons with "
         "\"Xavier\" initialization'); the 30-layer model stalls with Xavier and converges "
         "with theirs (Fig. 3)")
INITS = ("xavier", "he")
LAW_FACTOR = 2.0          # layer 1's measured ratio within 2× of the variance law
STALL = 0.95              # 'stalled': the final cost still above 95 % of ln 10


def tolerance(stall=STALL):
    return (f"layer 1's ‖δ¹‖/‖δ^L‖ within {LAW_FACTOR:g}× of the variance law for both "
            f"initialisations; Xavier's cost stays above {stall:.0%} of ln 10 (stalled) "
            "while He's falls below 70 % of it")


@dataclass(frozen=True)
class Settings:
    depth: int = 30            # hidden ReLU layers
    width: int = 32
    seeds: int = 10            # networks at initialisation: seeds 0 … seeds-1
    samples: int = 300         # training digits the errors δ are measured on
    steps: int = 1500          # training steps of the stall-or-learn runs (seed 0)
    every: int = 50            # steps between two costs on the training set
    learning_rate: float = 0.01
    batch: int = 32


def network(settings, init, seed):
    sizes = [64] + [settings.width] * settings.depth + [10]
    return Network(sizes, "relu", init, "softmax_cross_entropy", seed=seed)


def error_ratios(net, X, Y):
    """‖δ^l‖/‖δ^L‖ for every layer l = 1 … L (over the batch, δ^L the output's)."""
    deltas = net.gradients(X, Y).delta_samples
    norms = np.array([np.linalg.norm(d) for d in deltas])
    return norms / norms[-1]


def root_mean_square(table):
    """√(mean over seeds of the squares), per layer: the law is one for variances."""
    return np.sqrt(np.mean(table * table, axis=0))


def law(settings, init, X):
    """The variance law ‖δ^l‖/‖δ^L‖ = Π √(n Var[W] E[φ'²]), E[φ'²] = 1/2 for ReLU."""
    sizes = [64] + [settings.width] * settings.depth + [10]
    return predict("relu", sizes, init, float(np.mean(X * X))).chain_product


def measure(settings):
    data = make_dataset("digits", seed=0)
    X, Y = data.X_train, one_hot(data.y_train)
    Xs, Ys = X[:settings.samples], Y[:settings.samples]
    layers = np.arange(1, settings.depth + 2)
    laws = {init: law(settings, init, Xs) for init in INITS}
    ratios = {init: [] for init in INITS}
    curves = {init: ([], []) for init in INITS}
    total = 2 * settings.seeds + 2 * settings.steps // settings.every

    def result():
        series = [Series(f"law, {init}", layers, laws[init], "law") for init in INITS]
        for init in INITS:
            if ratios[init]:
                table = np.array(ratios[init])
                series.append(Series(f"lab, {init} (rms of {len(table)} seeds)", layers,
                                     root_mean_square(table), "lab",
                                     table.min(axis=0), table.max(axis=0)))
        paper = Series("He et al., 2^-15 at layer 1 with Xavier", [1], [2.0 ** -15], "paper")
        gradients = Figure("The gradient at initialisation, ReLU, 30 layers", "layer l",
                           "‖δ^l‖ / ‖δ^L‖", tuple(series) + (paper,), log_y=True)
        learning = Figure("Training the 30-layer network", "step", "cost on the training set",
                          (Series("chance, ln 10", [0, settings.steps], [np.log(10)] * 2, "law"),)
                          + tuple(Series(f"lab, {init}", *map(np.array, curves[init]), "lab")
                                  for init in INITS if curves[init][0]))
        return pending(KEY, PAPER, tolerance(), [gradients, learning])

    done = 0
    for init in INITS:
        for seed in range(settings.seeds):
            ratios[init].append(error_ratios(network(settings, init, seed), Xs, Ys))
            done += 1
            yield Progress(done / total, f"{init}, network of seed {seed} at initialisation", result())
    for init in INITS:
        trainer = Trainer(network(settings, init, 0), X, Y, "momentum", settings.learning_rate,
                          settings.batch, seed=1)
        steps, costs = curves[init]
        while trainer.steps <= settings.steps and not trainer.diverged:
            steps.append(trainer.steps)
            costs.append(trainer.loss())
            trainer.advance(settings.every)
            done += 1
            yield Progress(min(done / total, 1.0), f"training with {init}, step {trainer.steps}",
                           result())
    partial = result()
    measured = {init: root_mean_square(np.array(ratios[init]))[0] for init in INITS}
    off = {init: max(measured[init] / laws[init][0], laws[init][0] / measured[init]) for init in INITS}
    final = {init: curves[init][1][-1] for init in INITS}
    stalled = final["xavier"] > STALL * np.log(10)
    learned = final["he"] < 0.7 * np.log(10)
    holds = max(off.values()) <= LAW_FACTOR and stalled and learned
    lab = (f"layer 1 gets {measured['xavier']:.2g} of the output's gradient with Xavier "
           f"(2^({np.log2(measured['xavier']):.1f}); law {laws['xavier'][0]:.2g}) and "
           f"{measured['he']:.2g} with He (law {laws['he'][0]:.2g}); after {settings.steps} "
           f"steps the cost is {final['xavier']:.2f} with Xavier and {final['he']:.2f} with He "
           f"(ln 10 = {np.log(10):.2f})")
    margin = (f"law off by {off['xavier']:.2f}× (Xavier) and {off['he']:.2f}× (He), allowed "
              f"{LAW_FACTOR:g}×; Xavier's cost {final['xavier'] / np.log(10):.0%} of ln 10, "
              f"He's {final['he'] / np.log(10):.0%}")
    verdict = ("As in the paper: with Xavier each ReLU layer halves the gradient's variance and "
               "the 30-layer network does not learn; with He it keeps its size and learns."
               if holds else "The lab's 30-layer networks do not show the paper's contrast here.")
    return settle(partial, lab, holds, margin, verdict,
                  {"layer1": measured, "law": {i: laws[i][0] for i in INITS}, "final_cost": final})


CARD = Card(
    key=KEY,
    title="ReLU needs twice the variance",
    authors="He, Zhang, Ren & Sun", year=2015, venue="ICCV",
    where="Sec. 2.2 and Fig. 3",
    claim="With ReLU units, the 'Xavier' initialisation halves the signal at every layer, so "
          "a 30-layer network hardly passes any gradient back and stalls; doubling the "
          "weights' variance (He) keeps the gradient and the network learns.",
    setup="[64, 32 × 30, 10] ReLU networks on the 8×8 digits (split seed 0), softmax "
          "cross-entropy, Xavier or He weights, biases 0. At initialisation ‖δ^l‖ on 300 "
          "training digits, networks of seeds 0–9; then each trained 1,500 steps from seed 0 "
          "(momentum 0.9, η = 0.01, batches of 32, batch order seed 1).",
    measure=measure, settings=Settings(),
    quick=Settings(depth=12, seeds=2, samples=60, steps=100, every=50), seconds=3.0)
