"""The short crash run in CI: 20 SIGKILLs of a queueing terminal, its clock set back and forth and its
sequence file deleted between some of them; nothing lost, nothing doubled, no number repeated."""

from entry.bench.queue_crash import run_trials


def test_sigkill_clock_changes_and_lost_sequence_files_lose_and_double_nothing(tmp_path):
    result = run_trials(20, seed=20, max_run_s=1.2, workdir=tmp_path, quiet=True, clock_faults=0.5,
                        sequence_faults=0.5)
    assert result["kills"] == 20 and result["promised"] > 0
    assert result["clock_changes"] > 0 and result["sequence_losses"] > 0
    assert result["lost"] == [] and result["doubled"] == []
    assert result["drained"]
    counts = result["queue"]["counts"]
    assert counts["pending"] == 0 and counts["dead"] == 0 and counts["quarantined"] == 0 and counts["held"] == 0
    assert counts["delivered"] == result["at_backend"] >= result["promised"]
    assert result["queue"]["recovered_from"] is None
