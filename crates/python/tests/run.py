"""Runs the Python package's tests (unittest discovery in this folder) and prints one summary
line, `python: N passed, N failed, N skipped`; exit status 1 on any failure or error."""
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
result = unittest.TextTestRunner(verbosity=int(os.environ.get("SYMSHAPE_PYTEST_VERBOSE", "1"))).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
print(f"python: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or result.testsRun == 0 else 0)
