"""The trained classifier shipped with crisismap (see benchmarks/train_classifier.py)."""
