"""``spark-submit`` application of the weekly DAG's Spark classify step (see ``spark_step.main``)."""

from __future__ import annotations

import sys

from semtel_core.pipeline.spark_step import main

if __name__ == "__main__":
    sys.exit(main())
