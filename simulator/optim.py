"""Optimisers on the flat parameter vector θ, with gradient-norm clipping and L2.

One step, for gradient ∇ = ∂C/∂θ on a batch:

1. L2 (weight decay): ∇ ← ∇ + λ·W on the weights only (biases and γ are not decayed).
2. Clipping (Pascanu, Mikolov & Bengio 2013): if ‖∇‖ > τ, ∇ ← τ·∇/‖∇‖. The direction
   is kept, only the length is capped: this is what tames an exploding-gradient cliff.
3. The update Δθ:
   * ``sgd``:      Δθ = -η ∇
   * ``momentum``: v ← μ v - η ∇,  Δθ = v                       (Nielsen, ch. 3)
   * ``adam``:     m ← β1 m + (1-β1) ∇,  s ← β2 s + (1-β2) ∇²,
                   Δθ = -η m̂ / (√ŝ + ε) with bias-corrected m̂, ŝ  (Kingma & Ba 2015)

The optimiser works on any flat vector, so the same code moves the full network
and the two-parameter ball on the cost surface.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")


@dataclass
class StepReport:
    """What one optimiser step did: the gradient's norm (before clipping) and Δθ."""

    grad_norm: float
    update: np.ndarray          # the optimiser's own array: its next step overwrites it


def euclidean_norm(v, scratch=None, square=None):
    """‖v‖ without overflow or underflow: when Σv² leaves the float range, v is first
    scaled by max |v_i|, so a ∇ of 1e200 (or 1e-200) still has its true norm. v² goes into
    ``scratch`` if given (an array like v: at depth 100 × 256 a fresh one cost a third of
    the norm in page faults). ``square``: Σv² where the caller has it already (the sum of
    its segments' squared norms), which saves a pass over v unless it left the float range.

    Σv² is summed by NumPy, not BLAS: the lab's OpenBLAS (0.3.31, on this 2-core machine)
    took 4-8 ms for one dot product of 16,384 numbers or more against 0.02 ms for
    NumPy's own sum, and that made every step of a network of that many parameters
    (width 64 at depth 8) a hundred times slower."""
    if square is None:
        with np.errstate(all="ignore"):
            square = float(np.add.reduce(np.multiply(v, v, out=scratch)))
    if 1e-300 < square < np.inf:
        return float(np.sqrt(square))
    largest = float(np.max(np.abs(v))) if v.size else 0.0
    if largest == 0.0 or not np.isfinite(largest):
        return largest
    scaled = v / largest
    return largest * float(np.sqrt(np.add.reduce(scaled * scaled)))


class Optimizer:
    """Gradient descent of one kind on a flat vector of ``size`` parameters."""

    def __init__(self, kind, size, learning_rate, momentum=0.9, clip_threshold=None,
                 l2=0.0, weight_mask=None, beta1=0.9, beta2=0.999, epsilon=1e-8):
        if kind not in OPTIMIZERS:
            raise ValueError(f"optimizer: unknown name {kind!r}; allowed: {', '.join(OPTIMIZERS)}")
        self.kind = kind
        self.learning_rate = float(learning_rate)
        self.momentum = float(momentum)
        self.clip_threshold = clip_threshold
        self.l2 = float(l2)
        self.weight_mask = weight_mask
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.velocity = np.zeros(size)       # momentum's v, Adam's m
        self.second = np.zeros(size)          # Adam's s
        self.t = 0
        # Δθ and Adam's √ŝ + ε, made once: a fresh array per step cost page faults at width 256
        self._update, self._denominator = np.empty(size), np.empty(size)

    def __deepcopy__(self, memo):
        """The same optimiser with its own copy of the state its kind keeps (momentum's v,
        Adam's m and s); its scratch arrays and the state its kind does not use are made
        anew, not copied (at depth 100 × 256, copying them took most of a pin's second)."""
        twin = copy.copy(self)
        memo[id(self)] = twin
        size = self.velocity.size
        twin.velocity = self.velocity.copy() if self.kind != "sgd" else np.zeros(size)
        twin.second = self.second.copy() if self.kind == "adam" else np.zeros(size)
        twin._update, twin._denominator = np.empty(size), np.empty(size)
        twin.weight_mask = copy.deepcopy(self.weight_mask, memo)
        return twin

    def step(self, theta, grad, square=None):
        """Update ``theta`` in place from ``grad`` (left untouched) and report the step.
        ``square``: Σ∇² where the caller knows it (see euclidean_norm; with L2, which
        changes ∇, it is measured here).

        Overflow is not an error here: a non-finite θ is how divergence shows, and the
        caller (the Simulation) reports it.
        """
        with np.errstate(all="ignore"):
            return self._step(theta, grad, square)

    def _step(self, theta, grad, square):
        if self.l2 > 0.0:
            grad = grad + self.l2 * theta * self.weight_mask if self.weight_mask is not None \
                else grad + self.l2 * theta
            square = None
        norm = euclidean_norm(grad, self._denominator, square)   # Adam's is made later
        if self.clip_threshold is not None and norm > self.clip_threshold:
            grad = grad * (self.clip_threshold / norm)
        eta, update = self.learning_rate, self._update
        if self.kind == "sgd":
            np.multiply(grad, -eta, out=update)
        elif self.kind == "momentum":
            self.velocity *= self.momentum
            self.velocity -= np.multiply(grad, eta, out=update)
            np.copyto(update, self.velocity)
        else:
            self.t += 1
            b1, b2 = self.beta1, self.beta2
            m, s = self.velocity, self.second
            m *= b1
            m += np.multiply(grad, 1.0 - b1, out=update)
            s *= b2
            s += np.multiply(np.multiply(grad, 1.0 - b2, out=update), grad, out=update)
            denominator = np.sqrt(s, out=self._denominator)
            denominator *= 1.0 / np.sqrt(1.0 - b2 ** self.t)          # √ŝ
            denominator += self.epsilon
            np.multiply(m, -eta / (1.0 - b1 ** self.t), out=update)    # -η m̂
            update /= denominator
        theta += update
        return StepReport(norm, update)
