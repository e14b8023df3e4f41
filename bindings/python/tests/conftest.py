import sys
from pathlib import Path

# The conformance runner (tests/vectors.py) is a helper module of these tests.
sys.path.insert(0, str(Path(__file__).parent))
