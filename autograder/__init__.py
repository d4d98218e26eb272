"""Instructor tooling around nbgrader: generate lessons, import, autograde in parallel, feedback, export, report."""
