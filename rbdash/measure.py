"""Text widths and line breaks in a sans-serif font, without a font file or a browser: to size table
columns to their words and to paginate the deck's tables by the height they are drawn at (issue 21.4).

The widths are Helvetica's advance widths from Adobe's core font metrics, which Arial and Liberation
Sans share glyph for glyph.  The deck names Arial for every text (PowerPoint has it on Windows and
Mac; LibreOffice draws it with the metric-compatible Liberation Sans, where Calibri, python-pptx's
default, fell back to the much wider DejaVu Sans and ran text off the slide), so a text measured
here is as wide on the slide.  For the browser's Source Sans the widths are an upper bound (Source
Sans is narrower).  A letter outside ASCII counts as its base letter (é as e), an unknown character
as a full em: never narrower than drawn.
"""

import unicodedata

# advance widths of ' ' .. '~' in thousandths of an em (Helvetica and Helvetica-Bold AFM)
_REGULAR = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
            556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
            722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
            278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
_BOLD = (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
         556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778,
         722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333,
         278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
         611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584)
_OTHER = {"\u00a0": 278, "\u2003": 1000, "–": 556, "—": 1000, "…": 1000, "·": 278, "÷": 584, "×": 584, "‘": 222,
          "’": 222, "“": 333, "”": 333, "•": 350, "°": 400}
LINE = 1.2  # line height in ems (Arial's is 1.15: a little to spare)
ELLIPSIS = "…"


def _em(ch, table):
    code = ord(ch)
    if 32 <= code < 127:
        return table[code - 32]
    if ch in _OTHER:
        return _OTHER[ch]
    base = unicodedata.normalize("NFD", ch)[0]
    return table[ord(base) - 32] if 32 <= ord(base) < 127 else 1000


def width(text, size, bold=False) -> float:
    """The width of one line of ``text`` at font ``size`` (the result is in the unit of ``size``:
    points or pixels)."""
    table = _BOLD if bold else _REGULAR
    return sum(_em(ch, table) for ch in str(text)) * size / 1000


def widest_word(text, size, bold=False) -> float:
    """The width of the widest word of ``text``: the narrowest a column can be without breaking one."""
    return max((width(w, size, bold) for w in str(text).split()), default=0.0)


def wrap(text, room, size, bold=False) -> list:
    """``text`` as lines no wider than ``room`` (same unit as ``size``), broken between words only;
    its own line breaks kept.  A word wider than ``room`` stands alone on its line (size columns
    from ``widest_word`` so that none is)."""
    lines = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split():
            candidate = f"{line} {word}" if line else word
            if line and width(candidate, size, bold) > room:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def clip(lines, most, room, size, bold=False) -> list:
    """At most ``most`` lines; when some are left out the last one shown ends in '…' (words dropped
    from its end until it fits ``room``)."""
    if len(lines) <= most:
        return list(lines)
    kept = list(lines[:most])
    words = kept[-1].split()
    while words and width(" ".join(words) + ELLIPSIS, size, bold) > room:
        words.pop()
    kept[-1] = " ".join(words) + ELLIPSIS
    return kept


def fit(text, room, size, smallest, bold=False) -> int:
    """The largest whole font size from ``size`` down to ``smallest`` at which ``text`` is one line in
    ``room`` (``smallest`` when none is)."""
    for s in range(int(size), int(smallest) - 1, -1):
        if width(text, s, bold) <= room:
            return s
    return int(smallest)
