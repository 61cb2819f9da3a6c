"""kill -9 of a station mid-pack, the database there: a real ``station pack`` process killed mid-order, on both
databases, then the same order, the same box, the same ticks, nothing doubled. The test lives with the pack
command's tests (tests/packing/test_cli.py); it is collected here too, not copied, so ``pytest tests/faults``
runs the whole fault suite."""

from tests.packing.test_cli import test_kill_9_mid_pack_loses_nothing_and_a_second_run_goes_on  # noqa: F401
