"""`cxwh`, the command line (`main.py`), with what its `pipeline` command needs: the
in-process Dagster run and its summary (`pipeline.py`) and the Dagster instance
(`instance.py`, `event_log.py`)."""
