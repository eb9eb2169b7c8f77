"""Vietnamese text helpers for search: the same normalisation in Python and in the database."""

import re
import unicodedata

# Decomposition (NFD) strips every tone and vowel mark, but đ/Đ is a letter of its own.
_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})
_WORDS = re.compile(r"[0-9a-z]+")
NATIONAL_CODE_RE = re.compile(r"^\d{1,2}\.\d{6}(\.[0-9A-Za-z.\-]+)?$")


def nfc(value):
    return unicodedata.normalize("NFC", value or "")


def unaccent(value):
    """'Đăng ký khai sinh' -> 'Dang ky khai sinh'."""
    decomposed = unicodedata.normalize("NFD", (value or "").translate(_EXTRA))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_key(value):
    """The stored, comparable form: NFC, without diacritics, lower case, single spaces."""
    return " ".join(unaccent(nfc(value)).lower().split())


def query_words(query):
    """The words of a search query, normalised like `search_key`, without duplicates."""
    seen = []
    for word in _WORDS.findall(search_key(query)):
        if word not in seen:
            seen.append(word)
    return seen[:8]


_ON_REQUEST = re.compile(r"\b(neu (co )?yeu cau|khi co yeu cau|theo yeu cau)\b")


def fee_is_optional(name):
    """A fee whose published name says it is charged only on request ("Phí cấp bản sao trích
    lục (nếu yêu cầu)"): how the import and the demo data read `Fee.is_optional` when the file
    does not say it."""
    return bool(_ON_REQUEST.search(search_key(name)))
