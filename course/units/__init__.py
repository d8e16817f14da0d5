"""Unit text parser: reads a published standard (NOS, QCF or RQF unit), as plain text, into the
framework JSON described in docs/formats.md.

A pure module: no Flask, no database. The app's CLI (`carecourse import-unit`) and services call
:func:`parse_unit` / :func:`parse_unit_file` and store or print the result.
"""

from course.units.parser import UnitError, parse_unit, parse_unit_file

__all__ = ["UnitError", "parse_unit", "parse_unit_file"]
