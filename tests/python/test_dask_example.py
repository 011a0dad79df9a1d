import os
import subprocess
import sys


def test_dask_example_matches_local(sample_pbf, root):
    # Run as a program, the way a user would; workers are separate processes that import countyscope.
    r = subprocess.run([sys.executable, str(root / "examples" / "dask_matrix.py"), sample_pbf],
                       capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "equals the local one" in r.stdout
