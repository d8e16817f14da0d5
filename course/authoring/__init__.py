"""Authoring: courses against frameworks, modules, pages, quizzes, coverage, the course document."""
