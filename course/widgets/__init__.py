"""Interactive figures for the lessons.

Every widget is split in two: a pure ``draw_*`` / ``*_figure`` function that takes plain
values and returns a :class:`matplotlib.figure.Figure` (importable and testable without
a browser), and a builder that wires ipywidgets controls to it through
:func:`course.widgets.base.live_figure`. Figures are rendered to PNG inside one
``Output`` widget cleared with ``wait=True``: no ipympl, identical in JupyterLab and Colab.
"""
