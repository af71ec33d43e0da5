"""Writes of the analytics: the recomputation (`compute`) and the curators' decisions on emerging
terms (`emerging`). Commands and tasks call these and stay thin."""
