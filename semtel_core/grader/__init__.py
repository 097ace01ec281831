"""The grader re-check: flag rows for review, judge them with the grader prompt, re-classify the wrong ones
single-task with a stronger model, record verdicts and flips, report flip rates per classifier and strategy.

::

    table, report = grade_partition(results, conversations, settings, signals=embedding_rows)
    report.flip_rate_table()     # {"topic": {"multi": 0.12, "batch": 0.08}, ...}
"""
