"""Lighter package files: what a launch and each module's file carry, and no more.

Two savings, both invisible to the learner:

* the player's code and style sheet go into the zip minified (``rjsmin``/``rcssmin``: comments and
  spaces out, names kept, so an error's stack still names the player's functions);
* a module's file leaves out the fields the player never reads: a page's Markdown ``body`` (its
  ``html`` is what it shows), a question's Markdown ``stem`` and ``stem_format`` (its ``stem_html``
  is what it shows) and the author's ``difficulty`` (nothing in the player draws or marks by it).

The course data the app serves to its own player (``course_data``) keeps everything: the app's
preview and attempt review read the Markdown too.
"""

from __future__ import annotations

import rcssmin
import rjsmin

# Keys the player (player.js, marking.js) never reads once the HTML is rendered.
PAGE_UNREAD = ("body",)
QUESTION_UNREAD = ("stem", "stem_format", "difficulty")


def minify_player_file(name: str, data: bytes) -> bytes:
    """A player file as the zip carries it: JS and CSS minified, anything else as it is."""
    if name.endswith(".js"):
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    if name.endswith(".css"):
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8") + b"\n"
    return data


def _question_for_player(question: dict) -> dict:
    rendered = "stem_html" in question  # only then is the Markdown stem unread
    out = {k: v for k, v in question.items() if not (rendered and k in QUESTION_UNREAD)}
    if question.get("steps"):
        out["steps"] = [
            {**step, "question": _question_for_player(step["question"])} for step in question["steps"]
        ]
    return out


def _page_for_player(page: dict) -> dict:
    return {k: v for k, v in page.items() if not ("html" in page and k in PAGE_UNREAD)}


def module_for_player(content: dict) -> dict:
    """A module's content (``module_content``) without the fields the player never reads."""
    module = {**content["module"], "pages": [_page_for_player(p) for p in content["module"]["pages"]]}
    questions = [_question_for_player(q) for q in content["questions"]]
    return {**content, "module": module, "questions": questions}


def course_data_for_player(data: dict) -> dict:
    """The whole course data as the module files give it back (``merge_course_data``): what tests
    and checks compare the package with."""
    modules = [{**m, "pages": [_page_for_player(p) for p in m["pages"]]} for m in data["modules"]]
    questions = [_question_for_player(q) for q in data["questions"]]
    return {**data, "modules": modules, "questions": questions}
