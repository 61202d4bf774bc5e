"""Costs C and the output error δ^L = ∂C/∂z^L.

Each cost is evaluated from the output layer's weighted inputs z^L (the logits), not
from the activations, so that log σ and log-softmax stay finite and accurate however
saturated the output is. Every cost is the mean over the N samples of the batch, so
δ^L carries a factor 1/N: summing δ over the batch gives ∂C/∂b exactly.

* ``cross_entropy``: sigmoid outputs, C = mean_x Σ_k [-y ln a - (1-y) ln(1-a)];
  δ^L = (a - y)/N: the σ' of the output cancels (Nielsen, ch. 3).
* ``softmax_cross_entropy``: softmax outputs, one-hot y, C = mean_x [-Σ_k y_k ln a_k];
  δ^L = (a - y)/N.
* ``quadratic``: sigmoid outputs, C = mean_x ½‖a - y‖²; δ^L = (a - y) σ'(z^L)/N:
  the output σ' stays in the chain rule, which is why learning starts slowly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import ACTIVATIONS, sigmoid, softplus


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax(z):
    return np.exp(_log_softmax(z))


def _cross_entropy_samples(z, y):
    # -y ln σ(z) - (1-y) ln(1-σ(z)) = softplus(z) - y z
    cost = softplus(z)
    cost -= y * z
    return cost.sum(axis=-1)


def _cross_entropy_delta(z, y):
    return (ACTIVATIONS["sigmoid"].phi(z) - y) / z.shape[0]          # σ, raw


def _softmax_samples(z, y):
    return -(y * _log_softmax(z)).sum(axis=-1)


def _softmax_delta(z, y):
    return (_softmax(z) - y) / z.shape[0]


def _quadratic_samples(z, y):
    r = sigmoid(z) - y
    return 0.5 * (r * r).sum(axis=-1)


def _quadratic_delta(z, y):
    a, da = ACTIVATIONS["sigmoid"].value_and_derivative(z)
    return (a - y) * da / z.shape[0]


@dataclass(frozen=True)
class Loss:
    """A cost: its output nonlinearity a = output(z), per-sample costs and δ^L(z, y).

    ``sample_costs(z, y)`` takes z of shape (..., N, outputs) and returns the cost of each
    sample (..., N), so a whole grid of networks can be costed at once (landscape.py).
    ``delta`` is raw: call it with overflow warnings off (``Network.errors`` is).
    """

    name: str
    output: Callable[[np.ndarray], np.ndarray]
    sample_costs: Callable[[np.ndarray, np.ndarray], np.ndarray]
    delta: Callable[[np.ndarray, np.ndarray], np.ndarray]
    one_hot: bool          # targets are one-hot rows (one unit per class), not values in [0, 1]
    description: str

    def cost(self, z, y):
        """C: the mean over the samples of the batch (inf where their sum overflows)."""
        with np.errstate(over="ignore"):
            return float(self.sample_costs(z, y).mean())


LOSSES: dict[str, Loss] = {l.name: l for l in (
    Loss("cross_entropy", sigmoid, _cross_entropy_samples, _cross_entropy_delta, False,
         "Cross-entropy with a sigmoid output: the output σ' cancels from δ^L."),
    Loss("softmax_cross_entropy", _softmax, _softmax_samples, _softmax_delta, True,
         "Cross-entropy with softmax outputs over one-hot targets."),
    Loss("quadratic", sigmoid, _quadratic_samples, _quadratic_delta, False,
         "½‖a - y‖² with a sigmoid output: σ'(z^L) multiplies every gradient."),
)}


def get_loss(name: str) -> Loss:
    """The cost called ``name``; a ValueError lists the allowed names otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"loss: unknown name {name!r}; allowed: {', '.join(LOSSES)}") from None
