"""The Vanishing Gradient Lab's window: Qt only. It shows Snapshots; the engine runs in
a worker thread (worker.py) and never knows a panel exists."""
