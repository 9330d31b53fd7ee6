"""French full-text search, the part that is plain text: words, accents, stems, query terms and extracts.

PostgreSQL stems with its own `french` configuration; SQLite's FTS5 has no French stemmer, so labbot indexes
and queries it with the Snowball French stemmer's output. Either way "evaluation" finds "évaluations".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# The most frequent French words: they say nothing of what a question is about.
_STOPWORD_LINES = (
    "a au aux avec ce ces comment dans de des du elle en est et il ils je la le les leur lui ma mais me meme",
    "mes moi mon ne nos notre nous on ou par pas pour qu que qui quel quelle quels quelles sa se ses son sur",
    "ta te tes toi ton tu un une vos votre vous c d j l m n s t y etre avoir sont ete faire peut peux doit",
    "dois the of and to in is",
)
STOPWORDS = frozenset(word for line in _STOPWORD_LINES for word in line.split())
MAX_TERMS = 12


def fold(text: str) -> str:
    """Lower case without accents: `Évaluation` → `evaluation`."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The Snowball stemmer keeps some plurals apart from their singular (`usagers` → usager, `usager` → usag;
# `lieux`, `lieu`): a final s or x is taken off first, on both sides (PostgreSQL's columns do the same).
_PLURAL = re.compile(r"^(\w{3,})[sx]$")


@cache
def _french_stemmer() -> Any:  # snowballstemmer is untyped
    # Built on first use: the Snowball stemmers (~3 MiB) serve SQLite's index and queries only; a PostgreSQL
    # process, or a command that searches nothing, never loads them.
    import snowballstemmer  # noqa: PLC0415

    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The French stem of one word, folded and without its plural mark."""
    return str(_french_stemmer().stemWord(_PLURAL.sub(r"\1", fold(word))))


def folded_words(text: str) -> str:
    """`text` folded as PostgreSQL's search columns fold what they index (no accents, no final plural mark),
    for its `french` configuration to stem."""
    return " ".join(_PLURAL.sub(r"\1", fold(word)) for word in words(text))


def words(text: str) -> list[str]:
    """The words of `text`, as typed."""
    return _WORD.findall(text)


def index_text(text: str) -> str:
    """What SQLite's FTS5 indexes for `text`: its stems, in order."""
    return " ".join(stem(word) for word in words(text))


def query_stems(text: str) -> list[str]:
    """The distinct stems of a query's meaningful words, at most MAX_TERMS."""
    stems = [stem(word) for word in words(text) if fold(word) not in STOPWORDS]
    return list(dict.fromkeys(s for s in stems if s))[:MAX_TERMS]


def fts5_query(stems: list[str], column: str | None = None, *, every: bool = False) -> str:
    """An FTS5 expression matching any of `stems` (ranked by how many and how rare), or all of them (`every`);
    stems are plain words, quoted so that none is read as an operator."""
    terms = (" AND " if every else " OR ").join(f'"{s}"' for s in stems)
    return f"{{{column}}} : ({terms})" if column else terms


def extract(text: str, stems: list[str], width: int = 24) -> str | None:
    """A short passage of `text` around its first word matching one of `stems`, the matches in bold; None when
    no word matches."""
    found = list(_WORD.finditer(text))
    wanted = set(stems)
    first = next((i for i, match in enumerate(found) if stem(match.group()) in wanted), None)
    if first is None:
        return None
    start = max(0, first - width // 3)
    chosen = found[start : start + width]
    pieces: list[str] = []
    cursor = chosen[0].start()
    for match in chosen:
        pieces.append(text[cursor : match.start()])
        pieces.append(f"*{match.group()}*" if stem(match.group()) in wanted else match.group())
        cursor = match.end()
    passage = " ".join("".join(pieces).split())
    before = "… " if start > 0 else ""
    after = " …" if start + width < len(found) else ""
    return before + passage + after
