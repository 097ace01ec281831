"""The local OpenAI-compatible endpoint: offline default models plus a rate-limit, latency and fault simulator.

Start it with ``semtel endpoint serve``; in tests use :func:`semtel_core.endpoint.testing.running_endpoint`.
Everything heavy (uvicorn, torch, sentence-transformers) is imported inside the functions that need it.
"""
