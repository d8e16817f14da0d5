"""The record of evidence: workplace evidence, assessors' decisions, internal quality assurance,
and the one function (``course.evidence.status``) that decides each criterion's status."""
