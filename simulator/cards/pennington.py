"""Pennington, Schoenholz & Ganguli (2017): dynamical isometry. At χ = 1 the mean squared
singular value of the input–output Jacobian is 1 at every depth, but its spread is not:
the variance of the eigenvalues λ of JJ^T grows in proportion to the depth L, fastest with
Gaussian weights and with ReLU; tanh with orthogonal weights and a small q* keeps it
near 0, so its singular values stay concentrated near 1 whatever the depth.

The law, for free (wide) layers at the fixed point, with μ_k = E[φ'(h)^{2k}], h ~ N(0, q*):

    σ²_JJ^T = L (μ₂/μ₁² − 1)        orthogonal weights (WWᵀ = σw² I: no spread of its own)
    σ²_JJ^T = L μ₂/μ₁²              Gaussian weights (Wishart: variance 1 per layer)

(variances add under free multiplication; for ReLU μ₂/μ₁² = 2: L and 2L, the paper's
L(1/p − 1) and L/p with p = 1/2).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import get_activation
from ..jacobian import running_jacobians, within_two
from ..network import Network
from ..theory import fixed_point, gaussian_expectation
from .card import Card, Figure, Progress, Series, pending, settle

KEY = "pennington"
PAPER = ("'ReLU networks are incapable of dynamical isometry'; 'sigmoidal networks can achieve "
         "isometry, but only with orthogonal weight initialization' (abstract); the variance of "
         "JJ^T's spectrum grows linearly with depth L (their free-probability results, e.g. L/p for "
         "Gaussian and L(1/p − 1) for orthogonal ReLU, p = 1/2)")
TANH_SIGMA_W2 = 1.05        # σw² on the critical line with σb = 0: q* ≈ 0.024 (the paper's Fig. 1 uses 1.05)
CASES = (("tanh", "orthogonal", np.sqrt(TANH_SIGMA_W2)), ("tanh", "scaled_normal", np.sqrt(TANH_SIGMA_W2)),
         ("relu", "orthogonal", np.sqrt(2.0)), ("relu", "scaled_normal", np.sqrt(2.0)))
LAW_FACTOR = 1.5
WIDE = 8                    # the law is for wide layers: it is checked where depth ≤ width / 8
KEPT, LOST = 0.9, 0.5
TOLERANCE = (f"every case's variance of λ within {LAW_FACTOR:g}× of the law wherever the depth is "
             f"at most 1/{WIDE} of the width; at the greatest depth at least {KEPT:.0%} of "
             f"tanh-orthogonal's singular values within a factor 2 of 1, at most {LOST:.0%} of "
             "the others'")


@dataclass(frozen=True)
class Settings:
    width: int = 64
    depths: tuple = (2, 4, 8, 16, 32, 64)
    samples: int = 16          # inputs per network, drawn at the fixed point (seed 1)
    seeds: int = 4             # networks of seeds 0 … seeds-1 per case


def name(activation, init):
    return f"{activation}, {'orthogonal' if init == 'orthogonal' else 'Gaussian'}"


def moments(activation, q):
    """(μ₁, μ₂) = (E[φ'²], E[φ'⁴]) at h ~ N(0, q)."""
    dphi = get_activation(activation).derivative
    return tuple(gaussian_expectation(lambda x, k=k: dphi(x) ** (2 * k), q) for k in (1, 2))


def law(activation, init, sigma_w, depths):
    q = fixed_point(activation, float(sigma_w), 0.0)
    mu1, mu2 = moments(activation, q)
    per_layer = mu2 / mu1 ** 2 - (1.0 if init == "orthogonal" else 0.0)
    return per_layer * np.asarray(depths, dtype=float), q


def inputs(activation, q, width, samples):
    """a^0 = φ(h), h ~ N(0, q*): the first layer's z then starts at the fixed point too."""
    h = np.random.default_rng(1).normal(0.0, np.sqrt(q), (samples, width))
    return get_activation(activation).value(h)


def measure(settings):
    depths = np.array(settings.depths)
    laws, fixed, variances, shares = {}, {}, {}, {}
    for activation, init, sigma_w in CASES:
        laws[(activation, init)], fixed[(activation, init)] = law(activation, init, sigma_w, depths)
    total = len(CASES) * settings.seeds

    def result():
        law_series = [Series(f"law, {name(a, i)}", depths, laws[(a, i)], "law") for a, i, _ in CASES]
        lab = [Series(f"lab, {name(a, i)}", depths, np.mean(variances[(a, i)], axis=0), "lab",
                      np.min(variances[(a, i)], axis=0), np.max(variances[(a, i)], axis=0))
               for a, i, _ in CASES if variances.get((a, i))]
        kept = [Series(f"lab, {name(a, i)}", depths, np.mean(shares[(a, i)], axis=0), "lab")
                for a, i, _ in CASES if shares.get((a, i))]
        figures = [Figure("Spread of the Jacobian's spectrum at χ = 1", "depth L",
                          "variance of λ = σ² of JJ^T", tuple(law_series + lab), log_x=True, log_y=True),
                   Figure("Directions that keep their size", "depth L",
                          "share of singular values in [1/2, 2]", tuple(kept), log_x=True)]
        return pending(KEY, PAPER, TOLERANCE, figures)

    done = 0
    for activation, init, sigma_w in CASES:
        X = inputs(activation, fixed[(activation, init)], settings.width, settings.samples)
        variances[(activation, init)], shares[(activation, init)] = [], []
        for seed in range(settings.seeds):
            net = Network([settings.width] * (int(depths.max()) + 1) + [1], activation, init,
                          seed=seed, sigma_w=sigma_w, gain=sigma_w)
            found = running_jacobians(net, X, list(depths))
            values = {L: np.linalg.svd(found[L], compute_uv=False) for L in depths}
            variances[(activation, init)].append([np.var(values[L] ** 2) for L in depths])
            shares[(activation, init)].append([within_two(values[L]) for L in depths])
            done += 1
            yield Progress(done / total, f"{name(activation, init)}, network of seed {seed}", result())
    partial = result()
    wide = depths <= settings.width / WIDE
    measured = {c: np.mean(variances[c], axis=0) for c in variances}
    off = {c: float(np.max(np.maximum(measured[c][wide] / laws[c][wide], laws[c][wide] / measured[c][wide])))
           for c in measured}
    kept = {c: float(np.mean(shares[c], axis=0)[-1]) for c in shares}
    tanh_orthogonal = ("tanh", "orthogonal")
    isometric = kept[tanh_orthogonal] >= KEPT and all(kept[c] <= LOST for c in kept if c != tanh_orthogonal)
    holds = max(off.values()) <= LAW_FACTOR and isometric
    L, checked = int(depths.max()), int(depths[wide].max())
    lab = (f"variance of λ at L = {checked}: " + ", ".join(
        f"{name(*c)} {measured[c][wide][-1]:.3g} (law {laws[c][wide][-1]:.3g})" for c in measured)
        + f"; at L = {L} " + ", ".join(f"{name(*c)} {kept[c]:.0%}" for c in kept)
        + " of the singular values lie within a factor 2 of 1")
    worst = max(off, key=off.get)
    beyond = {c: measured[c][-1] / laws[c][-1] for c in measured}
    margin = (f"furthest from the law up to L = {checked}: {name(*worst)}, {off[worst]:.2f}× (allowed "
              f"{LAW_FACTOR:g}×); at L = {L} = the width the finite layers give up to "
              f"{max(beyond.values()):.1f}× the wide law")
    verdict = ("As in the paper: only tanh with orthogonal weights keeps the Jacobian's singular "
               "values near 1 as the network deepens; Gaussian weights and ReLU spread them in "
               "proportion to the depth." if holds else
               "The lab's Jacobians do not follow the paper's laws at this width.")
    return settle(partial, lab, holds, margin, verdict,
                  {"variance": {name(*c): measured[c][-1] for c in measured},
                   "law": {name(*c): laws[c][-1] for c in laws},
                   "within_two": {name(*c): kept[c] for c in kept}})


CARD = Card(
    key=KEY,
    title="Dynamical isometry",
    authors="Pennington, Schoenholz & Ganguli", year=2017, venue="NeurIPS",
    where="abstract and the Jacobian spectra",
    claim="At the edge of chaos the gradient keeps its size on average, but only tanh with "
          "orthogonal weights also keeps every direction's size: its Jacobian's singular "
          "values stay near 1 at any depth, while with Gaussian weights or ReLU they spread "
          "out more the deeper the network.",
    setup="Plain networks of width 64 with no biases, at χ = 1: tanh with σw² = 1.05 "
          "(q* ≈ 0.024) and ReLU with σw² = 2, orthogonal or Gaussian weights, seeds 0–3; "
          "16 inputs drawn at the fixed point (seed 1); the singular values of ∂a^L/∂a^0 at "
          "depths 2 … 64.",
    measure=measure, settings=Settings(), quick=Settings(width=16, depths=(2, 4, 8), samples=4, seeds=1),
    seconds=2.0)
