"""carecourse's question bank: question types, schemas, the marking engine, versions, draws.

Pure Python (no Flask, no database): see README.md in this folder.
"""

from .model import Mark, Question, ResponseError
from .marking import mark, scenario_path
from .schemas import QuestionSchema, ValidationError, dump_question, error_paths, load_question
from .types import REGISTRY

__all__ = [
    "REGISTRY",
    "Mark",
    "Question",
    "QuestionSchema",
    "ResponseError",
    "ValidationError",
    "dump_question",
    "error_paths",
    "load_question",
    "mark",
    "scenario_path",
]
