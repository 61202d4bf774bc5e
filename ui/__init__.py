"""The Vanishing Gradient Lab's window (Qt): it edits the lab's state and shows the Frames
the engine sends; the engine runs in a process of its own (engine.py, simulator/session.py)
and never knows a panel exists."""
