"""Training steps per second of the engine, and of the same network in PyTorch.

    python benchmarks/bench_engine.py

For each case the lab's Simulation trains a sigmoid network (float64, minibatch
steps, per-step statistics on) and, when PyTorch is installed
(pip install torch==2.13.0), the same float64 network with the same optimiser runs in
PyTorch's CPU eager mode in the same run. Rounds alternate between the two so that
a noisy shared machine slows both alike; the best round of each is reported.
"all stats" adds the φ' distribution statistics (histograms, saturation, dead units)
to every step, which the lab itself computes once per frame.

The digits rows train Nielsen's network, [64, 30, 30, 30, 30, 10] with ten one-hot
sigmoid outputs, on the 1,797 handwritten digits, beside the same hidden layers on the 2-D
circles ([2, 30, 30, 30, 30, 1]), so the two compare like with like. Run it with
OMP_NUM_THREADS=1 for PyTorch to use one thread, as the lab does (simulator/__init__.py):
on a shared machine PyTorch's second thread waits for a busy core. The last line times loading them
(reading the stored file, scaling, the stratified split), the first time in the process.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import SimConfig, Simulation  # noqa: E402
from simulator import data  # noqa: E402

CASES = [(10, 16, 64, "circles"), (30, 32, 256, "circles"),          # Nielsen's net, below:
         (4, 30, 10, "circles"), (4, 30, 10, "digits"), (4, 30, 64, "circles"), (4, 30, 64, "digits")]
SHAPES = {"circles": (2, 1), "digits": (64, 10)}          # inputs, outputs
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


def torch_runner(depth, width, batch, optimizer, dataset):
    import torch

    n_in, n_out = SHAPES[dataset]
    layers = []
    for _ in range(depth):
        layers += [torch.nn.Linear(n_in, width, dtype=torch.float64), torch.nn.Sigmoid()]
        n_in = width
    model = torch.nn.Sequential(*layers, torch.nn.Linear(n_in, n_out, dtype=torch.float64))
    opt = (torch.optim.Adam(model.parameters(), lr=1e-3) if optimizer == "adam"
           else torch.optim.SGD(model.parameters(), lr=0.1))
    X = torch.randn(batch, SHAPES[dataset][0], dtype=torch.float64)
    Y = (X[:, :n_out] > 0).double()
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
    print(f"{'data':>7} {'depth':>5} {'width':>5} {'batch':>5} {'opt':>5} | {'lab steps/s':>11} "
          f"{'all stats':>9} | {'torch':>7} | {'lab/torch':>9}")
    for depth, width, batch, dataset in CASES:
        steps = 60 if depth == 30 else 400
        for optimizer in OPTIMIZERS:
            config = SimConfig(depth=depth, width=width, batch_size=batch, optimizer=optimizer,
                               learning_rate=1e-3 if optimizer == "adam" else 0.1,
                               n_samples=max(400, 4 * batch), dataset=dataset,
                               init="scaled_normal" if dataset == "digits" else "xavier",
                               sigma_b=1.0 if dataset == "digits" else 0.0)
            sim = Simulation(config)
            run_torch = torch_runner(depth, width, batch, optimizer, dataset) if torch else None
            lab, ref = [], []
            for _ in range(ROUNDS):
                lab.append(lab_round(sim, steps))
                if run_torch:
                    ref.append(run_torch(steps))
            all_stats = 1.0 / (1.0 / max(lab) + derivative_stats_seconds(sim))
            line = (f"{dataset:>7} {depth:5d} {width:5d} {batch:5d} {optimizer:>5} | {max(lab):11.0f} "
                    f"{all_stats:9.0f} |")
            if ref:
                line += f" {max(ref):7.0f} | {max(lab) / max(ref):8.2f}×"
            print(line, flush=True)
    data.load_digits.cache_clear()
    start = time.perf_counter()
    data.make_dataset("digits")
    print(f"loading the digits: {(time.perf_counter() - start) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
