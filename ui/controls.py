"""The control panel: every knob of a SimConfig, each saying what it teaches, and the Run
bar (Play, Step, Reset, the speed, the baseline's buttons).

The panel edits the lab's state (``LabState``): a widget change makes a new config with
``config.replace(field=value)`` and sets it there. It listens to the state too, and shows
what was set elsewhere (a setup loaded, a remedy, a config the engine refused).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QApplication, QCheckBox, QComboBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox,
                               QVBoxLayout, QWidget)

from simulator import SimConfig, load_presets
from simulator.activations import ACTIVATIONS
from simulator.data import PLANE_DATASETS
from simulator.initializers import INITIALIZERS
from simulator.optim import OPTIMIZERS

from .widgets import ValueSlider, log_values, plain, typeset

TIPS = {
    "preset": "Ready-made experiments. Each shows one idea within seconds of Play.",
    "depth": "Hidden layers. Each one multiplies the gradient by another factor w·φ'(z) "
             "on its way back: more layers, more factors, a vanishing (or exploding) product.",
    "width": "Units per hidden layer. Wide layers make the mean-field theory exact.",
    "activation": "φ of the hidden layers. sigmoid' ≤ 1/4 shrinks every factor; "
                  "ReLU' is 1 for active units.",
    "init": "How the weights start. Their scale decides whether the product of factors "
            "shrinks (vanishing), grows (exploding) or balances (edge of chaos).",
    "sigma_w": "σw: weights drawn from N(0, σw²/fan_in). χ = σw²·E[φ'(z)²] per layer.",
    "sigma_b": "σb: biases drawn from N(0, σb²). Larger σb pushes units into saturation.",
    "learning_rate": "η: step size of gradient descent. Too large on a cliff launches the "
                     "weights into space.",
    "optimizer": "SGD follows the gradient; momentum accumulates it; Adam rescales each "
                 "weight's step, hiding (not curing) vanishing gradients.",
    "batch_size": "Samples per gradient estimate.",
    "clip": "Gradient-norm clipping (Pascanu et al. 2013): if ‖∇C‖ exceeds the threshold, "
            "shrink it to the threshold. Tames exploding-gradient cliffs.",
    "clip_threshold": "The largest gradient norm allowed when clipping is on.",
    "batch_norm": "Batch normalisation: re-centres and re-scales each hidden layer's "
                  "weighted inputs, keeping units out of saturation.",
    "residual": "Residual connections a = φ(z) + a_prev: the error also flows back "
                "along the identity, bypassing the small factors.",
    "recurrent": "A recurrent network instead: one hidden layer of Width units reads T symbols, "
                 "h_t = φ(h_(t-1) W + x_t U + b), and must name the first one. Unrolled, it is a "
                 "network of depth T whose layers share one W: the bars show time steps, and "
                 "the error sent back to step 1 is multiplied by one factor diag(φ'(u_t)) Wᵀ "
                 "per step (Hochreiter 1991; Bengio et al. 1994).",
    "time_steps": "T: how many symbols the network reads before it answers, so how many steps "
                  "back the first one lies: the depth of the unrolled network.",
    "spectral_radius": "ρ: the largest |eigenvalue| of the recurrent weights W at the start. "
                       "Each step back multiplies the error by about ρ·φ'(u): below 1 it "
                       "vanishes geometrically towards the first step, well above 1 it "
                       "explodes (tanh' < 1 takes back some of ρ).",
    "dataset": "What the network learns: 2-D points to separate (drawn over the network's "
               "output), 8×8 handwritten digits (Nielsen's experiment), or your own file "
               "(File ▸ Load data set…).",
    "noise": "Jitter added to the 2-D points.",
    "seed": "Random seed of weights, data and batches: the same seed gives the same run.",
    "speed": "Training steps per frame.",
    "play": "Start or pause training (Space).",
    "step": "One training step (S).",
    "reset": "New weights from the seed; the run starts again (R).",
    "pin": "Keep this run as the baseline (B): it trains on beside the live run, on the same "
           "data and steps, with its own config, and every panel shows both. Then change a "
           "control and compare.",
    "clear": "Remove the baseline: back to one run.",
}


def _fmt_float(v):
    return f"{v:g}"


def steps(low, high, step):
    """low, low + step, … high, each rounded to the step's decimals (0.05, not 0.05000000001)."""
    return [round(low + k * step, 6) for k in range(int(round((high - low) / step)) + 1)]


class WheelOnlyWhenFocused(QObject):
    """An event filter: a control that has no focus does not take the mouse wheel; it goes
    to the scroll area around the panel, which scrolls, so that scrolling down the panel
    never changes (and restarts) the run under the pointer."""

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:                # handed on as its viewport's own wheel event
            QApplication.sendEvent(area.viewport(), event)
        event.accept()                      # and taken by no one else
        return True


class ControlPanel(QWidget):
    """Widgets for every SimConfig field of ``state`` (a LabState); Play/Pause, Step, Reset,
    the speed and the baseline's buttons in ``run_bar``, which the window shows apart from
    the column (in its toolbar). ``config``: the config shown."""

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.config = state.config
        self.presets = load_presets()
        self.fields = {}
        layout = QVBoxLayout(self)

        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        self.preset.addItem("Custom")
        for preset in self.presets.values():
            self.preset.addItem(preset.name)
            self.preset.setItemData(self.preset.count() - 1, preset.description,
                                    Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip(TIPS["preset"])
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.preset_description = Roomy([p.description for p in self.presets.values()])
        layout.addWidget(QLabel("Preset"))
        layout.addWidget(self.preset)
        layout.addWidget(self.preset_description)

        network = self._group(layout, "Network")
        depth = SimConfig.bounds("depth")
        self._slider(network, "depth", "Depth (hidden layers)", list(range(depth.low, depth.high + 1)), str)
        self._slider(network, "width", "Width", [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128,
                                                 192, 256], str)
        self._combo(network, "activation", "Activation", list(ACTIVATIONS))
        self._combo(network, "init", "Initialisation", list(INITIALIZERS))
        self._slider(network, "sigma_w", typeset("σw"), steps(0.1, 4, 0.1) + steps(4.5, 10, 0.5), _fmt_float)
        self._slider(network, "sigma_b", typeset("σb"), steps(0, 2, 0.05) + steps(2.5, 10, 0.5), _fmt_float)

        training = self._group(layout, "Training")
        self._slider(training, "learning_rate", "Learning rate η", log_values(1e-4, 100, 10),
                     _fmt_float)
        self._combo(training, "optimizer", "Optimiser", list(OPTIMIZERS))
        self._slider(training, "batch_size", "Batch size", [2 ** k for k in range(13)], str)
        self._check(training, "clip", "Clip the gradient norm")
        self._slider(training, "clip_threshold", "Clipping threshold", log_values(0.01, 1e6, 5),
                     _fmt_float)

        remedies = self._group(layout, "Remedies")
        self._check(remedies, "batch_norm", "Batch normalisation")
        self._check(remedies, "residual", "Residual connections")

        recurrent = self._group(layout, "Over time")
        self._check(recurrent, "recurrent", "Recurrent network (first symbol)")
        time_steps = SimConfig.bounds("time_steps")
        self._slider(recurrent, "time_steps", "Time steps T",
                     list(range(time_steps.low, time_steps.high + 1)), str)
        self._slider(recurrent, "spectral_radius", "Spectral radius ρ of W",
                     steps(0.05, SimConfig.bounds("spectral_radius").high, 0.05), _fmt_float)

        data = self._group(layout, "Data")
        self._combo(data, "dataset", "Data set", [])
        self.fields["dataset"].setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.fields["dataset"].setMinimumContentsLength(10)   # a long file name stays in bounds
        self._slider(data, "noise", "Noise", steps(0, 1, 0.01), _fmt_float)
        seed = QSpinBox()
        seed.setAccessibleName("Seed")
        seed.setRange(SimConfig.bounds("seed").low, SimConfig.bounds("seed").high)
        seed.setToolTip(TIPS["seed"])
        seed.valueChanged.connect(lambda v: self._change("seed", int(v)))
        data.addRow("Seed", seed)
        self.fields["seed"] = seed

        # The Run group: Play, Step, Reset and the speed, in a bar of their own that the
        # window puts where it is seen first (its toolbar); buttons added to it follow.
        self.run_bar = QWidget()
        run = QHBoxLayout(self.run_bar)
        run.setContentsMargins(4, 0, 4, 0)
        buttons = QHBoxLayout()
        self.play_button = _button("Play", TIPS["play"], buttons)
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(state.set_playing)
        self.step_button = _button("Step", TIPS["step"], buttons, state.step_once)
        self.reset_button = _button("Reset", TIPS["reset"], buttons, state.reset)
        run.addLayout(buttons)
        baseline = QHBoxLayout()
        self.pin_button = _button("Pin as baseline", TIPS["pin"], baseline, state.pin_baseline)
        self.clear_button = _button("Clear baseline", TIPS["clear"], baseline, state.clear_baseline)
        run.addSpacing(12)
        run.addLayout(baseline)
        self.speed = ValueSlider("Speed (steps per frame)", [1, 2, 3, 5, 10, 20, 30, 50, 100], str,
                                 TIPS["speed"])
        self.speed.set_value(state.steps_per_frame)
        self.speed.setMinimumWidth(180)
        self.speed.setMaximumWidth(360)
        self.speed.value_changed.connect(lambda v: state.set_steps_per_frame(int(v)))
        run.addSpacing(12)
        run.addWidget(self.speed)
        run.addStretch(1)
        layout.addStretch(1)
        self._wheel_filter = WheelOnlyWhenFocused(self)
        for kind in (QSlider, QComboBox, QSpinBox):
            for widget in self.findChildren(kind) + self.run_bar.findChildren(kind):
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # the wheel gives no focus
                widget.installEventFilter(self._wheel_filter)
        self.set_config(self.config)
        self._show_run()
        state.listen(self._follow)

    # ----------------------------------------------------------------- building
    def _group(self, layout, title):
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(box)
        return form

    def _slider(self, form, field, label, values, fmt):
        slider = ValueSlider(label, values, fmt, TIPS[field])
        slider.value_changed.connect(lambda v: self._change(field, v))
        form.addRow(slider)
        self.fields[field] = slider

    def _combo(self, form, field, label, items):
        """A combo box of ``items``, each the field's value; the data-set combo's items are
        set per config (``_list_datasets``): its file item shows the file's name."""
        combo = QComboBox()
        combo.setAccessibleName(plain(label))
        for item in items:
            combo.addItem(item, item)
        combo.setToolTip(TIPS[field])
        combo.currentIndexChanged.connect(lambda i: self._change(field, combo.itemData(i)))
        form.addRow(label, combo)
        self.fields[field] = combo

    def _check(self, form, field, label):
        box = QCheckBox(label)
        box.setToolTip(TIPS[field])
        box.toggled.connect(lambda v: self._change(field, bool(v)))
        form.addRow(box)
        self.fields[field] = box

    # ----------------------------------------------------------------- state
    def set_config(self, config):
        """Show ``config`` in every widget without emitting a change per widget (and name
        the preset it is, if it is one)."""
        self.config = config
        match = next((p for p in self.presets.values() if p.config == config), None)
        with QSignalBlocker(self.preset):
            self.preset.setCurrentText(match.name if match else "Custom")
        self._describe(match.description if match else "")
        for field, widget in self.fields.items():
            value = getattr(config, field)
            with QSignalBlocker(widget):        # unblocked again whatever happens
                if isinstance(widget, ValueSlider):
                    widget.set_value(value)
                elif isinstance(widget, QComboBox):
                    if field == "dataset":
                        self._list_datasets(widget, config)
                    widget.setCurrentIndex(widget.findData(value))
                elif isinstance(widget, QCheckBox):
                    widget.setChecked(value)
                else:
                    widget.setValue(value)
        self._enable_dependent()

    @staticmethod
    def _list_datasets(combo, config):
        """The 2-D sets, the digits, and the data file of ``config`` if it names one."""
        combo.clear()
        for name in PLANE_DATASETS + ("digits",):
            combo.addItem(name, name)
        if config.data_file:
            combo.addItem(Path(config.data_file).name, "file")
            combo.setItemData(combo.count() - 1, config.data_file, Qt.ItemDataRole.ToolTipRole)

    def _describe(self, text):
        """The preset's description ("Your own settings." for none)."""
        self.preset_description.setText(text or "Your own settings.")

    def _enable_dependent(self):
        c = self.config
        for field in ("depth", "init", "batch_norm", "residual", "dataset"):
            self.fields[field].setEnabled(not c.recurrent)      # the recurrent network's are its own
        self.fields["noise"].setEnabled(c.dataset in PLANE_DATASETS and not c.recurrent)
        scaled = c.init == "scaled_normal" and not c.recurrent
        self.fields["sigma_w"].setEnabled(scaled)
        self.fields["sigma_b"].setEnabled(scaled)
        self.fields["clip_threshold"].setEnabled(c.clip)
        self.fields["time_steps"].setEnabled(c.recurrent)
        self.fields["spectral_radius"].setEnabled(c.recurrent)

    def _change(self, field, value):
        try:
            self.config = self.config.replace(**{field: value})
        except ValueError:       # a shallower network lost a layer the surface's axes named
            self.config = self.config.replace(**{field: value, "u_layer": 1, "v_layer": -1})
        self._enable_dependent()
        with QSignalBlocker(self.preset):
            self.preset.setCurrentIndex(0)
        self._describe("")
        self.state.set_config(self.config)

    def _preset_chosen(self, name):
        """A preset is a clean slate: exactly its config, its own baseline or none, fresh
        weights."""
        preset = self.presets.get(name)
        if preset is None:
            return
        self.state.restart(preset.config, self.presets[preset.baseline].config if preset.baseline else None)

    def _follow(self, edit, *arguments):
        """Show an edit of the state made anywhere (here too: then nothing is new)."""
        if self.state.config != self.config:
            self.set_config(self.state.config)
        self._show_run()

    def _show_run(self):
        """The Run bar as the state is: playing or not, the speed, a baseline to clear."""
        state = self.state
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(state.playing)
        self.play_button.setText("Pause" if state.playing else "Play")
        if self.speed.value != state.steps_per_frame:
            self.speed.set_value(state.steps_per_frame)
        self.clear_button.setEnabled(state.baseline is not None)


class Roomy(QLabel):
    """A wrapped label as high as the longest of ``texts`` needs at its width, whichever it
    shows: a preset's description changed length (and "Custom" had none), and every control
    below it moved under the mouse that had just changed one."""

    def __init__(self, texts, parent=None):
        super().__init__(parent)
        self.texts = texts
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        width = event.size().width() - 2 * self.margin()
        metrics = self.fontMetrics()
        needed = max(metrics.boundingRect(0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, text).height()
                     for text in self.texts)
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed + 2 * self.margin())


def _button(text, tip, row, clicked=None):
    """A push button with its tooltip, added to ``row``; ``clicked`` gets its clicks."""
    button = QPushButton(text)
    button.setToolTip(tip)
    if clicked is not None:
        button.clicked.connect(clicked)
    row.addWidget(button)
    return button
