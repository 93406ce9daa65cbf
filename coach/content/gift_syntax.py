"""Lexical constants of GIFT shared by the reader (gift.py) and the writer (gift_writer.py)."""

from __future__ import annotations

import re

# Characters that a backslash protects in GIFT. ``\n`` (a newline) and ``\\`` (a backslash) are
# the two other escapes; a backslash before anything else is an ordinary character.
ESCAPABLE = "~=#{}:"

# Everything a backslash can introduce; the writer doubles a backslash that precedes one of
# these (or ends a piece of text) so that it is read back as itself.
ESCAPE_FOLLOWERS = ESCAPABLE + "n\\"

# Format tags that may precede a question's text; anything else in brackets is ordinary text.
FORMAT_TAG = re.compile(r"\[(moodle|markdown|html|plain)\]", re.IGNORECASE)

TRUE_WORDS = ("T", "TRUE")
FALSE_WORDS = ("F", "FALSE")

# Coach's case-sensitivity directive: a whole-line comment, so Moodle drops it harmlessly.
CASE_DIRECTIVE = "// case-sensitive"
CASE_DIRECTIVE_RE = re.compile(r"//\s*case-sensitive\s*", re.IGNORECASE)

# A GIFT number: no "nan", "inf" or digit separators, which Python's float() would accept.
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

CATEGORY_PREFIX = "$CATEGORY:"
