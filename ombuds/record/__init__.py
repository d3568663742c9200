"""The typed record: the vocabulary and the rules of a case's events (plain Python, no Django).

`roles` and `stages` are the shared words; `state` is what a case's events fold into;
`events` declares every kind of event once; the lifecycle table (`cases/lifecycle.py`)
points at those declarations and `cases/fold.py` folds them.
"""
