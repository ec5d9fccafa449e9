"""The short crash run in CI: 20 SIGKILLs of a queueing terminal; nothing lost, nothing doubled."""

from entry.bench.queue_crash import run_trials


def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path):
    result = run_trials(20, seed=20, max_run_s=1.2, workdir=tmp_path, quiet=True)
    assert result["kills"] == 20 and result["promised"] > 0
    assert result["lost"] == [] and result["doubled"] == []
    assert result["drained"]
    counts = result["queue"]["counts"]
    assert counts["pending"] == 0 and counts["dead"] == 0 and counts["quarantined"] == 0
    assert counts["delivered"] == result["at_backend"] >= result["promised"]
    assert result["queue"]["recovered_from"] is None
