"""Job kinds of match runs (registered at app start)."""
