"""Saxe, McClelland & Ganguli (2014): deep linear networks. With random orthogonal weights
the number of steps to learn is nearly independent of depth; with scaled Gaussian
weights, which keep the norm only on average, it grows with depth (Fig. 6A, left)."""
from __future__ import annotations

from dataclasses import dataclass


from ..data import make_dataset
from ..network import Network
from .card import Card, Figure, Progress, Series, pending, settle
from .training import Trainer, one_hot

KEY = "saxe"
PAPER = ("deep linear networks on MNIST, depth 3 … 100, learning rate optimised per depth: with "
         "scaled random Gaussian weights 'the learning time ... grows with depth'; random "
         "orthogonal weights give 'depth independent learning times' (Sec. 3, Fig. 6A left)")
INITS = (("orthogonal", "orthogonal"), ("scaled_normal", "scaled Gaussian"))
FLAT = 2.0                # orthogonal: the slowest depth at most 2× the fastest
TOLERANCE = (f"orthogonal: the steps at the greatest depth at most {FLAT:g}× those at the "
             "smallest; scaled Gaussian: more steps at the greatest depth than orthogonal "
             "there, and more than its own at the smallest depth")


@dataclass(frozen=True)
class Settings:
    width: int = 32
    depths: tuple = (2, 4, 8, 16, 32, 64)
    threshold: float = 0.3     # training cost (ln 10 = 2.30 at chance)
    most: int = 600            # steps before a run counts as not reaching it
    check: int = 10            # steps between two looks at the training cost
    rates: int = 4             # learning rates 2/L, 1/L, 1/(2L), … tried per depth
    batch: int = 64
    watched: int = 500         # training digits the cost is checked on

def steps_to_threshold(settings, init, depth, rate, X, Y, most):
    """Steps until the training cost is below the threshold (None: not within ``most``)."""
    net = Network([64] + [settings.width] * (depth - 1) + [10], "linear", init,
                  "softmax_cross_entropy", seed=0)
    trainer = Trainer(net, X, Y, "sgd", rate, settings.batch, seed=1)
    watched_X, watched_Y = X[:settings.watched], Y[:settings.watched]
    while trainer.steps < most:
        trainer.advance(settings.check)
        if trainer.diverged:
            return None
        if net.loss(watched_X, watched_Y) < settings.threshold:
            return trainer.steps
    return None


def measure(settings):
    data = make_dataset("digits", seed=0)
    X, Y = data.X_train, one_hot(data.y_train)
    depths = list(settings.depths)
    found = {init: [] for init, _ in INITS}
    total = len(depths) * len(INITS) * settings.rates
    done = 0

    def result():
        series = []
        for init, label in INITS:
            reached = [(d, s) for d, (s, _) in zip(depths, found[init]) if s is not None]
            if reached:
                series.append(Series(f"lab, {label}", *zip(*reached), "lab"))
        figure = Figure(f"Steps until the training cost is below {settings.threshold:g}",
                        "depth (weight layers)", "steps (fastest learning rate)", tuple(series),
                        log_x=True, log_y=True)
        return pending(KEY, PAPER, TOLERANCE, [figure])

    for depth in depths:
        for init, label in INITS:
            best = (None, None)
            for k in range(settings.rates):       # from the largest rate down: a smaller one
                rate = 2.0 ** (1 - k) / depth     # only needs to be tried up to the best so far
                steps = steps_to_threshold(settings, init, depth, rate, X, Y,
                                           best[0] or settings.most)
                done += 1
                if steps is not None and (best[0] is None or steps < best[0]):
                    best = (steps, rate)
                elif best[0] is not None:         # slower than a larger rate: smaller ones are
                    done += settings.rates - k - 1     # slower still
                    break
                yield Progress(done / total, f"depth {depth}, {label}, η = {rate:.3g}", result())
            found[init].append(best)
            yield Progress(done / total, f"depth {depth}, {label}: {best[0]} steps", result())
    steps = {init: [s for s, _ in found[init]] for init, _ in INITS}
    orthogonal, gaussian = steps["orthogonal"], steps["scaled_normal"]
    never = settings.most * 2                  # a run that never reached it counts as slower
    first = (lambda v: v if v is not None else never)          # noqa: E731
    oL = first(orthogonal[-1])
    g0, gL = first(gaussian[0]), first(gaussian[-1])
    flat = max(first(s) for s in orthogonal) <= FLAT * min(first(s) for s in orthogonal)
    grows = gL > oL and gL > g0
    holds = flat and grows
    words = lambda v: "never" if v is None else f"{v}"          # noqa: E731
    lab = ("steps to a training cost below {:g} at depths {}: orthogonal {}; scaled Gaussian {}"
           .format(settings.threshold, ", ".join(map(str, depths)),
                   ", ".join(map(words, orthogonal)), ", ".join(map(words, gaussian))))
    margin = (f"orthogonal's slowest depth {max(first(s) for s in orthogonal) / min(first(s) for s in orthogonal):.1f}× "
              f"its fastest (allowed {FLAT:g}×); at depth {depths[-1]} scaled Gaussian "
              f"{'needs ' + str(gL / oL)[:4] + '× orthogonal' if gaussian[-1] is not None else 'never gets there'}")
    verdict = ("As in the paper: orthogonal weights learn in about the same number of steps at "
               "every depth, while scaled Gaussian weights need more the deeper the network."
               if holds else "Not reproduced on the lab's digits with a softmax output: "
               + ("orthogonal weights do not learn at a depth-independent pace."
                  if not flat else "scaled Gaussian weights do not slow down with depth here."))
    return settle(result(), lab, holds, margin, verdict,
                  {"steps": steps, "rates": {init: [r for _, r in found[init]] for init, _ in INITS}})


CARD = Card(
    key=KEY,
    title="Depth-independent learning in deep linear networks",
    authors="Saxe, McClelland & Ganguli", year=2014, venue="ICLR",
    where="Sec. 3, Fig. 6A (left)",
    claim="In a deep network without nonlinearities, random orthogonal weights learn in about "
          "the same number of steps however deep the network is, while scaled Gaussian "
          "weights take longer and longer as it deepens.",
    setup="Linear hidden layers of 32 units on the 8×8 digits (split seed 0), depth 2 … 64 weight "
          "layers, orthogonal (gain 1) or Gaussian N(0, 1/n) weights (seed 0), softmax "
          "cross-entropy output (the paper: squared error), SGD in batches of 64 (order seed 1); "
          "per depth the fastest of the learning rates 2/L, 1/L, 1/(2L), 1/(4L) (as the paper "
          "optimises the rate per depth); steps until the cost on the first 500 training digits is "
          "below 0.3, at most 600.",
    measure=measure, settings=Settings(),
    quick=Settings(width=16, depths=(2, 8), most=100, rates=2, watched=100), seconds=20.0)
