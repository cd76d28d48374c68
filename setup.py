"""The optional C token scanner of the geocoder (geo/_ctokens.c); all other settings are in pyproject.toml.

Without a C compiler the build goes on without it and geo._text falls back to the pure-Python scan,
which gives the same tokens (tests/unit/test_tokens.py holds the two to each other).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("geo._ctokens", ["geo/_ctokens.c"], optional=True, extra_compile_args=["-O2"])])
