"""The exercise contract of CURRICULUM.md: every lesson has exactly its graded exercises."""
from __future__ import annotations

import importlib

import nbformat
import pytest

from autograder import notebooks as nbt
from autograder.paths import SOLUTIONS, assignments

CONTRACT = {
    "01_logistic_regression": ["sigmoid", "predict_proba", "bce_loss", "logistic_gradients",
                               "train_logistic_regression"],
    "02_perceptron": ["step", "perceptron_update", "online_perceptron", "batch_perceptron"],
    "03_boolean_gates": ["neuron", "gate_params", "truth_table"],
    "04_xor": ["xor_by_composition", "xor_params", "two_layer_forward"],
    "05_forward_propagation": ["relu", "leaky_relu", "tanh", "elu", "hardtanh", "relu_grad", "leaky_relu_grad",
                               "tanh_grad", "elu_grad", "hardtanh_grad", "softmax", "dense_forward", "mlp_forward",
                               "collapse_linear"],
    "06_computational_graphs": ["add_backward", "mul_backward", "max_backward", "sigmoid_backward", "grad_xyz",
                                "grad_fork", "sigmoid_neuron_grads", "numerical_jacobian"],
    "07_backpropagation": ["sigmoid_bce_delta", "softmax_ce_delta", "mse_identity_delta", "dense_backward",
                           "mlp_backward", "numerical_gradient", "relative_error", "gradient_check"],
    "08_initialization": ["zeros_init", "uniform_init", "xavier_uniform", "lecun_normal", "he_normal",
                          "layer_stats"],
    "09_gradient_descent_variants": ["minibatches", "sgd_update", "momentum_update", "nesterov_update",
                                     "adagrad_update", "adadelta_update", "rmsprop_update", "adam_update",
                                     "adamw_update"],
    "10_training_tricks": ["l2_penalty", "l1_penalty", "dropout_forward", "dropout_backward", "step_decay",
                           "EarlyStopping", "standardize", "hinge_loss"],
}


@pytest.mark.parametrize("assignment", assignments())
def test_lesson_has_exactly_the_contracted_exercises(assignment: str) -> None:
    assert assignment in CONTRACT, f"{assignment} is not a lesson of CURRICULUM.md"
    nb = nbformat.read(str(SOLUTIONS / assignment / f"{assignment}.ipynb"), as_version=4)
    solution_ids = [nbt.grade_id(c) for c in nbt.solution_cells(nb)]
    test_ids = [nbt.grade_id(c) for c in nbt.graded_cells(nb)]
    assert sorted(solution_ids) == sorted(CONTRACT[assignment])
    assert sorted(test_ids) == sorted(f"test_{n}" for n in CONTRACT[assignment])


@pytest.mark.parametrize("assignment", assignments())
def test_every_exercise_has_checks(assignment: str) -> None:
    module = importlib.import_module(f"course.checks.lesson{assignment[:2]}")
    assert sorted(module.EXERCISES) == sorted(CONTRACT[assignment])
    for name in CONTRACT[assignment]:
        assert callable(getattr(module, f"check_{name}")), f"course.checks.lesson{assignment[:2]}.check_{name}"
