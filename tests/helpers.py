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


def softmax_cross_entropy(z, y):
    z = z - z.max()
    return -y @ (z - np.log(np.exp(z).sum()))


def plain_rnn_cost(Ws, Us, bs, V, c, X, Y, nudge=None, phi=np.tanh, cost=softmax_cross_entropy):
    """A recurrent network's mean cost by a plain loop over samples and time steps:
    h_t = φ(h_{t-1} W_t + x_t U_t + b_t), z = h_T V + c. Time step t has its own Ws[t-1],
    Us[t-1], bs[t-1] (the network ties them: pass the same ones T times); ``nudge`` = (t, array
    (samples, units)) is added to every sample's h_t (t = T + 1: to z), so that finite
    differences give ∂C/∂h_t."""
    total = 0.0
    for i, (x, y) in enumerate(zip(X, Y)):
        h = np.zeros(len(bs[0]))
        for t in range(len(x)):
            h = phi(h @ Ws[t] + x[t] @ Us[t] + bs[t])
            if nudge is not None and nudge[0] == t + 1:
                h = h + nudge[1][i]
        z = h @ V + c
        if nudge is not None and nudge[0] == len(x) + 1:
            z = z + nudge[1][i]
        total += cost(z, y)
    return total / len(X)
