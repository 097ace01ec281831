"""semtel: semantic telemetry over human-AI conversations.

Nothing in this package imports Airflow; every pipeline step is a plain function.
"""

__version__ = "0.1.0"
