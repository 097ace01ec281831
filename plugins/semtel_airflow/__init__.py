"""Airflow glue for semtel: hooks, operators, triggers and notifiers. No heavy imports at module level."""
