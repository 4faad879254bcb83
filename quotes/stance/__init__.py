"""Stance classifier for quotes: favor / against / none toward a topic (no Django imports).

    from quotes.stance import StanceInput, get_model
    model = get_model()                      # lazily, inside the worker child
    model.predict([StanceInput(text=..., topic=..., context=..., speaker=...)])
"""

from .model import LABELS, StanceInput, StanceModel, StanceResult, get_model
from .training import HeadArtifact, train_head

__all__ = ["LABELS", "HeadArtifact", "StanceInput", "StanceModel", "StanceResult", "get_model", "train_head"]
