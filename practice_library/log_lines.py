"""Log lines that no client can forge.

A request's path arrives decoded, so ``/%0d%0a2026-01-01 ... GET /admin/ 200``
would write a line break and then a fake request line, and ``%00`` a raw NUL
byte; Django's own warnings and errors (``Forbidden (CSRF cookie not set.):
/path``, ``Internal Server Error: /path``) carry the path too. Here:

- ``printable`` escapes, Python-style (``\\r``, ``\\n``, ``\\x00``, ``\\u202e``),
  every character that is not printable: control characters (C0 and C1,
  CR, LF, NUL), format characters such as the right-to-left override, line
  and paragraph separators, and anything unassigned; and the backslash
  itself, so an escape in the log cannot be faked either;
- ``OneLineFormatter``, the formatter of every handler in ``LOGGING``, writes
  each record's message through it (leaving backslashes, which the request
  log has escaped already), so a record is exactly one line that starts
  with its time; a traceback follows it on lines indented by two spaces,
  which no record's own line is.
"""

import logging
import re

# Printable ASCII but the backslash: the usual line, passed through as it is.
_PLAIN = re.compile(r"[ -\[\]-~]*")


def _escaped(character: str, backslash: bool) -> str:
    if character == "\\":
        return "\\\\" if backslash else character
    if character.isprintable():
        return character
    return character.encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(text: str, *, backslash: bool = True) -> str:
    """``text`` on one line, with every character that is not printable (and
    the backslash, unless ``backslash`` is false) escaped."""
    if _PLAIN.fullmatch(text):
        return text
    return "".join(_escaped(character, backslash) for character in text)


def _indented(text: str) -> str:
    # The indent keeps every line of a traceback from passing for a record.
    return "\n".join(
        "  " + printable(line, backslash=False) for line in text.splitlines()
    )


class OneLineFormatter(logging.Formatter):
    """``logging.Formatter``, but a record's own text is always one line."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record), backslash=False)

    def formatException(self, ei) -> str:
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indented(super().formatStack(stack_info))
