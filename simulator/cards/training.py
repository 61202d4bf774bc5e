"""Minibatch training of a Network for the cards that measure learning: batches are
consecutive slices of a shuffled copy of the training set, reshuffled each epoch with a
seeded generator, so a card's run is the same every time."""
from __future__ import annotations

import numpy as np

from ..optim import Optimizer


class Trainer:
    """Trains ``net`` on (X, Y) with one optimiser; ``diverged`` once a step is not finite
    (the weights are then left as they were before it)."""

    def __init__(self, net, X, Y, optimizer, learning_rate, batch, seed, momentum=0.9):
        self.net, self.X, self.Y, self.batch = net, X, Y, min(batch, len(X))
        self.optimizer = Optimizer(optimizer, net.theta.size, learning_rate, momentum)
        self.rng = np.random.default_rng(seed)
        self.order, self.cursor = self.rng.permutation(len(X)), 0
        self.steps = 0
        self.diverged = False

    def advance(self, n):
        """Up to ``n`` more steps (none once diverged)."""
        for _ in range(n):
            if self.diverged:
                return
            if self.cursor + self.batch > len(self.X):
                self.order, self.cursor = self.rng.permutation(len(self.X)), 0
            rows = self.order[self.cursor:self.cursor + self.batch]
            self.cursor += self.batch
            gradients = self.net.gradients(self.X[rows], self.Y[rows])
            before = self.net.theta.copy()
            self.optimizer.step(self.net.theta, gradients.flat)
            if not (np.isfinite(gradients.loss) and np.isfinite(self.net.theta).all()):
                self.net.theta = before
                self.diverged = True
                return
            self.steps += 1

    def loss(self):
        """The cost on the whole training set (inf once diverged)."""
        return float("inf") if self.diverged else self.net.loss(self.X, self.Y)

    def accuracy(self):
        """The share of the training set whose largest output is its class."""
        predicted = self.net.predict(self.X).argmax(axis=1)
        return float(np.mean(predicted == self.Y.argmax(axis=1)))


def one_hot(labels, classes=10):
    return np.eye(classes)[labels]
