"""Files written whole or not at all."""

import pytest

from core.files import replaced_atomically


def test_the_file_is_replaced_when_the_block_ends(tmp_path):
    path = tmp_path / "sub" / "data.bin"
    with replaced_atomically(path) as out:
        out.write(b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in path.parent.iterdir()] == ["data.bin"]


def test_an_error_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), replaced_atomically(path, prefix=".x-") as out:
        out.write(b"half")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.bin"]
