"""Pick a page text's headline among the title-like lines above the story, by layout and shared words."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

# A title is a short line without sentence-final punctuation; calibrated on the seeds and the
# kz-sites.md page texts, where headlines run 5-20 words and leads end with a full stop.
TITLE_MAX_WORDS = 25
TITLE_MIN_WORDS = 2
PROSE_MIN_WORDS = 3  # "Астанада қар жауды." opens a story; a shorter line ending in "." is a label
QUESTION_PROSE_WORDS = 15  # "Как изменятся налоги?" is a headline; a long line ending in "?" is prose
# Scoring of the candidates (calibrated on tests/pipelines/data/real_texts): the story's opening shares
# words with its headline and never with a slogan, byline or other story's teaser; a headline stands right
# above the date line or the story; it runs 5-15 words, a slogan or site name 2-4.
LEAD_LINES = 3  # story paragraphs whose words the headline is expected to share
STEM_CHARS = 5  # kk and ru inflect at the end: "Шымкентте" and "Шымкент" share "шымке"
STEM_MIN_CHARS = 4  # shorter words are particles and prepositions
SHARED_WEIGHT = 2.0
DATE_BELOW_BONUS = 1.0
STORY_BELOW_BONUS = 0.5
LENGTH_WORDS = 8  # up to this many words a longer line looks more like a headline (+0.5 at most)
NAME_MAX_WORDS = 4  # "Айгүл СӘРСЕНОВА", "Вечерний Алматы": every word capitalised is a name, not a headline
NAME_PENALTY = 0.5
# A sentence right above the date line may be a headline printed with a full stop, or the lead under the
# headline: it wins only against weak rivals (slogans, site names), never a headline that shares words.
FULL_STOP_PENALTY = 1.5

_SENTENCE_END = re.compile(r"[.;:,…]$")
_FULL_STOP = re.compile(r"[.…][\"»”)]*$")
_EXCLAIM = re.compile(r"[!?][\"»”)]*$")
_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGIT = re.compile(r"\d")
_BYLINE_LABEL = re.compile(r"(?:Автор\w*|Мақала авторы|Author|By)\s*:", re.I)
_STEM_WORD = re.compile(rf"[^\W\d_]{{{STEM_MIN_CHARS},}}")


def looks_like_title(line: str) -> bool:
    """A headline-shaped line: 2-25 words, two of them words of letters, no sentence-final punctuation."""
    words = line.split()
    return (
        TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS
        and len(_WORD.findall(line)) >= TITLE_MIN_WORDS
        and not _SENTENCE_END.search(line)
    )


def is_prose(line: str) -> bool:
    """A story paragraph: a sentence of PROSE_MIN_WORDS+ words, or longer than any headline."""
    words = len(line.split())
    if words > TITLE_MAX_WORDS:
        return True
    if _FULL_STOP.search(line):
        return words >= PROSE_MIN_WORDS
    return words >= QUESTION_PROSE_WORDS and _EXCLAIM.search(line) is not None


def pick_title(
    candidates: Sequence[int],
    texts: Sequence[str],
    story_at: int,
    dates: Collection[int],
    junk: Sequence[str | None],
) -> int | None:
    """Index of the headline among ``candidates`` (title-like lines above ``story_at``), or None.

    Args:
        candidates: indexes of the title-like lines of the header zone.
        texts: the page's lines, normalised.
        story_at: index of the first story line.
        dates: indexes of the date lines (not site clocks) of the header zone.
        junk: the junk rule of each line (None for the others); junk between a headline and what it
            leads into does not count.
    """
    if not candidates:
        return None
    story = _stems(
        " ".join([t for t in texts[story_at : story_at + 2 * LEAD_LINES] if is_prose(t)][:LEAD_LINES])
    )
    stack = set(candidates)

    def score(i: int) -> float:
        words = texts[i].split()
        stems = _stems(texts[i])
        value = SHARED_WEIGHT * len(stems & story) / len(stems) if stems else 0.0
        value += min(len(words), LENGTH_WORDS) / (2 * LENGTH_WORDS)
        # A headline with its subtitle right under it leads into what follows the subtitle.
        under = i + 1
        while under < story_at and under in stack:
            under += 1
        below = next((j for j in range(under, story_at) if not junk[j]), story_at)
        if below in dates:
            value += DATE_BELOW_BONUS
        elif below == story_at:
            value += STORY_BELOW_BONUS
        if is_byline(texts[i]):
            value -= NAME_PENALTY
        if _FULL_STOP.search(texts[i]):
            value -= FULL_STOP_PENALTY
        return value

    return max(candidates, key=lambda i: (score(i), i))


def is_byline(line: str) -> bool:
    """An author line: "Автор: …", or a short line of capitalised words ("Айгүл СӘРСЕНОВА")."""
    if _BYLINE_LABEL.match(line):
        return True
    words = line.split()
    return (
        0 < len(words) <= NAME_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and all(w[:1].isupper() for w in words if w[:1].isalpha())
        and _DIGIT.search(line) is None
    )


def _stems(text: str) -> set[str]:
    return {word[:STEM_CHARS] for word in _STEM_WORD.findall(text.casefold())}
