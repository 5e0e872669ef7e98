"""Venue names as one name per venue: "2016 IEEE Conference on Computer Vision and Pattern
Recognition (CVPR)", "CVPR 2011" and "CVPR'05" are all CVPR; "NIPS 2011" is NeurIPS.

Records name venues the way each source spelled them (OpenAlex and Semantic Scholar alike):
with the year, an ordinal ("31st"), "Proceedings of the", an acronym in parentheses, the
workshop host after "@". Counted as they come, one conference shows up under ten names and
its share of adopters looks ten times smaller. :func:`normalize_venue` strips the parts that
vary by edition and maps what is left through a table of known aliases; a venue it does not
know keeps its cleaned name. Workshops stay apart from their host ("BlackboxNLP@EMNLP" is not
EMNLP). No I/O.
"""

from __future__ import annotations

import re

__all__ = ["normalize_venue", "VENUE_ALIASES"]

#: Canonical name → the cleaned spellings (lowercase, no year or ordinal) that mean it.
VENUE_ALIASES: dict[str, tuple[str, ...]] = {
    "CVPR": ("cvpr", "ieee conference on computer vision and pattern recognition",
             "ieee computer society conference on computer vision and pattern recognition",
             "ieee/cvf conference on computer vision and pattern recognition",
             "conference on computer vision and pattern recognition", "computer vision and pattern recognition"),
    "ICCV": ("iccv", "ieee international conference on computer vision", "international conference on computer vision",
             "ieee/cvf international conference on computer vision"),
    "ECCV": ("eccv", "european conference on computer vision"),
    "NeurIPS": ("nips", "neurips", "advances in neural information processing systems",
                "neural information processing systems", "conference on neural information processing systems"),
    "ICML": ("icml", "international conference on machine learning"),
    "ICLR": ("iclr", "international conference on learning representations"),
    "ACL": ("acl", "annual meeting of the association for computational linguistics",
            "meeting of the association for computational linguistics"),
    "EMNLP": ("emnlp", "conference on empirical methods in natural language processing",
              "empirical methods in natural language processing"),
    "NAACL": ("naacl", "naacl-hlt", "north american chapter of the association for computational linguistics",
              "conference of the north american chapter of the association for computational linguistics"),
    "EACL": ("eacl", "conference of the european chapter of the association for computational linguistics"),
    "TACL": ("tacl", "transactions of the association for computational linguistics"),
    "ICASSP": ("icassp", "ieee international conference on acoustics, speech and signal processing",
               "international conference on acoustics, speech and signal processing"),
    "INTERSPEECH": ("interspeech",),
    "AAAI": ("aaai", "aaai conference on artificial intelligence"),
    "IJCAI": ("ijcai", "international joint conference on artificial intelligence"),
    "AISTATS": ("aistats", "international conference on artificial intelligence and statistics"),
    "KDD": ("kdd", "acm sigkdd international conference on knowledge discovery and data mining"),
    "JMLR": ("jmlr", "j. mach. learn. res", "journal of machine learning research"),
    "TPAMI": ("tpami", "ieee transactions on pattern analysis and machine intelligence",
              "ieee trans. pattern anal. mach. intell"),
    "arXiv": ("arxiv", "corr", "arxiv.org", "arxiv (cornell university)"),
}

_LOOKUP = {spelling: name for name, spellings in VENUE_ALIASES.items() for spelling in spellings}
_YEAR = re.compile(r"(?<![\w'])(?:19|20)\d\d(?![\w])|'\d\d\b")
_ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
# "Proceedings of the ..." is an edition's wrapper; "Proceedings of the IEEE" is a journal's name.
_PROCEEDINGS = re.compile(r"^proc(?:eedings|\.)?\s+of\s+(?!(?:the\s+)?ieee$)(?:the\s+)?", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)")


def _clean(name: str) -> str:
    text = _YEAR.sub(" ", name)
    text = _ORDINAL.sub(" ", text)
    text = _PROCEEDINGS.sub("", text.strip())
    return " ".join(text.replace(" ,", ",").split()).strip(" ,.-:;")


def normalize_venue(name: str | None) -> str | None:
    """One name per venue (``None`` stays ``None``); see the module docstring."""
    if not name or not str(name).strip():
        return None
    raw = " ".join(str(name).split())
    if "@" in raw:  # a workshop at a conference is its own venue
        return raw
    cleaned = _clean(raw)
    for acronym in _PARENS.findall(cleaned):  # "... Pattern Recognition (CVPR'05)"
        known = _LOOKUP.get(_clean(acronym).lower())
        if known:
            return known
    bare = _clean(_PARENS.sub(" ", cleaned))
    return _LOOKUP.get(bare.lower(), bare or raw)
