"""The few rules of English the messages need, written once: plurals and "a" or "an".

Every count in a message, page or PDF goes through ``plural`` ("1 gate", "2 gates"), never a
noun with "s" in brackets; every "a"/"an" before a name through ``a_or_an``. No imports: the
pure cores use it too.
"""

from __future__ import annotations

# Letters whose name starts with a vowel sound, for initialisms read letter by letter (an MBA).
_VOWEL_SOUND_LETTERS = set("AEFHILMNORSX")
# Words spelt with a vowel that start with a consonant sound (a unit, a one-off, a user).
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "eu", "one", "once", "ubi")
# Words spelt with a consonant that start with a vowel sound (an hour, an honest).
_VOWEL_SOUND = ("hour", "honest", "honour", "honor", "heir")


def plural(count: int, singular: str, many: str | None = None, *, counted: bool = True) -> str:
    """``count`` and the noun in the form it takes: "1 gate", "3 gates", "2 people".

    ``many`` is the plural when it is not ``singular + "s"``; ``counted=False`` answers the noun
    alone ("gate" or "gates"), for a label beside a number shown elsewhere."""
    word = singular if count == 1 else (many or f"{singular}s")
    return f"{count} {word}" if counted else word


def a_or_an(phrase: str) -> str:
    """``phrase`` with "a" or "an" before it, by how its first word sounds: "an Employment
    check", "a Credit check", "an L3 assessment", "a unit"."""
    text = phrase.strip()
    first = text.split(" ", 1)[0].strip("(\"'")
    if not first:
        return text
    letters = first.replace("-", "").replace(".", "")
    if first[0].isdigit():  # an 8-week course, an 11-month plan, a 360
        vowel = first.startswith("8") or (first[:2] in ("11", "18") and first[2:3] in ("", "-"))
    elif letters.isupper() and len(letters) > 1 and not _readable(letters):
        vowel = first[0] in _VOWEL_SOUND_LETTERS  # an initialism: "an HR", "a PCI"
    else:
        lower = first.lower()
        vowel = (lower[0] in "aeiou" and not lower.startswith(_CONSONANT_SOUND)) or (
            lower.startswith(_VOWEL_SOUND)
        )
    return f"{'an' if vowel else 'a'} {text}"


def _readable(word: str) -> bool:
    """An upper-case word said as a word (EMPLOYMENT, CREDIT), not letter by letter (PCI):
    long enough and with a vowel among its letters."""
    return len(word) > 4 and any(c in "AEIOU" for c in word) and word.isalpha()
