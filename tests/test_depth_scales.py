"""The correlation depth scale ξ_c against hand-derived cases and the mean-field χ."""
import numpy as np
import pytest

from simulator.depth_scales import chi_c, correlation_fixed_point, correlation_map, depth_scale
from simulator.theory import chi_at_fixed_point


@pytest.mark.parametrize("c", [0.0, 0.3, 0.9])
def test_linear_units_map_correlations_by_hand(c):
    """φ(z) = z: E[u₁u₂] = q c, so c' = (σw² q c + σb²)/q."""
    q, sw, sb = 0.7, 0.8, 0.3
    assert correlation_map("linear", c, q, sw, sb) == pytest.approx((sw ** 2 * q * c + sb ** 2) / q)


def test_linear_units_forget_correlations_over_minus_one_over_ln_sigma_w_squared():
    """φ(z) = z, σb = 0.2, σw = 0.9: c* = 1 and χ_c = σw² E[1·1] = 0.81."""
    assert correlation_fixed_point("linear", 0.9, 0.2) == pytest.approx(1.0, abs=1e-9)
    assert depth_scale("linear", 0.9, 0.2) == pytest.approx(-1.0 / np.log(0.81), rel=1e-9)


@pytest.mark.parametrize("sigma_w2", [0.5, 1.0, 1.5])
def test_in_the_ordered_phase_the_slope_is_chi_1(sigma_w2):
    """c* = 1 there, so χ_c = σw² E[φ'(u)²] = χ₁, computed by theory.py's own quadrature."""
    sw, sb = float(np.sqrt(sigma_w2)), float(np.sqrt(0.05))
    assert chi_c("tanh", sw, sb) == pytest.approx(chi_at_fixed_point("tanh", sw, sb), rel=1e-6)


def test_the_depth_scale_diverges_at_the_edge_of_chaos_near_the_papers_sigma_w():
    """Schoenholz et al. (σb² = 0.05): the critical σw² is about 1.76; ξ_c peaks there and
    falls off on both sides, the chaotic side with c* < 1."""
    sb = float(np.sqrt(0.05))
    scales = {s: depth_scale("tanh", float(np.sqrt(s)), sb) for s in (1.0, 1.5, 1.76, 2.0, 3.0)}
    assert scales[1.0] < scales[1.5] < scales[1.76] and scales[1.76] > scales[2.0] > scales[3.0]
    assert scales[1.76] > 500
    assert correlation_fixed_point("tanh", np.sqrt(3.0), sb) < 0.9
