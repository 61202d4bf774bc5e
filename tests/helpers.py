"""Independent reference computations the tests compare the engine against."""
import numpy as np


def central_differences(f, theta, h=1e-6):
    """∂f/∂θ_i ≈ (f(θ + h e_i) - f(θ - h e_i)) / 2h for every i, moving θ in place."""
    grad = np.empty_like(theta)
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        up = f()
        theta[i] = saved - h
        down = f()
        theta[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)


def settled(engine):
    """Tick ``engine`` (a Session) until its runs are built and prepared, and return it."""
    for _ in range(10_000):
        engine.tick()
        if engine.sim is not None and all(sim.ready for sim in engine._runs()):
            return engine
    raise AssertionError("the session never got ready")


def session(config):
    """An engine Session of ``config`` (no process, no window) and the Frames it sends; what
    else it says (refusals, faults) collects in its ``messages``."""
    from simulator.session import Session
    frames, messages = [], []
    engine = Session(config, lambda sent: (messages if isinstance(sent, tuple) else frames).append(sent))
    engine.messages = messages
    return engine, frames
