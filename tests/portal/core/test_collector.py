import gc
import threading

import pytest

from portal.core.collector import BULK_THRESHOLD, fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds():
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_thresholds_are_raised_for_the_block_and_put_back_after():
    with fewer_collections():
        assert gc.get_threshold() == (BULK_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_are_put_back_when_the_work_fails():
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("import failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_already_set_is_kept():
    gc.set_threshold(200_000, 10, 10)
    with fewer_collections():
        assert gc.get_threshold()[0] == 200_000
    assert gc.get_threshold() == (200_000, 10, 10)


def test_overlapping_blocks_in_two_threads_restore_once_the_last_ends():
    first_inside, release_first = threading.Event(), threading.Event()

    def first():
        with fewer_collections():
            first_inside.set()
            release_first.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with fewer_collections():
        pass
    # The other block still runs: its raised threshold must survive this one's end.
    assert gc.get_threshold()[0] == BULK_THRESHOLD
    release_first.set()
    thread.join(5)
    assert gc.get_threshold() == (700, 10, 10)
