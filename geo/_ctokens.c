/* The geocoder's per-text token scan in C: the same tokens as geo._text.token_columns (which is the
 * pure-Python definition and the fallback when this module is not built), and the indices of the
 * tokens worth a look (geo.geocoding.Geocoder._mentions).
 *
 * Tokens are those of the regular expression geo._text._TOKEN scanned left to right:
 *   alternative 1: [^\W_\u0900-\u0DFF]*(?:[\u0900-\u0DFF\u200c\u200d][^\W_\u0900-\u0DFF]*)+
 *   alternative 2: [^\W_]+(?:['’](?![sS]\b)[^\W_]+)?
 * (on ASCII text the ASCII pattern is the same thing). A token right after '#' is a hashtag: in
 * camel case it is split at its humps (geo._text._HUMP), otherwise kept whole and capitalised.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static inline int is_indic(Py_UCS4 c) { return (c >= 0x0900 && c <= 0x0DFF) || c == 0x200C || c == 0x200D; }
static inline int is_alnum(Py_UCS4 c) { /* [^\W_] */
    if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return Py_UNICODE_ISALNUM(c);
}
static inline int is_word(Py_UCS4 c) { return is_alnum(c) || c == '_'; } /* \w, for \b */
static inline int is_upper_ascii(Py_UCS4 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower_ascii(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }

/* str.islower() / str.isupper() of text[a:b], as CPython computes them. */
static int span_islower(int kind, const void *data, Py_ssize_t a, Py_ssize_t b) {
    int cased = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISUPPER(ch) || Py_UNICODE_ISTITLE(ch)) return 0;
        if (!cased && Py_UNICODE_ISLOWER(ch)) cased = 1;
    }
    return cased;
}

static int span_isupper(int kind, const void *data, Py_ssize_t a, Py_ssize_t b) {
    int cased = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISLOWER(ch) || Py_UNICODE_ISTITLE(ch)) return 0;
        if (!cased && Py_UNICODE_ISUPPER(ch)) cased = 1;
    }
    return cased;
}

/* text[a:b] with ASCII capitals lower-cased: str.lower() of a span of ASCII letters, digits and decimal
 * digits of other scripts (which have no case). */
static PyObject *lower_span(int kind, const void *data, Py_ssize_t a, Py_ssize_t b) {
    Py_UCS4 maxchar = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (ch > maxchar) maxchar = ch;
    }
    PyObject *s = PyUnicode_New(b - a, maxchar);
    if (!s) return NULL;
    int skind = PyUnicode_KIND(s);
    void *sdata = PyUnicode_DATA(s);
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        PyUnicode_WRITE(skind, sdata, i - a, is_upper_ascii(ch) ? ch + 32 : ch);
    }
    return s;
}

static int append_long(PyObject *list, Py_ssize_t v) {
    PyObject *o = PyLong_FromSsize_t(v);
    if (!o) return -1;
    int r = PyList_Append(list, o);
    Py_DECREF(o);
    return r;
}

/* Append one token to the six columns; steals the reference to form. */
static int append_token(PyObject **cols, PyObject *form, Py_ssize_t start, Py_ssize_t end, int cap, Py_ssize_t ts,
                        Py_ssize_t te) {
    if (!form) return -1;
    int r = PyList_Append(cols[0], form);
    Py_DECREF(form);
    if (r < 0 || append_long(cols[1], start) < 0 || append_long(cols[2], end) < 0
        || PyList_Append(cols[3], cap ? Py_True : Py_False) < 0 || append_long(cols[4], ts) < 0
        || append_long(cols[5], te) < 0)
        return -1;
    return 0;
}

/* The humps of the hashtag text[a:b] (geo._text._HUMP: [A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+). */
static int append_humps(PyObject **cols, int kind, const void *data, Py_ssize_t a, Py_ssize_t b, PyObject *heads) {
    Py_ssize_t i = a;
    int first = 1;
    while (i < b) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t e = i;
        if (is_upper_ascii(c)) {
            Py_ssize_t u = i;
            while (u < b && is_upper_ascii(PyUnicode_READ(kind, data, u))) u++;
            int lower_next = u < b && is_lower_ascii(PyUnicode_READ(kind, data, u));
            if (u - i >= 2 && lower_next) {
                e = u - 1; /* [A-Z]+ up to the capital that starts the next hump */
            } else if (lower_next) {
                e = u; /* [A-Z]?[a-z]+ */
                while (e < b && is_lower_ascii(PyUnicode_READ(kind, data, e))) e++;
            } else {
                e = u; /* [A-Z]+ */
            }
        } else if (is_lower_ascii(c)) {
            while (e < b && is_lower_ascii(PyUnicode_READ(kind, data, e))) e++;
        } else if (Py_UNICODE_ISDECIMAL(c)) {
            while (e < b && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, e))) e++;
        } else {
            i++;
            continue;
        }
        if (first) {
            first = 0;
            if (i == a && append_long(heads, PyList_GET_SIZE(cols[0])) < 0) return -1;
        }
        if (append_token(cols, lower_span(kind, data, i, e), i, e, is_upper_ascii(c), a, b) < 0) return -1;
        i = e;
    }
    return 0;
}

/* Whether a token starting with ch counts as capitalised (geo._text._cap). */
static int cap_of(Py_UCS4 ch) {
    if (ch < 128) return !is_lower_ascii(ch);
    return Py_UNICODE_ISUPPER(ch) || !Py_UNICODE_ISALPHA(ch) || !Py_UNICODE_ISLOWER(ch);
}

/* columns(text, folded) -> (forms, starts, ends, caps, hashtag starts, hashtag ends, hashtag heads).
 * folded: a mapping word -> geo._text.fold(word), asked for words that are not ASCII. */
static PyObject *columns(PyObject *self, PyObject *args) {
    PyObject *text, *folded;
    if (!PyArg_ParseTuple(args, "UO:columns", &text, &folded)) return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *cols[7] = {NULL};
    for (int k = 0; k < 7; k++) {
        cols[k] = PyList_New(0);
        if (!cols[k]) goto fail;
    }
    Py_ssize_t p = 0;
    while (p < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, p);
        int x = is_alnum(c) && !is_indic(c), y = is_indic(c);
        if (!x && !y) {
            p++;
            continue;
        }
        /* the run of [^\W_\u0900-\u0DFF] and [\u0900-\u0DFF\u200c\u200d] characters from p */
        Py_ssize_t q = p;
        int has_indic = 0;
        while (q < n) {
            Py_UCS4 d = PyUnicode_READ(kind, data, q);
            if (is_indic(d)) has_indic = 1;
            else if (!is_alnum(d)) break;
            q++;
        }
        Py_ssize_t r = q;
        if (!has_indic && r + 1 < n) { /* alternative 2: [^\W_]+(?:['’](?![sS]\b)[^\W_]+)? */
            Py_UCS4 ap = PyUnicode_READ(kind, data, r), s1 = PyUnicode_READ(kind, data, r + 1);
            if ((ap == '\'' || ap == 0x2019) && is_alnum(s1)) {
                int boundary = r + 2 >= n || !is_word(PyUnicode_READ(kind, data, r + 2));
                if (!((s1 == 's' || s1 == 'S') && boundary)) {
                    r += 1;
                    while (r < n && is_alnum(PyUnicode_READ(kind, data, r))) r++;
                }
            }
        }
        int ascii = 1;
        for (Py_ssize_t i = p; i < r; i++)
            if (PyUnicode_READ(kind, data, i) >= 128) {
                ascii = 0;
                break;
            }
        PyObject *form = NULL;
        if (p > 0 && PyUnicode_READ(kind, data, p - 1) == '#') { /* a hashtag */
            if (!span_islower(kind, data, p, r) && !span_isupper(kind, data, p, r)) {
                if (append_humps(cols, kind, data, p, r, cols[6]) < 0) goto fail;
                p = r;
                continue;
            }
            if (append_long(cols[6], PyList_GET_SIZE(cols[0])) < 0) goto fail;
        }
        if (ascii) {
            form = lower_span(kind, data, p, r);
        } else {
            PyObject *word = PyUnicode_Substring(text, p, r);
            if (!word) goto fail;
            form = PyObject_GetItem(folded, word);
            Py_DECREF(word);
        }
        int tagged = p > 0 && PyUnicode_READ(kind, data, p - 1) == '#';
        if (append_token(cols, form, p, r, tagged || cap_of(c), tagged ? p : -1, tagged ? r : -1) < 0) goto fail;
        p = r;
    }
    return Py_BuildValue("(NNNNNNN)", cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]);
fail:
    for (int k = 0; k < 7; k++) Py_XDECREF(cols[k]);
    return NULL;
}

/* visit(forms, heads, flags, later) -> indices of the tokens worth a look, in order: those whose
 * flags[form] has bit 1, those with bit 2 whose next form is in later, and the hashtag heads. */
static PyObject *visit(PyObject *self, PyObject *args) {
    PyObject *forms, *heads, *flags, *later;
    if (!PyArg_ParseTuple(args, "O!O!OO!:visit", &PyList_Type, &forms, &PyList_Type, &heads, &flags, &PyDict_Type, &later))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(forms), nh = PyList_GET_SIZE(heads), h = 0;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        int take = 0;
        while (h < nh) {
            Py_ssize_t hv = PyLong_AsSsize_t(PyList_GET_ITEM(heads, h));
            if (hv == -1 && PyErr_Occurred()) goto fail;
            if (hv > i) break;
            if (hv == i) take = 1;
            h++;
        }
        if (!take) {
            PyObject *f = PyObject_GetItem(flags, PyList_GET_ITEM(forms, i));
            if (!f) goto fail;
            long fv = PyLong_AsLong(f);
            Py_DECREF(f);
            if (fv == -1 && PyErr_Occurred()) goto fail;
            if (fv & 1) take = 1;
            else if ((fv & 2) && i + 1 < n) {
                PyObject *nx = PyDict_GetItemWithError(later, PyList_GET_ITEM(forms, i + 1));
                if (!nx && PyErr_Occurred()) goto fail;
                take = nx != NULL;
            }
        }
        if (take && append_long(out, i) < 0) goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static inline int is_dec(int kind, const void *data, Py_ssize_t n, Py_ssize_t i) {
    return i < n && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i));
}

static inline int is_hem(Py_UCS4 c) {
    return c == 'N' || c == 'S' || c == 'E' || c == 'W' || c == 'n' || c == 's' || c == 'e' || c == 'w';
}

static inline int is_pin_char(int kind, const void *data, Py_ssize_t n, Py_ssize_t i) {
    if (i >= n) return 0;
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    return (c >= '2' && c <= '9') || c == 'C' || c == 'F' || c == 'J' || c == 'K' || c == 'L' || c == 'M' || c == 'P'
           || c == 'T';
}

static inline int is_sep(int kind, const void *data, Py_ssize_t n, Py_ssize_t i) {
    if (i >= n) return 0;
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    return c == '-' || c == ' ';
}

/* position_cues(text) -> bits of the checks geo._coordinates starts with, each whether its regular
 * expression matches anywhere in text: 1 _NUM_HINT \d(?:[.,]\d\d|\s?[NSEWnsew]\b), 2 _DIGIPIN_HINT
 * [2-9CFJKLMPT]{3}[- ][2-9CFJKLMPT]{3}[- ][2-9CFJKLMPT]{4}|[Dd][Ii][Gg][Ii][Pp][Ii][Nn], 4 _SIX_DIGITS
 * \d{3}\s?\d{3}. */
static PyObject *position_cues(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "position_cues() needs a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    long bits = 0;
    static const char digipin[] = "digipin";
    for (Py_ssize_t i = 0; i < n && bits != 7; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!(bits & 2)) {
            if (is_pin_char(kind, data, n, i) && is_pin_char(kind, data, n, i + 1) && is_pin_char(kind, data, n, i + 2)
                && is_sep(kind, data, n, i + 3) && is_pin_char(kind, data, n, i + 4) && is_pin_char(kind, data, n, i + 5)
                && is_pin_char(kind, data, n, i + 6) && is_sep(kind, data, n, i + 7) && is_pin_char(kind, data, n, i + 8)
                && is_pin_char(kind, data, n, i + 9) && is_pin_char(kind, data, n, i + 10)
                && is_pin_char(kind, data, n, i + 11))
                bits |= 2;
            else if ((c == 'D' || c == 'd') && i + 7 <= n) {
                int k = 1;
                for (; k < 7; k++) {
                    Py_UCS4 d = PyUnicode_READ(kind, data, i + k);
                    if (d != (Py_UCS4)digipin[k] && d != (Py_UCS4)(digipin[k] - 32)) break;
                }
                if (k == 7) bits |= 2;
            }
        }
        if (!Py_UNICODE_ISDECIMAL(c)) continue;
        if (!(bits & 1)) {
            if (i + 1 < n) {
                Py_UCS4 d = PyUnicode_READ(kind, data, i + 1);
                Py_ssize_t j = -1;
                if ((d == '.' || d == ',') && is_dec(kind, data, n, i + 2) && is_dec(kind, data, n, i + 3)) bits |= 1;
                else if (is_hem(d)) j = i + 1;
                else if (Py_UNICODE_ISSPACE(d) && i + 2 < n && is_hem(PyUnicode_READ(kind, data, i + 2))) j = i + 2;
                if (j >= 0 && (j + 1 >= n || !is_word(PyUnicode_READ(kind, data, j + 1)))) bits |= 1;
            }
        }
        if (!(bits & 4) && is_dec(kind, data, n, i + 1) && is_dec(kind, data, n, i + 2)) {
            if (is_dec(kind, data, n, i + 3) && is_dec(kind, data, n, i + 4) && is_dec(kind, data, n, i + 5)) bits |= 4;
            else if (i + 3 < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i + 3)) && is_dec(kind, data, n, i + 4)
                     && is_dec(kind, data, n, i + 5) && is_dec(kind, data, n, i + 6))
                bits |= 4;
        }
    }
    return PyLong_FromLong(bits);
}

static PyMethodDef methods[] = {
    {"columns", columns, METH_VARARGS, "Token columns of a text (see geo._text.token_columns)."},
    {"visit", visit, METH_VARARGS, "Indices of the tokens worth a look (see geo.geocoding.Geocoder._mentions)."},
    {"position_cues", position_cues, METH_O, "Which position finders can find anything (see geo._coordinates)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ctokens", "The geocoder's token scan in C.", -1, methods};

PyMODINIT_FUNC PyInit__ctokens(void) { return PyModule_Create(&module); }
