"""course.optimizers: every rule against hand-derived values, an independent scalar implementation, and torch.optim."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course import optimizers as opt
from course.validation import CourseInputError

THETA = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.2, -0.5, 1.0])
G2 = np.array([0.1, -0.4, 0.5])


def run(rule, theta, grads, **hyper):
    """Thetas after each call, passing the state along."""
    state, out = {}, []
    for g in grads:
        theta, state = rule(theta, g, state, **hyper)
        out.append(theta)
    return out, state


# --- one and two steps by hand -------------------------------------------------------------------------

def test_sgd_by_hand():
    (t1,), _ = run(opt.sgd_update, THETA, [G1], lr=0.1)
    np.testing.assert_allclose(t1, [0.98, -1.95, 0.4], rtol=1e-14)


def test_momentum_by_hand():
    (t1, t2), state = run(opt.momentum_update, THETA, [G1, G2], lr=0.1, gamma=0.9)
    np.testing.assert_allclose(t1, [0.98, -1.95, 0.4], rtol=1e-14)          # v1 = 0.1 g1
    np.testing.assert_allclose(state["v"], [0.028, -0.085, 0.14], rtol=1e-14)  # v2 = 0.9 v1 + 0.1 g2
    np.testing.assert_allclose(t2, [0.952, -1.865, 0.26], rtol=1e-14)


def test_nesterov_by_hand():
    (t1, t2), _ = run(opt.nesterov_update, THETA, [G1, G2], lr=0.1, gamma=0.9)
    np.testing.assert_allclose(t1, [0.962, -1.905, 0.31], rtol=1e-14)        # theta -= 0.9 v1 + 0.1 g1
    np.testing.assert_allclose(t2, [0.9268, -1.7885, 0.134], rtol=1e-13)     # theta -= 0.9 v2 + 0.1 g2


def test_adagrad_by_hand():
    (t1, t2), state = run(opt.adagrad_update, THETA, [G1, G2], lr=0.1, eps=0.0)
    np.testing.assert_allclose(t1, [0.9, -1.9, 0.4], rtol=1e-14)             # G = g1^2: a step of lr sign(g)
    np.testing.assert_allclose(state["G"], [0.05, 0.41, 1.25], rtol=1e-14)
    np.testing.assert_allclose(t2, t1 - 0.1 * np.array([0.1 / math.sqrt(0.05), -0.4 / math.sqrt(0.41),
                                                        0.5 / math.sqrt(1.25)]), rtol=1e-14)


def test_adadelta_by_hand():
    (t1, t2), state = run(opt.adadelta_update, THETA, [G1, G2], rho=0.9, eps=0.01)
    Eg1 = np.array([0.004, 0.025, 0.1])                                       # 0.1 g1^2
    d1 = -math.sqrt(0.01) / np.sqrt(Eg1 + 0.01) * G1                          # Ed = 0 at first
    np.testing.assert_allclose(t1, THETA + d1, rtol=1e-14)
    Ed1 = 0.1 * d1**2
    Eg2 = 0.9 * Eg1 + 0.1 * G2**2
    d2 = -np.sqrt(Ed1 + 0.01) / np.sqrt(Eg2 + 0.01) * G2
    np.testing.assert_allclose(t2, t1 + d2, rtol=1e-14)
    np.testing.assert_allclose(state["Ed"], 0.9 * Ed1 + 0.1 * d2**2, rtol=1e-14)


def test_rmsprop_by_hand():
    (t1,), state = run(opt.rmsprop_update, THETA, [G1], lr=0.01, rho=0.9, eps=0.0)
    np.testing.assert_allclose(state["Eg"], [0.004, 0.025, 0.1], rtol=1e-14)
    np.testing.assert_allclose(t1, THETA - 0.01 / math.sqrt(0.1) * np.sign(G1), rtol=1e-14)


def test_adam_by_hand():
    (t1, t2), state = run(opt.adam_update, THETA, [G1, G2], lr=0.1, beta1=0.9, beta2=0.999, eps=0.0)
    np.testing.assert_allclose(t1, [0.9, -1.9, 0.4], rtol=1e-14)             # m_hat = g, v_hat = g^2 at t = 1
    m_hat = (0.09 * G1 + 0.1 * G2) / (1 - 0.9**2)
    v_hat = (0.999 * 0.001 * G1**2 + 0.001 * G2**2) / (1 - 0.999**2)
    np.testing.assert_allclose(t2, t1 - 0.1 * m_hat / np.sqrt(v_hat), rtol=1e-13)
    assert state["t"] == 2


def test_adamw_by_hand_decays_first():
    (t1,), _ = run(opt.adamw_update, THETA, [G1], lr=0.1, weight_decay=0.1, eps=0.0)
    np.testing.assert_allclose(t1, [0.89, -1.88, 0.395], rtol=1e-14)         # 0.99 theta - 0.1 sign(g)


def test_adafactor_by_hand_vector_and_matrix():
    (t1,), _ = run(opt.adafactor_update, THETA, [G1], lr=0.01)
    alpha = 0.01 * math.sqrt((1 + 4 + 0.25) / 3)                               # rho_1 = lr, RMS(theta) scaling
    np.testing.assert_allclose(t1, THETA - alpha * np.sign(G1), rtol=1e-12)    # v = g^2 at t = 1 (beta2_1 = 0)
    W = np.array([[0.5, -1.0], [2.0, 1.0]])
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    (w1,), state = run(opt.adafactor_update, W, [g], lr=0.01)
    np.testing.assert_allclose(state["row"], [2.5, 12.5])                     # row means of g^2
    np.testing.assert_allclose(state["col"], [5.0, 10.0])                      # column means of g^2
    v = np.array([[2.5 * 5, 2.5 * 10], [12.5 * 5, 12.5 * 10]]) / 7.5
    update = g / np.sqrt(v)                                                     # its RMS is 0.98 < 1: no clipping
    np.testing.assert_allclose(w1, W - 0.01 * math.sqrt(np.mean(W**2)) * update, rtol=1e-12)


def test_adafactor_clips_large_updates():
    W = np.ones((2, 2))
    g = np.array([[1.0, 1e-3], [1e-3, 1.0]])
    (w1,), _ = run(opt.adafactor_update, W, [g], lr=0.01, clip_threshold=0.5)
    step = (W - w1) / 0.01  # alpha = lr * RMS(W) = lr
    assert math.sqrt(np.mean(step**2)) == pytest.approx(0.5, rel=1e-12)


# --- many steps: an independent scalar implementation of each formula -----------------------------------

def scalar_rule(name, hyper):
    """Per-coordinate loops written straight from the notes' formulas (no numpy vector code)."""
    def step(theta, grad, mem, t):
        out = theta.copy()
        for i in range(theta.size):
            g, th = float(grad.flat[i]), float(theta.flat[i])
            s = mem.setdefault(i, {"v": 0.0, "G": 0.0, "Eg": 0.0, "Ed": 0.0, "m": 0.0})
            if name == "sgd":
                th -= hyper["lr"] * g
            elif name == "momentum":
                s["v"] = hyper["gamma"] * s["v"] + hyper["lr"] * g
                th -= s["v"]
            elif name == "nesterov":
                s["v"] = hyper["gamma"] * s["v"] + hyper["lr"] * g
                th -= hyper["gamma"] * s["v"] + hyper["lr"] * g
            elif name == "adagrad":
                s["G"] += g * g
                th -= hyper["lr"] * g / (math.sqrt(s["G"]) + hyper["eps"])
            elif name == "adadelta":
                r, e = hyper["rho"], hyper["eps"]
                s["Eg"] = r * s["Eg"] + (1 - r) * g * g
                d = -math.sqrt(s["Ed"] + e) / math.sqrt(s["Eg"] + e) * g
                s["Ed"] = r * s["Ed"] + (1 - r) * d * d
                th += d
            elif name == "rmsprop":
                s["Eg"] = hyper["rho"] * s["Eg"] + (1 - hyper["rho"]) * g * g
                th -= hyper["lr"] * g / (math.sqrt(s["Eg"]) + hyper["eps"])
            elif name in ("adam", "adamw"):
                b1, b2 = hyper["beta1"], hyper["beta2"]
                if name == "adamw":
                    th -= hyper["lr"] * hyper["weight_decay"] * th
                s["m"] = b1 * s["m"] + (1 - b1) * g
                s["v"] = b2 * s["v"] + (1 - b2) * g * g
                m_hat, v_hat = s["m"] / (1 - b1**t), s["v"] / (1 - b2**t)
                th -= hyper["lr"] * m_hat / (math.sqrt(v_hat) + hyper["eps"])
            out.flat[i] = th
        return out
    return step


HYPER = {
    "sgd": {"lr": 0.07},
    "momentum": {"lr": 0.05, "gamma": 0.8},
    "nesterov": {"lr": 0.05, "gamma": 0.85},
    "adagrad": {"lr": 0.3, "eps": 1e-7},
    "adadelta": {"rho": 0.9, "eps": 1e-4},
    "rmsprop": {"lr": 0.02, "rho": 0.85, "eps": 1e-7},
    "adam": {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    "adamw": {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.2},
}


@pytest.mark.parametrize("name", list(HYPER))
@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_twenty_steps_match_the_scalar_formulas(name, shape):
    rng = np.random.default_rng(sum(map(ord, name)) + len(shape))
    theta0 = rng.normal(0, 1, shape)
    grads = [rng.normal(0, 1, shape) * 10 ** rng.uniform(-2, 0.5, shape) for _ in range(20)]
    ours, state = run(opt.OPTIMIZERS[name], theta0, grads, **HYPER[name])
    by_hand, theta, mem = [], theta0.copy(), {}
    step = scalar_rule(name, HYPER[name])
    for t, g in enumerate(grads, start=1):
        theta = step(theta, g, mem, t)
        by_hand.append(theta)
    np.testing.assert_allclose(np.array(ours), np.array(by_hand), rtol=1e-12, atol=1e-14)
    assert state["t"] == 20


def test_adafactor_many_steps_match_an_independent_implementation():
    rng = np.random.default_rng(4)
    W = rng.normal(0, 1, (3, 4))
    grads = [rng.normal(0, 1, (3, 4)) for _ in range(15)]
    ours, _ = run(opt.adafactor_update, W, grads, lr=0.05)
    row, col, theta = np.zeros(3), np.zeros(4), W.copy()
    eps1 = np.finfo(float).eps
    for t, g in enumerate(grads, start=1):
        beta2 = 1 - t ** -0.8
        alpha = max(1e-3, math.sqrt(float(np.mean(theta**2)))) * min(0.05, 1 / math.sqrt(t))
        row = beta2 * row + (1 - beta2) * (g**2).mean(axis=1)
        col = beta2 * col + (1 - beta2) * (g**2).mean(axis=0)
        v = np.outer(row, col) / max(row.mean(), eps1)
        u = g / np.sqrt(np.maximum(v, eps1**2))
        u = u / max(1.0, math.sqrt(float(np.mean(u**2))))
        theta = theta - alpha * u
        np.testing.assert_allclose(ours[t - 1], theta, rtol=1e-12)


# --- contracts shared by every rule ---------------------------------------------------------------------

ALL = list(opt.OPTIMIZERS)


@pytest.mark.parametrize("name", ALL)
def test_state_is_created_counts_calls_from_one_and_inputs_stay_untouched(name):
    rule = opt.OPTIMIZERS[name]
    theta, grad = THETA.copy(), G1.copy()
    state = {}
    new, returned = rule(theta, grad, state, **({} if name == "adadelta" else {"lr": 0.1}))
    assert returned is state and state["t"] == 1
    np.testing.assert_array_equal(theta, THETA)
    np.testing.assert_array_equal(grad, G1)
    assert new is not theta and not np.shares_memory(new, theta)
    rule(new, grad, state, **({} if name == "adadelta" else {"lr": 0.1}))
    assert state["t"] == 2


@pytest.mark.parametrize("name", [n for n in ALL if n != "adamw"])  # AdamW decays theta even then
def test_zero_gradient_leaves_theta_where_it_is(name):
    new, _ = opt.OPTIMIZERS[name](THETA, np.zeros(3), {}, **({} if name == "adadelta" else {"lr": 0.1}))
    np.testing.assert_allclose(new, THETA, atol=1e-15)


def test_adamw_is_not_adam_with_l2():
    rng = np.random.default_rng(0)
    theta = rng.normal(0, 3, 6)
    grads = [rng.normal(0, 0.1, 6) for _ in range(5)]
    decoupled, _ = run(opt.adamw_update, theta, grads, lr=0.1, weight_decay=0.3)
    state, coupled = {}, theta.copy()
    for g in grads:
        coupled, state = opt.adam_update(coupled, g + 0.3 * coupled, state, lr=0.1)
    assert np.max(np.abs(decoupled[-1] - coupled)) > 1e-3
    # With weight_decay = 0, AdamW is Adam.
    plain, _ = run(opt.adam_update, theta, grads, lr=0.1)
    no_decay, _ = run(opt.adamw_update, theta, grads, lr=0.1, weight_decay=0.0)
    np.testing.assert_allclose(no_decay[-1], plain[-1], rtol=1e-15)


def test_momentum_with_constant_lr_equals_pytorch_form_but_not_with_a_schedule():
    rng = np.random.default_rng(1)
    grads = [rng.normal(0, 1, 3) for _ in range(6)]
    ours, _ = run(opt.momentum_update, THETA, grads, lr=0.1, gamma=0.9)
    theta, v = THETA.copy(), np.zeros(3)
    for g in grads:
        v = 0.9 * v + g
        theta = theta - 0.1 * v
    np.testing.assert_allclose(ours[-1], theta, rtol=1e-13)
    state, theta_notes, theta_torch, v = {}, THETA.copy(), THETA.copy(), np.zeros(3)
    for k, g in enumerate(grads):
        lr = 0.2 / 2**k
        theta_notes, state = opt.momentum_update(theta_notes, g, state, lr=lr, gamma=0.9)
        v = 0.9 * v + g
        theta_torch = theta_torch - lr * v
    assert np.max(np.abs(theta_notes - theta_torch)) > 1e-3


@pytest.mark.parametrize("bad, message", [
    ((None, G1, {}), "`theta` is None"),
    ([[1.0, 2.0], G1, {}], "Python list"),
    ((THETA, np.ones(2), {}), "`grad` must have shape (3,)"),
    ((THETA, np.array([1.0, np.nan, 0.0]), {}), "`grad` contains nan"),
    ((THETA, G1, None), "`state` must be a dict"),
    ((THETA, G1, []), "`state` must be a dict"),
])
@pytest.mark.parametrize("name", ["sgd", "adam", "adafactor"])
def test_bad_input_gets_a_clear_error(name, bad, message):
    with pytest.raises(CourseInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        opt.OPTIMIZERS[name](*bad)


def test_registry_and_lookup():
    assert set(opt.OPTIMIZERS) == {"sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
                                   "adafactor"}
    assert opt.get_optimizer("adam") is opt.adam_update
    with pytest.raises(CourseInputError, match="unknown optimizer 'adma'"):
        opt.get_optimizer("adma")
    with pytest.raises(CourseInputError, match="unknown optimizer"):
        opt.Optimizer("nope")


# --- the Optimizer class ------------------------------------------------------------------------------------

def test_optimizer_keeps_one_state_per_array_and_matches_the_rule():
    params = [np.ones((2, 3)), np.zeros(3)]
    grads = [np.full((2, 3), 0.5), np.array([1.0, -1.0, 2.0])]
    o = opt.Optimizer("adam", lr=0.01)
    out = o.step(params, grads)
    out = o.step(out, grads)
    assert len(o.states) == 2 and all(s["t"] == 2 for s in o.states)
    for p, g, got in zip(params, grads, out):
        expected, _ = run(opt.adam_update, p, [g, g], lr=0.01)
        np.testing.assert_allclose(got, expected[-1], rtol=1e-15)
    np.testing.assert_array_equal(params[0], np.ones((2, 3)))  # the caller's arrays are untouched
    assert repr(o) == "Optimizer('adam', lr=0.01)"


def test_optimizer_rejects_mismatched_lists():
    o = opt.Optimizer("sgd", lr=0.1)
    with pytest.raises(CourseInputError, match="2 parameters but 1 gradients"):
        o.step([np.ones(2), np.ones(2)], [np.ones(2)])
    o.step([np.ones(2)], [np.ones(2)])
    with pytest.raises(CourseInputError, match="tracks 1 arrays, got 2"):
        o.step([np.ones(2), np.ones(2)], [np.ones(2), np.ones(2)])


# --- torch.optim as an outside oracle -------------------------------------------------------------------------

def torch_trajectory(make, theta0, grads):
    torch = pytest.importorskip("torch")
    p = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    optimizer = make(torch, [p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        out.append(p.detach().numpy().copy())
    return out


TORCH_CASES = {
    "sgd": ({"lr": 0.07}, lambda torch, ps: torch.optim.SGD(ps, lr=0.07)),
    # The notes' v = gamma v + lr g is torch's buffer times lr: the same thetas while lr is constant.
    "momentum": ({"lr": 0.05, "gamma": 0.8}, lambda torch, ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8)),
    "nesterov": ({"lr": 0.05, "gamma": 0.85},
                 lambda torch, ps: torch.optim.SGD(ps, lr=0.05, momentum=0.85, nesterov=True)),
    "adagrad": ({"lr": 0.3, "eps": 1e-10}, lambda torch, ps: torch.optim.Adagrad(ps, lr=0.3, eps=1e-10)),
    "adadelta": ({"rho": 0.9, "eps": 1e-6}, lambda torch, ps: torch.optim.Adadelta(ps, lr=1.0, rho=0.9, eps=1e-6)),
    "rmsprop": ({"lr": 0.02, "rho": 0.85, "eps": 1e-8},
                lambda torch, ps: torch.optim.RMSprop(ps, lr=0.02, alpha=0.85, eps=1e-8)),
    "adam": ({"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8},
             lambda torch, ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-8)),
    "adamw": ({"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.2},
              lambda torch, ps: torch.optim.AdamW(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-8, weight_decay=0.2)),
    "adafactor": ({"lr": 0.05}, lambda torch, ps: torch.optim.Adafactor(ps, lr=0.05)),
}


@pytest.mark.parametrize("name", list(TORCH_CASES))
@pytest.mark.parametrize("shape", [(6,), (3, 4)])
def test_trajectory_matches_torch_optim(name, shape):
    hyper, make = TORCH_CASES[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    theta0 = rng.normal(0, 1, shape)
    grads = [rng.normal(0, 1, shape) * 10 ** rng.uniform(-2, 0.5, shape) for _ in range(25)]
    ours, _ = run(opt.OPTIMIZERS[name], theta0, grads, **hyper)
    theirs = torch_trajectory(make, theta0, grads)
    np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-10, atol=1e-13)
