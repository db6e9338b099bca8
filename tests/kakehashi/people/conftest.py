# The matching tests' small market (a call, three projects, four candidates with rank
# lists, host rankings) and their inline run starter, for the personal-data tests.
from tests.kakehashi.matching.conftest import market, start  # noqa: F401
