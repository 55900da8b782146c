"""Checks an input must pass before it is parsed; each failure is a coded one-line error."""
from __future__ import annotations

import codecs
import re

from saidwhat.errors import SaidwhatError
from saidwhat.lexicon import words

DEFAULT_MAX_CHARS = 2_000_000
NUL = b"\x00"
_WORD = re.compile(r"[^\W\d_]+")
# The most frequent English function words (``lexicon/data/function_words.txt``).
_COMMON = words("function_words")


def decode(data: bytes, where: str = "input") -> str:
    """Bytes to text: UTF-8 (with or without BOM), or UTF-16 where a BOM says so; binary data
    (a NUL anywhere) and other encodings are refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SaidwhatError("E003", f"{where}: UTF-16 (it has the BOM), broken at byte {exc.start}") from None
        if "\x00" in text:
            raise SaidwhatError("E002", f"{where} contains NUL characters")
        return text
    if NUL in data:
        raise SaidwhatError("E002", f"{where} contains NUL bytes (at byte {data.index(NUL)})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SaidwhatError("E003", f"{where}: byte {exc.start}") from None


def check_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> None:
    """Refuse text that is empty, binary-looking, too large, or not English."""
    if not text or not text.strip():
        raise SaidwhatError("E001")
    if len(text) > max_chars:
        raise SaidwhatError("E004", f"{len(text):,}", limit=max_chars)
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if "\x00" in text or controls > max(8, len(sample) // 100):
        raise SaidwhatError("E002", f"{controls} control characters in the first {len(sample)}")
    words = _WORD.findall(sample)
    if len(words) >= 12:
        stop = sum(1 for w in words if w.lower() in _COMMON)
        if stop / len(words) < 0.10:
            # Few function words: lists, box scores, recipes — or another language. A language
            # identifier decides (py3langid, whose model ships in its wheel).
            lang, _ = identify_language(sample)
            if lang != "en":
                raise SaidwhatError("E005", f"identified as '{lang}'; {stop} of {len(words)} words "
                                            "are common English words")


_IDENTIFIER = None


def identify_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence 0..1)`` of the text's language.

    py3langid ships its model in its wheel (no downloads); it is loaded on first use.
    """
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    language, confidence = _IDENTIFIER.classify(text)
    return str(language), float(confidence)
