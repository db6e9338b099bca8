# The matching tests' small market and their inline run starter: the backup test
# round-trips a published run.
from tests.kakehashi.matching.conftest import market, start  # noqa: F401

# The offers tests' page world: the cached home's tests publish a match in it.
from tests.kakehashi.offers.conftest import world  # noqa: F401
