"""Numbers as a slide writes them: 10⁻³⁰, 2.2×10⁻⁹, '31,000×', and log₁₀ of sizes that
may be 0, ∞ or NaN. The engine's words (the diagnosis) and the window's labels share them."""
from __future__ import annotations

import numpy as np

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(exponent):
    """'10⁻³⁰' for -30."""
    return "10" + str(int(exponent)).translate(SUPERSCRIPT)


def times(exponent):
    """How many times, from log₁₀ of a ratio's size, to two significant digits as a slide
    says it: '75×', '31,000×', '970,000×' below 10⁶ (never rounded up to 10⁶), 'over 10⁶×'
    from a million on (never rounded up to a power it does not reach)."""
    exponent = abs(exponent)
    if exponent >= 6:
        return f"over {power_of_ten(np.floor(exponent))}×"
    value = float(f"{10 ** exponent:.2g}")
    return f"{min(value, 990_000):,.0f}×"


def scientific(value, digits=2):
    """'2.2×10⁻⁹' for 2.2e-9, '0.035' for 0.035: a number as a slide writes it."""
    if value == 0 or not np.isfinite(value) or 1e-3 <= abs(value) < 100:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}×{power_of_ten(int(exponent))}"


def log_sizes(values):
    """log₁₀ of sizes: 0 → -inf, ∞ → +inf, NaN (and anything negative) → NaN."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.where(values > 0, values, 1.0))
    return np.where(values > 0, logs, np.where(values == 0, -np.inf, np.nan))
