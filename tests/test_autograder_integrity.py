"""The static scan of submitted code (autograder.integrity), done outside the kernel."""
from __future__ import annotations

import pytest

from autograder.integrity import imported_modules, scan

TAMPERING = {
    "numpy function": "np.isclose = lambda *a, **k: True",
    "numpy alias": "import numpy as xp\nt = xp.testing\nt.assert_allclose = print",
    "from-import module": "from numpy import testing\ntesting.assert_allclose = print",
    "setattr": "setattr(np, 'allclose', lambda *a, **k: True)",
    "vars of a module": "vars(np)['allclose'] = print",
    "module dict": "np.__dict__['allclose'] = print",
    "builtins": "import builtins\nbuiltins.float = lambda x: 1.0",
    "__builtins__": "__builtins__.len = lambda x: 0",
    "sys.modules": "import sys\nsys.modules['course.grading'] = object()",
    "code object": "def f(): pass\ncheck_sigmoid.__code__ = f.__code__",
    "course checks": "course.checks.core.compare = lambda *a, **k: None",
    "course import": "import course.grading as g\ng.grade = lambda *a, **k: 2",
    "mock.patch": "from unittest import mock\nmock.patch('numpy.allclose', return_value=True).start()",
    "reload": "import importlib\nimportlib.reload(course)",
    "custom exception handler": "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)",
    "silenced tracebacks": "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None",
    "exec": "exec('np.isclose = 1')",
    "environment": "import os\nos.environ['WORKBOOK_GRADING_SEED'] = '1'",
    "frames": "import sys\nsys._getframe(1).f_locals['expected'] = 0",
    "ctypes": "import ctypes",
    "inside a function": "def sigmoid(z):\n    np.allclose = lambda *a, **k: True\n    return z",
    "magic": "%config InlineBackend.figure_format = 'svg'",
}

CLEAN = {
    "array code": ("def sigmoid(z):\n    e = np.exp(-np.abs(z))\n    X_b = np.c_[z, z]\n    X_b[0] = 1\n"
                   "    out = np.stack([z])\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))"),
    "a class": ("class EarlyStopping:\n    def __init__(self, patience):\n        self.patience = patience\n"
                "        setattr(self, 'best', None)\n"),
    "self-check and widgets": "from course.checks.lesson01 import check_sigmoid\n"
                              "from course.widgets.lesson01 import explorer",
    "matplotlib magic and shell": "%matplotlib inline\n!ls\nx = 1",
    "syntax error": "def broken(:\n    pass",
    "local attributes": "model = Model()\nmodel.w = np.zeros(3)\nstate['v'] = 0",
    "namespaces and files": "print(vars(model), globals().keys())\nimport os\nos.remove('tmp.npy')\n"
                            "pattern = re.compile('a+')",
}


@pytest.mark.parametrize("name", TAMPERING)
def test_tampering_is_found(name):
    source = TAMPERING[name]
    found = scan(source, modules=imported_modules([source]))
    assert any(f.kind == "tamper" for f in found), name


@pytest.mark.parametrize("name", CLEAN)
def test_ordinary_code_is_not_flagged(name):
    source = CLEAN[name]
    assert scan(source, modules=imported_modules([source])) == []


@pytest.mark.parametrize("source", ["def sigmoid(z):\n    return course.activations.sigmoid(z)",
                                    "from course.activations import sigmoid",
                                    "import course.logistic as L\n"])
def test_use_of_the_reference_implementations_is_flagged_for_review(source):
    found = scan(source)
    assert [f.kind for f in found] == ["reference"]
    assert "reference" in found[0].message and found[0].line >= 1
