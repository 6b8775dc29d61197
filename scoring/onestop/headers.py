"""Header matching by meaning: which field a spreadsheet column holds.

One-stop software, provincial portals and hand-made files word the same column in
many ways ("Ngày hẹn trả", "Ngày hẹn trả KQ", "Hạn trả kết quả"; "Mức độ hài
lòng", "Đánh giá hài lòng"). An exact alias list drops every wording it did not
foresee, silently. Here a header is compared with each field's wordings as a
bag of words:

- normalised: lower case, diacritics folded (đ → d), punctuation, line breaks,
  non-breaking and double spaces ignored, camelCase split ("ngayHenTra");
- the common abbreviations expanded (KQ = kết quả, HS = hồ sơ, TTHC = thủ tục
  hành chính, DVC(TT) = dịch vụ công (trực tuyến), BCCI = bưu chính công ích,
  TT = thanh toán, SL = số lượng …);
- word order ignored; filler words ("của", "các", "được") dropped.

The score of a header against one wording is 0.7 × the share of the wording's
words found in the header + 0.3 × the share of the header's words that belong to
the wording (so "Đánh giá hài lòng" ⊇ "hài lòng" scores 0.85, and an exact
wording 1.0); a field's score is its best wording's. Columns are then assigned
greedily, best (column, field) pair first, each column and field once, when the
score reaches ``MAP_AT``. A column left unassigned whose header still resembles
a field (``RESEMBLES_AT``) is never dropped silently: it is listed with its
candidate fields so the preview can show it as ambiguous.

Cost: one token set per distinct header text and one score per (header,
wording) pair, both cached; nothing depends on the number of data rows.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.text import fold_accents

MAP_AT = 0.75
RESEMBLES_AT = 0.5

#: Abbreviations of one-stop exports (folded) → the words they stand for.
ABBREVIATIONS: dict[str, str] = {
    "kq": "ket qua",
    "hs": "ho so",
    "tthc": "thu tuc hanh chinh",
    "thhc": "thu tuc hanh chinh",
    "dvc": "dich vu cong",
    "dvctt": "dich vu cong truc tuyen",
    "bcci": "buu chinh cong ich",
    "bc": "buu chinh",
    "tt": "thanh toan",
    "ttt": "thanh toan truc tuyen",
    "sl": "so luong",
    "gq": "giai quyet",
    "gqtthc": "giai quyet thu tuc hanh chinh",
    "tn": "tiep nhan",
    "dv": "don vi",
    "ubnd": "uy ban nhan dan",
    "cb": "can bo",
    "ld": "le phi",
    "nvtc": "nghia vu tai chinh",
    "md": "muc do",
    "lv": "linh vuc",
    "stt": "stt",
}

#: Words that carry no meaning in a header.
FILLER = frozenset({"cua", "cac", "nhung", "duoc", "la", "theo", "va", "hoac", "cho", "ve", "tai", "trong", "the"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=20000)
def tokens(text: str) -> frozenset[str]:
    """The meaningful words of a header: "Ngày hẹn trả\\nKQ" → {ngay, hen, tra, ket, qua}."""
    if not text:
        return frozenset()
    plain = fold_accents(_CAMEL.sub(" ", str(text)))
    words: list[str] = []
    for word in _NON_ALNUM.sub(" ", plain.lower()).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return frozenset(w for w in words if w not in FILLER)


def normalized(text: Any) -> str:
    """The header as compared: its words, sorted (for signatures and messages)."""
    return " ".join(sorted(tokens(str(text or ""))))


@lru_cache(maxsize=50000)
def similarity(header: frozenset[str], wording: frozenset[str]) -> float:
    """0.7 × share of the wording's words in the header + 0.3 × share of the
    header's words in the wording (1.0 = same words)."""
    if not header or not wording:
        return 0.0
    common = len(header & wording)
    if not common:
        return 0.0
    return round(0.7 * common / len(wording) + 0.3 * common / len(header), 4)


@dataclass(frozen=True)
class Target:
    """A field as the matcher sees it: key, label and its wordings' token sets."""

    key: str
    label: str
    wordings: tuple[frozenset[str], ...]
    required: bool = False


def targets(schema: Iterable[Any], extra: dict[str, Sequence[str]] | None = None) -> list[Target]:
    """``Target``s of a schema of ``parsing.Column`` (label + ``words``), plus any
    ``extra`` wordings per key (vocabulary added by staff)."""
    out = []
    for col in schema:
        texts = [col.label, *getattr(col, "words", ())]
        texts.extend((extra or {}).get(col.key, ()))
        sets = tuple(dict.fromkeys(t for t in (tokens(x) for x in texts) if t))
        out.append(Target(col.key, col.label, sets, col.required))
    return out


def score(header: str | Sequence[str], target: Target) -> float:
    """The best score of a header (a text, or the parts of a stacked header, top to
    bottom) against the target's wordings. A stacked header is tried whole and as
    its bottom part."""
    if isinstance(header, str):
        texts = [header]
    else:
        parts = [p for p in header if p]
        texts = [" ".join(parts)] + ([parts[-1]] if len(parts) > 1 else [])
    best = 0.0
    for text in texts:
        h = tokens(text)
        for w in target.wordings:
            s = similarity(h, w)
            if s > best:
                best = s
    return best


@dataclass
class ColumnMatch:
    index: int
    header: str
    field: str | None = None
    score: float = 0.0
    candidates: list[str] = dataclasses.field(default_factory=list)


def assign(
    headers: dict[int, str | Sequence[str]], fields: list[Target], fixed: dict[int, str] | None = None,
    taken_fields: Iterable[str] = (),
) -> dict[int, ColumnMatch]:
    """Assign fields to columns by score (see module doc).

    ``headers``: column index → header text (or stacked parts). ``fixed``: columns
    already assigned (by exact wording, or by the officer), kept as they are.
    ``taken_fields``: fields already given to a column. Returns a ``ColumnMatch``
    for every column with a header: its field (or None), score and the other
    fields it resembles (``candidates``, best first)."""
    fixed = dict(fixed or {})
    taken = set(taken_fields) | set(fixed.values())
    scores: dict[int, list[tuple[float, str]]] = {}
    for ci, header in headers.items():
        row = [(score(header, t), t.key) for t in fields]
        scores[ci] = sorted(((s, k) for s, k in row if s >= RESEMBLES_AT), reverse=True)
    pairs = sorted(
        ((s, ci, k) for ci, row in scores.items() if ci not in fixed for s, k in row if s >= MAP_AT and k not in taken),
        key=lambda p: (-p[0], p[1]),
    )
    chosen: dict[int, tuple[str, float]] = {}
    for s, ci, k in pairs:
        if ci in chosen or k in taken:
            continue
        chosen[ci] = (k, s)
        taken.add(k)
    out: dict[int, ColumnMatch] = {}
    for ci, header in headers.items():
        text = header if isinstance(header, str) else " / ".join(p for p in header if p)
        m = ColumnMatch(ci, text)
        if ci in fixed:
            m.field, m.score = fixed[ci], 1.0
        elif ci in chosen:
            m.field, m.score = chosen[ci]
        elif scores[ci]:
            m.score = scores[ci][0][0]
        m.candidates = [k for _, k in scores[ci] if k != m.field][:4]
        out[ci] = m
    return out
