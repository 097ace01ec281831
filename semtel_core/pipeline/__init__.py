"""The weekly run's steps as plain functions: what each Airflow task calls, testable without Airflow."""
