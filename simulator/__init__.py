"""The Vanishing Gradient Lab's engine: NumPy only, never Qt.

    from simulator import Network, Simulation, SimConfig

OpenBLAS computes in one thread: its own threads, on a machine whose other core runs the
window (or other people's work), wait for each other and made a forward pass over the 1,797
digits 7× slower (40 ms instead of 6). Set before NumPy is first imported. Large products
are split over a second thread by ``parallel.py`` instead, in a way that never waits for a
busy core.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .config import SimConfig, load_presets
from .network import Network
from .simulation import Simulation, Snapshot

__all__ = ["Network", "SimConfig", "Simulation", "Snapshot", "load_presets"]
