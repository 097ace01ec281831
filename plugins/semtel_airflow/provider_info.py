"""The Airflow provider ``semtel``: what ``airflow providers list`` shows and the UI's Add Connection form uses.

Registered through the ``apache_airflow_provider`` entry point of the ``semtel`` distribution (setup.cfg), as the
official providers do. Kept import-light: Airflow calls it in every component.
"""

from __future__ import annotations

from typing import Any

CONN_TYPE = "semtel_llm"
_INTEGRATION = "semtel"


def _field(label: str, kind: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"label": label, "schema": {"type": [kind, "null"], **schema}, "description": description}


def get_provider_info() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "package-name": "semtel",
        "name": "semtel",
        "description": "Semantic telemetry: classify human-AI conversations with LLM classifiers, weekly.",
        "versions": [version("semtel")],
        "integrations": [{"integration-name": _INTEGRATION, "tags": ["ai"]}],
        "hooks": [{"integration-name": _INTEGRATION, "python-modules": ["semtel_airflow.hooks"]}],
        "operators": [
            {
                "integration-name": _INTEGRATION,
                "python-modules": ["semtel_airflow.operators", "semtel_airflow.spark"],
            }
        ],
        "triggers": [{"integration-name": _INTEGRATION, "python-modules": ["semtel_airflow.triggers"]}],
        "notifications": [
            "semtel_airflow.notifiers.SemtelEmailNotifier",
            "semtel_airflow.notifiers.SemtelWebhookNotifier",
        ],
        "extra-links": ["semtel_airflow.report_link.SemtelReportLink"],
        "plugins": [{"name": "semtel", "plugin-class": "semtel_airflow.plugin.SemtelPlugin"}],
        "connection-types": [
            {
                "hook-class-name": "semtel_airflow.hooks.SemtelEndpointHook",
                "hook-name": "semtel LLM endpoint",
                "connection-type": CONN_TYPE,
                "conn-fields": {
                    "model": _field("Model", "string", "Model (or Azure deployment's model) to call"),
                    "kind": _field(
                        "Kind", "string", "openai: any OpenAI-compatible server", enum=["openai", "azure"]
                    ),
                    "deployment": _field("Azure deployment", "string", "Azure OpenAI only"),
                    "api_version": _field("Azure API version", "string", "Azure OpenAI only"),
                    "rpm": _field("Requests per minute", "integer", "The key's limit, if known"),
                    "tpm": _field("Tokens per minute", "integer", "The key's limit, if known"),
                    "weight": _field("Weight", "number", "Share of traffic in a pool of endpoints"),
                    "timeout_s": _field("Timeout (s)", "number", "Per request"),
                },
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port", "login", "extra"],
                    "relabeling": {"host": "Base URL", "password": "API key"},
                    "placeholders": {
                        "host": "https://api.openai.com/v1 (or http://127.0.0.1:8765/v1, …)",
                        "password": "sk-… (any value for semtel's local endpoint)",
                        "model": "gpt-4o-mini",
                    },
                },
            }
        ],
    }
