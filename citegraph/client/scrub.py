"""Keeping what leaves the client clean: the API key out of urllib3's log lines (and, through
``_KEY_IN_TEXT``, out of messages), messages on one line, and records free of lone surrogates
(every cache entry and output file is UTF-8).
"""

from __future__ import annotations

import logging
import re
from typing import Any

_KEY_IN_TEXT = re.compile(r"(api_key=)[^&\s'\"<>]+", re.IGNORECASE)
_MESSAGE_CHARS = 300


class _KeyScrubber(logging.Filter):
    """Removes ``api_key=...`` from urllib3's debug lines, which print the request URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        if "api_key=" in message.lower():
            record.msg = _KEY_IN_TEXT.sub(r"\1***", message)
            record.args = ()
        return True


_SCRUBBER = _KeyScrubber()
_URLLIB3_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)


def _install_log_scrubber() -> None:
    for name in _URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if _SCRUBBER not in logger.filters:
            logger.addFilter(_SCRUBBER)


def _one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A JSON escape of a UTF-16 surrogate: how non-BMP characters (emoji) travel, and how a broken
# character in a record (a lone surrogate) arrives.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value: Any) -> Any:
    """``value`` with lone surrogates replaced by U+FFFD: they cannot be written as UTF-8, and
    every cache entry and output file is UTF-8 (a broken character must not stop a crawl)."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value
