"""Bengio, Simard & Frasconi (1994), after Hochreiter (1991): in a recurrent network the
gradient of the cost with respect to an input t steps back is a product of t Jacobians of
the same recurrent map; where the recurrent weights store information stably (spectral
radius below 1) that product shrinks exponentially, and long-term dependencies cannot be
learned by gradient descent."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import first_symbol_task
from ..optim import Optimizer
from ..rnn import RecurrentNetwork
from .card import Card, Figure, Progress, Series, pending, settle

KEY = "bengio"
PAPER = ("where the network latches information robustly (the recurrent map's Jacobian has "
         "eigenvalues below 1 in magnitude), ∂h_t/∂h_0 decays exponentially in t, so inputs far "
         "in the past hardly move the gradient (Bengio et al. 1994, their analysis of latching, in our words; "
         "Hochreiter 1991: the error flow is a product of factors f'(net)·w); in their "
         "experiments the share of successful runs falls as the span of the dependency grows")
SHOWN = (0.5, 0.9, 1.0, 1.5)
AGREEMENT = 0.1
LEARNED, CHANCE_LIKE = 0.9, 0.5
TOLERANCE = (f"the measured decay per step within {AGREEMENT:.0%} of the geometric mean of the "
             "measured Jacobians' gains, at every spectral radius; below 1 (exponential "
             f"vanishing) wherever the spectral radius is below 1; the first symbol learned "
             f"(test accuracy ≥ {LEARNED:g}) at the shortest T and not (≤ {CHANCE_LIKE:g}) at the longest")


@dataclass(frozen=True)
class Settings:
    steps: int = 30            # T
    hidden: int = 32
    symbols: int = 4
    samples: int = 64          # sequences of the first-symbol task (seed 1)
    seeds: int = 5             # recurrent networks of seeds 0 … seeds-1
    radii: tuple = (0.25, 0.5, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0)
    lengths: tuple = (2, 5, 10, 20, 40)    # T of the learning runs
    learn_radius: float = 0.9
    learn_seeds: int = 3       # networks of seeds 0 … learn_seeds-1 per T
    learn_steps: int = 400     # Adam steps (η = 0.01) on batches of 32
    learn_samples: int = 512   # training sequences (seed 10 + network seed); test: seed 99


def learned_accuracy(settings, steps, seed):
    """Test accuracy on the first-symbol task of length ``steps`` after training."""
    net = RecurrentNetwork(settings.symbols, settings.hidden, settings.symbols,
                           settings.learn_radius, seed)
    X, labels = first_symbol_task(settings.learn_samples, steps, settings.symbols, seed=10 + seed)
    Y = np.eye(settings.symbols)[labels]
    optimizer = Optimizer("adam", net.theta.size, 0.01)
    rng = np.random.default_rng(seed)
    for _ in range(settings.learn_steps):
        rows = rng.integers(0, len(X), 32)
        optimizer.step(net.theta, net.gradients(X[rows], Y[rows]).flat)
    X_test, labels_test = first_symbol_task(settings.learn_samples, steps, settings.symbols, seed=99)
    return float(np.mean(net.predict(X_test) == labels_test))


def measured(net, X, Y):
    """(‖∂C/∂h_t‖ for t = 1 … T, the RMS gain of each step's Jacobian ‖J‖_F/√n over the
    samples): the gain a random direction gets from one step back."""
    gradients = net.gradients(X, Y)
    return gradients.norms(), net.step_gains(gradients.trace)


def measure(settings):
    X, labels = first_symbol_task(settings.samples, settings.steps, settings.symbols, seed=1)
    Y = np.eye(settings.symbols)[labels]
    radii = np.array(sorted(set(settings.radii) | set(SHOWN)))
    t = np.arange(1, settings.steps + 1)
    logs, predicted = {}, {}
    lengths = list(settings.lengths)
    accuracy = {T: [] for T in lengths}
    total = len(radii) * settings.seeds + len(lengths) * settings.learn_seeds
    done = 0

    def result():
        curves, lines = [], []
        for rho in SHOWN:
            if rho in logs:
                curves.append(Series(f"lab, ρ = {rho:g}", t, np.exp(np.mean(logs[rho], axis=0)), "lab"))
                lines.append(Series(f"product of the Jacobians' gains, ρ = {rho:g}", t,
                                    np.exp(np.mean(predicted[rho], axis=0)), "law"))
        over_time = Figure("The gradient back through time", "time step t",
                           "‖∂C/∂h_t‖ / ‖∂C/∂h_T‖", tuple(lines + curves), log_y=True)
        seen = [rho for rho in radii if rho in logs]
        decay = Figure("Decay per step against the spectral radius", "spectral radius ρ of W",
                       "factor per step back",
                       (Series("product of the Jacobians' gains, per step", seen,
                               [per_step(predicted[r]) for r in seen], "law"),
                        Series("lab: measured gradient, per step", seen, [per_step(logs[r]) for r in seen], "lab"),
                        Series("no decay", [radii[0], radii[-1]], [1.0, 1.0], "law")),
                       log_y=True)
        learned = [T for T in lengths if accuracy[T]]
        table = [accuracy[T] for T in learned]
        learning = Figure(f"Learning the first symbol (ρ = {settings.learn_radius:g})",
                          "sequence length T", "test accuracy",
                          (Series(f"chance, 1/{settings.symbols}", [lengths[0], lengths[-1]],
                                  [1 / settings.symbols] * 2, "law"),)
                          + ((Series(f"lab, {settings.learn_steps} steps ({len(table[0])} seeds)",
                                     learned, [np.mean(a) for a in table], "lab",
                                     [min(a) for a in table], [max(a) for a in table]),) if learned else ()),
                          log_x=True)
        return pending(KEY, PAPER, TOLERANCE, [over_time, decay, learning])

    def per_step(table):
        return float(np.exp(np.mean(table, axis=0)[0] / (settings.steps - 1)))

    for rho in radii:
        logs[rho], predicted[rho] = [], []
        for seed in range(settings.seeds):
            net = RecurrentNetwork(settings.symbols, settings.hidden, settings.symbols, rho, seed)
            norms, gains = measured(net, X, Y)
            logs[rho].append(np.log(norms / norms[-1]))
            predicted[rho].append(np.concatenate([np.cumsum(np.log(gains)[::-1])[::-1], [0.0]]))
            done += 1
            yield Progress(done / total, f"spectral radius {rho:g}, network of seed {seed}", result())
    for T in lengths:
        for seed in range(settings.learn_seeds):
            accuracy[T].append(learned_accuracy(settings, T, seed))
            done += 1
            yield Progress(done / total, f"learning the first symbol over T = {T}, seed {seed}",
                           result())
    lab_decay = {rho: per_step(logs[rho]) for rho in radii}
    law_decay = {rho: per_step(predicted[rho]) for rho in radii}
    off = {rho: abs(lab_decay[rho] / law_decay[rho] - 1.0) for rho in radii}
    vanishing = all(lab_decay[rho] < 1.0 for rho in radii if rho < 1.0)
    short, long = np.mean(accuracy[lengths[0]]), np.mean(accuracy[lengths[-1]])
    forgets = short >= LEARNED and long <= CHANCE_LIKE
    holds = max(off.values()) <= AGREEMENT and vanishing and forgets
    first = {rho: float(np.exp(np.mean(logs[rho], axis=0)[0])) for rho in SHOWN}
    lab = ("per step back the gradient is multiplied by " + ", ".join(
        f"{lab_decay[r]:.2f} (ρ = {r:g})" for r in SHOWN) + f"; over T − 1 = {settings.steps - 1} "
        "steps ‖∂C/∂h_1‖/‖∂C/∂h_T‖ = " + ", ".join(f"{first[r]:.1e}" for r in SHOWN)
        + "; the first symbol is recalled with accuracy " + ", ".join(
            f"{np.mean(accuracy[T]):.2f} (T = {T})" for T in lengths))
    worst = max(off, key=off.get)
    margin = (f"furthest from the Jacobians' product: ρ = {worst:g}, {off[worst]:.1%} per step "
              f"(allowed {AGREEMENT:.0%}); {'every' if vanishing else 'not every'} ρ < 1 vanishes; "
              f"accuracy {short:.2f} at T = {lengths[0]}, {long:.2f} at T = {lengths[-1]} "
              f"(chance {1 / settings.symbols:.2f})")
    verdict = ("As Bengio et al. and Hochreiter found: below a spectral radius of 1 the gradient "
               "shrinks by a constant factor at every step back in time, exactly as the product "
               "of the step Jacobians says, and a network that must recall its first input learns "
               "it over a few steps and seldom over forty."
               if holds else "The measured decay does not follow the product of the Jacobians here.")
    return settle(result(), lab, holds, margin, verdict,
                  {"decay": lab_decay, "jacobian_decay": law_decay, "first_over_last": first,
                   "accuracy": {T: float(np.mean(accuracy[T])) for T in lengths}})


CARD = Card(
    key=KEY,
    title="Vanishing gradients through time",
    authors="Bengio, Simard & Frasconi", year=1994, venue="IEEE Trans. Neural Networks 5(2)",
    where="the analysis of information latching (after Hochreiter 1991)",
    claim="In a recurrent network the error sent back to an input t steps earlier is multiplied "
          "by one Jacobian per step; when the recurrent weights store information stably, that "
          "product shrinks exponentially, so an answer that depends on the first input is "
          "nearly impossible to learn.",
    setup="tanh RNN with 32 hidden units, recurrent weights Gaussian rescaled to spectral radius "
          "ρ = 0.25 … 2 (seeds 0–4), T = 30; task: 64 sequences of 4 one-hot symbols (seed 1), "
          "the class is the first symbol; ‖∂C/∂h_t‖ at initialisation by backpropagation through "
          "time, beside the RMS gains ‖J_t‖_F/√n of the measured step Jacobians. Learning: "
          "ρ = 0.9, T = 2 … 40, 400 Adam steps (η = 0.01, batches of 32) on 512 sequences, "
          "networks of seeds 0–2, tested on 512 new sequences (seed 99).",
    measure=measure, settings=Settings(),
    quick=Settings(steps=8, hidden=8, samples=8, seeds=1, radii=(0.5, 1.5), lengths=(2, 4),
                   learn_seeds=1, learn_steps=20, learn_samples=32), seconds=10.0)
