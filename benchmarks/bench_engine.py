"""Training steps per second of the engine, and of the same network in PyTorch.

    python benchmarks/bench_engine.py

For each case the lab's Simulation trains a sigmoid network (float64, minibatch
steps, per-step statistics on) and, when PyTorch is installed
(pip install torch==2.13.0), the same float64 network with the same optimiser runs in
PyTorch's CPU eager mode in the same run. Rounds alternate between the two so that
a noisy shared machine slows both alike; the best round of each is reported.
"all stats" adds the φ' distribution statistics (histograms, saturation, dead units)
to every step, which the lab itself computes once per frame.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import SimConfig, Simulation  # noqa: E402

CASES = [(10, 16, 64), (30, 32, 256)]
OPTIMIZERS = ["adam", "sgd"]
ROUNDS = 5


def lab_round(sim, steps):
    start = time.perf_counter()
    sim.step(steps, ball=False)
    return steps / (time.perf_counter() - start)


def derivative_stats_seconds(sim, repeats=200):
    """Time of the φ' distribution statistics for one training batch."""
    X = sim.data.X_train[:sim.config.batch_size]
    dphis = sim.net.forward(X).dphis
    start = time.perf_counter()
    for _ in range(repeats):
        sim.recorder.derivatives(dphis)
    return (time.perf_counter() - start) / repeats


def torch_runner(depth, width, batch, optimizer):
    import torch

    layers, n_in = [], 2
    for _ in range(depth):
        layers += [torch.nn.Linear(n_in, width, dtype=torch.float64), torch.nn.Sigmoid()]
        n_in = width
    model = torch.nn.Sequential(*layers, torch.nn.Linear(n_in, 1, dtype=torch.float64))
    opt = (torch.optim.Adam(model.parameters(), lr=1e-3) if optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=0.1))
    X = torch.randn(batch, 2, dtype=torch.float64)
    Y = (X[:, :1] > 0).double()
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def run(steps):
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            loss_fn(model(X), Y).backward()
            opt.step()
        return steps / (time.perf_counter() - start)
    return run


def main():
    try:
        import torch
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    except ImportError:
        torch = None
        print("PyTorch not installed: lab figures only (pip install torch==2.13.0)")
    print(f"{'depth':>5} {'width':>5} {'batch':>5} {'opt':>5} | {'lab steps/s':>11} "
          f"{'all stats':>9} | {'torch':>7} | {'lab/torch':>9}")
    for depth, width, batch in CASES:
        steps = 400 if depth == 10 else 60
        for optimizer in OPTIMIZERS:
            config = SimConfig(depth=depth, width=width, batch_size=batch, optimizer=optimizer,
                               learning_rate=1e-3 if optimizer == "adam" else 0.1,
                               n_samples=max(400, 4 * batch))
            sim = Simulation(config)
            run_torch = torch_runner(depth, width, batch, optimizer) if torch else None
            lab, ref = [], []
            for _ in range(ROUNDS):
                lab.append(lab_round(sim, steps))
                if run_torch:
                    ref.append(run_torch(steps))
            all_stats = 1.0 / (1.0 / max(lab) + derivative_stats_seconds(sim))
            line = (f"{depth:5d} {width:5d} {batch:5d} {optimizer:>5} | {max(lab):11.0f} "
                    f"{all_stats:9.0f} |")
            if ref:
                line += f" {max(ref):7.0f} | {max(lab) / max(ref):8.2f}×"
            print(line, flush=True)


if __name__ == "__main__":
    main()
