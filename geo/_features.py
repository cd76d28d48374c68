"""Hashed word and character n-gram TF-IDF features, computed for a whole batch at once with numpy.

The classifier is linear, so its speed is the speed of turning text into features. Python-level
n-gram loops (scikit-learn's analyzers) manage a few thousand posts a second; here the batch is
joined into one array of code points and every n-gram of every post is hashed in a handful of
vectorised operations:

* a polynomial hash modulo 2**64 with prefix sums, so any span ``[a, b)`` hashes in O(1)
  (``(P[b] - P[a]) * p**-a``; ``p`` is odd, hence invertible modulo 2**64);
* character n-grams inside words (scikit-learn's ``char_wb``: the word padded by one space each
  side), whole words and pairs of adjacent words are spans of that array;
* each span's hash, mixed with its family (char n, word, bigram), picks one of ``2**bits`` columns.

The hash is fixed (no per-process salt), so a model trained here scores the same anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_CAMEL = re.compile(r"[a-z][A-Z]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Anything that is not a letter, digit, combining mark (Devanagari/Bengali vowel signs), '?'/'!' or space.
_NON_WORD = re.compile(r"[^\w\u0900-\u0DFF?!\x1e\s]+")  # whitespace is left to str.split
_RS = "\x1e"
_MARK = re.compile(r"([?!])")

_P = np.uint64(0x100000001B3)  # FNV prime: odd, so invertible modulo 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEP = 0  # code point that separates posts in the joined batch
_SPACE = 32


def normalise(text: str) -> str:
    """Lower-cased words separated by single spaces; URLs, @handles and numbers become tokens.

    ``#CycloneAmphan`` becomes ``cyclone amphan`` so event hashtags share words with plain text.
    """
    return normalise_batch([text])[0]


def normalise_batch(texts: Sequence[str]) -> list[str]:
    """``normalise`` for a whole batch: URLs and handles by regular expression over the joined
    texts, then numbers, case, punctuation and spacing as array operations over its code points
    (``_tokens``); the rare text whose lower-casing depends on context falls back to
    ``_normalise_regex``, the reference implementation."""
    if not texts:
        return []
    # The record separator is whitespace to \S and not a word character, so no pattern crosses it.
    joined = _RS.join(texts)
    if joined.count(_RS) != len(texts) - 1:
        joined = _RS.join(t.replace(_RS, " ") for t in texts)
    joined = _URL.sub(" httpurl ", joined)
    joined = _MENTION.sub(" atuser ", joined)
    # "&amp;" holds no capital and no digit, so replacing it before the camel-case split is the same.
    parts = _tokens(joined.replace("&amp;", "&"))
    return parts if parts is not None else _normalise_regex(joined)


def _normalise_regex(joined: str) -> list[str]:
    """The rest of ``normalise_batch`` with one regular expression per step (the reference)."""
    joined = _CAMEL.sub(_split_pair, joined)  # #CycloneAmphan -> #Cyclone Amphan (and iPhone -> i Phone)
    joined = _NUMBER.sub(" 0 ", joined.replace("&amp;", "&"))
    joined = _MARK.sub(r" \1 ", joined)
    joined = _NON_WORD.sub(" ", joined.lower()).replace("_", " ")
    return [" ".join(part.split()) for part in joined.split(_RS)]


def _split_pair(match: re.Match[str]) -> str:
    pair = match.group()
    return f"{pair[0]} {pair[1]}"


# Per code point (``_char_flags``, ``_lower``): bit flags and the lower-case code point.
_TOKEN, _DIGIT, _AZ, _UPPER_AZ, _MARKS, _HARD = 1, 2, 4, 8, 16, 32
_BMP = 0x10000


def _tokens(joined: str) -> list[str] | None:
    """``_normalise_regex`` as array operations, or None when a character needs the reference.

    Each character is kept (a word character, the first digit of a number, '?', '!', the record
    separator) or dropped; a space goes before a kept character that follows a dropped separator,
    a number, '?' or '!', or that starts a number or a camel-case capital ("aB").
    """
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.size == 0:
        return [""]
    flags = _char_flags(codes)
    if (flags & _HARD).any():
        return None
    n = codes.size
    digit = (flags & _DIGIT) != 0
    # A number is \d+(?:[.,]\d+)*: digits, plus '.' or ',' between two digits.
    joiner = np.zeros(n, dtype=bool)
    if n > 2:
        joiner[1:-1] = ((codes[1:-1] == 0x2E) | (codes[1:-1] == 0x2C)) & digit[:-2] & digit[2:]
    in_number = digit | joiner
    number_start = in_number.copy()
    number_start[1:] &= ~in_number[:-1]
    mark = (flags & _MARKS) != 0
    separator = codes == 0x1E
    keep = (((flags & _TOKEN) != 0) & ~in_number) | number_start | mark | separator
    where = np.flatnonzero(keep)
    if where.size == 0:
        return [""] * (joined.count(_RS) + 1)
    kept_codes = codes[where]
    out = _lower(kept_codes)
    starts = number_start[where]
    out[starts] = 0x30  # '0'
    # A space before kept character k (k > 0) when it does not directly follow the previous one,
    # either is a number or a mark, or they are a camel pair; never next to a record separator.
    single = starts | mark[where]
    kept_flags = flags[where]
    kept_separator = kept_codes == 0x1E
    space = where[1:] != where[:-1] + 1
    space |= single[1:]
    space |= single[:-1]
    space |= ((kept_flags[:-1] & _AZ) != 0) & ((kept_flags[1:] & _UPPER_AZ) != 0)
    space &= ~(kept_separator[1:] | kept_separator[:-1])
    shift = np.zeros(where.size, dtype=np.intp)
    np.cumsum(space, out=shift[1:])
    result = np.full(where.size + int(shift[-1]), 0x20, dtype=np.uint32)
    shift += np.arange(where.size)
    result[shift] = out
    return result.tobytes().decode("utf-32-le").split(_RS)


@lru_cache(maxsize=1)
def _bmp_table() -> tuple[np.ndarray, np.ndarray]:
    """Flags and lower-case code point of every code point below 0x10000 (read-only)."""
    infos = [_char_info(code) for code in range(_BMP)]
    flags = np.fromiter((flag for flag, _ in infos), dtype=np.uint8, count=_BMP)
    lower = np.fromiter((low for _, low in infos), dtype=np.uint32, count=_BMP)
    flags.flags.writeable = False
    lower.flags.writeable = False
    return flags, lower


def _char_flags(codes: np.ndarray) -> np.ndarray:
    """The flags of each of ``codes``."""
    return _per_code(codes, 0)


def _lower(codes: np.ndarray) -> np.ndarray:
    """The lower-case code point of each of ``codes`` (a new array)."""
    return _per_code(codes, 1)


def _per_code(codes: np.ndarray, column: int) -> np.ndarray:
    """Column ``column`` of :func:`_char_info` for each of ``codes``: a table lookup for the BMP, one
    cached call per astral code point (emoji and rarer scripts: few per batch)."""
    table = _bmp_table()[column]
    astral = np.flatnonzero(codes >= _BMP)
    if not astral.size:
        return table[codes]
    out = table[np.where(codes >= _BMP, 0, codes)]
    for i in astral.tolist():
        out[i] = _astral_info(int(codes[i]))[column]
    return out


@lru_cache(maxsize=4096)
def _astral_info(code: int) -> tuple[int, int]:
    return _char_info(code)


def _char_info(code: int) -> tuple[int, int]:
    """Flags of one code point for ``_tokens`` (as the regular expressions of
    ``_normalise_regex`` see it) and its lower-case code point."""
    char = chr(code)
    low = char.lower()
    if len(low) != 1 or code == 0x3A3:  # İ -> i + combining dot; Σ lower-cases by context
        return _HARD, code
    flag = 0
    # \w is str.isalnum() or "_", \d is str.isdecimal() (for str patterns)
    if low.isalnum() or "\u0900" <= low <= "\u0DFF":
        flag |= _TOKEN
    if char.isdecimal():
        flag |= _DIGIT
    if "a" <= char <= "z":
        flag |= _AZ
    elif "A" <= char <= "Z":
        flag |= _UPPER_AZ
    if char in "?!":
        flag |= _MARKS
    return flag, ord(low)



@dataclass(frozen=True)
class HashedTfidf:
    """Feature settings plus the IDF weights learnt from training text (``idf`` is per column).

    A post's vector is the sum over its n-gram occurrences of ``idf[column]``, scaled so that the
    sum of squares over occurrences is 1. (Occurrences, not distinct n-grams: the scale needs no
    sort, and for posts of a few dozen words the two hardly differ.)
    """

    bits: int
    char_sizes: tuple[int, ...]
    idf: np.ndarray  # float32, shape (2**bits,)

    @classmethod
    def fit(cls, texts: Sequence[str], bits: int = 18, char_sizes: tuple[int, ...] = (3, 5)) -> HashedTfidf:
        """Learn smoothed IDF (as scikit-learn's ``smooth_idf``) from normalised ``texts``."""
        docs, cols = ngram_columns(texts, bits, char_sizes)
        pairs = np.unique(docs.astype(np.int64) * (2**bits) + cols)
        df = np.bincount(pairs % (2**bits), minlength=2**bits).astype(np.float64)
        idf = (np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0).astype(np.float32)
        return cls(bits=bits, char_sizes=char_sizes, idf=idf)

    def occurrences(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(post, column, value)`` per n-gram occurrence of normalised ``texts``."""
        docs, cols = ngram_columns(texts, self.bits, self.char_sizes)
        vals = self.idf[cols]
        norms = np.sqrt(np.bincount(docs, weights=vals.astype(np.float64) ** 2, minlength=len(texts)))
        norms[norms == 0] = 1.0
        return docs, cols, (vals / norms[docs]).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The feature matrix (posts x 2**bits) of normalised ``texts``, for training."""
        docs, cols, vals = self.occurrences(texts)
        x = sparse.csr_matrix((vals, (docs, cols)), shape=(len(texts), 2**self.bits), dtype=np.float32)
        x.sum_duplicates()
        return x


def linear_scores(
    features: HashedTfidf, texts: Sequence[str], weights: np.ndarray, bias: np.ndarray
) -> np.ndarray:
    """``X @ weights + bias`` for normalised ``texts`` (posts x classes), without sorting ``X``.

    Each n-gram family comes out ordered by post, so each is a valid CSR matrix as it is.
    """
    n = len(texts)
    docs, cols, sizes = _ngram_families(texts, features.bits, features.char_sizes)
    vals = features.idf[cols]
    norms = np.sqrt(np.bincount(docs, weights=vals * vals, minlength=n))
    norms[norms == 0] = 1.0
    vals = (vals / norms[docs]).astype(np.float32)
    scores = np.tile(np.asarray(bias, dtype=np.float64), (n, 1))
    rows = np.arange(n + 1, dtype=np.int32)
    offset = 0
    for size in sizes:
        part = slice(offset, offset + size)
        offset += size
        indptr = np.searchsorted(docs[part], rows)
        x = sparse.csr_matrix((vals[part], cols[part], indptr), shape=(n, weights.shape[0]))
        scores += x @ weights
    return scores


def ngram_columns(texts: Sequence[str], bits: int, char_sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``(post index, column)`` of every hashed word, word-pair and char_wb n-gram occurrence."""
    docs, cols, _ = _ngram_families(texts, bits, char_sizes)
    return docs, cols


def _ngram_families(
    texts: Sequence[str], bits: int, char_sizes: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Posts and columns of all occurrences, family after family (words, pairs, each char size),
    ordered by post within a family; and the number of occurrences of each family."""
    # Layout: SEP " w1 w2 " SEP " w1 " SEP ... so every word has a space on both sides.
    joined = "\0 " + " \0 ".join(texts) + " \0"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    length = codes.size
    is_sep = codes == _SEP
    is_space = codes == _SPACE
    doc_of = np.cumsum(is_sep, dtype=np.int32) - 1  # post of each position (separators: the next)

    # Words: spans between consecutive spaces holding at least one character and no separator.
    spaces = np.flatnonzero(is_space)
    w_start, w_end = spaces[:-1] + 1, spaces[1:]
    keep = (w_end > w_start) & ~is_sep[w_start]
    w_start, w_end = w_start[keep], w_end[keep]
    w_doc = doc_of[w_start]
    same = w_doc[:-1] == w_doc[1:]
    p_start, p_end, p_doc = w_start[:-1][same], w_end[1:][same], w_doc[:-1][same]
    powers, inv_powers = _powers(1 << length.bit_length())
    with np.errstate(over="ignore"):
        prefix = np.zeros(length + 1, dtype=np.uint64)
        np.cumsum(codes * powers[:length], out=prefix[1:])
        starts = np.concatenate((w_start, p_start))
        hashes = [(prefix[np.concatenate((w_end, p_end))] - prefix[starts]) * inv_powers[starts]]
    families = [np.uint64(1), np.uint64(2)]
    sizes = [w_start.size, p_start.size]
    docs = [w_doc, p_doc]

    # char_wb n-grams: Horner's rule over shifted views; a space only at either end, no separator.
    # A longer n continues the Horner sums of the previous (shorter) n instead of starting over.
    blocked = np.concatenate(([0], np.cumsum(is_space | is_sep, dtype=np.int32)))
    done, done_h = 1, codes
    with np.errstate(over="ignore"):
        for n in char_sizes:
            if length < n:
                continue
            count = length - n + 1
            if done > n:
                done, done_h = 1, codes
            h = done_h[:count].copy()
            for k in range(done, n):
                h *= _P
                h += codes[k : k + count]
            done, done_h = n, h
            ends_ok = ~is_sep[:count] & ~is_sep[n - 1 :]
            if n > 2:
                ends_ok &= blocked[n - 1 : n - 1 + count] == blocked[1 : 1 + count]
            else:
                ends_ok &= ~(is_space[:count] & is_space[n - 1 :])
            keep = np.flatnonzero(ends_ok)
            hashes.append(h[keep])
            families.append(np.uint64(10 + n))
            sizes.append(keep.size)
            docs.append(doc_of[keep])

    # Mix each family into its hashes, then keep the top ``bits`` bits as the column.
    shift = np.uint64(64 - bits)
    cols = []
    with np.errstate(over="ignore"):
        for family, family_hashes in zip(families, _split(hashes, sizes), strict=True):
            mixed = family_hashes ^ (family * _MIX)
            mixed *= _MIX
            mixed >>= shift
            cols.append(mixed.astype(np.int32))
    return np.concatenate(docs), np.concatenate(cols), sizes


def _split(hashes: list[np.ndarray], sizes: list[int]) -> list[np.ndarray]:
    """The words-and-pairs array split in two, then each char n-gram array: one per family."""
    words_and_pairs, rest = hashes[0], hashes[1:]
    return [words_and_pairs[: sizes[0]], words_and_pairs[sizes[0] :], *rest]


@lru_cache(maxsize=8)
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` modulo 2**64 for ``i < size`` (read-only; sizes are powers of two)."""
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.concatenate(([np.uint64(1)], np.full(size - 1, _P, dtype=np.uint64))), dtype=np.uint64)
        inverse = np.cumprod(
            np.concatenate(([np.uint64(1)], np.full(size - 1, _P_INV, dtype=np.uint64))), dtype=np.uint64
        )
    powers.flags.writeable = False
    inverse.flags.writeable = False
    return powers, inverse
