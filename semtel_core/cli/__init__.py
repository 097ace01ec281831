"""The ``semtel`` command line (typer). Heavy imports happen inside commands so ``--help`` stays fast."""
