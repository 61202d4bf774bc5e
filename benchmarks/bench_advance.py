"""The live engine's training against PyTorch eager, side by side in one run.

    python benchmarks/bench_advance.py [--rounds 5]

"lab" is what the engine process runs while playing, ``Simulation.advance(1)`` once per
step (``simulator/session.py`` trains one step at a time), without the ball
(``ball=False``: the ball's place, two dot products over θ, is about 6 µs a step), from a
freshly built and prepared run (neither is timed: ``Simulation.prepare`` is what the engine
does once for a new network before its first step: its first gradient, costs, activations,
place on the surface and coarse surface): the minibatch, forward and backward passes, the
optimiser, the per-step statistics (gradient norms, relative updates, chain-rule factors, the
learning-speed history), the divergence checks and the loss curve's evaluations on their
schedule. "torch" is the same sigmoid network (float64, cross-entropy on the logits) with
the same optimiser and learning rate in PyTorch's CPU eager mode, on the same training set
in the same shuffled minibatches, with no statistics and no evaluations; it runs at its
default number of threads and at one thread (``torch.set_num_threads(1)``, what
OMP_NUM_THREADS=1 gives). Rounds alternate lab, torch, torch one thread, so background
load hits all three alike; the best of each is kept, and the ratios are lab / torch.
PyTorch is optional (pip install torch==2.13.0): without it only the lab's figures print.
``--engine DIR`` times the simulator/ of another checkout (e.g. ``git archive`` of the
commit before a change), for before/after figures in one sitting.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ENGINE = sys.argv[sys.argv.index("--engine") + 1] if "--engine" in sys.argv else None
sys.path.insert(0, ENGINE or str(Path(__file__).resolve().parent.parent))

from simulator import SimConfig, Simulation  # noqa: E402

# depth, width, batch, optimiser, steps per round
CASES = [(10, 16, 64, "sgd", 1000), (10, 16, 64, "adam", 1000),
         (30, 32, 256, "sgd", 300), (30, 32, 256, "adam", 300),
         (10, 256, 256, "sgd", 100)]
LEARNING_RATE = {"sgd": 0.1, "adam": 1e-3}


def config_for(depth, width, batch, optimizer):
    return SimConfig(depth=depth, width=width, batch_size=batch, optimizer=optimizer,
                     learning_rate=LEARNING_RATE[optimizer], n_samples=max(400, 4 * batch))


def lab_round(config, steps):
    """Steps per second of ``advance(1, ball=False)`` from a fresh, prepared run."""
    sim = Simulation(config)
    if hasattr(sim, "prepare"):               # trees before it prepared in the constructor
        sim.prepare()
    start = time.perf_counter()
    for _ in range(steps):
        sim.advance(1, ball=False)
    elapsed = time.perf_counter() - start
    assert sim.step_count == steps and sim.diverged is None
    return steps / elapsed


def torch_runner(config):
    """A function (steps, threads) → steps per second of the same training in PyTorch."""
    import torch

    sim = Simulation(config)                  # only for its data and layer sizes
    sizes = sim.net.layer_sizes
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-2], sizes[-1], dtype=torch.float64))
    rate = config.learning_rate
    opt = (torch.optim.Adam(model.parameters(), lr=rate) if config.optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=rate))
    X = torch.from_numpy(sim.data.X_train.copy())
    Y = torch.from_numpy(sim.Y_train.copy())
    loss_fn = torch.nn.BCEWithLogitsLoss()
    n, batch = len(X), min(config.batch_size, len(X))
    generator = torch.Generator().manual_seed(0)

    def run(steps, threads):
        default = torch.get_num_threads()
        torch.set_num_threads(threads or default)
        cursor, Xs, Ys = n, None, None
        start = time.perf_counter()
        for _ in range(steps):
            if cursor + batch > n:
                order = torch.randperm(n, generator=generator)
                Xs, Ys, cursor = X[order], Y[order], 0
            xb, yb = Xs[cursor:cursor + batch], Ys[cursor:cursor + batch]
            cursor += batch
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        elapsed = time.perf_counter() - start
        torch.set_num_threads(default)
        return steps / elapsed
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engine", help="the checkout whose simulator/ to time (another "
                        "commit's tree, for figures before a change); this one by default")
    args = parser.parse_args()
    print(f"engine: {ENGINE or 'this checkout'}")
    try:
        import torch
        threads = torch.get_num_threads()
        print(f"PyTorch {torch.__version__}, {threads} threads by default")
    except ImportError:
        torch = None
        print("PyTorch not installed: lab figures only (pip install torch==2.13.0)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'depth':>5} {'width':>5} {'batch':>5} {'opt':>5} | {'lab steps/s':>11} | "
          f"{'torch':>7} {'torch 1t':>8} | {'lab/torch':>9} {'lab/torch 1t':>12}")
    for depth, width, batch, optimizer, steps in CASES:
        config = config_for(depth, width, batch, optimizer)
        run_torch = torch_runner(config) if torch else None
        lab, ref, ref1 = [], [], []
        for _ in range(args.rounds):
            lab.append(lab_round(config, steps))
            if run_torch:
                ref.append(run_torch(steps, None))
                ref1.append(run_torch(steps, 1))
        line = f"{depth:5d} {width:5d} {batch:5d} {optimizer:>5} | {max(lab):11.0f} |"
        if run_torch:
            line += (f" {max(ref):7.0f} {max(ref1):8.0f} | {max(lab) / max(ref):8.2f}× "
                     f"{max(lab) / max(ref1):11.2f}×")
        print(line, flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
