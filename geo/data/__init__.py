"""Data files that ship with :mod:`geo` (the national-highway table of :mod:`geo.roads`)."""
