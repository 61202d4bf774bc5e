"""The Vanishing Gradient Lab's engine: NumPy only, never Qt.

    from simulator import Network, Simulation, SimConfig
"""
from .config import SimConfig, load_presets
from .network import Network
from .simulation import Simulation, Snapshot

__all__ = ["Network", "SimConfig", "Simulation", "Snapshot", "load_presets"]
