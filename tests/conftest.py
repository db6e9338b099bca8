"""Suite-wide fixtures. Engine tests (tests/kakehashi_match, tests/kakehashi_semantic)
use none of these and run without Django too (`pytest -p no:django`)."""
