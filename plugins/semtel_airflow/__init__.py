"""Airflow glue for semtel: hooks, operators, triggers, notifiers, the weekly timetable and the report view; also
the Airflow provider ``semtel`` (``provider_info``). No heavy imports at module level: Airflow imports
``provider_info`` while it initialises and parses the DAG files that use the rest.

Endpoints of semtel's settings that name an Airflow connection are completed from it by
``hooks.endpoint_from_connection``, registered under the ``semtel.endpoint_resolvers`` entry point, so every
task, trigger and callback that loads settings gets it.
"""
