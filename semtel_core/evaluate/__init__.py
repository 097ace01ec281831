"""Evaluation: A/B comparison of configurations with a gate, and embedding classifiers trained on gold labels.

- ``stats`` / ``consistency``: agreement, Cohen's kappa, confusion, distributions, chi-square, Jensen-Shannon
  divergence with paired bootstrap intervals; repeat-run consistency.
- ``compare`` / ``gate`` / ``report`` / ``ab_run``: ``semtel eval compare`` and the model-eval DAG.
- ``embedders`` / ``signals`` / ``features`` / ``selection`` / ``gold`` / ``train`` / ``artefact`` / ``predict`` /
  ``embedding_strategy``: ``semtel embed train`` (features computed once per conversation, feature set and
  decision rule chosen per classifier by CV on training data) and the engine's ``embedding`` strategy with its
  cascade.

See docs/evaluate.md. Modules are imported by name (nothing is re-exported here), so that importing one piece
does not pull in scikit-learn or the engine.
"""
