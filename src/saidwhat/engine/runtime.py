"""Loading an int8 ONNX model and its wordpiece tokenizer for the CPU, the one way every learned
part does it (the engine's tagger, the statement embedder). No torch."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from saidwhat.errors import SaidwhatError


def modules(what: str, hint: str) -> tuple[Any, Any]:
    """``(onnxruntime, tokenizers.Tokenizer)``, or a one-line error naming what is missing."""
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise SaidwhatError("E014", f"{what} needs onnxruntime and tokenizers ({exc.name} is missing): "
                                    f"{hint}") from None
    return onnxruntime, Tokenizer


def session(onnxruntime: Any, graph: Path, threads: int) -> Any:
    """An inference session on the CPU with ``threads`` threads inside an operator."""
    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])
