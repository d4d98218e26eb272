"""The instructor command line: ``python -m autograder <step> --help``."""
from __future__ import annotations

import argparse
import sys

from . import release


def _release(args: argparse.Namespace) -> int:
    names = args.assignment or None
    if args.check:
        problems = release.stale(names)
        for p in problems:
            print(p)
        print("lessons/ is up to date" if not problems else "run `python -m autograder release` to regenerate")
        return 1 if problems else 0
    release.generate(names)
    print(f"generated {', '.join(names) if names else 'all lessons'} into lessons/")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    p = steps.add_parser("release", help="generate the student lessons in lessons/ from solutions/",
                         description="Generate lessons/ from solutions/ with nbgrader (and record the assignments "
                                     "in the gradebook). With --check, change nothing and fail if lessons/ is stale.")
    p.add_argument("assignment", nargs="*", help="assignment names (default: all)")
    p.add_argument("--check", action="store_true", help="fail if lessons/ differs from what nbgrader would generate")
    p.set_defaults(run=_release)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
