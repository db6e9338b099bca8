# The matching tests' small market and their inline run starter: the backup test
# round-trips a published run.
from tests.kakehashi.matching.conftest import market, start  # noqa: F401
