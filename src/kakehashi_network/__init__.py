"""kakehashi_network: the partnership's network of organisations, and its measures.

Pure package: plain data in, plain data out; never imports Django. A *history* is a set
of organisations and a list of dated *activities* (an internship, a co-supervision, a
co-authored publication, a hire, a start-up, a follow-on contract). Every activity ties
each pair of the organisations it names; the first activity on a pair creates the tie.
``measure(history)`` answers, per year and for the whole history: new ties (cross-border,
cross-sector), ties that last, the conduits who created ties, brokerage (Burt's
effective size and constraint, betweenness), communities, and flows between regions.

>>> import kakehashi_network as kn
>>> h = kn.History.from_dict({
...     "organisations": {
...         "ubc": {"type": "university", "country": "CA", "region": "CA-BC"},
...         "atr": {"type": "research_institute", "country": "JP", "region": "JP-26"},
...     },
...     "activities": [
...         {"id": "i1", "year": 2026, "kind": "internship",
...          "organisations": ["ubc", "atr"], "people": ["intern:1"]},
...     ],
... })
>>> m = kn.measure(h)
>>> m["years"]["2026"]["ties_new"], m["years"]["2026"]["ties_new_cross_border"]
(1, 1)
>>> m["conduits"]
[{'person': 'intern:1', 'activity': 'i1', 'year': 2026, 'ties': [['atr', 'ubc']]}]
"""

from .history import SECTORS, History, HistoryError
from .measures import ENGINE_VERSION, measure

__all__ = ["ENGINE_VERSION", "SECTORS", "History", "HistoryError", "measure"]
