"""Memos that are not part of a pickled index."""

from __future__ import annotations


class PickledWithoutMemos:
    """A class whose `MEMOS` attributes (dicts filled while reading texts) are left out of
    its pickle and start empty when it is loaded: the index cache holds what was built, not
    what one process happened to read."""

    MEMOS: tuple[str, ...] = ()

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in self.MEMOS:
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in self.MEMOS:
            setattr(self, name, {})
