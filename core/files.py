"""Files written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replaced_atomically(
    path: Path, *, prefix: str = ".tmp-", suffix: str = ""
) -> Iterator[BinaryIO]:
    """A binary file, beside `path`, that replaces `path` when the block ends without error.

    Readers see the old file or the new one, never half of one; on any error the temporary
    file is removed and `path` is left as it was. The folder is created if missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
