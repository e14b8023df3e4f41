import os

from hypothesis import settings

# Repeatable in CI (ci.sh sets HYPOTHESIS_PROFILE=ci): the examples are derived from each test,
# not drawn at random, and none are read from or saved to an example database. Run with the
# default profile (or JIXIAO_HYPOTHESIS_EXAMPLES=1000) to explore with fresh seeds; a failure
# found that way becomes a fixed example (@example) in the test.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
