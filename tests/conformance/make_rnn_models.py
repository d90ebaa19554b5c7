#!/usr/bin/python3
"""Exports small torch LSTM/GRU/RNN models to ONNX into the model cache and prints the folder.

Runs under Debian's /usr/bin/python3 (torch 1.13). Weights are random but seeded. The models
cover bidirectional and stacked layers, batch-first inputs, initial states and per-sequence
lengths (packed sequences, which the exporter turns into the ONNX op's sequence_lens).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_cnn_models import versions  # noqa: E402
from model_cache import ensure_models  # noqa: E402

SEQ, BATCH, FEATURES, HIDDEN = 5, 3, 4, 6


def build(out_dir: Path):
    import torch

    def export(name, net, args, input_names, output_names, dynamic_axes=None):
        torch.manual_seed(0)
        net.eval()
        path = out_dir / f"{name}.onnx"
        torch.onnx.export(net, args, str(path), opset_version=14, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes)
        print(f"make_rnn_models: wrote {name}.onnx", file=sys.stderr)
        return path

    class Recurrent(torch.nn.Module):
        def __init__(self, cell, **kw):
            super().__init__()
            torch.manual_seed(0)
            self.rnn = cell(FEATURES, HIDDEN, **kw)

        def forward(self, x, *state):
            out = self.rnn(x, *state) if state else self.rnn(x)
            y, h = out
            return (y, *h) if isinstance(h, tuple) else (y, h)

    x = torch.randn(SEQ, BATCH, FEATURES)
    export("lstm_bidirectional_2layers", Recurrent(torch.nn.LSTM, num_layers=2, bidirectional=True),
           (x,), ["x"], ["y", "h", "c"], {"x": {0: "seq", 1: "batch"}})
    export("gru_bidirectional_batch_first", Recurrent(torch.nn.GRU, bidirectional=True, batch_first=True),
           (x.transpose(0, 1),), ["x"], ["y", "h"], {"x": {0: "batch"}})
    h0 = torch.randn(2, BATCH, HIDDEN)
    export("rnn_relu_initial_state", Recurrent(torch.nn.RNN, nonlinearity="relu", bidirectional=True),
           (x, h0), ["x", "h0"], ["y", "h"])

    class Packed(torch.nn.Module):
        """pack_padded_sequence -> recurrent layer -> pad_packed_sequence: the exporter feeds
        `lengths` to the ONNX op's sequence_lens (enforce_sorted=True adds no sorting)."""
        def __init__(self, cell, **kw):
            super().__init__()
            torch.manual_seed(0)
            self.rnn = cell(FEATURES, HIDDEN, **kw)

        def forward(self, x, lengths):
            # Random test inputs are integers in [0, 10]; a length must lie in [1, SEQ].
            lengths = torch.clamp(lengths, 1, SEQ)
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=True)
            out, h = self.rnn(packed)
            y, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=SEQ)
            return (y, *h) if isinstance(h, tuple) else (y, h)

    lengths = torch.tensor([5, 3, 2], dtype=torch.int64)
    export("lstm_bidirectional_seq_lens", Packed(torch.nn.LSTM, bidirectional=True), (x, lengths),
           ["x", "lengths"], ["y", "h", "c"])
    export("gru_bidirectional_2layers_seq_lens", Packed(torch.nn.GRU, num_layers=2, bidirectional=True),
           (x, lengths), ["x", "lengths"], ["y", "h"])


if __name__ == "__main__":
    print(ensure_models(Path(__file__), versions(), build))
