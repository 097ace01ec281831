"""Evaluation: A/B comparison of configurations with a gate, and embedding classifiers trained on gold labels.

- ``stats`` / ``consistency``: agreement, Cohen's kappa, confusion, distributions, chi-square, Jensen-Shannon
  divergence with paired bootstrap intervals; repeat-run consistency.
- ``compare`` / ``gate`` / ``report`` / ``ab_run``: ``semtel eval compare`` and the model-eval DAG.
- ``embedders`` / ``gold`` / ``train`` / ``artefact`` / ``predict`` / ``embedding_strategy``: ``semtel embed
  train`` and the engine's ``embedding`` strategy with its cascade.

See docs/evaluate.md. Modules are imported by name (nothing is re-exported here), so that importing one piece
does not pull in scikit-learn or the engine.
"""
