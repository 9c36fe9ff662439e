"""crawler/diskqueue.py: JOBDIR queue files left by a killed crawl are repaired or set aside, never fatal."""

from queuelib.queue import LifoDiskQueue

from crawler.diskqueue import SIZE, repair


def written(path, *records, close=True):
    queue = LifoDiskQueue(path)
    for record in records:
        queue.push(record)
    if close:
        queue.close()
    else:
        queue.f.flush()  # what a SIGKILL leaves: the records, but not the count written at close


def test_a_cleanly_closed_queue_is_left_as_it_is(tmp_path):
    path = tmp_path / "q"
    written(path, b"one", b"two")
    before = path.read_bytes()
    repair(path)
    assert path.read_bytes() == before


def test_a_stale_count_is_restored_and_nothing_is_lost(tmp_path):
    path = tmp_path / "q"
    written(path, b"one", b"two", b"three", close=False)
    assert path.read_bytes()[: SIZE.size] == SIZE.pack(0)
    repair(path)
    queue = LifoDiskQueue(path)
    assert [queue.pop() for _ in range(4)] == [b"three", b"two", b"one", None]


def test_a_file_without_its_header_is_set_aside(tmp_path):
    path = tmp_path / "q"
    path.write_bytes(b"")  # created, killed before the first flush
    repair(path)
    assert not path.exists() and len(list(tmp_path.glob("q.damaged-*"))) == 1
    assert LifoDiskQueue(path).pop() is None


def test_a_torn_last_record_is_set_aside(tmp_path):
    path = tmp_path / "q"
    written(path, b"one", b"two")
    path.write_bytes(path.read_bytes()[:-2])
    repair(path)
    assert not path.exists() and list(tmp_path.glob("q.damaged-*"))
